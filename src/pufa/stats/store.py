"""Reading figures: the committed store under data/stats/ and matching export rows to articles.

Every export is a cumulative snapshot "as of" a day, so the store keeps, per article,
source and day, the figures as of that day: importing the same or an overlapping export
again rewrites the same numbers and never adds them up twice. An article's reads from a
source are its newest snapshot. Rows are matched by the article's `wechat` URL, then by
its path on the site, then by its exact normalised title; a row that matches no article,
or more than one, is never guessed but reported and kept for the editors, who can map it
in data/stats/aliases.yml.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qsl, urlsplit

from pufa.content.models import Article
from pufa.shared.cache import Memo, content_hash
from pufa.shared.errors import ContentError, Problem
from pufa.shared.formats import comparable_text
from pufa.shared.records import read_document

SOURCES = ("wechat", "web")
SOURCE_NAMES = {"wechat": "公众号", "web": "网站"}
STORE_FIELDS = ("article", "source", "as_of", "reads", "readers")
WECHAT_ID_PARAMS = ("__biz", "mid", "idx", "sn")


class ReadRow(NamedTuple):
    """One row of an export, before matching: what identifies the page, and its figures.
    A tuple, not a dataclass: a web export can have a million of them."""

    source: str  # wechat | web
    row: int  # as the user sees it in the file
    as_of: date
    reads: int
    readers: int | None = None
    title: str | None = None
    url: str | None = None
    path: str | None = None
    daily_from: date | None = None
    """Set when the figures are what was read from this day to ``as_of``, not a cumulative
    total (getarticlesummary): the importer adds them to the day before's snapshot."""

    @classmethod
    def web(cls, row: int, as_of: date, reads: int, readers: int | None, path: str) -> ReadRow:
        """A web page's row, made a quarter as slowly as through keywords (a million per export)."""
        return tuple.__new__(cls, ("web", row, as_of, reads, readers, None, None, path, None))


class Skipped(NamedTuple):
    """A row that holds no figures for an article (blank, 合计, not an article page...)."""

    row: int
    reason: str


@dataclass(frozen=True, slots=True)
class Snapshot:
    article: str  # the article's key: its site path without slashes around, e.g. ketang/2023/jiabanfei-zenme-suan
    source: str
    as_of: date
    reads: int
    readers: int | None


def article_key(article: Article) -> str:
    return article.url.strip("/")


def normalise_wechat_url(url: str) -> str | None:
    """The part of an official-account link that names the article: /s/<id>, or the
    __biz, mid, idx and sn parameters of the long form (chksm, scene... vary per share)."""
    parts = urlsplit(url.strip())
    if parts.hostname != "mp.weixin.qq.com":
        return None
    if parts.path.startswith("/s/") and len(parts.path) > 3:
        return "wechat:" + parts.path.rstrip("/")
    params = dict(parse_qsl(parts.query))
    if parts.path in ("/s", "/s/") and all(params.get(name) for name in WECHAT_ID_PARAMS):
        return "wechat:" + "&".join(f"{name}={params[name]}" for name in WECHAT_ID_PARAMS)
    return None


def normalise_path(value: str) -> str | None:
    """A site path from a full URL or a path: /ketang/2023/x/ and …/x/index.html alike."""
    text = value.strip()
    if not text:
        return None
    path = urlsplit(text).path if "://" in text else text.split("?", 1)[0].split("#", 1)[0]
    if "index.htm" in path:  # most addresses are not: the pattern only for those that are
        path = _INDEX_PAGE.sub("/", path)
    return path.strip("/") or None


_INDEX_PAGE = re.compile(r"/index\.html?$")




def normalise_title(title: str) -> str:
    """Full-width and half-width alike, spaces and punctuation gone: 《加班费》怎么算？ = 加班费怎么算."""
    return comparable_text(title)


@dataclass(frozen=True)
class Match:
    article: Article | None
    reason: str  # how it matched, or why not


