"""Every article and hand-written page rendered once, as the site renders it (the Markdown
extensions of mkdocs.yml), and checked: what the body may not publish, and where its links
and #anchors go."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypedDict

import pathspec

from pufa.content.body import are_check_lists, article_problems, body_checks, checks_as_lists, checks_from_lists
from pufa.content.corpus import Site
from pufa.review.links import (
    LinkChecker,
    LinkingPage,
    MarkdownLinks,
    Target,
    link_problems,
    links_and_ids,
)
from pufa.shared.cache import Memo, content_hash, file_stamp, library_versions
from pufa.shared.errors import Problem, PufaError
from pufa.site.settings import markdown_settings

DOCS = "docs"
LIBRARIES = ("markdown", "pymdown-extensions")


class Rendering(TypedDict):
    """A body as the site renders it: its HTML, the links written in Markdown, every link of
    the HTML, its ids (see links_and_ids) and what the body policy found in it (body_checks,
    as lists: ["problem", message, needle] or ["image", src])."""

    html: str
    markdown_hrefs: list[str]
    links: list[str]
    ids: list[str]
    checks: list[list[str]]


def _is_rendering(value: Any) -> bool:
    return (isinstance(value, dict) and isinstance(value.get("html"), str)
            and all(isinstance(value.get(field), list) for field in ("markdown_hrefs", "links", "ids"))
            and are_check_lists(value.get("checks")))


def renderings_memo(root: Path) -> Memo:
    """Each body's Rendering by its text, for this mkdocs.yml (its Markdown extensions) and
    these libraries: rendering every body again was most of the time of a `pufa check`."""
    return Memo("check-renderings", {**library_versions(*LIBRARIES), "mkdocs.yml": file_stamp(root / "mkdocs.yml")},
                _is_rendering)


def _excluded_docs(config: Mapping[str, Any]) -> pathspec.GitIgnoreSpec:
    """What MkDocs leaves out of docs/: dot files, templates/ and exclude_docs (gitignore style)."""
    return pathspec.GitIgnoreSpec.from_lines([".*", "/templates/", *str(config.get("exclude_docs") or "").splitlines()])


def _front_matter_end(text: str) -> tuple[str, int]:
    """A hand-written page's Markdown without its front matter, and the line it starts on."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end >= 0:
            return text[end + 5 :], text.count("\n", 0, end + 5) + 1
    return text, 1


@dataclass(frozen=True)
class BodyReview:
    """What reading every body found: what it may not publish, its broken links and anchors,
    and the pages read (with every link each holds)."""

    body: list[Problem]
    links: list[Problem]
    pages: list[LinkingPage]


def body_problems_and_links(root: Path, site: Site, today: date, config: Mapping[str, Any]) -> list[Problem]:
    """``config`` is mkdocs.yml as read by pufa.site.settings.read_mkdocs_yml."""
    review = review_bodies(root, site, today, config)
    return review.body + review.links


def review_bodies(root: Path, site: Site, today: date, config: Mapping[str, Any]) -> BodyReview:
    """Every article and hand-written page rendered and checked (see body_problems_and_links)."""
    markdown_links = MarkdownLinks()
    converter = markdown_settings(config).converter(markdown_links)
    renderings = renderings_memo(root).load(root)

    def convert(text: str) -> Rendering:
        converter.reset()
        markdown_links.reset()
        html = converter.convert(text)
        links, ids = links_and_ids(html)
        return Rendering(html=html, markdown_hrefs=list(markdown_links.found), links=links, ids=sorted(ids),
                         checks=checks_as_lists(body_checks(html)))

    def render(text: str) -> Rendering:
        return renderings.get(content_hash(text), lambda: convert(text))

    def ids_of(text: str) -> set[str]:
        return set(render(text)["ids"])

    assets = {asset.src_uri for asset in site.assets}
    problems: list[Problem] = []
    pages: dict[str, Target] = {}
    linking: list[LinkingPage] = []
    for article in site.articles:
        rendering = render(article.body)
        problems += article_problems(article, assets, checks=checks_from_lists(rendering["checks"]))
        anchors = set(rendering["ids"])
        pages[article.src_uri] = Target(article.source.as_posix(), lambda anchors=anchors: anchors, article)
        linking.append(LinkingPage(article.src_uri, article.source, article.body, article.body_line, rendering["html"],
                                   tuple(rendering["markdown_hrefs"]), tuple(rendering["links"]), article))
    files = {asset.src_uri: Target(asset.path.relative_to(root).as_posix()) for asset in site.assets}
    excluded = _excluded_docs(config)
    docs = root / DOCS
    for path in sorted(docs.rglob("*")) if docs.is_dir() else []:
        relative = path.relative_to(docs)
        if not path.is_file() or excluded.match_file(relative.as_posix()):
            continue
        src_uri, source = relative.as_posix(), Path(DOCS) / relative
        if path.suffix != ".md":
            files[src_uri] = Target(source.as_posix())
            continue
        try:
            text, first_line = _front_matter_end(path.read_text(encoding="utf-8-sig"))
        except UnicodeDecodeError:
            problems.append(Problem(source, "不是 UTF-8 编码的文本：请用 UTF-8 保存（记事本“另存为”时选择 UTF-8）"))
            continue
        pages[src_uri] = Target(source.as_posix(), lambda text=text: ids_of(text))
        rendering = render(text)
        linking.append(LinkingPage(src_uri, source, text, first_line, rendering["html"], tuple(rendering["markdown_hrefs"]),
                                   tuple(rendering["links"])))

    def generated() -> Mapping[str, str | None]:
        from pufa.site.build import SiteBuild, SiteConfig  # a whole build's code, only when a link needs it

        try:
            build = SiteBuild(root, today, preview=False, config=SiteConfig.from_mkdocs({"site_name": "", **config}))
        except PufaError:  # what stops it is reported on its own
            return {}
        return {f.src_uri: f.content if f.src_uri.endswith(".md") else None for f in build.generated_files()}

    checker = LinkChecker(pages, files, today, generated, ids_of, bool(config.get("use_directory_urls", True)))
    broken = link_problems(checker, linking)
    renderings.save(root)
    return BodyReview(problems, broken, linking)
