"""Internal links and #anchors in articles and hand-written pages: each must land on a page of
the site (an article, a page of docs/, a page pufa generates) or a file, and on a heading or
element that exists there, by the time the linking page is published.

Resolved as the site will resolve them. MkDocs rewrites a Markdown link that names a file
(``../../anli/2023/x.md``, ``/topics/index.md``, ``images/tu.svg``) into the page's address and
fails the strict build when the file or anchor is missing; a relative link without a suffix
(``../x/``) it leaves as written, and so it does every link written in raw HTML (``<a href>``):
those the browser resolves from the page's own address (/ketang/2023/a/), not from the folder
the file sits in.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from pufa.content.body import is_local, position_of
from pufa.content.models import Article
from pufa.shared.errors import Problem
from pufa.shared.validation import did_you_mean
from pufa.site.addresses import page_address

PAGE_SUFFIX = ".md"
SHOWN_ANCHORS = 8
SUGGESTIONS = 20
"""Guessing what a broken link meant compares it with every page; do it for this many only."""


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


class _MarkdownLinks(Treeprocessor):
    """Runs where MkDocs rewrites links: what it sees are the links MkDocs will rewrite."""

    def __init__(self, md, found: list[str]) -> None:
        super().__init__(md)
        self.found = found

    def run(self, root) -> None:
        self.found.extend(element.get("href") for element in root.iter("a") if element.get("href") is not None)


class MarkdownLinks(Extension):
    """Collects the hrefs of Markdown links (not those of raw HTML) of the last conversion."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def extendMarkdown(self, md) -> None:  # noqa: N802 (Python-Markdown's name)
        md.treeprocessors.register(_MarkdownLinks(md, self.found), "pufa_markdown_links", 0)

    def reset(self) -> None:
        self.found.clear()


@dataclass
class Target:
    """Something a link can land on. ``source`` is the file it comes from (for messages and for
    --changed-since); ``ids`` renders a page's anchors when first needed (None for a file)."""

    source: str
    ids: Callable[[], set[str]] | None = None
    article: Article | None = None
    _known: set[str] | None = field(default=None, repr=False)

    def anchors(self) -> set[str] | None:
        if self.ids is None:
            return None
        if self._known is None:
            self._known = self.ids()
        return self._known


@dataclass(frozen=True)
class LinkingPage:
    """A page whose links are checked: where it is, its source, its HTML, which of the HTML's
    links were written in Markdown, all of them, and (for an article) when it is published."""

    src_uri: str
    source: Path
    body: str
    first_line: int
    html: str
    markdown_hrefs: tuple[str, ...]
    links: tuple[str, ...]
    """Every link of the HTML (see links_and_ids), in order."""
    article: Article | None = None


Failure = tuple[str, str | None, tuple[str, ...]]
"""A broken link: message, hint, and the files whose change can have broken it."""


@dataclass(frozen=True)
class _Found:
    target: Target
    related: tuple[str, ...]


