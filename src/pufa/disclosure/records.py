"""Penalty decisions, blacklist listings and the disclosure rules, as validated records.

The fields follow the national 双公示 standard and 人社部令第45号; the site's own fields
(credit repair, withdrawal, arrears paid) are added by hand after an import.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from pufa.privacy.identifiers import credit_code_problem, is_id_number
from pufa.shared.formats import pinyin
from pufa.shared.records import IsoDate, Record, Text

DECISION_NUMBER = re.compile(r"^(?P<prefix>[\u4e00-\u9fff]{2,16})〔(?P<year>\d{4})〕(?P<seq>\d{1,5})号\Z")
DEFAULT_DISPLAY_YEARS = 3


def _credit_code(value: str) -> str:
    problem = credit_code_problem(value)
    if problem:
        raise ValueError(f"不是有效的统一社会信用代码：{problem}")
    if is_id_number(value):  # about 1 ID number in 31 also passes the credit-code check
        raise ValueError("这是一个身份证号码，不是统一社会信用代码：自然人的身份证号不能公示")
    return value


def _decision_number(value: str) -> str:
    if not DECISION_NUMBER.match(value):
        raise ValueError("格式应为“机关代字〔年份〕序号号”，如 示人社监罚〔2023〕3号（用六角括号〔〕）")
    return value


def decision_slug(number: str, home_prefix: str | None = None) -> str | None:
    """The page and file name of a decision, unique across authorities: year and sequence for
    the bureau's own (示人社监罚〔2023〕3号 → 2023-003), with the pinyin of the issuing office's
    代字 after them for any other (路人社监罚〔2023〕3号 → 2023-003-lurenshejianfa)."""
    match = DECISION_NUMBER.match(number)
    if not match:
        return None
    base = f"{match['year']}-{int(match['seq']):03d}"
    if match["prefix"] == home_prefix:
        return base
    return base + "-" + pinyin(match["prefix"]).lower()


CreditCode = Annotated[str, AfterValidator(_credit_code)]
DecisionNumber = Annotated[str, AfterValidator(_decision_number)]
Amount = Annotated[Decimal, Field(ge=0, decimal_places=2)]


class Withdrawal(Record):
    date: IsoDate = Field(description="撤回日期")
    reason: Text = Field(description="撤回原因（将公示）")


class Penalty(Record):
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

    def slug(self, home_prefix: str | None) -> str:
        slug = decision_slug(self.decision_number, home_prefix)
        assert slug is not None  # the validator accepted the number
        return slug


class BlacklistEntry(Record):
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


class DisclosureRules(Record):
    """data/disclosure.yml: display periods and the notice shown above the records."""

    display_years: int = Field(default=DEFAULT_DISPLAY_YEARS, ge=1, le=3, description="公示期（年），最长 3 年")
    display_years_by_type: dict[str, Annotated[int, Field(ge=1, le=3)]] = Field(default_factory=dict)
    notice: str | None = Field(default=None, description="显示在公示页顶部的说明，如“本页为虚构的演示数据”")
    decision_prefix: Text | None = Field(
        default=None, description="本局处罚决定书文号的机关代字（如 示人社监罚）：这些决定的网址和文件名只用年份和序号"
    )
    authority: Text | None = Field(default=None, description="处罚机关：导出文件没有这一列时，导入使用此值")
    authority_code: CreditCode | None = Field(default=None, description="处罚机关统一社会信用代码，同上")

    def years_for(self, violation_type: str) -> int:
        return self.display_years_by_type.get(violation_type, self.display_years)