class ArticleMatcher:
    """Finds the article a row is about, or says why it cannot, without guessing."""

    def __init__(self, articles: Iterable[Article], aliases: dict[str, str] | None = None):
        self.articles = list(articles)
        by_key = {article_key(a): a for a in self.articles}
        self._wechat: dict[str, list[Article]] = {}
        for article in self.articles:
            key = normalise_wechat_url(article.meta.wechat) if article.meta.wechat else None
            if key:
                self._wechat.setdefault(key, []).append(article)
        self._paths = dict(by_key)
        self._titles: dict[str, list[Article]] = {}
        for article in self.articles:
            self._titles.setdefault(normalise_title(article.meta.title), []).append(article)
        self._aliases: dict[str, Article] = {}
        for name, target in (aliases or {}).items():
            if target.strip("/") in by_key:
                for form in _identifying_forms(name, name, name):
                    self._aliases[form] = by_key[target.strip("/")]

    def has_path_alias(self, site_path: str | None) -> bool:
        """Whether an old or odd page address (already normalised) is mapped to an article."""
        return site_path is not None and "path:" + site_path in self._aliases

    def match_site_path(self, site_path: str) -> Match:
        """What ``match`` finds for a row that has only a page address with a slash in it and
        no WeChat link, given that address normalised: an alias, then the article's path."""
        if "path:" + site_path in self._aliases:
            return Match(self._aliases["path:" + site_path], "别名")
        if site_path in self._paths:
            return Match(self._paths[site_path], "网站路径")
        return Match(None, "找不到对应的文章")

    def match(self, row: ReadRow) -> Match:
        for form in _identifying_forms(row.url, row.path, row.title):
            if form in self._aliases:
                return Match(self._aliases[form], "别名")
        if row.url:
            key = normalise_wechat_url(row.url)
            found = self._wechat.get(key, []) if key else []
            if len(found) == 1:
                return Match(found[0], "公众号链接")
            if len(found) > 1:
                return Match(None, f"公众号链接与 {len(found)} 篇文章相同，无法确定")
        for value in (row.path, row.url):
            path = normalise_path(value) if value and "mp.weixin.qq.com" not in value else None
            if path and path in self._paths:
                return Match(self._paths[path], "网站路径")
        if row.title:
            found = self._titles.get(normalise_title(row.title), [])
            if len(found) == 1:
                return Match(found[0], "标题")
            if len(found) > 1:
                return Match(None, f"标题与 {len(found)} 篇文章相同，无法确定")
        return Match(None, "找不到对应的文章")


def _identifying_forms(url: str | None, path: str | None, title: str | None) -> list[str]:
    """The normalised forms an alias is compared in: a WeChat link, a site path, a title."""
    forms = []
    for value in (url, path):
        if value and value.strip():
            wechat = normalise_wechat_url(value) if "mp.weixin.qq.com" in value else None
            if wechat:
                forms.append(wechat)
            elif "/" in value:
                site_path = normalise_path(value)
                if site_path:
                    forms.append("path:" + site_path)
    if title and title.strip():
        forms.append("title:" + normalise_title(title))
    return forms


_KEPT_STORE: dict[Path, tuple[str, dict[tuple[str, str, date], Snapshot]]] = {}
"""The store as last read by ``read_store(..., keep=True)``, by path, with its bytes' hash."""


def read_store(path: Path, keep: bool = False) -> dict[tuple[str, str, date], Snapshot]:
    """The snapshots of data/stats/reads.csv (none when there is no such file); a damaged
    store is a ContentError naming the line and the cause. ``keep``: hold on to what was read
    for the next call with the same bytes (`mkdocs serve`, whose every rebuild read and parsed
    100,000 rows again; a single build lets go of them once counted)."""
    if not path.exists():
        return {}
    restore = "请用 git 恢复此文件后重新导入"
    if not path.is_file():
        raise ContentError([Problem(path, f"阅读数据存档应为一个文件，这里不是文件；{restore}")])
    data = path.read_bytes()
    kept = _KEPT_STORE.pop(path, None)
    if keep and kept is not None and kept[0] == content_hash(data):
        _KEPT_STORE[path] = kept
        return dict(kept[1])
    snapshots = _parsed_store(path, data, restore)
    if keep:
        _KEPT_STORE[path] = (content_hash(data), snapshots)
        return dict(snapshots)
    return snapshots


