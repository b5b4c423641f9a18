"""`pufa penalties import`: the inspectorate's exports, as the bureau actually gets them."""

from __future__ import annotations

import csv
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import SAMPLE_TODAY

from pufa.cli import main
from pufa.disclosure.importer import (
    ImportFailed,
    apply_import,
    parse_amount,
    plan_import,
)
from pufa.disclosure.loading import load_disclosure
from pufa.privacy.identifiers import credit_code_check_char
from pufa.shared.tables import TableError, parse_date

HEADER = [
    "行政相对人名称", "统一社会信用代码", "法定代表人（负责人）", "行政处罚决定书文号", "违法行为类型", "违法事实",
    "处罚依据", "处罚类别", "处罚内容", "罚款金额（万元）", "处罚决定日期", "处罚机关", "处罚机关统一社会信用代码",
    "涉及劳动者人数", "拖欠工资金额（元）",
]
AUTHORITY = ["示例区人力资源和社会保障局", "11000000MB00000014"]


def row(number: int, **changes) -> list[object]:
    values = {
        "party": f"示例区导入测试{number}有限公司",
        "code": "91000000MA000001XH",
        "rep": "张三",
        "doc": f"示人社监罚[2024]{100 + number}号",
        "type": "未及时支付劳动报酬",
        "facts": f"经查，该公司拖欠工人马小兵等{number}名劳动者工资，投诉人电话13812345678。",
        "basis": "《劳动保障监察条例》第二十六条",
        "category": "罚款",
        "content": "罚款5,000元",
        "fine": "0.5",
        "date": "2024年3月1日",
        "workers": str(number),
        "owed": "12,345.60元",
    } | changes
    return [values["party"], values["code"], values["rep"], values["doc"], values["type"], values["facts"],
            values["basis"], values["category"], values["content"], values["fine"], values["date"], *AUTHORITY,
            values["workers"], values["owed"]]


def write_csv(path: Path, rows: list[list[object]], encoding: str = "gb18030", title: bool = True) -> Path:
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        if title:
            writer.writerow(["示例区人力资源和社会保障局行政处罚信息（2024年）"])
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def penalty_files(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "data" / "penalties").glob("*.yml"))}


@pytest.fixture
def root(project) -> Path:
    return project.root


@pytest.mark.parametrize(
    "text, expected",
    [("2023-05-06", "2023-05-06"), ("2023年5月6日", "2023-05-06"), ("2023/5/6", "2023-05-06"), ("20230506", "2023-05-06"),
     (20230506, "2023-05-06"), (datetime(2023, 5, 6), "2023-05-06")],
)
def test_dates_in_every_form_exports_use(text, expected):
    assert parse_date(text).isoformat() == expected


@pytest.mark.parametrize("text", ["2023年13月1日", "2023-02-30", "去年五月", "2023.5"])
def test_impossible_dates_are_refused(text):
    with pytest.raises(ValueError):
        parse_date(text)


@pytest.mark.parametrize(
    "value, header, yuan",
    [("1,234.50元", "罚款金额", "1234.50"), ("0.5万元", "罚款金额", "5000.00"), ("0.5", "罚款金额（万元）", "5000.00"),
     ("5000", "罚款金额(元)", "5000.00"), (1.5, "罚款金额（万元）", "15000.00"), ("¥ 2,000", "罚款金额（元）", "2000.00")],
)
def test_amounts_in_yuan_or_wan(value, header, yuan):
    assert parse_amount(value, header) == Decimal(yuan)


@pytest.mark.parametrize(
    "value, header, message",
    [("-500元", "罚款金额", "不能为负数"), ("5000", "罚款金额", "没有注明单位"), ("五千元", "罚款金额", "不是金额"), ("0.0000001万元", "罚款金额", "精确到分")],
)
def test_bad_amounts_say_why(value, header, message):
    with pytest.raises(ValueError, match=message):
        parse_amount(value, header)


def test_a_gb18030_csv_with_a_title_and_a_total_row_imports(root: Path):
    source = write_csv(root / "export.csv", [row(1), row(2), ["合计", "", "", "", "", "", "", "", "", "1.0"]])
    plan = plan_import(source, root)
    assert plan.summary() == "读取 3 行：新增 2 条，更新 0 条，未变 0 条，跳过 1 行"
    assert plan.skipped == ["第 5 行是合计行，已跳过"]
    apply_import(plan, root / "data")
    text = (root / "data" / "penalties" / "2024-102.yml").read_text("utf-8")
    assert "decision_number: 示人社监罚〔2024〕102号" in text
    assert "fine: 5000" in text and "decision_date: 2024-03-01" in text and "wages_owed: 12345.6" in text
    assert "马小兵" not in text and "13812345678" not in text  # masked on the way in
    assert "工人马某某等2名劳动者" in text
    disclosure = load_disclosure(root / "data", root, datetime(2024, 6, 1).date())
    assert "示人社监罚〔2024〕102号" in [item.record.decision_number for item in disclosure.current]


