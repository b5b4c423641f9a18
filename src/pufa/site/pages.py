"""Generated pages: articles, paginated column listings and the home page's latest lists.

Pages are produced as Markdown from the loaded models (never by re-reading other pages),
so a listing costs nothing per article beyond its summary. Links use docs-root paths to
the pages' source files (``/ketang/2023/x.md``): MkDocs checks them and makes them relative.
Templates are rendered by pufa.site.render, the one place that touches Jinja.
"""

from __future__ import annotations

import math
import secrets
import typing
from collections.abc import Callable
from datetime import date

from markupsafe import Markup, escape

from pufa.content.citations import Citation
from pufa.content.corpus import Site
from pufa.content.indexes import RelatedArticles, build_archive, build_law_index, build_term_index, cited_law_sets
from pufa.content.models import Article, Column, Law, Status
from pufa.content.readtime import reading_minutes
from pufa.shared.cache import content_hash
from pufa.shared.formats import pinyin_ahead
from pufa.shared.output import Page, trusted_markup
from pufa.site.addresses import relative_url
from pufa.site.feeds import FORMATS, Syndication
from pufa.site.render import Renderer
from pufa.stats.report import ReadingReport
from pufa.stats.store import Reads

PER_PAGE = 20
LATEST_ON_HOME = 6
LAW_KINDS: tuple[str, ...] = typing.get_args(Law.model_fields["kind"].annotation)
"""The kinds of law in the order /laws/ lists them (法律 first), as the registry allows them."""

STATUS_LABELS: dict[Status, str] = {"published": "", "draft": "草稿", "scheduled": "定时发布"}


