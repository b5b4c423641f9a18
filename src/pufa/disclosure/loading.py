"""Reading data/penalties/, data/blacklist/ and data/disclosure.yml, and the checks that
span a record's dates or several records (the lifecycle rules, duplicate 文号)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from pathlib import Path

from pufa.disclosure.lifecycle import (
    BLACKLIST_EARLY_REMOVAL_MONTHS,
    MINIMUM_MONTHS,
    Disclosure,
    add_months,
    earliest_credit_repair,
)
from pufa.disclosure.records import BlacklistEntry, DisclosureRules, Penalty
from pufa.shared.errors import ContentError, Problem
from pufa.shared.cache import Memo
from pufa.shared.records import Located, load_folder, load_one


def _lifecycle_problems(path: Path, penalty: Penalty) -> list[Problem]:
    problems = []
    if penalty.credit_repair_date:
        earliest = earliest_credit_repair(penalty)
        if penalty.credit_repair_date < earliest:
            problems.append(Problem(
                path, f"信用修复不得早于最短公示期满（{MINIMUM_MONTHS} 个月），即 {earliest.isoformat()} 及以后",
                None, "credit_repair_date",
            ))
    return problems


def _listing_problems(path: Path, entry: BlacklistEntry) -> list[Problem]:
    problems = []
    if entry.removal_date:
        if not entry.arrears_paid_date or not entry.pledge_date:
            problems.append(Problem(path, "提前移出须先清偿拖欠工资并作出守信承诺（填写 arrears_paid_date 和 pledge_date）", None, "removal_date"))
        else:
            start = max(entry.arrears_paid_date, entry.listing_date)
            earliest = add_months(start, BLACKLIST_EARLY_REMOVAL_MONTHS) + timedelta(days=1)
            if entry.removal_date < earliest:
                problems.append(Problem(
                    path, f"列入且清偿后满 {BLACKLIST_EARLY_REMOVAL_MONTHS} 个月才能提前移出，即 {earliest.isoformat()} 及以后",
                    None, "removal_date",
                ))
            if entry.pledge_date > entry.removal_date:
                problems.append(Problem(path, "守信承诺应在移出之前作出", None, "pledge_date"))
        if entry.removal_date < entry.listing_date:
            problems.append(Problem(path, "移出日期早于列入日期", None, "removal_date"))
    return problems


def _duplicate_problems(records: list[Located], key: Callable[[Any], str], label: str) -> list[Problem]:
    seen: dict[str, Path] = {}
    problems = []
    for item in records:
        value = key(item.record)
        if value in seen:
            problems.append(Problem(item.path, f"{label}“{value}”与 {seen[value]} 重复", None, "decision_number"))
        seen.setdefault(value, item.path)
    return problems


def load_disclosure(data_dir: Path, root: Path, today: date, names: Memo | None = None) -> Disclosure:
    """Load data/penalties/, data/blacklist/ and data/disclosure.yml; ContentError on any problem.
    ``names`` remembers the person names found while masking (see masking.masking_memo)."""
    problems: list[Problem] = []
    rules = load_one(data_dir / "disclosure.yml", root, DisclosureRules, problems)
    penalties = load_folder(data_dir / "penalties", root, Penalty, problems)
    blacklist = load_folder(data_dir / "blacklist", root, BlacklistEntry, problems)
    for item in penalties:
        problems += _lifecycle_problems(item.path, item.record)
    for item in blacklist:
        problems += _listing_problems(item.path, item.record)
    prefix = rules.record.decision_prefix if rules else None
    problems += _duplicate_problems(penalties, lambda p: p.decision_number, "决定书文号")
    problems += _duplicate_problems(penalties, lambda p: p.slug(prefix), "由文号得出的网址")
    problems += _duplicate_problems(blacklist, lambda e: e.decision_number, "列入决定书文号")
    if problems:
        raise ContentError(problems)
    return Disclosure(
        rules.record if rules else DisclosureRules(),
        tuple(item.record for item in penalties),
        tuple(item.record for item in blacklist),
        today,
        names,
    )