def test_importing_the_same_file_twice_changes_nothing(root: Path):
    source = write_csv(root / "export.csv", [row(1), row(2)], encoding="utf-8-sig")
    apply_import(plan_import(source, root), root / "data")
    before = penalty_files(root)
    again = plan_import(source, root)
    assert again.count("未变") == 2 and again.count("新增") == again.count("更新") == 0
    apply_import(again, root / "data")
    assert penalty_files(root) == before


def test_an_xlsx_export_with_excel_dates_and_numbers(root: Path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["行政处罚信息公示"])
    sheet.append(HEADER)
    values = row(3)
    values[9] = 1.5  # a number in the 万元 column
    values[10] = datetime(2024, 4, 2)  # a real Excel date
    values[13] = 3
    sheet.append(values)
    workbook.save(root / "export.xlsx")
    plan = plan_import(root / "export.xlsx", root)
    assert plan.count("新增") == 1
    assert "fine: 15000" in plan.changes[0].text and "decision_date: 2024-04-02" in plan.changes[0].text


def test_an_update_keeps_what_only_the_site_records(root: Path):
    existing = root / "data" / "penalties" / "2023-004.yml"
    assert "credit_repair_date: 2023-09-01" in existing.read_text("utf-8")
    code = "91000000MA000004X" + credit_code_check_char("91000000MA000004X")
    values = row(4, doc="示人社监罚〔2023〕4号", code=code, rep="赵六", date="2023-04-25", party="示例区丁物业服务有限公司")
    plan = plan_import(write_csv(root / "export.csv", [values]), root)
    assert [c.kind for c in plan.changes] == ["更新"]
    assert "credit_repair_date: 2023-09-01" in plan.changes[0].text and "arrears_paid:" in plan.changes[0].text


def test_bad_rows_are_all_reported_with_row_and_column_and_nothing_is_written(root: Path):
    before = penalty_files(root)
    rows = [
        row(5, code="91000000MA000001XA"),  # wrong check character
        row(6, date="2023年13月1日"),
        row(7, fine="-0.05"),
        row(8, doc=""),
        row(9),  # a good row: not written either
        ["合计", "", "", "", "", "", "", "", "", "1.0"],
    ]
    source = write_csv(root / "bad.csv", rows)
    with pytest.raises(ImportFailed) as error:
        plan_import(source, root)
    text = str(error.value)
    assert "没有写入任何文件" in text
    assert "bad.csv 第 3 行，“统一社会信用代码”列：不是有效的统一社会信用代码：校验位错误" in text
    assert "bad.csv 第 4 行，“处罚决定日期”列：“2023年13月1日”不是有效日期" in text
    assert "bad.csv 第 5 行，“罚款金额（万元）”列：金额不能为负数" in text
    assert "bad.csv 第 6 行，“行政处罚决定书文号”列：不能为空" in text
    assert len(error.value.problems) == 4
    assert penalty_files(root) == before


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("broken.xlsx", b"PK\x03\x04 not really a workbook", "不是有效的 Excel 文件"),
        ("export.txt", b"hello", "不支持的文件类型"),
        ("unicode.csv", b"\xff\xfe\x00\xd8", "不是有效的 UTF-16"),
        ("binary.csv", b"\x80\x81\xff header", "无法识别文件编码"),
        ("webpage.xls", b"<html><table><tr><td>1</td></tr></table></html>", "网页格式的表格"),
    ],
)
def test_unreadable_files_get_a_clear_error(root: Path, name, content, message):
    (root / name).write_bytes(content)
    with pytest.raises(TableError, match=message):
        plan_import(root / name, root)