class PageRenderer:
    """Renders every generated page for one build (one ``today``, preview or not)."""

    def __init__(
        self, site: Site, today: date, preview: bool, syndication: Syndication | None = None,
        reading: ReadingReport | None = None, renderer: Renderer | None = None, directory_urls: bool = True,
    ):
        self.site = site
        self.reading = reading
        self.syndication = syndication
        self._feeds_by_path = {feed.path: feed for feed in syndication.feeds} if syndication else {}
        self.today = today
        self.directory_urls = directory_urls
        self._entries: dict[tuple[str, int, bool], str] = {}
        self._href_slot = f"\ue000{secrets.token_hex(16)}\ue000"  # unguessable: no title can hold it
        self.visible = site.visible(today, preview)
        self._related = RelatedArticles(self.visible, cited_law_sets(site.citations))
        self._topics = {topic.name: topic for topic in site.registries.topics}
        self._audiences = {audience.name: audience for audience in site.registries.audiences}
        pinyin_ahead([*self._topics, *self._audiences])  # the topic and audience indexes are sorted by it
        self._renderer = renderer or Renderer(STATUS_LABELS=STATUS_LABELS)
        self.article_memo: Callable[[str, Callable[[], str]], str] | None = None
        """Given, each article page is asked of it by a key of everything the page shows, with
        the way to render it: a `mkdocs serve` rebuild after one edit renders only the pages
        that show what changed (the article, its neighbours and those relating to it)."""
        self._fingerprints: dict[int, str] = {}

    def pages(self) -> list[Page]:
        pages: list[Page] = []
        for column in self.site.registries.columns:
            articles = self.site.in_column(self.visible, column)
            pages += self.column_pages(column, articles)
            pages += [self.article_page(articles, index) for index in range(len(articles))]
        pages += self.term_pages("topics", "主题", self.site.registries.topics)
        pages += self.term_pages("audiences", "适用人群", self.site.registries.audiences)
        pages += self.law_pages()
        pages.append(self.archive_page())
        return pages

    def _render(self, template: str, page: str, **context) -> str:
        """Templates get ``today`` so an entry can show its own 草稿 / 定时发布 badge,
        ``reads`` so it can show how often it was read, and ``url`` for a link from ``page``
        (the source path of the page being written) to another page, in raw HTML."""
        def url(target: str) -> Markup:
            return Markup(escape(relative_url(page, target, self.directory_urls)))  # an address: no Markdown escapes

        def entry(article: Article, level: int, with_summary: bool) -> Markup:
            return self.entry(article, level, with_summary, url(article.src_uri))

        return self._renderer.render(template, today=self.today, formats=FORMATS, reads=self.reads_of, url=url,
                                     entry=entry, **context)

    def entry(self, article: Article, level: int, with_summary: bool, href: str) -> Markup:
        """One article in a list (``level``: its heading level, 0 for a paragraph). 2,000
        articles make 20,000 entries across the column, topic, audience and related lists,
        each with its own relative link: the entry is rendered once per article and level,
        with a slot for the link filled in for each list."""
        key = (article.src_uri, level, with_summary)
        if key not in self._entries:
            html = self._renderer.render("entry.md.j2", today=self.today, reads=self.reads_of, article=article,
                                         level=level, with_summary=with_summary, href=Markup(self._href_slot))
            if html.count(self._href_slot) != 1:
                raise RuntimeError("entry.md.j2 must print href exactly once")
            self._entries[key] = html.removesuffix("\n")
        # our template, every value escaped in it; href is an escaped address
        return trusted_markup(self._entries[key].replace(self._href_slot, href))

    def reads_of(self, article: Article) -> Reads | None:
        return self.reading.reads_of(article) if self.reading else None

    def term_pages(self, field: str, label: str, terms) -> list[Page]:
        """The overview of all topics (or audiences) and one page for each that has articles."""
        indexes = build_term_index(self.visible, terms, field)
        pages = [Page(f"{field}/index.md", self._render("terms.md.j2", f"{field}/index.md", field=field, label=label, indexes=indexes), True)]
        for index in indexes:
            if index.articles:
                feed = self._feeds_by_path.get(f"{field}/{index.term.slug}/")
                content = self._render(
                    "term.md.j2", f"{field}/{index.term.slug}.md", field=field, label=label, term=index.term, entries=index.articles,
                    feed=feed, feed_label="本主题",
                )
                pages.append(Page(f"{field}/{index.term.slug}.md", content))
        return pages

    def law_pages(self) -> list[Page]:
        indexes = build_law_index(self.visible, self.site.citations, self.site.registries.laws)
        groups = [(kind, [index for index in indexes if index.law.kind == kind]) for kind in LAW_KINDS]
        pages = [Page("laws/index.md", self._render("laws.md.j2", "laws/index.md", groups=[g for g in groups if g[1]]), True)]
        for index in indexes:
            if index.articles:
                successor = next((law for law in self.site.registries.laws if law.slug == index.law.replaced_by), None)
                pages.append(Page(f"laws/{index.law.slug}.md", self._render("law.md.j2", f"laws/{index.law.slug}.md", index=index, successor=successor)))
        return pages

    def archive_page(self) -> Page:
        years = [(year, sum(len(month.articles) for month in months), months) for year, months in build_archive(self.visible)]
        return Page("archive.md", self._render("archive.md.j2", "archive.md", years=years, total=len(self.visible)), True)

    def cited_laws(self, article: Article) -> list[tuple[Citation, list[Citation]]]:
        """The article's citations grouped by law, laws in order of first citation."""
        grouped: dict[str, list[Citation]] = {}
        for citation in self.site.citations[article.slug]:
            grouped.setdefault(citation.law.slug, []).append(citation)
        return [
            (group[0], sorted((c for c in group if c.article), key=lambda c: c.article)) for group in grouped.values()
        ]

    def article_page(self, column_articles: list[Article], index: int) -> Page:
        """``column_articles`` is newest first: the newer neighbour is 'next'."""
        article = column_articles[index]
        newer = column_articles[index - 1] if index > 0 else None
        older = column_articles[index + 1] if index + 1 < len(column_articles) else None
        topics = [self._topics[name] for name in article.meta.topics]
        audiences = [self._audiences[name] for name in article.meta.audiences]
        cited, related = self.cited_laws(article), self._related.of(article)

        def render() -> str:
            return self._render(
                "article.md.j2",
                article.src_uri,
                article=article,
                meta=article.meta,
                column=article.column,
                status=article.status(self.today),
                minutes=reading_minutes(article.body),
                body=trusted_markup(article.body),  # the editor's Markdown, for MkDocs to render
                newer=newer,
                older=older,
                topics=topics,
                audiences=audiences,
                cited=cited,
                related=related,
            )

        if self.article_memo is None:
            return Page(article.src_uri, render())
        cited_laws = [[(self._law_fingerprint(citation.law), citation.article) for citation in (first, *rest)] for first, rest in cited]
        key = content_hash(self.today.isoformat(), str(self.directory_urls), repr(topics), repr(audiences), repr(cited_laws),
                           *(self._fingerprint(shown) for shown in (article, newer, older, *related)))
        return Page(article.src_uri, self.article_memo(key, render))

    def _fingerprint(self, article: Article | None) -> str:
        """Everything a page can show of ``article``: its fields (front matter, column, body,
        source) and its reading figures."""
        if article is None:
            return ""
        return self._once(article, lambda: content_hash(repr(article), repr(self.reads_of(article))))

    def _law_fingerprint(self, law: Law) -> str:
        """Everything a page can show of ``law``, spelled out once for all the articles citing it."""
        return self._once(law, lambda: content_hash(repr(law)))

    def _once(self, shown: object, spell: Callable[[], str]) -> str:
        """``spell()`` for ``shown`` (an article or law of this build), worked out once."""
        found = self._fingerprints.get(id(shown))
        if found is None:
            found = self._fingerprints[id(shown)] = spell()
        return found

    def column_pages(self, column: Column, articles: list[Article]) -> list[Page]:
        count = max(1, math.ceil(len(articles) / PER_PAGE))
        pages = []
        for number in range(1, count + 1):
            chunk = articles[(number - 1) * PER_PAGE : number * PER_PAGE]
            content = self._render(
                "column.md.j2",
                column_page_uri(column, number),
                column=column,
                entries=chunk,
                number=number,
                count=count,
                total=len(articles),
                page_uri=lambda n: column_page_uri(column, n),
                feed=self._feeds_by_path.get(f"{column.slug}/"),
                feed_label="本栏目",
            )
            pages.append(Page(column_page_uri(column, number), content, in_nav=number == 1))
        return pages

    def home_latest(self, page: str = "index.md") -> str:
        """The home page's 'latest in each column' block, as Markdown, for ``page``."""
        columns = [
            (column, self.site.in_column(self.visible, column)[:LATEST_ON_HOME])
            for column in self.site.registries.columns
        ]
        return self._render("latest.md.j2", page, columns=columns)

    def subscribe_list(self, page: str = "subscribe.md") -> str:
        """The /subscribe/ page's table of every feed, as Markdown, for ``page``."""
        if self.syndication is None:
            return ""
        return self._render("subscribe.md.j2", page, feeds=self.syndication.feeds, items=self.syndication.settings.items)


def column_page_uri(column: Column, number: int) -> str:
    return f"{column.slug}/index.md" if number == 1 else f"{column.slug}/page/{number}.md"
