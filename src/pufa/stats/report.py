"""What the reading figures say: per article, per column and year, per month, the top reads.

The store holds cumulative snapshots, so everything here is built from the differences
between an article's successive snapshots from one source: the reads a snapshot adds
belong to the month (and year) it was taken in. A year's reads are therefore the figures
as of its last snapshot minus those as of the year before's, whatever the export rhythm
was; when exports are monthly the trend is exactly monthly. The first snapshot of an
article from a source holds everything read since it came out: it goes into a month only
if the article came out that month, else into a baseline the trend cannot place. Only
published articles and snapshots taken on or before the build day count, so a build is
reproducible.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from pufa.content.models import Article, Column
from pufa.stats.store import Reads, Snapshot, article_key

TOP_ARTICLES = 10


def _one_source(source: str, reads: int) -> Reads:
    return Reads(wechat=reads) if source == "wechat" else Reads(web=reads)


@dataclass(frozen=True)
class Period:
    """The reads recorded by the snapshots of one month, since those of the month before."""

    first: tuple[int, int]  # (year, month): the earliest month these reads can be from
    last: tuple[int, int]  # the month the snapshots were taken in
    reads: Reads

    @property
    def label(self) -> str:
        return f"{self.last[0]}年{self.last[1]}月"

    @property
    def span(self) -> str:
        """The months the reads may have happened in, when exports were not monthly."""
        if self.first == self.last:
            return self.label
        if self.first[0] == self.last[0]:
            return f"{self.first[0]}年{self.first[1]}月至{self.last[1]}月"
        return f"{self.first[0]}年{self.first[1]}月至{self.last[0]}年{self.last[1]}月"


@dataclass(frozen=True)
class ColumnYear:
    column: Column
    published: tuple[Article, ...]  # the column's articles that came out that year, oldest first
    reads: Reads  # what all the column's articles were read that year

    @property
    def issues(self) -> str:
        numbers = [a.meta.issue for a in self.published if a.meta.issue]
        if not numbers:
            return ""
        return f"第{min(numbers)}期" if min(numbers) == max(numbers) else f"第{min(numbers)}—{max(numbers)}期"


@dataclass(frozen=True)
class YearSummary:
    year: int
    columns: tuple[ColumnYear, ...]

    @property
    def articles(self) -> int:
        return sum(len(c.published) for c in self.columns)

    @property
    def reads(self) -> Reads:
        return sum((column.reads for column in self.columns), Reads())


@dataclass
class ReadingReport:
    per_article: dict[str, Reads] = field(default_factory=dict)  # article key → reads to date
    as_of: dict[str, date] = field(default_factory=dict)  # source → newest snapshot counted
    years: list[YearSummary] = field(default_factory=list)  # newest first
    periods: list[Period] = field(default_factory=list)  # oldest first
    baseline: Reads = field(default_factory=Reads)  # first snapshots that span several months
    top: list[tuple[Article, Reads]] = field(default_factory=list)

    @property
    def total(self) -> Reads:
        return sum(self.per_article.values(), Reads())

    def column_by_year(self, column: Column) -> list[tuple[int, Reads]]:
        """The column's reads in each year, oldest first."""
        rows = {summary.year: row.reads for summary in self.years for row in summary.columns if row.column == column}
        return sorted(rows.items())

    def reads_of(self, article: Article) -> Reads | None:
        return self.per_article.get(article_key(article))


def build_report(
    snapshots: Iterable[Snapshot], articles: Iterable[Article], columns: Iterable[Column], today: date,
) -> ReadingReport:
    """``articles`` are the ones the build shows; snapshots of any other are left out."""
    by_key = {article_key(a): a for a in articles}
    series: dict[tuple[str, str], list[Snapshot]] = {}
    for snapshot in snapshots:
        if snapshot.as_of <= today and snapshot.article in by_key:
            series.setdefault((snapshot.article, snapshot.source), []).append(snapshot)
    report = ReadingReport()
    # Sums as [wechat, web] pairs of plain numbers, made Reads at the end: 100,000 snapshots
    # made 300,000 Reads on the way.
    by_month: dict[tuple[int, int], list[int]] = {}
    since_month: dict[tuple[int, int], tuple[int, int]] = {}
    by_column_year: dict[tuple[str, int], list[int]] = {}
    baseline = [0, 0]
    for (key, source), taken in series.items():
        taken.sort(key=lambda s: s.as_of)
        article = by_key[key]
        slot_of_source = 0 if source == "wechat" else 1
        previous: Snapshot | None = None
        for snapshot in taken:
            added = snapshot.reads - (previous.reads if previous else 0)
            month = (snapshot.as_of.year, snapshot.as_of.month)
            since = _month_after(previous.as_of) if previous else (article.meta.date.year, article.meta.date.month)
            if previous is None and since != month:
                baseline[slot_of_source] += added
            else:
                by_month.setdefault(month, [0, 0])[slot_of_source] += added
                since_month[month] = min(since_month.get(month, month), since)
            by_column_year.setdefault((article.column.slug, snapshot.as_of.year), [0, 0])[slot_of_source] += added
            previous = snapshot
        report.per_article[key] = report.per_article.get(key, Reads()) + _one_source(source, previous.reads)
        report.as_of[source] = max(report.as_of.get(source, previous.as_of), previous.as_of)
    report.baseline = Reads(*baseline)
    report.periods = [Period(since_month[m], m, Reads(*by_month[m])) for m in sorted(by_month)]
    column_years = {slot: Reads(*sums) for slot, sums in by_column_year.items()}
    report.years = _years(by_key.values(), list(columns), column_years)
    ranked = sorted(report.per_article.items(), key=lambda item: (-item[1].total, item[0]))
    report.top = [(by_key[key], reads) for key, reads in ranked[:TOP_ARTICLES] if reads.total > 0]
    return report


def _month_after(day: date) -> tuple[int, int]:
    return (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)


def _years(articles: Iterable[Article], columns: list[Column], by_column_year: dict[tuple[str, int], Reads]) -> list[YearSummary]:
    published: dict[tuple[str, int], list[Article]] = {}
    for article in articles:
        published.setdefault((article.column.slug, article.meta.date.year), []).append(article)
    years = {year for _, year in published} | {year for _, year in by_column_year}
    summaries = []
    for year in sorted(years, reverse=True):
        rows = tuple(
            ColumnYear(
                column,
                tuple(sorted(published.get((column.slug, year), []), key=lambda a: (a.meta.date, a.meta.issue or 0))),
                by_column_year.get((column.slug, year), Reads()),
            )
            for column in columns
        )
        summaries.append(YearSummary(year, rows))
    return summaries
