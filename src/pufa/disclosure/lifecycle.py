"""Administrative-penalty disclosure lifecycle: what may be shown on a given day, by the rules.

A decision goes public on its decision date and stays for the display period of its
违法行为类型 (3 years unless data/disclosure.yml says otherwise). It comes down early after
credit repair (信用修复), which the rules allow only after the 3-month minimum, and at once
when it is withdrawn (行政处罚法 art. 48); a withdrawal leaves only a notice with the 文号,
the date and the reason. A blacklist listing (人社部令第45号) lasts 3 years; early removal
needs the arrears paid at least 6 months before and a written pledge (守信承诺).

Everything here is a pure function of the records and ``today``, so a build on any day
shows exactly what the law allows on that day. 违法事实 is masked (pufa.privacy) before any
page or data file sees it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property
from typing import Literal

from pufa.disclosure.records import BlacklistEntry, DisclosureRules, Penalty
from pufa.privacy.masking import mask_personal_data
from pufa.shared.cache import Memo

MINIMUM_MONTHS = 3
BLACKLIST_YEARS = 3
BLACKLIST_EARLY_REMOVAL_MONTHS = 6

PenaltyStatus = Literal["pending", "public", "expired", "repaired", "withdrawn"]
ListingStatus = Literal["pending", "listed", "expired", "removed"]


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day (8月31日 + 6 → 2月28/29日)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def display_end(penalty: Penalty, rules: DisclosureRules) -> date:
    """公示截止期: the last day the decision may be shown, however it ends."""
    end = add_months(penalty.decision_date, 12 * rules.years_for(penalty.violation_type)) - timedelta(days=1)
    if penalty.credit_repair_date:
        end = min(end, penalty.credit_repair_date - timedelta(days=1))
    if penalty.withdrawal:
        end = min(end, penalty.withdrawal.date - timedelta(days=1))
    return end


def penalty_status(penalty: Penalty, today: date, rules: DisclosureRules) -> PenaltyStatus:
    if penalty.withdrawal and penalty.withdrawal.date <= today:
        return "withdrawn"
    if penalty.decision_date > today:
        return "pending"
    if penalty.credit_repair_date and penalty.credit_repair_date <= today:
        return "repaired"
    if today > display_end(penalty, rules):
        return "expired"
    return "public"


def listing_end(entry: BlacklistEntry) -> date:
    end = add_months(entry.listing_date, 12 * BLACKLIST_YEARS) - timedelta(days=1)
    if entry.removal_date:
        end = min(end, entry.removal_date - timedelta(days=1))
    return end


def listing_status(entry: BlacklistEntry, today: date) -> ListingStatus:
    if entry.listing_date > today:
        return "pending"
    if entry.removal_date and entry.removal_date <= today:
        return "removed"
    if today > listing_end(entry):
        return "expired"
    return "listed"


@dataclass(frozen=True)
class ShownPenalty:
    """A decision as the site may show it: its free text (违法事实, 处罚内容) masked."""

    record: Penalty
    facts: str
    content: str
    end: date
    slug: str
    """Its page's name (see records.decision_slug)."""


@dataclass(frozen=True)
class ShownListing:
    record: BlacklistEntry
    grounds: str
    end: date


@dataclass(frozen=True)
class WithdrawalNotice:
    """All a withdrawn decision leaves on the site (行政处罚法 art. 48)."""

    decision_number: str
    date: date
    reason: str


def shown_text(text: str, keep: Iterable[str] = (), memo: Memo | None = None) -> str:
    """Free text as the site may show it; every published free-text field goes through here."""
    return mask_personal_data(text, keep, memo).text


@dataclass(frozen=True)
class YearStats:
    year: int
    decisions: int
    workers: int
    wages_owed: Decimal
    fines: Decimal
    blacklisted: int


@dataclass(frozen=True)
class Disclosure:
    """Every penalty and listing on file, and what the rules allow to show on ``today``."""

    rules: DisclosureRules
    penalties: tuple[Penalty, ...]
    blacklist: tuple[BlacklistEntry, ...]
    today: date
    names: Memo | None = field(default=None, compare=False)
    """Person names found in each text, kept between builds (see masking.masking_memo)."""

    @cached_property
    def current(self) -> list[ShownPenalty]:
        """Decisions on display today, newest first (masking runs once per build)."""
        shown = [
            ShownPenalty(
                p, shown_text(p.facts, [p.legal_representative], self.names),
                shown_text(p.content, [p.legal_representative], self.names),
                display_end(p, self.rules), p.slug(self.rules.decision_prefix),
            )
            for p in self.penalties
            if penalty_status(p, self.today, self.rules) == "public"
        ]
        return sorted(shown, key=lambda s: (s.record.decision_date, s.record.decision_number), reverse=True)

    def withdrawn(self) -> list[WithdrawalNotice]:
        notices = [
            WithdrawalNotice(p.decision_number, p.withdrawal.date, shown_text(p.withdrawal.reason, (), self.names))
            for p in self.penalties
            if penalty_status(p, self.today, self.rules) == "withdrawn"
        ]
        return sorted(notices, key=lambda n: (n.date, n.decision_number), reverse=True)

    def listed(self) -> list[ShownListing]:
        entries = [
            ShownListing(e, shown_text(e.grounds, e.responsible_persons, self.names), listing_end(e))
            for e in self.blacklist
            if listing_status(e, self.today) == "listed"
        ]
        return sorted(entries, key=lambda s: (s.record.listing_date, s.record.decision_number), reverse=True)

    def count_listed(self) -> int:
        """How many listings are on the blacklist today, without masking anything (for `pufa check`)."""
        return sum(1 for e in self.blacklist if listing_status(e, self.today) == "listed")

    def count_current(self) -> int:
        """How many decisions are on display, without masking anything (for `pufa check`)."""
        return sum(1 for p in self.penalties if penalty_status(p, self.today, self.rules) == "public")

    def yearly_stats(self) -> list[YearStats]:
        """Figures per year for the annual report: every decision made by today that still
        stands (withdrawn ones were void), including those whose display period is over;
        the figures name nobody."""
        standing = [p for p in self.penalties if penalty_status(p, self.today, self.rules) in ("public", "expired", "repaired")]
        listings = [e for e in self.blacklist if e.listing_date <= self.today]
        years = sorted({p.year for p in standing} | {e.listing_date.year for e in listings}, reverse=True)
        stats = []
        for year in years:
            of_year = [p for p in standing if p.year == year]
            stats.append(YearStats(
                year,
                len(of_year),
                sum(p.workers or 0 for p in of_year),
                sum((p.wages_owed or Decimal(0) for p in of_year), Decimal(0)),
                sum((p.fine for p in of_year), Decimal(0)),
                sum(1 for e in listings if e.listing_date.year == year),
            ))
        return stats

    def public_codes(self) -> set[str]:
        """Credit codes the site is required to show (the privacy scanner accepts them)."""
        codes = {p.credit_code for p in self.penalties} | {p.authority_code for p in self.penalties}
        return codes | {e.credit_code for e in self.blacklist}


def earliest_credit_repair(penalty: Penalty) -> date:
    """The minimum display period runs 3 months from the day after the decision (民法典
    art. 201: the first day is not counted), so repair may take it down the day after that."""
    return add_months(penalty.decision_date, MINIMUM_MONTHS) + timedelta(days=1)