class LinkChecker:
    """Resolves links against everything the site will have. ``generated`` lists the pages and
    files pufa generates (src_uri → page Markdown, or None for a data file); it is called only
    when a link needs something that is neither an article nor a file of docs/."""

    def __init__(self, pages: Mapping[str, Target], files: Mapping[str, Target], today: date,
                 generated: Callable[[], Mapping[str, str | None]], render_ids: Callable[[str], set[str]],
                 directory_urls: bool = True):
        self.today = today
        self.targets: dict[str, Target] = {**files, **pages}
        self._generated = generated
        self._generated_content: dict[str, str | None] | None = None
        self._render_ids = render_ids
        self._addresses: dict[str, Target] | None = None
        self._suggestions_left = SUGGESTIONS
        self.directory_urls = directory_urls

    def _all_generated(self) -> dict[str, str | None]:
        if self._generated_content is None:
            self._generated_content = dict(self._generated())
            for src_uri, content in self._generated_content.items():
                if src_uri not in self.targets:
                    ids = (lambda text=content: self._render_ids(text)) if content is not None else None
                    kind = "生成的页面" if content is not None else "生成的文件"
                    self.targets[src_uri] = Target(f"{kind} /{page_address(src_uri, self.directory_urls)}", ids)
        return self._generated_content

    def _by_file(self, file: str) -> Target | None:
        if file not in self.targets:
            self._all_generated()
        return self.targets.get(file)

    def _by_address(self, address: str) -> Target | None:
        self._all_generated()
        if self._addresses is None:
            self._addresses = {page_address(uri, self.directory_urls): target for uri, target in self.targets.items()}
        for candidate in (address, address.rstrip("/") + "/" if address else ""):
            if candidate in self._addresses:
                return self._addresses[candidate]
        return None

    def _page_anchors(self, src_uri: str) -> set[str]:
        content = self._all_generated().get(src_uri)
        return self._render_ids(content) if content else set()

    def _suggest(self, wrong: str, choices: Iterable[str]) -> str:
        if self._suggestions_left <= 0:
            return ""
        self._suggestions_left -= 1
        return did_you_mean(wrong, list(choices))

    def problems(self, page: LinkingPage) -> list[Problem]:
        hrefs = page.links
        written_in_markdown = Counter(page.markdown_hrefs)
        searchable = _without_code(page.body)
        problems: list[Problem] = []
        searched_from: dict[str, int] = {}
        cursor = 0  # links are mostly written in the order they appear
        for href in hrefs:
            markdown = written_in_markdown[href] > 0
            if markdown:
                written_in_markdown[href] -= 1
            failure = self._problem(page, href, markdown)
            start = searched_from.get(href, 0)
            offset = _link_offset(searchable, href, max(start, cursor))
            if offset is None and cursor > start:
                offset = _link_offset(searchable, href, start)
            if offset is not None:
                searched_from[href] = cursor = offset + max(len(href), 1)
            if failure is None:
                continue
            message, hint, related = failure
            line = column = None
            if offset is not None:
                line = page.first_line + page.body.count("\n", 0, offset)
                column = offset - (page.body.rfind("\n", 0, offset) + 1) + 1
            elif position := position_of(href, page.body, page.first_line):
                line, column = position
            problems.append(Problem(page.source, message, line, column=column, hint=hint, related=related))
        return problems

    def _problem(self, page: LinkingPage, href: str, markdown: bool) -> Failure | None:
        if not is_local(href) or href.strip().lower().startswith(("mailto:", "tel:")):
            return None
        parts = urlsplit(href.strip())
        path = unquote(parts.path)
        here = self.targets.get(page.src_uri)
        if not path:
            if here is None:
                return None
            target, related = here, ()
        else:
            resolved = self._resolve(page, path, href, markdown)
            if not isinstance(resolved, _Found):
                return resolved
            target, related = resolved.target, resolved.related
        if target.article is not None and (late := self._not_yet_published(page, target.article)):
            return f"链接 {href} 指向的文章 {target.source} {late}", "链接的文章要先于或与本文同时发布", related
        return self._anchor_problem(page, target, here, href, parts.fragment, markdown, related)

    def _anchor_problem(self, page: LinkingPage, target: Target, here: Target | None, href: str, fragment: str,
                        markdown: bool, related: tuple[str, ...]) -> Failure | None:
        anchors = target.anchors()
        if not fragment or anchors is None:
            return None
        wanted = fragment if markdown else unquote(fragment)  # MkDocs compares the anchor as written
        if wanted not in anchors and target.article is not None:
            anchors = anchors | self._page_anchors(target.article.src_uri)
        if wanted in anchors:
            return None
        where = "本文" if target is here else f"{'' if target.source.startswith('生成') else ' '}{target.source} "
        if unquote(fragment) in anchors:
            return (f"链接 {href} 中的锚点是编码后的写法", f"请直接写 #{unquote(fragment)}（MkDocs 按原样核对锚点）", related)
        shown = "、".join(f"#{a}" for a in sorted(anchors)[:SHOWN_ANCHORS]) or "（没有）"
        return (f"链接 {href} 中的锚点 #{wanted} 在{where}中找不到{self._suggest(wanted, anchors)}",
                f"锚点是小标题的文字（去掉标点，英文小写，空格换成 -），或 {{#名称}} 指定的名称；可用的锚点：{shown}", related)

    def _resolve(self, page: LinkingPage, path: str, href: str, markdown: bool) -> _Found | Failure:
        folder = posixpath.dirname(page.src_uri)
        base = page_address(page.src_uri, self.directory_urls)
        absolute = path.startswith(("/", "\\"))
        if not markdown:  # raw HTML: left as written, the browser resolves it
            if path.endswith(PAGE_SUFFIX):
                return (f"链接 {href} 写在 HTML 中，不会被换成网页地址，在网页上会找不到",
                        "链接本站文章请用 Markdown 写法 [文字](../../anli/2023/文件名.md)，构建时会检查并换成正确的网址", ())
            return self._by_browser(page, path.lstrip("/") if absolute else _join_address(base, path), href, base)
        file = posixpath.normpath(path.lstrip("/\\") if absolute else posixpath.join(folder, path))
        inside = not (file == ".." or file.startswith("../"))
        related = _sources(file) if inside else ()
        target = self._by_file(file) if inside else None
        if target is not None:
            return _Found(target, (target.source,))
        if absolute:  # mkdocs.yml: absolute_links relative_to_docs, so checked as a file
            found = self._by_address(path.lstrip("/"))
            written = next((f"/{uri}" for uri, t in self.targets.items() if t is found), None) if found else None
            return (f"链接 {href} 指向的 {file} 不是网站的文件" + (f"（是否为“{written}”？）" if written else ""),
                    "以 / 开头的链接按 docs/ 中的文件检查：请写 .md 文件路径，如 /topics/index.md、/archive.md", related)
        if posixpath.splitext(path)[1]:  # names a file: MkDocs checks it
            candidates = [uri for uri in self.targets if uri.endswith(posixpath.splitext(path)[1])]
            return (f"链接 {href} 指向的 {file} 不存在{self._suggest(file, candidates)}",
                    "链接本站的文章或图片请写相对于本文所在目录的路径，如 ../../anli/2023/文件名.md"
                    "（改名或删除的文章要同时改链接）", related)
        return self._by_browser(page, _join_address(base, path), href, base)

    def _by_browser(self, page: LinkingPage, address: str | None, href: str, base: str) -> _Found | Failure:
        if address is None:
            return (f"链接 {href} 超出了本站的范围", f"相对链接从网页地址 /{base} 算起；本站页面请写 .md 文件路径", ())
        target = self._by_address(address)
        if target is not None:
            return _Found(target, (target.source,))
        stem = address.rstrip("/")
        related = _sources(f"{stem}.md") + _sources(f"{stem}/index.md") if stem else ()
        return (f"链接 {href} 在网页上指向 /{address}，那里没有页面",
                f"不以 .md 结尾的相对链接从网页地址 /{base} 算起，而不是从文件所在目录；"
                "链接本站页面请写 .md 文件路径（如 ../../anli/2023/文件名.md），构建时会检查并换成正确的网址", related)

    def _not_yet_published(self, page: LinkingPage, target: Article) -> str | None:
        """Why the linked article will not be there while the linking page is."""
        linking = page.article
        if linking is not None and linking.meta.draft:
            return None
        if target.meta.draft:
            return "还是草稿（draft: true），本文发布后这个链接会失效"
        published = max(linking.meta.date, self.today) if linking else self.today
        if target.meta.date > published:
            return f"定于 {target.meta.date} 发布，晚于本文（{published}），在此之前链接会失效"
        return None


