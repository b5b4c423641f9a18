"""Ways in: by topic, by audience, by date, and articles related to the one being read.

Pure functions of the visible articles, so listings never disagree with the pages they
list. The bureau's own report says its legal education was poorly targeted: these
indexes let a reader find what concerns them by subject and by who they are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby

from pypinyin import lazy_pinyin

from pufa.content.citations import ArticleNumber, Citation
from pufa.content.models import Article, Audience, Law, Topic

RELATED_COUNT = 5


@dataclass(frozen=True)
class TermIndex:
    """One topic or audience and the visible articles filed under it, newest first."""

    term: Topic | Audience
    articles: tuple[Article, ...]


@dataclass(frozen=True)
class MonthIndex:
    year: int
    month: int
    articles: tuple[Article, ...]


@dataclass(frozen=True)
class LawIndex:
    """A law, the visible articles citing it, and which of its articles each cites."""

    law: Law
    articles: tuple[Article, ...]
    by_article: tuple[tuple[ArticleNumber, tuple[Article, ...]], ...]


def pinyin_key(name: str) -> tuple[str, str]:
    return ("".join(lazy_pinyin(name)), name)


def build_term_index(articles: Sequence[Article], terms: Sequence[Topic | Audience], field: str) -> list[TermIndex]:
    """Every term, sorted by pinyin, with its articles (``field`` is 'topics' or 'audiences')."""
    return [
        TermIndex(term, tuple(a for a in articles if term.name in getattr(a.meta, field)))
        for term in sorted(terms, key=lambda t: pinyin_key(t.name))
    ]


def build_archive(articles: Sequence[Article]) -> list[tuple[int, list[MonthIndex]]]:
    """Years newest first, each with its months newest first (articles must be newest first)."""
    months = [
        MonthIndex(year, month, tuple(group))
        for (year, month), group in groupby(articles, key=lambda a: (a.meta.date.year, a.meta.date.month))
    ]
    return [(year, list(group)) for year, group in groupby(months, key=lambda m: m.year)]


def build_law_index(
    articles: Sequence[Article], citations: Mapping[str, Sequence[Citation]], laws: Sequence[Law]
) -> list[LawIndex]:
    """Every registered law, in registry order, with the articles citing it article by article."""
    indexes = []
    for law in laws:
        citing = [a for a in articles if any(c.law == law for c in citations[a.slug])]
        numbers = sorted({c.article for a in citing for c in citations[a.slug] if c.law == law and c.article})
        by_article = tuple(
            (number, tuple(a for a in citing if Citation(law, number) in citations[a.slug])) for number in numbers
        )
        indexes.append(LawIndex(law, tuple(citing), by_article))
    return indexes


def related_articles(
    article: Article, candidates: Sequence[Article], laws_by_slug: Mapping[str, frozenset[str]],
    limit: int = RELATED_COUNT,
) -> list[Article]:
    """Up to ``limit`` other articles sharing the most topics and cited laws, newest first on ties.

    ``candidates`` must be newest first: the sort by score is stable. ``laws_by_slug`` maps
    each article to the laws it cites (see cited_law_sets), computed once per build."""
    topics, cited = set(article.meta.topics), laws_by_slug[article.slug]
    scored = []
    for other in candidates:
        if other is article:
            continue
        score = len(topics.intersection(other.meta.topics)) + len(cited & laws_by_slug[other.slug])
        if score:
            scored.append((score, other))
    scored.sort(key=lambda pair: -pair[0])
    return [other for _, other in scored[:limit]]


def cited_law_sets(citations: Mapping[str, Sequence[Citation]]) -> dict[str, frozenset[str]]:
    """Each article's cited laws (by slug), for comparing articles with each other."""
    return {slug: frozenset(c.law.slug for c in cited) for slug, cited in citations.items()}
