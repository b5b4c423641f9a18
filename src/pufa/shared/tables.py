"""Reading the spreadsheets the bureau receives: .xlsx, .xls, and .csv in UTF-8, UTF-8-BOM or GB18030.

Exports from government systems put a title row above the header, write 合计 rows at the
bottom and drift in their header labels (全角（） or 半角(), extra spaces), so rows come
out with their row number as the user sees it in Excel, and headers are matched after
normalising. Only this module imports openpyxl and xlrd.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import zipfile
import zlib
from xml.etree import ElementTree
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from pufa.shared.errors import PufaError

HEADER_SEARCH_ROWS = 10


class TableError(PufaError):
    """The file cannot be read as a table; the message names the file and says why."""


@dataclass(frozen=True)
class Row:
    number: int  # as Excel shows it: 1 is the first line of the file
    cells: dict[str, object]  # field name → cell value (str, int, float, datetime) or None


def normalise_header(text: object) -> str:
    value = "" if text is None else str(text)
    value = value.replace("（", "(").replace("）", ")").replace("：", ":")
    return re.sub(r"\s+", "", value).lower()


def decode_csv(data: bytes, name: str) -> str:
    """UTF-16 when it says so (Matomo's default CSV, Excel's "Unicode 文本"), then UTF-8
    (with or without BOM) before GB18030, since GB18030 would accept almost any bytes."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise TableError(f"{name}：文件以 UTF-16 标记开头，但内容不是有效的 UTF-16，可能已损坏") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError(f"{name}：无法识别文件编码，应为 UTF-8、GB18030（GBK）或 UTF-16 编码的 CSV")


def csv_reader(text: str, name: str = "CSV 文件") -> Iterator[list[str]]:
    """Rows of comma- or tab-separated text (Excel's "Unicode 文本" is tab-separated). A quote
    left open would swallow the rest of the file into one cell and every later message would
    be about something else: it is named with its line instead."""
    if text.count('"') % 2:
        line = _unclosed_quote_line(text)
        raise TableError(f"{name} 第 {line} 行：引号没有闭合，这一行之后的内容都会被读成一个单元格；请检查这一行的引号")
    head = "\n".join(text[:20000].split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS])
    delimiter = "\t" if head.count("\t") > head.count(",") else ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _unclosed_quote_line(text: str) -> int:
    """The line where the quote that is still open at the end of the text was opened."""
    open_at, inside = 1, False
    for number, line in enumerate(text.split("\n"), start=1):
        was_inside = inside
        if line.count('"') % 2:
            inside = not inside
        if inside and not was_inside:
            open_at = number
    return open_at


