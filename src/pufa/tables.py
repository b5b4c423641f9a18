"""Reading the spreadsheets the bureau receives: .xlsx, and .csv in UTF-8, UTF-8-BOM or GB18030.

Exports from government systems put a title row above the header, write 合计 rows at the
bottom and drift in their header labels (全角（） or 半角(), extra spaces), so rows come
out with their row number as the user sees it in Excel, and headers are matched after
normalising. Only this module imports openpyxl.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

HEADER_SEARCH_ROWS = 10
TOTAL_MARKERS = ("合计", "总计", "小计")


class TableError(ValueError):
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
    """UTF-8 (with or without BOM) first, since GB18030 would accept almost any bytes."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError(f"{name}：无法识别文件编码，应为 UTF-8 或 GB18030（GBK）编码的 CSV")


def read_rows(path: Path) -> list[list[object]]:
    """Every row of the file's first sheet, as cell values."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        text = decode_csv(path.read_bytes(), path.name)
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""))]
    if suffix == ".xlsx":
        import openpyxl

        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise TableError(f"{path.name}：不是有效的 Excel（.xlsx）文件，可能已损坏（{type(exc).__name__}）") from None
        try:
            sheet = workbook.worksheets[0]
            return [list(row) for row in sheet.iter_rows(values_only=True)]
        finally:
            workbook.close()
    raise TableError(f"{path.name}：不支持的文件类型 {path.suffix or '（无扩展名）'}，请使用 .xlsx 或 .csv")


def find_columns(rows: list[list[object]], aliases: Mapping[str, Iterable[str]], name: str) -> tuple[int, dict[str, tuple[int, str]]]:
    """The header row's index and, for each field it has, (column index, header as written).

    The header is the first of the top rows that names at least three known fields."""
    lookup = {normalise_header(alias): field for field, names in aliases.items() for alias in names}
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, tuple[int, str]] = {}
        for position, cell in enumerate(row):
            field = lookup.get(normalise_header(cell))
            if field and field not in columns:
                columns[field] = (position, str(cell).strip())
        if len(columns) >= 3:
            return index, columns
    raise TableError(f"{name}：前 {HEADER_SEARCH_ROWS} 行中找不到表头（应包含“行政处罚决定书文号”“行政相对人名称”等列名）")


def is_blank(values: Iterable[object]) -> bool:
    return all(value is None or str(value).strip() == "" for value in values)


def is_total_row(values: Iterable[object]) -> bool:
    first = next((str(v).strip() for v in values if v is not None and str(v).strip()), "")
    return first.replace(" ", "") in TOTAL_MARKERS or first.startswith(TOTAL_MARKERS)