def test_a_missing_column_is_named(root: Path):
    source = root / "export.csv"
    with open(source, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([h for h in HEADER if h != "处罚依据"])
    with pytest.raises(TableError, match="缺少必需的列：处罚依据"):
        plan_import(source, root)


def run_cli(root: Path, *args: str):
    return CliRunner().invoke(main, [*args, "--root", str(root)], env={"PUFA_TODAY": SAMPLE_TODAY})


def test_the_command_line_dry_run_writes_nothing_then_the_import_does(root: Path):
    source = write_csv(root / "export.csv", [row(1)])
    before = penalty_files(root)
    dry = run_cli(root, "penalties", "import", str(source), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "新增：示人社监罚〔2024〕101号 → data/penalties/2024-101.yml" in dry.stdout and "试运行" in dry.stdout
    assert penalty_files(root) == before
    real = run_cli(root, "penalties", "import", str(source))
    assert real.exit_code == 0, real.output
    assert "2024-101.yml" in penalty_files(root)


def test_the_command_line_reports_bad_rows_and_exits_non_zero(root: Path):
    source = write_csv(root / "bad.csv", [row(1, date="2023年13月1日")])
    result = run_cli(root, "penalties", "import", str(source))
    assert result.exit_code == 1
    assert "第 3 行，“处罚决定日期”列" in result.stderr


def test_two_authorities_numbers_with_the_same_year_and_sequence_live_side_by_side(root: Path):
    rows = [row(5), row(6, doc="路人社监罚[2024]105号")]
    plan = plan_import(write_csv(root / "export.csv", rows), root)
    apply_import(plan, root / "data")
    assert {"2024-105.yml", "2024-105-lurenshejianfa.yml"} <= set(penalty_files(root))
    disclosure = load_disclosure(root / "data", root, datetime(2024, 6, 1).date())
    assert {item.slug for item in disclosure.current} >= {"2024-105", "2024-105-lurenshejianfa"}


def test_an_existing_record_under_another_file_name_still_claims_its_name(root: Path):
    folder = root / "data" / "penalties"
    text = (folder / "2024-001.yml").read_text(encoding="utf-8")
    (folder / "2024-101.yml").write_text(text.replace("示人社监罚〔2024〕1号", "路人社监罚〔2024〕101号"), encoding="utf-8")
    with pytest.raises(ImportFailed, match="相同"):
        plan_import(write_csv(root / "export.csv", [row(1)]), root)  # 示人社监罚〔2024〕101号 wants 2024-101.yml


@pytest.mark.parametrize(("changes", "column", "kind"), [
    ({"content": "罚款5,000元，联系人手机13812345678"}, "处罚内容", "手机号"),
    ({"basis": "《劳动保障监察条例》第二十六条（当事人身份证号11010519491231002X）"}, "处罚依据", "身份证号"),
    ({"party": "个体户张三（卡号6222021234567890128）"}, "行政相对人名称", "银行卡号"),
])
def test_personal_numbers_outside_the_facts_are_refused_before_anything_is_written(root: Path, changes, column, kind):
    before = penalty_files(root)
    source = write_csv(root / "export.csv", [row(1), row(2, **changes)])
    with pytest.raises(ImportFailed) as error:
        plan_import(source, root)
    assert f"export.csv 第 4 行，“{column}”列：含有疑似{kind}" in str(error.value)
    assert "13812345678" not in str(error.value) and "11010519491231002X" not in str(error.value)
    assert penalty_files(root) == before


def test_an_export_without_the_authority_columns_takes_them_from_the_rules(root: Path):
    header = HEADER[:11] + HEADER[13:]
    path = root / "own.csv"
    with open(path, "w", encoding="gb18030", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerow(row(1)[:11] + row(1)[13:])
    plan = plan_import(path, root)
    assert plan.notes == ["导出文件没有“处罚机关”列，按 data/disclosure.yml 填为 示例区人力资源和社会保障局",
                          "导出文件没有“处罚机关统一社会信用代码”列，按 data/disclosure.yml 填为 11000000MB00000014"]
    apply_import(plan, root / "data")
    written = (root / "data" / "penalties" / "2024-101.yml").read_text(encoding="utf-8")
    assert "authority: 示例区人力资源和社会保障局" in written and "authority_code: 11000000MB00000014" in written
    rules = root / "data" / "disclosure.yml"
    rules.write_text(rules.read_text(encoding="utf-8").split("# 本局自己的处罚决定")[0], encoding="utf-8")
    with pytest.raises(TableError, match="缺少必需的列：处罚机关、处罚机关统一社会信用代码"):
        plan_import(path, root)


def test_every_problem_of_a_row_is_listed(root: Path):
    source = write_csv(root / "bad.csv", [row(1, code="91000000MA000001XA", date="2023年13月1日", fine="-1",
                                              content="罚款，联系13812345678")])
    with pytest.raises(ImportFailed) as error:
        plan_import(source, root)
    text = str(error.value)
    for column in ("统一社会信用代码", "处罚决定日期", "罚款金额（万元）", "处罚内容"):
        assert f"bad.csv 第 3 行，“{column}”列" in text, text
