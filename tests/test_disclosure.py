"""Penalty disclosure and the blacklist: what the law says to show, to hide and to take down."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import plain_report
from htmltools import read

from pufa.cli import main
from pufa.disclosure.lifecycle import (
    add_months,
    display_end,
    listing_status,
    penalty_status,
)
from pufa.disclosure.loading import load_disclosure
from pufa.disclosure.records import BlacklistEntry, DisclosureRules, Penalty
from pufa.shared.errors import ContentError

RULES = DisclosureRules()
RECORD = dict(
    decision_number="示人社监罚〔2023〕99号",
    party="示例区测试建筑有限公司",
    credit_code="91000000MA000001XH",
    legal_representative="张三",
    violation_type="未及时支付劳动报酬",
    facts="经查，拖欠工人马小兵等3人工资。",
    basis="《劳动保障监察条例》第二十六条",
    category="罚款",
    content="罚款5,000元",
    fine="5000",
    decision_date="2023-05-06",
    authority="示例区人力资源和社会保障局",
    authority_code="11000000MB00000014",
)


def penalty(**changes) -> Penalty:
    return Penalty.model_validate({**RECORD, **changes})


@pytest.mark.parametrize(
    "today, status",
    [
        ("2023-05-05", "pending"),
        ("2023-05-06", "public"),
        ("2026-05-05", "public"),  # the last day of three years
        ("2026-05-06", "expired"),
        ("2026-05-07", "expired"),  # three years and a day
    ],
)
def test_a_decision_is_public_for_three_years_from_its_date(today, status):
    assert penalty_status(penalty(), date.fromisoformat(today), RULES) == status


def test_the_display_period_can_be_set_per_violation_type():
    rules = DisclosureRules(display_years_by_type={"未及时支付劳动报酬": 1})
    assert display_end(penalty(), rules) == date(2024, 5, 5)
    assert penalty_status(penalty(violation_type="其他"), date(2025, 1, 1), rules) == "public"


def test_credit_repair_takes_it_down_early_and_withdrawal_at_once():
    repaired = penalty(credit_repair_date="2023-09-01")
    assert penalty_status(repaired, date(2023, 8, 31), RULES) == "public"
    assert penalty_status(repaired, date(2023, 9, 1), RULES) == "repaired"
    withdrawn = penalty(withdrawal={"date": "2023-06-01", "reason": "经行政复议被撤销"})
    assert penalty_status(withdrawn, date(2023, 5, 31), RULES) == "public"
    assert penalty_status(withdrawn, date(2023, 6, 1), RULES) == "withdrawn"


def test_add_months_keeps_to_the_end_of_short_months():
    assert add_months(date(2023, 8, 31), 6) == date(2024, 2, 29)
    assert add_months(date(2024, 2, 29), 36) == date(2027, 2, 28)


def test_blacklist_listing_lasts_three_years_or_until_removal():
    entry = BlacklistEntry.model_validate(dict(
        decision_number="示人社失信〔2023〕9号", employer="示例区测试建筑有限公司", credit_code="91000000MA000001XH",
        responsible_persons=["张三"], workers=3, amount="30000", grounds="拖欠工资", basis="人社部令第45号第五条",
        authority="示例区人力资源和社会保障局", listing_date="2023-06-01",
    ))
    assert listing_status(entry, date(2026, 5, 31)) == "listed"
    assert listing_status(entry, date(2026, 6, 1)) == "expired"
    removed = entry.model_copy(update={"removal_date": date(2024, 1, 1)})
    assert listing_status(removed, date(2024, 1, 1)) == "removed"


def write_record(project, folder: str, name: str, text: str) -> Path:
    path = project.root / "data" / folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "folder, append, message",
    [
        ("penalties", "credit_repair_date: 2023-07-01\n", "信用修复不得早于最短公示期满（3 个月），即 2024-03-20 及以后"),
        ("penalties", "withdrawal: {date: 2023-01-01, reason: 撤销}\n", "撤回日期"),
        ("blacklist", "arrears_paid_date: 2024-01-10\npledge_date: 2024-01-10\nremoval_date: 2024-05-01\n", "列入且清偿后满 6 个月才能提前移出，即 2024-07-11 及以后"),
        ("blacklist", "removal_date: 2025-05-01\n", "提前移出须先清偿拖欠工资并作出守信承诺"),
    ],
)
def test_lifecycle_dates_against_the_rules_are_errors_naming_the_file(project, folder, append, message):
    # 示人社监罚〔2023〕12号 was decided on 2023-12-19; blacklist entry 7 was listed on 2023-12-29.
    path = project.root / "data" / folder / ("2023-012.yml" if folder == "penalties" else "2023-007.yml")
    path.write_text(path.read_text("utf-8") + append, "utf-8")
    with pytest.raises(ContentError) as error:
        load_disclosure(project.root / "data", project.root, date(2026, 11, 27))
    assert message in str(error.value) and path.name in str(error.value)


def test_a_bad_credit_code_and_a_duplicate_number_are_errors(project):
    first = project.root / "data" / "penalties" / "2023-001.yml"
    first.write_text(first.read_text("utf-8").replace("91000000MA000001XH", "91000000MA000001XA"), "utf-8")
    second = project.root / "data" / "penalties" / "2023-002.yml"
    second.write_text(second.read_text("utf-8").replace("示人社监罚〔2023〕2号", "示人社监罚〔2023〕3号"), "utf-8")
    with pytest.raises(ContentError) as error:
        load_disclosure(project.root / "data", project.root, date(2026, 11, 27))
    text = str(error.value)
    assert "2023-001.yml" in text and "credit_code" in text and "校验位错误" in text
    assert "决定书文号“示人社监罚〔2023〕3号”与" in text


# --- the shipped sample ------------------------------------------------------------------


def stats_row(html: str, year: int) -> list[str]:
    start = html.index(f"<td style=\"text-align: right;\">{year}</td>")
    row = html[start : html.index("</tr>", start)]
    return [cell.split(">", 1)[1] for cell in row.split("</td>") if ">" in cell]


def test_the_2023_statistics_match_the_bureaus_report(sample_site: Path):
    html = read(sample_site, "/disclosure/")
    assert stats_row(html, 2023) == ["2023", "12", "306", "14,365,574.31", "109,000", "7"]


def test_the_sample_says_it_is_fictitious(sample_site: Path):
    for url in ("/disclosure/", "/disclosure/blacklist/", "/disclosure/withdrawn/", "/disclosure/2023-012/"):
        assert "虚构" in read(sample_site, url), url


def test_only_current_decisions_are_shown_and_in_the_open_data(sample_site: Path):
    html = read(sample_site, "/disclosure/")
    for current in ("示人社监罚〔2023〕12号", "示人社监罚〔2023〕11号", "示人社监罚〔2026〕2号"):
        assert current in html
    for gone in ("示人社监罚〔2023〕10号", "示人社监罚〔2023〕1号", "示人社监罚〔2025〕1号", "示人社监罚〔2024〕2号"):
        assert gone not in html  # expired, expired, withdrawn, credit-repaired
        assert gone not in (sample_site / "disclosure" / "penalties.csv").read_text("utf-8-sig")
    assert not (sample_site / "disclosure" / "2023-010").exists()


def test_open_data_uses_the_national_field_names_and_opens_in_excel(sample_site: Path):
    raw = (sample_site / "disclosure" / "penalties.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM makes Excel read UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    data = json.loads((sample_site / "disclosure" / "penalties.json").read_text("utf-8"))
    assert len(rows) == data["记录数"] == 6
    assert list(rows[0])[:4] == ["行政相对人名称", "统一社会信用代码", "法定代表人", "行政处罚决定书文号"]
    assert "公示截止期" in rows[0] and "罚款金额（万元）" in rows[0]
    by_number = {row["行政处罚决定书文号"]: row for row in rows}
    assert by_number["示人社监罚〔2023〕12号"]["罚款金额（万元）"] == "0.8"
    assert by_number["示人社监罚〔2023〕12号"]["公示截止期"] == "2026-12-18"
    assert data["记录"] == rows


def test_personal_data_in_a_records_facts_never_reaches_the_site(project):
    """A record written by hand with an inspector's raw notes: `pufa check` refuses it, and
    should it be built all the same, its facts are masked on every page."""
    record = project.root / "data" / "penalties" / "2023-012.yml"
    raw = "投诉人曹玉兰（身份证号11010519491231002X，手机13812345678，家住示例区幸福路8号3栋201室）提供了考勤记录和工资卡（卡号6222021234567890128）流水。"
    record.write_text(record.read_text("utf-8").replace("投诉人曹玉兰（家住示例区幸福路8号3栋201室）提供了考勤记录和工资卡流水。", raw), "utf-8")
    secrets = ["11010519491231002X", "13812345678", "6222021234567890128", "曹玉兰", "幸福路8号"]
    assert all(secret in record.read_text("utf-8") for secret in secrets)  # the raw record really holds them
    project.article("ketang/2023/yi.md")
    sample_site = project.build().site
    for path in sample_site.rglob("*"):
        if path.suffix in {".html", ".xml", ".json", ".csv"}:
            text = path.read_text("utf-8", errors="replace")
            for secret in secrets:
                assert secret not in text, (path, secret)
    page = read(sample_site, "/disclosure/2023-012/")
    assert "投诉人曹某某（身份证号（已隐去），手机（已隐去），家住（已隐去））" in page
    checked = CliRunner().invoke(main, ["check", "--root", str(project.root)])
    assert checked.exit_code == 1 and "data/penalties/2023-012.yml:7: 疑似身份证号 110105********002X" in plain_report(checked.output)
    assert "褚四" in page  # the legal representative is shown, as the rules require


def test_blacklist_and_withdrawal_pages(sample_site: Path):
    blacklist = read(sample_site, "/disclosure/blacklist/")
    assert "示例区丑食品加工有限公司" in blacklist and "示例区子园林绿化有限公司" in blacklist
    assert "示例区丙服装制造有限公司" not in blacklist  # removed early, after paying and a pledge
    withdrawn = read(sample_site, "/disclosure/withdrawn/")
    assert "示人社监罚〔2025〕1号" in withdrawn and "认定事实不清被撤销" in withdrawn
    assert "示例区辰商贸有限公司" not in withdrawn  # the notice gives the number, date and reason only


def test_the_disclosure_feed_lists_the_current_decisions(sample_site: Path):
    items = json.loads((sample_site / "disclosure" / "feed.json").read_text("utf-8"))["items"]
    assert [item["url"].rsplit("/", 2)[-2] for item in items] == ["2026-002", "2026-001", "2025-002", "2024-001", "2023-012", "2023-011"]
    decision = next(item for item in items if item["url"].endswith("2023-012/"))
    assert decision["content_html"] == "<p>未及时支付劳动报酬：责令支付拖欠的劳动报酬，罚款8,000元</p>"  # no facts


# --- builds on other days ----------------------------------------------------------------


def test_three_years_and_a_day_after_a_decision_it_is_gone_everywhere(project):
    project.article("ketang/2023/wen.md")
    number = "示人社监罚〔2023〕12号"  # decided 2023-12-19
    shown = project.build(today="2026-12-18")
    assert shown.returncode == 0, shown.output
    assert number in read(shown.site, "/disclosure/")
    gone = project.build(today="2026-12-20")
    assert gone.returncode == 0, gone.output
    for path in gone.site.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".xml", ".json", ".csv"}:
            assert number not in path.read_text("utf-8", errors="replace"), path
    assert not (gone.site / "disclosure" / "2023-012").exists()
    assert stats_row(read(gone.site, "/disclosure/"), 2023)[1] == "12"  # still counted in the year's figures


def test_a_withdrawn_decision_comes_down_and_is_listed_as_withdrawn(project):
    project.article("ketang/2023/wen.md")
    path = project.root / "data" / "penalties" / "2026-001.yml"
    path.write_text(path.read_text("utf-8") + "withdrawal: {date: 2026-11-20, reason: 经复议变更处罚决定}\n", "utf-8")
    result = project.build()
    assert result.returncode == 0, result.output
    assert "示例区午快递服务有限公司" not in read(result.site, "/disclosure/")
    assert "示例区午快递服务有限公司" not in (result.site / "disclosure" / "feed.xml").read_text("utf-8")
    withdrawn = read(result.site, "/disclosure/withdrawn/")
    assert "示人社监罚〔2026〕1号" in withdrawn and "经复议变更处罚决定" in withdrawn


def test_an_article_with_a_real_looking_id_number_fails_the_build(project):
    article = project.article("ketang/2023/wen.md")
    article.write_text(article.read_text("utf-8") + "\n当事人身份证号码 11010519491231002X。\n", "utf-8")
    result = project.build()
    assert result.returncode != 0
    assert "疑似个人信息" in result.output and "ketang/2023/wen/index.html" in result.output
    assert "身份证号 110105********002X" in result.output
    assert "11010519491231002X" not in result.output  # the report itself does not leak it
    assert not (result.site / "ketang/2023/wen/index.html").exists(), "the page is deleted, not published"
    assert (result.site / "index.html").is_file()


def test_a_hotline_in_an_article_is_fine(project):
    article = project.article("ketang/2023/wen.md")
    article.write_text(article.read_text("utf-8") + "\n咨询请拨打 12333 或 010-12345678。\n", "utf-8")
    result = project.build()
    assert result.returncode == 0, result.output


def test_yearly_statistics_leave_out_withdrawn_decisions():
    from pufa.disclosure.lifecycle import Disclosure

    kept, void = penalty(), penalty(decision_number="示人社监罚〔2023〕98号", withdrawal={"date": "2023-07-01", "reason": "撤销"})
    stats = Disclosure(RULES, (kept, void), (), date(2024, 1, 1)).yearly_stats()
    assert [(s.year, s.decisions, s.fines) for s in stats] == [(2023, 1, Decimal("5000"))]


def test_names_in_every_published_free_text_field_are_masked(project):
    project.article("ketang/2023/wen.md")
    penalty = project.root / "data" / "penalties" / "2026-001.yml"
    text = penalty.read_text("utf-8").replace("content: 责令支付拖欠的劳动报酬，罚款5,000元", "content: 责令向劳动者黄小梅等支付拖欠的劳动报酬，罚款5,000元")
    penalty.write_text(text, "utf-8")
    withdrawn = project.root / "data" / "penalties" / "2025-001.yml"
    withdrawn.write_text(withdrawn.read_text("utf-8").replace("经行政复议，", "经劳动者郑大海申请行政复议，"), "utf-8")
    listing = project.root / "data" / "blacklist" / "2023-007.yml"
    listing.write_text(listing.read_text("utf-8").replace("grounds: 拖欠", "grounds: 拖欠农民工曹玉兰等"), "utf-8")
    result = project.build()
    assert result.returncode == 0, result.output
    for path in result.site.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".xml", ".json", ".csv"}:
            text = path.read_text("utf-8", errors="replace").replace("\u200b", "")
            for name in ("黄小梅", "郑大海", "曹玉兰"):
                assert name not in text, (path, name)
    assert "黄某某" in read(result.site, "/disclosure/2026-001/")
    assert "郑某某" in read(result.site, "/disclosure/withdrawn/")


def test_a_build_that_finds_personal_data_removes_those_pages(project):
    article = project.article("ketang/2023/wen.md")
    article.write_text(article.read_text("utf-8") + "\n联系人手机 13812345678。\n", "utf-8")
    result = project.build()
    assert result.returncode != 0 and "手机号 138****5678" in result.output
    assert not (result.site / "ketang" / "2023" / "wen" / "index.html").exists()


@pytest.mark.parametrize("number", ["示人社监罚〔2023〕3号\n", "示人社监罚〔2023〕3号\n\n# 标题", "示人社监罚〔2023〕3号 x"])
def test_a_decision_number_is_exactly_one_number(number):
    with pytest.raises(ValueError, match="机关代字"):
        Penalty.model_validate({**RECORD, "decision_number": number})