def _parsed_store(path: Path, data: bytes, restore: str) -> dict[tuple[str, str, date], Snapshot]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ContentError([Problem(path, f"阅读数据存档不是 UTF-8 编码的文本；{restore}", line)]) from None
    snapshots = {}
    days: dict[str, date] = {}  # 100,000 rows hold a few dozen dates and a few thousand articles: share them
    rows = csv.reader(io.StringIO(text))
    header: list[str] = []
    line = 1
    try:
        header = next(rows, [])
        article, source, as_of_at, reads, readers = (header.index(field) for field in STORE_FIELDS)
        for line, row in enumerate(rows, start=2):
            if not row:
                continue  # a blank line
            as_of = days.get(row[as_of_at])
            if as_of is None:
                as_of = days[row[as_of_at]] = date.fromisoformat(row[as_of_at])
            snapshot = Snapshot(sys.intern(row[article]), sys.intern(row[source]), as_of, int(row[reads]),
                                int(row[readers]) if row[readers] else None)
            if snapshot.source not in SOURCES:
                raise ValueError(f"来源应为 {' 或 '.join(SOURCES)}，实际为 {snapshot.source}")
            if snapshot.reads < 0 or (snapshot.readers or 0) < 0:
                raise ValueError("阅读数不能为负数")
            snapshots[(snapshot.article, snapshot.source, snapshot.as_of)] = snapshot
    except ValueError as exc:
        cause = f"缺少 {', '.join(f for f in STORE_FIELDS if f not in header)} 列" if line == 1 else f"{type(exc).__name__}: {exc}"
        problem = f"阅读数据存档格式错误（{cause}），应为 {','.join(STORE_FIELDS)} 各列；{restore}"
        raise ContentError([Problem(path, problem, line)]) from None
    except IndexError:
        problem = f"阅读数据存档格式错误（这一行的列数不足），应为 {','.join(STORE_FIELDS)} 各列；{restore}"
        raise ContentError([Problem(path, problem, line)]) from None
    except csv.Error as exc:
        raise ContentError([Problem(path, f"阅读数据存档格式错误（{exc}）；{restore}", line + 1)]) from None
    return snapshots


@dataclass(frozen=True)
class StoreSummary:
    """What `pufa check` says of the store: how many snapshots, as of when, of which articles."""

    count: int
    newest: date | None
    articles: frozenset[str]


def summarise_store(path: Path, root: Path) -> StoreSummary:
    """read_store's verdict on the store, summarised; kept by the file's bytes (reading 100,000
    snapshots was the largest part of a `pufa check` with everything else known)."""
    if not path.is_file():
        read_store(path)  # absent: nothing; anything else: says what is wrong
        return StoreSummary(0, None, frozenset())
    data = path.read_bytes()
    memo = Memo("store-summary", {}, lambda value: isinstance(value, list) and len(value) == 3).load(root)
    key = content_hash(data)
    known = memo.lookup(key)
    if known is None:
        snapshots = read_store(path).values()
        newest = max((s.as_of for s in snapshots), default=None)
        known = [len(snapshots), newest.isoformat() if newest else None, sorted({s.article for s in snapshots})]
        memo.put(key, known)
        memo.save(root)
    count, newest_text, articles = known
    return StoreSummary(count, date.fromisoformat(newest_text) if newest_text else None, frozenset(articles))


def render_store(snapshots: Iterable[Snapshot]) -> str:
    """The store as CSV, sorted, so the same figures always give the same bytes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(STORE_FIELDS)
    for s in sorted(snapshots, key=lambda s: (s.article, s.source, s.as_of)):
        writer.writerow([s.article, s.source, s.as_of.isoformat(), s.reads, "" if s.readers is None else s.readers])
    return buffer.getvalue()


@dataclass(frozen=True)
class Reads:
    wechat: int = 0
    web: int = 0

    @property
    def total(self) -> int:
        return self.wechat + self.web

    def __add__(self, other: Reads) -> Reads:
        return Reads(self.wechat + other.wechat, self.web + other.web)


def load_aliases(path: Path, articles: Iterable[Article], root: Path | None = None) -> dict[str, str]:
    """data/stats/aliases.yml: an export's title or URL → the article's path (ketang/2023/slug).

    A mapping to an article that does not exist would silently match nothing, so it is an
    error naming the line."""
    problems: list[Problem] = []
    doc = read_document(path, root, problems) if path.is_file() else None
    if problems:
        raise ContentError(problems)
    if doc is None or doc.data is None:
        return {}
    example = "如 旧标题: ketang/2023/jiabanfei-zenme-suan"
    if not isinstance(doc.data, dict):
        raise ContentError([Problem(doc.path, f"应为“导出中的标题或链接: 文章路径”形式的映射，{example}")])
    known = {article_key(a) for a in articles}
    for name, target in doc.data.items():
        line = doc.lines.get(str(name))
        if not isinstance(name, str) or not isinstance(target, str):
            problems.append(Problem(doc.path, f"“{name}: {target}”应为“导出中的标题或链接: 文章路径”，{example}", line))
        elif target.strip("/") not in known:
            problems.append(Problem(doc.path, f"“{name}”指向的文章 {target} 不存在；文章路径是网址中栏目/年份/文件名一段，{example}", line))
    if problems:
        raise ContentError(problems)
    return doc.data
