"""The /stats/ page: reads by column and year, the yearly summary, the top articles and the trend.

The trend chart is SVG drawn here at build time, so the page runs no script. Bars and
labels are placed in percentages of the chart's width and pixels of its height: the chart
fills a phone or a desktop screen and its text stays at the page's size instead of
shrinking with a scaled drawing. The same numbers are in a table for screen readers.
"""

from __future__ import annotations

import math

from pufa.content.models import Column
from pufa.shared.formats import cn_date, number
from pufa.shared.output import Page, Render, trusted_markup
from pufa.stats.report import Period, ReadingReport
from pufa.stats.store import SOURCE_NAMES, SOURCES

CHART_HEIGHT = 220  # px of the plot area
LABELS_HEIGHT = 48  # px under it for the month and year
TOP_MARGIN = 28  # px above the tallest bar for its value
MAX_VALUE_LABELS = 8  # more bars than this and the values would collide: the table has them
MAX_MONTH_LABELS = 12


def nice_step(largest: int, ticks: int = 4) -> int:
    """A round gridline step (1, 2 or 5 times a power of ten) giving at most ``ticks`` lines."""
    if largest <= 0:
        return 1
    raw = largest / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return int(factor * power) or 1
    return int(10 * power)


def _pct(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") + "%"


def trend_svg(periods: list[Period], title_id: str = "pufa-trend-title") -> str:
    """Stacked columns (公众号 below, 网站 above) per period, on one line with no blank
    lines so that Markdown passes it through untouched."""
    if not periods:
        return ""
    count = len(periods)
    top = max(max(p.reads.wechat, 0) + max(p.reads.web, 0) for p in periods)
    step = nice_step(top)
    scale_top = max(step * math.ceil(top / step), step)
    height = TOP_MARGIN + CHART_HEIGHT + LABELS_HEIGHT
    base = TOP_MARGIN + CHART_HEIGHT

    def y(value: int) -> float:
        return base - CHART_HEIGHT * max(value, 0) / scale_top

    parts = [
        f'<svg class="pufa-chart" width="100%" height="{height}" role="img" aria-labelledby="{title_id}" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{title_id}">各时段新增阅读次数柱状图，公众号与网站分色叠加；具体数字见下表</title>',
    ]
    ticks = range(0, scale_top + 1, step)
    for tick in ticks:
        parts.append(f'<line class="pufa-chart__grid" x1="0" x2="100%" y1="{y(tick):.1f}" y2="{y(tick):.1f}"/>')
    slot = 100 / count
    gap = slot * 0.18
    label_every = math.ceil(count / MAX_MONTH_LABELS)
    previous_year = None
    for index, period in enumerate(periods):
        left = index * slot + gap
        width = slot - 2 * gap
        middle = _pct(index * slot + slot / 2)
        wechat, web = max(period.reads.wechat, 0), max(period.reads.web, 0)  # a recount can go down
        wechat_top = y(wechat)
        total_top = y(wechat + web)
        parts.append(
            f'<rect class="pufa-chart__wechat" x="{_pct(left)}" width="{_pct(width)}" '
            f'y="{wechat_top:.1f}" height="{base - wechat_top:.1f}"/>'
        )
        parts.append(
            f'<rect class="pufa-chart__web" x="{_pct(left)}" width="{_pct(width)}" '
            f'y="{total_top:.1f}" height="{wechat_top - total_top:.1f}"/>'
        )
        if count <= MAX_VALUE_LABELS:
            parts.append(f'<text class="pufa-chart__value" x="{middle}" y="{total_top - 6:.1f}">{number(period.reads.total)}</text>')
        year, month = period.last
        if index % label_every == 0:
            parts.append(f'<text class="pufa-chart__label" x="{middle}" y="{base + 20}">{month}月</text>')
        if year != previous_year:  # from the bar's left edge, so that neighbouring years do not overlap
            parts.append(f'<text class="pufa-chart__year" x="{_pct(left)}" y="{base + 40}">{year}年</text>')
            previous_year = year
    parts.append(f'<line class="pufa-chart__base" x1="0" x2="100%" y1="{base}" y2="{base}"/>')
    for tick in ticks:  # last, so that the haloed numbers stay readable over the bars
        parts.append(f'<text class="pufa-chart__axis" x="0" y="{y(tick) - 4:.1f}">{number(tick)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def as_of_sentence(report: ReadingReport) -> str:
    """Which day each source's figures run to: 公众号数据截至 2024年6月30日，网站数据截至 …"""
    return "，".join(
        f"{SOURCE_NAMES[source]}数据截至 {cn_date(report.as_of[source])}" for source in SOURCES if source in report.as_of
    )


class StatsPages:
    """/stats/ from one build's reading report, rendered by the site's renderer."""

    def __init__(self, report: ReadingReport, columns: list[Column], render: Render):
        self.report = report
        self.columns = columns
        self._render = render

    def pages(self) -> list[Page]:
        column_years = []
        for column in self.columns:
            by_year = self.report.column_by_year(column)
            column_years.append((column, by_year, sum(reads.total for _, reads in by_year)))
        content = self._render(
            "stats.md.j2",
            report=self.report,
            as_of=as_of_sentence(self.report),
            column_years=column_years,
            years=sorted({summary.year for summary in self.report.years}),
            chart=trusted_markup(trend_svg(self.report.periods)),  # drawn here from numbers only
        )
        return [Page("stats/index.md", content, in_nav=True)]
