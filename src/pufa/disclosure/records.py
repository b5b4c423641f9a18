"""Administrative-penalty disclosure (行政处罚公示) and the wage-arrears blacklist, by the rules.

A decision goes public on its decision date and stays for the display period of its
违法行为类型 (3 years unless data/disclosure.yml says otherwise). It comes down early after
credit repair (信用修复), which the rules allow only after the 3-month minimum, and at once
when it is withdrawn (行政处罚法 art. 48); a withdrawal leaves only a notice with the 文号,
the date and the reason. A blacklist listing (人社部令第45号) lasts 3 years; early removal
needs the arrears paid at least 6 months before and a written pledge (守信承诺).

Everything here is a pure function of the records and ``today``, so a build on any day
shows exactly what the law allows on that day. 违法事实 is masked (privacy.py) before any
page or data file sees it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from collections.abc import Iterable
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from pufa.shared.errors import ContentError, Problem
from pufa.shared.frontmatter import YamlSyntaxError, load_yaml, read_text
from pufa.privacy.identifiers import credit_code_problem
from pufa.content.models import IsoDate, Text
from pufa.privacy.masking import mask_personal_data
from pufa.shared.validation import validation_problems

DECISION_NUMBER = re.compile(r"^(?P<prefix>[\u4e00-\u9fff]{2,16})〔(?P<year>\d{4})〕(?P<seq>\d{1,5})号$")
DEFAULT_DISPLAY_YEARS = 3
MINIMUM_MONTHS = 3
BLACKLIST_YEARS = 3
BLACKLIST_EARLY_REMOVAL_MONTHS = 6

PenaltyStatus = Literal["pending", "public", "expired", "repaired", "withdrawn"]
ListingStatus = Literal["pending", "listed", "expired", "removed"]


def _credit_code(value: str) -> str:
    problem = credit_code_problem(value)
    if problem:
        raise ValueError(f"不是有效的统一社会信用代码：{problem}")
    return value


def _decision_number(value: str) -> str:
    if not DECISION_NUMBER.match(value):
        raise ValueError("格式应为“机关代字〔年份〕序号号”，如 示人社监罚〔2023〕3号（用六角括号〔〕）")
    return value


CreditCode = Annotated[str, AfterValidator(_credit_code)]
DecisionNumber = Annotated[str, AfterValidator(_decision_number)]
Amount = Annotated[Decimal, Field(ge=0, decimal_places=2)]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Withdrawal(_Record):
    date: IsoDate = Field(description="撤回日期")
    reason: Text = Field(description="撤回原因（将公示）")


class Penalty(_Record):
    """One 行政处罚决定 with the national 双公示 fields and the site's own."""

    decision_number: DecisionNumber = Field(description="行政处罚决定书文号")
    party: Text = Field(description="行政相对人名称")
    credit_code: CreditCode = Field(description="统一社会信用代码")
    legal_representative: Text = Field(description="法定代表人（负责人），依规公示")
    violation_type: Text = Field(description="违法行为类型")
    facts: Text = Field(description="违法事实（自然人姓名、证件号、电话、住址、账号会被隐去）")
    basis: Text = Field(description="处罚依据")
    category: Text = Field(description="处罚类别，如 罚款")
    content: Text = Field(description="处罚内容")
    fine: Amount = Field(description="罚款金额（元）")
    decision_date: IsoDate = Field(description="处罚决定日期")
    authority: Text = Field(description="处罚机关")
    authority_code: CreditCode = Field(description="处罚机关统一社会信用代码")
    workers: int | None = Field(default=None, ge=0, description="涉及劳动者人数")
    wages_owed: Amount | None = Field(default=None, description="拖欠工资金额（元）")
    arrears_paid: Amount | None = Field(default=None, description="已清偿的拖欠工资（元）")
    credit_repair_date: IsoDate | None = Field(default=None, description="信用修复日期（提前撤下）")
    withdrawal: Withdrawal | None = Field(default=None, description="撤回：日期和原因")

    @model_validator(mode="after")
    def _dates_in_order(self) -> Penalty:
        if self.withdrawal and self.withdrawal.date < self.decision_date:
            raise ValueError("撤回日期（withdrawal.date）早于处罚决定日期")
        return self

    @property
    def year(self) -> int:
        return self.decision_date.year

    @property
    def slug(self) -> str:
        match = DECISION_NUMBER.match(self.decision_number)
        assert match is not None
        return f"{match['year']}-{int(match['seq']):03d}"


class BlacklistEntry(_Record):
    """A listing on 拖欠农民工工资失信联合惩戒对象名单 (人社部令第45号)."""

    decision_number: DecisionNumber = Field(description="列入决定书文号")
    employer: Text = Field(description="用人单位名称")
    credit_code: CreditCode = Field(description="统一社会信用代码")
    responsible_persons: tuple[Text, ...] = Field(min_length=1, description="法定代表人或者负责人等，依规公示")
    workers: int = Field(ge=1, description="拖欠工资涉及人数")
    amount: Amount = Field(description="拖欠工资金额（元）")
    grounds: Text = Field(description="列入事由")
    basis: Text = Field(description="列入依据")
    authority: Text = Field(description="作出列入决定的部门")
    listing_date: IsoDate = Field(description="列入日期")
    penalty: DecisionNumber | None = Field(default=None, description="对应的行政处罚决定书文号")
    arrears_paid_date: IsoDate | None = Field(default=None, description="清偿拖欠工资的日期")
    pledge_date: IsoDate | None = Field(default=None, description="作出守信承诺的日期")
    removal_date: IsoDate | None = Field(default=None, description="提前移出名单的日期")


