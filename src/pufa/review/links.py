"""Internal links and #anchors in articles and hand-written pages: each must land on a page of
the site (an article, a page of docs/, a page pufa generates) or a file, and on a heading or
element that exists there, by the time the linking page is published.

MkDocs rewrites a link written as a file (``../../anli/2023/x.md``, ``/topics/gongzi.md``)
into the page's address, and leaves any other link as written, for the browser to resolve
from the page's own address (/ketang/2023/a/, not the folder the file sits in). Both are
resolved here the way they will be on the site.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pufa.content.body import is_local, position_of
from pufa.content.models import Article
from pufa.shared.errors import Problem
from pufa.shared.validation import did_you_mean

PAGE_SUFFIX = ".md"
SHOWN_ANCHORS = 8


class _LinksAndIds(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag == "a" and values.get("href") is not None and "headerlink" not in (values.get("class") or "").split():
            self.hrefs.append(values["href"] or "")

    handle_startendtag = handle_starttag


def links_and_ids(html: str) -> tuple[list[str], set[str]]:
    """The links a rendered page makes (not its headings' own ¶ links) and the ids it has."""
    parser = _LinksAndIds()
    parser.feed(html)
    parser.close()
    return parser.hrefs, parser.ids


@dataclass
class Target:
    """Something a link can land on. ``source`` is the file it comes from (for messages and for
    --changed-since); ``ids`` renders a page's anchors when first needed (None for a file)."""

    source: str
    ids: Callable[[], set[str]] | None = None
    article: Article | None = None
    _known: set[str] | None = None

    def anchors(self) -> set[str] | None:
        if self.ids is None:
            return None
        if self._known is None:
            self._known = self.ids()
        return self._known


def page_url(src_uri: str, directory_urls: bool = True) -> str:
    """The address (without the leading /) MkDocs gives a file of docs/."""
    if not src_uri.endswith(PAGE_SUFFIX):
        return src_uri
    folder, _, name = src_uri[: -len(PAGE_SUFFIX)].rpartition("/")
    prefix = f"{folder}/" if folder else ""
    if name in ("index", "README"):
        return prefix
    return f"{prefix}{name}/" if directory_urls else f"{prefix}{name}.html"


@dataclass(frozen=True)
class LinkingPage:
    """A page whose links are checked: where it is and when it is published."""

    src_uri: str
    source: Path
    body: str
    first_line: int
    html: str
    article: Article | None = None


class LinkChecker:
    """Resolves links against everything the site will have. ``generated`` lists the pages
    and files pufa generates (src_uri → page Markdown, or None for a data file); it is called
    only when a link points at something that is neither an article nor a file of docs/."""

    def __init__(self, pages: Mapping[str, Target], files: Mapping[str, Target], today: date,
                 generated: Callable[[], Mapping[str, str | None]], render_ids: Callable[[str], set[str]],
                 directory_urls: bool = True):
        self.today = today
        self.targets: dict[str, Target] = {**files, **pages}
        self._generated = generated
        self._render_ids = render_ids
        self._generated_loaded = False
        self._addresses: dict[str, Target] | None = None
        self.directory_urls = directory_urls

    def _all_generated(self) -> None:
        if self._generated_loaded:
            return
        self._generated_loaded = True
        for src_uri, content in self._generated().items():
            if src_uri not in self.targets:
                ids = (lambda text=content: self._render_ids(text)) if content is not None else None
                kind = "生成的页面" if content is not None else "生成的文件"
                self.targets[src_uri] = Target(f"{kind} /{page_url(src_uri, self.directory_urls)}", ids)

    def _by_file(self, file: str) -> Target | None:
        if file not in self.targets:
            self._all_generated()
        return self.targets.get(file)

    def _by_address(self, address: str) -> Target | None:
        self._all_generated()
        if self._addresses is None:
            self._addresses = {page_url(uri, self.directory_urls): target for uri, target in self.targets.items()}
        for candidate in (address, address.rstrip("/") + "/" if address else ""):
            if candidate in self._addresses:
                return self._addresses[candidate]
        return None

    def problems(self, page: LinkingPage) -> list[Problem]:
        hrefs, _ = links_and_ids(page.html)
        problems: list[Problem] = []
        searched_from: dict[str, int] = {}
        for href in hrefs:
            found = self._problem(page, href)
            if found is None:
                continue
            message, hint, related = found
            line = column = None
            offset = page.body.find(href, searched_from.get(href, 0)) if href else -1
            if offset >= 0:
                searched_from[href] = offset + len(href)
                line = page.first_line + page.body.count("\n", 0, offset)
                column = offset - (page.body.rfind("\n", 0, offset) + 1) + 1
            elif position := position_of(href, page.body, page.first_line):
                line, column = position
            problems.append(Problem(page.source, message, line, column=column, hint=hint, related=related))
        return problems

    def _problem(self, page: LinkingPage, href: str) -> tuple[str, str | None, tuple[str, ...]] | None:
        if not is_local(href):
            return None
        parts = urlsplit(href.strip())
        path, fragment = unquote(parts.path), unquote(parts.fragment)
        here = self.targets.get(page.src_uri)
        if not path:
            target, related = here, ()
        else:
            target, related, failure = self._resolve(page, path, href)
            if failure:
                return failure
        if target is None:
            return None
        if target.article is not None and (late := self._not_yet_published(page, target.article)):
            return f"链接 {href} 指向的文章 {target.source} {late}", "链接的文章要先于或与本文同时发布", related
        anchors = target.anchors()
        if fragment and anchors is not None and fragment not in anchors:
            where = "本文" if target is here else f"{'' if target.source.startswith('生成') else ' '}{target.source} "
            shown = "、".join(f"#{a}" for a in sorted(anchors)[:SHOWN_ANCHORS]) or "（没有）"
            return (f"链接 {href} 中的锚点 #{fragment} 在{where}中找不到{did_you_mean(fragment, anchors)}",
                    f"锚点是小标题的文字（去掉标点，英文小写，空格换成 -），或 {{#名称}} 指定的名称；可用的锚点：{shown}", related)
        return None

    def _resolve(self, page: LinkingPage, path: str, href: str):
        """(target, related files, problem): the target of a link's path, or why there is none."""
        folder = posixpath.dirname(page.src_uri)
        file = posixpath.normpath(path.lstrip("/") if path.startswith("/") else posixpath.join(folder, path))
        inside = not (file == ".." or file.startswith("../"))
        related = (f"articles/{file}", f"docs/{file}") if inside else ()
        target = self._by_file(file) if inside else None
        if target is not None:
            return target, (target.source,), None
        if path.endswith(PAGE_SUFFIX):
            suggestion = did_you_mean(file, [uri for uri in self.targets if uri.endswith(PAGE_SUFFIX)])
            return None, related, (
                f"链接 {href} 指向的 {file} 不存在{suggestion}",
                "链接本站文章请写相对于本文所在目录的 .md 路径，如 ../../anli/2023/文件名.md（改名或删除的文章要同时改链接）", related)
        base = page_url(page.src_uri, self.directory_urls)
        if path.startswith("/"):  # mkdocs.yml: absolute_links relative_to_docs, checked as files
            found = self._by_address(path.lstrip("/"))
            written = next((f"/{uri}" for uri, t in self.targets.items() if t is found), None) if found else None
            return None, related, (
                f"链接 {href} 指向的 {file} 不是网站的文件" + (f"（是否为“{written}”？）" if written else ""),
                "以 / 开头的链接按 docs/ 中的文件检查：请写 .md 文件路径，如 /topics/index.md、/archive.md", related)
        address = _join_address(base, path)
        if address is not None and (target := self._by_address(address)) is not None:
            return target, (target.source,), None
        if address is None:
            return None, related, (f"链接 {href} 超出了本站的范围", f"相对链接从网页地址 /{base} 算起；本站页面请写 .md 文件路径", related)
        return None, related, (
            f"链接 {href} 在网页上指向 /{address}，那里没有页面",
            f"不以 .md 结尾的相对链接从网页地址 /{base} 算起，而不是从文件所在目录；"
            "链接本站页面请写 .md 文件路径（如 ../../anli/2023/文件名.md），构建时会检查并换成正确的网址", related)

    def _not_yet_published(self, page: LinkingPage, target: Article) -> str | None:
        """Why the linked article will not be there when the linking page is."""
        linking = page.article
        if target.meta.draft and not (linking and linking.meta.draft):
            return "还是草稿（draft: true），本文发布后这个链接会失效"
        published = linking.meta.date if linking else self.today
        if target.meta.date > published and not (linking and linking.meta.draft):
            return f"定于 {target.meta.date} 发布，晚于本文（{published}），在此之前链接会失效"
        return None


def _join_address(base: str, path: str) -> str | None:
    """A relative address resolved as a browser does from the page at ``base``."""
    joined = posixpath.join(base, path)
    normal = posixpath.normpath(joined)
    if normal == ".." or normal.startswith("../"):
        return None
    normal = "" if normal == "." else normal
    return normal + "/" if path.endswith("/") and normal else normal


def link_problems(checker: LinkChecker, pages: Iterable[LinkingPage]) -> list[Problem]:
    return [problem for page in pages for problem in checker.problems(page)]
