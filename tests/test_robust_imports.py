"""Spreadsheets as they really arrive: a broken sheet, a zip that unpacks to gigabytes, a cell
of 1e20. Each gets one message naming the file and the cause; nothing is written."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from click.testing import CliRunner

from pufa.cli import main
from pufa.shared import tables
from pufa.shared.tables import TableError, read_rows


def workbook(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def truncated_sheet(path: Path) -> Path:
    buffer = io.BytesIO()
    workbook(buffer, [["内容标题", "总阅读次数"], ["加班费怎么算", 12]])
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    with zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, data[: len(data) // 2] if item.filename.endswith("sheet1.xml") else data)
    return path


def run(project, *args: str):
    (project.root / "data" / "stats" / "aliases.yml").unlink(missing_ok=True)  # it names the corpus's articles
    result = CliRunner().invoke(main, [*args, "--root", str(project.root)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_a_sheet_cut_short_is_named_not_a_traceback(project, tmp_path: Path):
    path = truncated_sheet(tmp_path / "图文数据_20240101.xlsx")
    for command in (["stats", "import", str(path)], ["penalties", "import", str(path)]):
        result = run(project, *command)
        assert result.exit_code == 1 and "图文数据_20240101.xlsx：Excel 文件内容已损坏" in result.output, result.output


def test_a_zip_that_unpacks_too_far_is_refused_before_it_is_read(tmp_path: Path, monkeypatch):
    path = workbook(tmp_path / "export.xlsx", [["行政相对人名称"]] + [["某公司" * 50] for _ in range(200)])
    monkeypatch.setattr(tables, "MAX_UNPACKED_BYTES", 20_000)
    with pytest.raises(TableError, match="export.xlsx：解压后有"):
        read_rows(path)


def test_too_many_rows_are_refused(tmp_path: Path, monkeypatch):
    path = workbook(tmp_path / "export.xlsx", [[number] for number in range(50)])
    monkeypatch.setattr(tables, "MAX_ROWS", 20)
    with pytest.raises(TableError, match="超过 20 行"):
        read_rows(path)


@pytest.mark.parametrize(("name", "content"), [
    ("图文数据_20240101.xlsx", None),
    ("plausible_pages_20240101.csv", "name,visitors,pageviews\n/ketang/2023/yi/,1,100000000000\n"),
])
def test_one_limit_for_every_formats_figures(project, tmp_path: Path, name, content):
    project.article("ketang/2023/yi.md")
    path = tmp_path / name
    if content is None:
        workbook(path, [["内容标题", "总阅读次数"], ["工资应当按月足额支付", 1e20]])
    else:
        path.write_text(content, encoding="utf-8")
    before = (project.root / "data" / "stats" / "reads.csv").read_bytes()
    result = run(project, "stats", "import", str(path))
    assert result.exit_code == 1 and "超过了一篇文章可能的阅读次数（上限 1,000,000,000）" in result.output, result.output
    assert (project.root / "data" / "stats" / "reads.csv").read_bytes() == before


def penalty_sheet(path: Path, header_rows: list[list[object]], data: list[object], blank_first: bool = False) -> Path:
    from test_penalty_import import HEADER, row

    book = openpyxl.Workbook()
    sheet = book.active
    if blank_first:
        sheet = book.create_sheet("处罚信息")
    for header in header_rows or [HEADER]:
        sheet.append(header)
    sheet.append(data or row(1))
    book.save(path)
    return path


def test_data_behind_a_blank_first_sheet_is_found(project, tmp_path: Path):
    path = penalty_sheet(tmp_path / "export.xlsx", [], [], blank_first=True)
    result = run(project, "penalties", "import", str(path), "--dry-run")
    assert result.exit_code == 0 and "新增：示人社监罚〔2024〕101号" in result.output, result.output


def test_a_header_split_over_two_rows_is_said_to_be_so(project, tmp_path: Path):
    from test_penalty_import import HEADER

    first = [name if index < 6 else None for index, name in enumerate(HEADER)]
    second = [None if index < 6 else name for index, name in enumerate(HEADER)]
    path = penalty_sheet(tmp_path / "export.xlsx", [first, second], [])
    result = run(project, "penalties", "import", str(path))
    assert result.exit_code == 1 and "export.xlsx：表头分成了两行（第 1、2 行" in result.output, result.output


def test_a_credit_code_excel_stored_as_a_number_is_said_to_be_so(project, tmp_path: Path):
    from test_penalty_import import row

    data = row(1, code=911101087000009525)
    path = penalty_sheet(tmp_path / "export.xlsx", [], data)
    result = run(project, "penalties", "import", str(path))
    assert result.exit_code == 1
    assert "“统一社会信用代码”列：被 Excel 存成了数字" in result.output and "设为“文本”格式" in result.output, result.output


def test_a_formula_saved_without_its_value_is_named_as_such(project, tmp_path: Path):
    """Programs that write .xlsx (not Excel) often store =SUM(...) without the computed value."""
    from test_penalty_import import HEADER, row

    book = openpyxl.Workbook()
    book.active.append(HEADER)
    data = row(1)
    data[9] = "=0.2+0.3"  # 罚款金额（万元）, as a formula openpyxl saves without a cached value
    book.active.append(data)
    path = tmp_path / "export.xlsx"
    book.save(path)
    result = run(project, "penalties", "import", str(path))
    assert result.exit_code == 1
    assert "“罚款金额（万元）”列：是公式（=0.2+0.3），文件中没有保存计算结果" in result.output, result.output
    wechat = workbook(tmp_path / "图文数据_20240101.xlsx", [["内容标题", "总阅读次数"], ["工资应当按月足额支付", "=10*10"]])
    project.article("ketang/2023/yi.md")
    result = run(project, "stats", "import", str(wechat))
    assert result.exit_code == 1 and "“总阅读次数”列：是公式（=10*10）" in result.output, result.output


def test_data_on_a_second_sheet_is_named_as_the_cause(project, tmp_path: Path):
    from test_penalty_import import HEADER, row

    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["本表由劳动保障监察系统导出"])
    data = book.create_sheet("处罚信息")
    data.append(HEADER)
    data.append(row(1))
    path = tmp_path / "export.xlsx"
    book.save(path)
    result = run(project, "penalties", "import", str(path))
    assert result.exit_code == 1 and "文件有 2 个工作表：说明、处罚信息；只读取第一个有内容的工作表" in result.output, result.output


def test_a_quote_left_open_is_named_with_its_line(project, tmp_path: Path):
    from test_penalty_import import HEADER, row

    lines = [",".join(HEADER), ",".join(str(v) for v in row(1)), '"' + ",".join(str(v) for v in row(2)), ",".join(str(v) for v in row(3))]
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(project, "penalties", "import", str(path))
    assert result.exit_code == 1 and "export.csv 第 3 行：引号没有闭合" in result.output, result.output


CELLS = st.one_of(
    st.none(), st.text(max_size=30), st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", " ", "0.5万元", "1,234.50元", "2024年2月30日", "20240101", "=SUM(A1)", "示人社监罚[2024]1号",
                     "91000000MA000001XH", "110105194912310025", "合计", "\x00", "'", '"']),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(CELLS, min_size=15, max_size=15))
def test_any_row_of_a_penalty_export_gives_a_plan_or_named_problems(project, cells):
    from test_penalty_import import HEADER

    from pufa.disclosure.importer import plan_import
    from pufa.shared.errors import PufaError

    path = project.root / "any.xlsx"
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook(path, [HEADER, [ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in cells]])
    try:
        plan_import(path, project.root)
    except PufaError as exc:
        assert "any.xlsx" in str(exc)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(st.text(alphabet=st.sampled_from(list('0123456789,."\\n/abc工资-')), max_size=12), min_size=3, max_size=3), max_size=6))
def test_any_web_export_gives_figures_or_named_problems(project, rows):
    from pufa.shared.errors import PufaError
    from pufa.stats.importer import import_file
    from pufa.stats.store import ArticleMatcher

    path = project.root / "plausible_20240101.csv"
    path.write_text("name,visitors,pageviews\n" + "\n".join(",".join(row) for row in rows), encoding="utf-8")
    try:
        import_file(path, ArticleMatcher([]))
    except PufaError as exc:
        assert "plausible_20240101.csv" in str(exc)


def test_a_control_character_in_an_exported_name_is_named(project, tmp_path: Path):
    from test_penalty_import import row, write_csv

    path = write_csv(tmp_path / "export.csv", [row(1, party="示例区\x1b[31m测试公司")], encoding="utf-8")
    result = run(project, "penalties", "import", str(path))
    assert result.exit_code == 1 and "“行政相对人名称”列：含有不可见的控制字符（U+001B）" in result.output, result.output
