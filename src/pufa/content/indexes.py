"""Ways in: by topic, by audience, by date, and articles related to the one being read.

Pure functions of the visible articles, so listings never disagree with the pages they
list. The bureau's own report says its legal education was poorly targeted: these
indexes let a reader find what concerns them by subject and by who they are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby


from pufa.content.citations import ArticleNumber, Citation
from pufa.content.models import Article, Audience, Law, Topic
from pufa.shared.formats import pinyin_of

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


def build_term_index(articles: Sequence[Article], terms: Sequence[Topic | Audience], field: str) -> list[TermIndex]:
    """Every term, sorted by pinyin, with its articles (``field`` is 'topics' or 'audiences')."""
    syllables = pinyin_of(term.name for term in terms)
    return [
        TermIndex(term, tuple(a for a in articles if term.name in getattr(a.meta, field)))
        for term in sorted(terms, key=lambda t: (syllables[t.name], t.name))
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
    """Every registered law, in registry order, with the articles citing it article by article
    (found in one pass over the citations, by law slug: comparing every law with every
    citation of every article took 10 s of 5,000 articles)."""
    citing: dict[str, list[Article]] = defaultdict(list)
    by_number: dict[str, dict[ArticleNumber, list[Article]]] = defaultdict(lambda: defaultdict(list))
    for article in articles:
        laws_seen: set[str] = set()
        numbers_seen: set[tuple[str, ArticleNumber]] = set()
        for citation in citations[article.slug]:
            slug = citation.law.slug
            if slug not in laws_seen:
                laws_seen.add(slug)
                citing[slug].append(article)
            if citation.article and (slug, citation.article) not in numbers_seen:
                numbers_seen.add((slug, citation.article))
                by_number[slug][citation.article].append(article)
    return [
        LawIndex(law, tuple(citing[law.slug]),
                 tuple((number, tuple(by_number[law.slug][number])) for number in sorted(by_number[law.slug])))
        for law in laws
    ]


class RelatedArticles:
    """Other articles sharing the most topics and cited laws with one article, newest first
    on ties. An inverted index (topic or law → articles) finds them: comparing every pair
    took 4 million comparisons on 2,000 articles, one of the slowest steps of a build. Each
    topic's or law's articles are one integer, a bit for each article in ``candidates``, so
    counting what they share is a few operations on whole integers, not one per article."""

    def __init__(self, candidates: Sequence[Article], laws_by_slug: Mapping[str, frozenset[str]]):
        """``candidates`` newest first; ``laws_by_slug`` maps each article to the laws it cites
        (see cited_law_sets)."""
        self._candidates = list(candidates)
        self._laws_by_slug = laws_by_slug
        self._positions = {id(article): position for position, article in enumerate(self._candidates)}
        self._postings: dict[tuple[str, str], int] = defaultdict(int)
        for position, article in enumerate(self._candidates):
            for key in self._keys(article):
                self._postings[key] |= 1 << position

    def _keys(self, article: Article) -> set[tuple[str, str]]:
        topics = {("topic", name) for name in article.meta.topics}
        return topics | {("law", slug) for slug in self._laws_by_slug[article.slug]}

    def of(self, article: Article, limit: int = RELATED_COUNT) -> list[Article]:
        # sharing[n]: the candidates sharing more than n of the article's topics and laws
        sharing: list[int] = []
        for key in self._keys(article):
            having = self._postings.get(key, 0)
            sharing.append(0)
            for n in range(len(sharing) - 1, 0, -1):
                sharing[n] |= sharing[n - 1] & having
            sharing[0] |= having
        own = 1 << self._positions[id(article)] if id(article) in self._positions else 0
        found: list[int] = []
        more = 0
        for n in reversed(range(len(sharing))):  # those sharing most first; in each, newest first
            if len(found) >= limit:
                break
            exactly = sharing[n] & ~more & ~own
            more = sharing[n]
            while exactly and len(found) < limit:
                lowest = exactly & -exactly
                found.append(lowest.bit_length() - 1)
                exactly ^= lowest
        return [self._candidates[position] for position in found]


def cited_law_sets(citations: Mapping[str, Sequence[Citation]]) -> dict[str, frozenset[str]]:
    """Each article's cited laws (by slug), for comparing articles with each other."""
    return {slug: frozenset(c.law.slug for c in cited) for slug, cited in citations.items()}
