"""How long since the home page, each column and the official account last got something new,
against the inspection's limits, and the day each will count as not updated."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from pufa.content.corpus import Site
from pufa.content.models import VETO_KINDS, Article, Column
from pufa.stats.store import Snapshot

HOME_LIMIT = "2周"
"""The home page must show something new every two weeks (单项否决)."""
WECHAT_LIMIT = "2周"
"""A 政务新媒体 account with nothing new in the two weeks before a check fails it."""
LATE_KEY_COLUMNS = 5
"""动态要闻 columns late by two weeks and 通知公告 / 政策文件 columns late by six months: as
many of them together fail the site (单项否决)."""
EMPTY_COLUMNS = 5
"""As many columns with nothing in them fail the site."""
LATE_COLUMNS = 10
"""As many other columns that should be updated and are not fail the site."""
_DURATION = re.compile(r"^(\d+)(天|周|个月|年)$")


def add_period(day: date, period: str) -> date:
    """``day`` plus a period written as 14天, 2周, 6个月 or 1年 (a month later on the 31st is
    the month's last day)."""
    match = _DURATION.match(period)
    if match is None:
        raise ValueError(f"不是期限：{period}")
    count, unit = int(match[1]), match[2]
    try:
        if unit in ("天", "周"):
            return day + timedelta(days=count * (7 if unit == "周" else 1))
        months = day.month - 1 + count * (12 if unit == "年" else 1)
        year, month = day.year + months // 12, months % 12 + 1
        return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
    except (OverflowError, ValueError):  # past the year 9999: never
        return date.max


@dataclass(frozen=True)
class Freshness:
    """One thing the inspection expects to see updated: its last update and whether it is late."""

    name: str
    limits: tuple[str, ...]
    """The periods it may go without an update; the one that runs out first counts (none: no
    limit, only emptiness counts)."""
    last: date | None
    """The day of its newest item, None when it has none."""
    today: date
    veto: bool
    """Whether it is the home page or a column the inspection counts as 动态要闻, 通知公告 or 政策文件."""

    @property
    def days(self) -> int | None:
        return (self.today - self.last).days if self.last else None

    @property
    def limit(self) -> str | None:
        """The limit that runs out first."""
        if not self.limits:
            return None
        return min(self.limits, key=lambda limit: add_period(self.last or self.today, limit))

    @property
    def stale_from(self) -> date | None:
        """The first day it counts as not updated: the day after its limit runs out."""
        if self.last is None or self.limit is None:
            return None
        end = add_period(self.last, self.limit)
        return end + timedelta(days=1) if end < date.max else None

    @property
    def stale(self) -> bool:
        return self.stale_from is not None and self.today >= self.stale_from

    @property
    def empty(self) -> bool:
        return self.last is None


def _newest(articles: Iterable[Article]) -> date | None:
    return max((article.meta.date for article in articles), default=None)


def home_freshness(site: Site, today: date) -> Freshness:
    return Freshness("首页", (HOME_LIMIT,), _newest(site.visible(today, preview=False)), today, veto=True)


def column_freshness(site: Site, column: Column, today: date) -> Freshness:
    published = site.in_column(site.visible(today, preview=False), column)
    return Freshness(column.name, column.update_limits, _newest(published), today, veto=column.kind in VETO_KINDS)


def wechat_last_post(site: Site, snapshots: Iterable[Snapshot], today: date) -> tuple[date | None, date | None]:
    """The newest day an article the store has WeChat figures for came out, and the day of the
    newest WeChat export: the store knows only posts that are articles of this site, and only
    up to its last export."""
    keys = {article.url.strip("/"): article for article in site.visible(today, preview=False)}
    posted: list[date] = []
    exported: list[date] = []
    for snapshot in snapshots:
        if snapshot.source != "wechat" or snapshot.as_of > today:
            continue
        exported.append(snapshot.as_of)
        article = keys.get(snapshot.article)
        if article is not None:
            posted.append(article.meta.date)
    return max(posted, default=None), max(exported, default=None)
