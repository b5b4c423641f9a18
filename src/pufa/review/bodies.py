"""Every article and hand-written page rendered once, as the site renders it (the Markdown
extensions of mkdocs.yml), and checked: what the body may not publish, and where its links
and #anchors go."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from pathlib import Path

from pufa.content.body import article_problems
from pufa.content.corpus import Site
from pufa.review.links import LinkChecker, LinkingPage, Target, link_problems, links_and_ids
from pufa.shared.errors import Problem, PufaError
from pufa.site.build import SiteBuild, SiteConfig
from pufa.site.settings import markdown_settings

DOCS = "docs"


def _excluded(relative: Path, patterns: list[str]) -> bool:
    """MkDocs leaves out dot files and what exclude_docs names (folder patterns such as overrides/)."""
    return any(part.startswith(".") for part in relative.parts) or any(
        relative.as_posix() == pattern.strip("/") or relative.as_posix().startswith(pattern.strip("/") + "/")
        for pattern in patterns
    )


def _front_matter_end(text: str) -> tuple[str, int]:
    """A hand-written page's Markdown without its front matter, and the line it starts on."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end >= 0:
            return text[end + 5 :], text.count("\n", 0, end + 5) + 1
    return text, 1


def body_problems_and_links(root: Path, site: Site, today: date, config: Mapping[str, Any]) -> list[Problem]:
    """``config`` is mkdocs.yml as read by pufa.site.settings.read_mkdocs_yml."""
    converter = markdown_settings(config).converter()

    def render(text: str) -> str:
        converter.reset()
        return converter.convert(text)

    def ids_of(text: str) -> set[str]:
        return links_and_ids(render(text))[1]

    assets = {asset.src_uri for asset in site.assets}
    problems: list[Problem] = []
    pages: dict[str, Target] = {}
    linking: list[LinkingPage] = []
    for article in site.articles:
        html = render(article.body)
        problems += article_problems(article, assets, html)
        anchors = links_and_ids(html)[1]
        pages[article.src_uri] = Target(article.source.as_posix(), lambda anchors=anchors: anchors, article)
        linking.append(LinkingPage(article.src_uri, article.source, article.body, article.body_line, html, article))
    files = {asset.src_uri: Target(asset.path.relative_to(root).as_posix()) for asset in site.assets}
    excluded = [line for line in str(config.get("exclude_docs") or "").splitlines() if line.strip()]
    docs = root / DOCS
    for path in sorted(docs.rglob("*")) if docs.is_dir() else []:
        relative = path.relative_to(docs)
        if not path.is_file() or _excluded(relative, excluded):
            continue
        src_uri, source = relative.as_posix(), Path(DOCS) / relative
        if path.suffix != ".md":
            files[src_uri] = Target(source.as_posix())
            continue
        text, first_line = _front_matter_end(path.read_text(encoding="utf-8-sig"))
        pages[src_uri] = Target(source.as_posix(), lambda text=text: ids_of(text))
        linking.append(LinkingPage(src_uri, source, text, first_line, render(text)))

    def generated() -> Mapping[str, str | None]:
        try:
            build = SiteBuild(root, today, preview=False, config=SiteConfig.from_mkdocs({"site_name": "", **config}))
        except PufaError:  # what stops it is reported on its own
            return {}
        return {f.src_uri: f.content if f.src_uri.endswith(".md") else None for f in build.generated_files()}

    checker = LinkChecker(pages, files, today, generated, ids_of, bool(config.get("use_directory_urls", True)))
    return problems + link_problems(checker, linking)