class DisclosureRules(_Record):
    """data/disclosure.yml: display periods and the notice shown above the records."""

    display_years: int = Field(default=DEFAULT_DISPLAY_YEARS, ge=1, le=3, description="公示期（年），最长 3 年")
    display_years_by_type: dict[str, Annotated[int, Field(ge=1, le=3)]] = Field(default_factory=dict)
    notice: str | None = Field(default=None, description="显示在公示页顶部的说明，如“本页为虚构的演示数据”")

    def years_for(self, violation_type: str) -> int:
        return self.display_years_by_type.get(violation_type, self.display_years)


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


def shown_text(text: str, keep: Iterable[str] = ()) -> str:
    """Free text as the site may show it; every published free-text field goes through here."""
    return mask_personal_data(text, keep).text


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

    @cached_property
    def current(self) -> list[ShownPenalty]:
        """Decisions on display today, newest first (masking runs once per build)."""
        shown = [
            ShownPenalty(
                p, shown_text(p.facts, [p.legal_representative]), shown_text(p.content, [p.legal_representative]),
                display_end(p, self.rules),
            )
            for p in self.penalties
            if penalty_status(p, self.today, self.rules) == "public"
        ]
        return sorted(shown, key=lambda s: (s.record.decision_date, s.record.decision_number), reverse=True)

    def withdrawn(self) -> list[WithdrawalNotice]:
        notices = [
            WithdrawalNotice(p.decision_number, p.withdrawal.date, shown_text(p.withdrawal.reason))
            for p in self.penalties
            if penalty_status(p, self.today, self.rules) == "withdrawn"
        ]
        return sorted(notices, key=lambda n: (n.date, n.decision_number), reverse=True)

    def listed(self) -> list[ShownListing]:
        entries = [
            ShownListing(e, shown_text(e.grounds, e.responsible_persons), listing_end(e))
            for e in self.blacklist
            if listing_status(e, self.today) == "listed"
        ]
        return sorted(entries, key=lambda s: (s.record.listing_date, s.record.decision_number), reverse=True)

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


def _load_folder(folder: Path, root: Path, model: type[BaseModel], problems: list[Problem]) -> dict[Path, BaseModel]:
    records = {}
    for path in sorted(folder.glob("*.yml")) if folder.is_dir() else []:
        shown = path.relative_to(root)
        try:
            data, lines = load_yaml(read_text(path, shown), shown)
        except YamlSyntaxError as exc:
            problems.append(exc.problem)
            continue
        if not isinstance(data, dict):
            problems.append(Problem(shown, "应为“键: 值”形式的一条记录", 1))
            continue
        try:
            records[shown] = model.model_validate(data)
        except ValidationError as exc:
            problems += validation_problems(exc, model, shown, lines)
    return records


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


def earliest_credit_repair(penalty: Penalty) -> date:
    """The minimum display period runs 3 months from the day after the decision (民法典
    art. 201: the first day is not counted), so repair may take it down the day after that."""
    return add_months(penalty.decision_date, MINIMUM_MONTHS) + timedelta(days=1)


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


def _duplicate_problems(records: dict[Path, BaseModel], key: str, label: str) -> list[Problem]:
    seen: dict[str, Path] = {}
    problems = []
    for path, record in records.items():
        value = getattr(record, key)
        if value in seen:
            problems.append(Problem(path, f"{label}“{value}”与 {seen[value]} 重复", None, key))
        seen.setdefault(value, path)
    return problems


def load_rules(data_dir: Path, root: Path) -> DisclosureRules:
    path = data_dir / "disclosure.yml"
    if not path.is_file():
        return DisclosureRules()
    shown = path.relative_to(root)
    try:
        data, lines = load_yaml(read_text(path, shown), shown)
        return DisclosureRules.model_validate(data or {})
    except YamlSyntaxError as exc:
        raise ContentError([exc.problem]) from None
    except ValidationError as exc:
        raise ContentError(validation_problems(exc, DisclosureRules, shown, lines)) from None


def load_disclosure(data_dir: Path, root: Path, today: date) -> Disclosure:
    """Load data/penalties/, data/blacklist/ and data/disclosure.yml; ContentError on any problem."""
    rules = load_rules(data_dir, root)
    problems: list[Problem] = []
    penalties = _load_folder(data_dir / "penalties", root, Penalty, problems)
    blacklist = _load_folder(data_dir / "blacklist", root, BlacklistEntry, problems)
    for path, penalty in penalties.items():
        problems += _lifecycle_problems(path, penalty)
    for path, entry in blacklist.items():
        problems += _listing_problems(path, entry)
    problems += _duplicate_problems(penalties, "decision_number", "决定书文号")
    problems += _duplicate_problems(penalties, "slug", "文号中的年份和序号")
    problems += _duplicate_problems(blacklist, "decision_number", "列入决定书文号")
    if problems:
        raise ContentError(problems)
    return Disclosure(rules, tuple(penalties.values()), tuple(blacklist.values()), today)


def format_yuan(amount: Decimal) -> str:
    """14365574.31 → 14,365,574.31; 109000 → 109,000."""
    return f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"


def to_wan(amount: Decimal) -> str:
    """The national standard states amounts in 万元: 109000 → 10.9."""
    text = f"{amount / Decimal(10000):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text

