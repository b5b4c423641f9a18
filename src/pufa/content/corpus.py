"""The whole site's content, loaded once per build through the same path as the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pufa.content.articles import Asset, article_files, load_articles
from pufa.content.citations import Citation, LawBook, article_citations, text_citations_memo
from pufa.content.models import Article, Column
from pufa.content.registry import Registries, load_registries
from pufa.shared.errors import ContentError, Problem
from pufa.shared.frontmatter import yaml_memo


@dataclass(frozen=True)
class Site:
    registries: Registries
    articles: tuple[Article, ...]
    """Every valid article, newest first, whatever its status."""
    assets: tuple[Asset, ...]
    citations: dict[str, tuple[Citation, ...]]
    """Each article's citations (front matter and text), by slug."""

    def visible(self, today: date, preview: bool) -> list[Article]:
        """What a build shows: only published articles, or everything when previewing."""
        return [a for a in self.articles if preview or a.status(today) == "published"]

    def in_column(self, articles: list[Article], column: Column) -> list[Article]:
        return [a for a in articles if a.column == column]


def load_site(root: Path) -> Site:
    """Load data/ and articles/ under ``root``; raises ContentError on any problem."""
    registries = load_registries(root / "data", root)
    articles_dir = root / "articles"
    files = article_files(articles_dir, root)
    parsed = yaml_memo("front-matter").load(root)
    try:
        articles = load_articles(articles_dir, root, registries, files, parsed)
    finally:
        parsed.save(root)
    book = LawBook(registries.laws)
    citations: dict[str, tuple[Citation, ...]] = {}
    problems: list[Problem] = []
    memo = text_citations_memo(book).load(root)
    for article in articles:
        citations[article.slug], found = article_citations(article, book, memo)
        problems += found
    memo.save(root)
    if problems:
        raise ContentError(problems)
    return Site(registries, tuple(articles), tuple(files.assets), citations)