def read_rows(path: Path) -> list[list[object]]:
    """Every row of the file's first sheet, as cell values.

    Excel files are told apart by their first bytes, not the name: backends often save an
    .xlsx under a .xls name."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        text = decode_csv(path.read_bytes(), path.name)
        try:
            return [list(row) for row in csv_reader(text, path.name)]
        except csv.Error as exc:
            raise TableError(f"{path.name}：CSV 格式错误（{exc}），可能有未闭合的引号") from None
    if suffix not in (".xlsx", ".xls"):
        raise TableError(f"{path.name}：不支持的文件类型 {path.suffix or '（无扩展名）'}，请使用 .xlsx、.xls 或 .csv")
    with open(path, "rb") as handle:
        magic = handle.read(8)
    if magic.startswith(_OLE2_MAGIC):
        return _read_xls(path)
    if magic.lstrip().startswith(b"<"):
        raise TableError(f"{path.name}：这是网页格式的表格，不是真正的 Excel 文件；请用 Excel 打开后另存为 .xlsx 再导入")
    return _read_xlsx(path)


def head_rows(path: Path, count: int) -> list[list[object]]:
    """The first rows only: enough to tell a format by its header without parsing a huge CSV."""
    if path.suffix.lower() == ".csv":
        try:
            return list(itertools.islice(csv_reader(decode_csv(path.read_bytes(), path.name), path.name), count))
        except csv.Error as exc:
            raise TableError(f"{path.name}：CSV 格式错误（{exc}），可能有未闭合的引号") from None
    return read_rows(path)[:count]


_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _read_xlsx(path: Path) -> list[list[object]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    _refuse_bomb(path)
    broken = (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, ElementTree.ParseError,
              EOFError, zlib.error)
    with open(path, "rb") as handle:  # a handle, not the name: openpyxl refuses any name ending .xls
        try:
            workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        except broken as exc:
            raise TableError(f"{path.name}：不是有效的 Excel 文件，可能已损坏（{type(exc).__name__}）") from None
        try:
            rows: list[list[object]] = []
            for number, sheet in enumerate(workbook.worksheets):  # the first sheet with anything in it
                for row in sheet.iter_rows(values_only=True):
                    rows.append(list(row))
                    if len(rows) > MAX_ROWS:
                        raise TableError(f"{path.name}：超过 {MAX_ROWS:,} 行，不像是一份导出文件；请拆分后再导入")
                if not all(is_blank(row) for row in rows):
                    return _mark_uncached_formulas(path, number, rows)
                rows = []
            return rows
        except broken as exc:
            raise TableError(f"{path.name}：Excel 文件内容已损坏，无法读完（{type(exc).__name__}），请重新导出") from None
        finally:
            workbook.close()


@dataclass(frozen=True)
class UncachedFormula:
    """A formula cell whose file holds no computed value (saved by a program, not by Excel):
    read as empty it would be reported as "不能为空", which is not the cause."""

    formula: str

    def __str__(self) -> str:
        return self.formula

    def problem(self) -> str:
        return f"是公式（{self.formula[:40]}），文件中没有保存计算结果：请用 Excel 打开、保存一次后再导出"


FORMULA_CHECK_BYTES = 20_000_000
"""Files up to this size are read a second time for their formulas (exports are far smaller)."""


def _mark_uncached_formulas(path: Path, sheet_number: int, rows: list[list[object]]) -> list[list[object]]:
    if path.stat().st_size > FORMULA_CHECK_BYTES or not any(value is None for row in rows for value in row):
        return rows
    import openpyxl

    with open(path, "rb") as handle:
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=False)
        try:
            sheet = workbook.worksheets[sheet_number]
            for row_index, formulas in enumerate(sheet.iter_rows(values_only=True)):
                if row_index >= len(rows):
                    break
                for column, formula in enumerate(formulas):
                    if (isinstance(formula, str) and formula.startswith("=") and column < len(rows[row_index])
                            and rows[row_index][column] is None):
                        rows[row_index][column] = UncachedFormula(formula)
        finally:
            workbook.close()
    return rows


MAX_ROWS = 2_000_000
MAX_UNPACKED_BYTES = 500_000_000
"""An .xlsx is a zip: a small file can unpack to gigabytes. Exports are far below this."""


def _refuse_bomb(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise TableError(f"{path.name}：不是有效的 Excel 文件，可能已损坏（{type(exc).__name__}）") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise TableError(f"{path.name}：解压后有 {unpacked / 1e6:,.0f} MB，远超一份导出文件的大小，拒绝读取")


def _read_xls(path: Path) -> list[list[object]]:
    """The old Excel format some WeChat backend versions still export; dates become datetimes."""
    import xlrd

    try:
        book = xlrd.open_workbook(path, on_demand=True, logfile=io.StringIO())  # no warnings on stdout
    except (xlrd.XLRDError, xlrd.compdoc.CompDocError, AssertionError, ValueError, IndexError, OSError) as exc:
        raise TableError(f"{path.name}：不是有效的 Excel 97-2003（.xls）文件，可能已损坏（{type(exc).__name__}）") from None
    try:
        sheet = book.sheet_by_index(0)
        rows = []
        for index in range(sheet.nrows):
            row: list[object] = []
            for cell in sheet.row(index):
                if cell.ctype == xlrd.XL_CELL_DATE:
                    row.append(xlrd.xldate_as_datetime(cell.value, book.datemode))
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    row.append(None)
                else:
                    row.append(cell.value)
            rows.append(row)
        return rows
    finally:
        book.release_resources()


def find_columns(
    rows: list[list[object]], aliases: Mapping[str, Iterable[str]], name: str, required: Iterable[str] | None = None,
    path: Path | None = None,
) -> tuple[int, dict[str, tuple[int, str]]]:
    """The header row's index and, for each field it has, (column index, header as written).

    The header is the first of the top rows that names every ``required`` field (by
    default: at least three known fields)."""
    lookup = {normalise_header(alias): field for field, names in aliases.items() for alias in names}
    needed = list(required or ())  # in order, for the message
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, tuple[int, str]] = {}
        for position, cell in enumerate(row):
            field = lookup.get(normalise_header(cell))
            if field and field not in columns:
                columns[field] = (position, str(cell).strip())
        if (needed and set(needed) <= columns.keys()) or (not needed and len(columns) >= 3):
            return index, columns
    examples = "".join(f"“{next(iter(aliases[field]))}”" for field in (needed or list(aliases)[:2]))
    refuse_split_header(rows, aliases, name)
    raise TableError(f"{name}：缺少必需的列：前 {HEADER_SEARCH_ROWS} 行中找不到含 {examples} 等列名的表头{sheets_hint(path)}")


def sheets_hint(path: Path | None) -> str:
    """When a workbook has several sheets: which, since only the first with anything in it is read."""
    if path is None or path.suffix.lower() != ".xlsx":
        return ""
    try:
        with zipfile.ZipFile(path) as archive:
            names = re.findall(r'<sheet [^>]*name="([^"]+)"', archive.read("xl/workbook.xml").decode("utf-8", "replace"))
    except (zipfile.BadZipFile, KeyError, OSError):
        return ""
    if len(names) < 2:
        return ""
    return f"（文件有 {len(names)} 个工作表：{'、'.join(names)}；只读取第一个有内容的工作表，请把数据放在第一个工作表）"


def refuse_split_header(rows: list[list[object]], aliases: Mapping[str, Iterable[str]], name: str) -> None:
    """A TableError saying so when the column names stand on two rows (merged cells), the
    real cause of "missing columns" in such a file."""
    lookup = {normalise_header(alias): field for field, names in aliases.items() for alias in names}

    def known(row: list[object]) -> set[str]:
        return {lookup[key] for cell in row if (key := normalise_header(cell)) in lookup}

    for index in range(min(len(rows), HEADER_SEARCH_ROWS) - 1):
        first, second = known(rows[index]), known(rows[index + 1])
        if first and second and len(first | second) >= 3 and not second <= first:
            raise TableError(f"{name}：表头分成了两行（第 {index + 1}、{index + 2} 行，多半是合并单元格）："
                             "请把列名合并到一行后再导入")


def is_blank(values: Iterable[object]) -> bool:
    return all(value is None or str(value).strip() == "" for value in values)


def is_total_row(values: Iterable[object]) -> bool:
    """合计 / 总计：… / 小计(元) rows, but not a title such as 合计加班20小时，工资怎么算？"""
    first = next((str(v).strip() for v in values if v is not None and str(v).strip()), "")
    return bool(_TOTAL_ROW.match(first.replace(" ", "")))


_TOTAL_ROW = re.compile(r"^(?:合计|总计|小计|总数|total)(?:$|[:：（(])", re.IGNORECASE)


_DATE_FORMATS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
)


def parse_date(value: object) -> date:
    """A date cell as exports write it: a real date, 2023-05-06, 2023年5月6日, 2023/5/6,
    20230506 or 2023.5.6; ValueError says which forms are understood."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    for pattern in _DATE_FORMATS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return date(year, month, day)
            except ValueError:
                raise ValueError(f"“{text}”不是有效日期（{year}年{month}月{day}日不存在）") from None
    raise ValueError(f"“{text}”无法识别为日期，应为 2023-05-06、2023年5月6日、2023/5/6 或 20230506")