def _sources(src_uri: str) -> tuple[str, ...]:
    """The repository files a site path can come from."""
    return (f"articles/{src_uri}", f"docs/{src_uri}")


_CODE = re.compile(r"```.*?```|~~~.*?~~~|`[^`\n]*`", re.DOTALL)


def _without_code(text: str) -> str:
    """The text with code blanked out (same length and lines), where no link can be."""
    return _CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


_BEFORE_TARGET = ("](", "](<", "]: ", "]:", 'href="', "href='")
_AFTER_TARGET = ")> \t\n\"'"


def _link_offset(text: str, href: str, start: int) -> int | None:
    """Where ``href`` is written as a link's target, from ``start``: after ( or < or ]: or
    href=, and followed by what ends a target; else where it first appears at all."""
    if not href:
        return None
    first = position = text.find(href, start)
    while position >= 0:
        end = position + len(href)
        if text[max(0, position - 6):position].endswith(_BEFORE_TARGET) and (end == len(text) or text[end] in _AFTER_TARGET):
            return position
        position = text.find(href, position + 1)
    return first if first >= 0 else None


def _join_address(base: str, path: str) -> str | None:
    """A relative address resolved as a browser does from the page at ``base``."""
    folder = base if base.endswith("/") or not base else posixpath.dirname(base)
    joined = posixpath.join(folder, path)
    normal = posixpath.normpath(joined) if joined else ""
    if normal == ".." or normal.startswith("../"):
        return None
    normal = "" if normal == "." else normal
    return normal + "/" if path.endswith("/") and normal else normal


def link_problems(checker: LinkChecker, pages: Iterable[LinkingPage]) -> list[Problem]:
    return [problem for page in pages for problem in checker.problems(page)]
