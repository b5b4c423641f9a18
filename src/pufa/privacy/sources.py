"""Personal numbers in the sources (articles, hand-written pages, data), by file and line.

`pufa check` runs the build's detector over every source line, so an editor hears of an ID
or phone number before anything is built; and when the built site holds one, the build names
the source lines it came from. A number known not to be personal (a case number that looks
like a mobile number) is listed in data/privacy_allow.yml with the reason.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated

from pydantic import BeforeValidator

from pufa.privacy.identifiers import DIGIT_STRETCH, NUMBER_RUN, ODD_CHARACTERS, digits_of, plain_digits
from pufa.privacy.scanner import find_leaks
from pufa.shared.cache import Memo, content_hash, stamp
from pufa.shared.errors import Problem
from pufa.shared.records import Record, Text, load_list

ALLOW_LIST = "privacy_allow.yml"


class AllowedNumber(Record):
    """A number that looks personal but is not, and why (data/privacy_allow.yml)."""

    number: Annotated[Text, BeforeValidator(lambda value: str(value) if isinstance(value, int) else value)]
    reason: Text


def load_allowed_numbers(data_dir: Path, root: Path, problems: list[Problem]) -> set[str]:
    """The digits of every number in data/privacy_allow.yml (none when there is no such file)."""
    path = data_dir / ALLOW_LIST
    if not path.is_file():
        return set()
    return {digits_of(item.record.number) for item in load_list(path, root, AllowedNumber, problems)}


def source_files(root: Path) -> Iterator[Path]:
    """Every text file a page of the site is made from."""
    for folder, patterns in (("articles", ("*.md",)), ("docs", ("*.md", "*.html")), ("data", ("*.yml", "*.yaml", "*.txt", "*.csv"))):
        for pattern in patterns:
            for path in sorted((root / folder).rglob(pattern)):
                if path.is_file() and not path.is_symlink():
                    yield path


def _text(path: Path) -> str:
    return path.read_bytes().decode("utf-8-sig", errors="replace")


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    yield from enumerate(_text(path).splitlines(), start=1)


_ELEVEN_DIGITS = re.compile(r"^(?:[^\n\d]*\d){11}.*$", re.MULTILINE)
"""A line with at least 11 digits. Every personal number has that many, and each of its
digits is at least one digit character in the line as written (1, １, &#49;, %31)."""


def _lines_with_enough_digits(text: str) -> Iterator[tuple[int, str]]:
    """(number, line) of the lines that could hold a personal number: most lines of a
    source have few digits, and looking at each of 200,000 lines took seconds."""
    line, counted = 1, 0
    for match in _ELEVEN_DIGITS.finditer(text):
        line += text.count("\n", counted, match.start())  # from the last match on: a 100,000-line file stays linear
        counted = match.start()
        if could_hold_a_number(match.group(0)):
            yield line, match.group(0).rstrip("\r")


_MARKUP_OR_ODD_CHARACTER = re.compile(f"[<&%{ODD_CHARACTERS}]")


def could_hold_a_number(line: str) -> bool:
    """False only when the detector cannot find a number in ``line``: a line without tags,
    entities, percent-escapes or odd digits and spaces reads as written, so its number
    would be 11 digits in a row, single separators at most (a reading-statistics row,
    "ketang/2023/x,web,2024-03-31,104,78", is not)."""
    return bool(_MARKUP_OR_ODD_CHARACTER.search(line) or DIGIT_STRETCH.search(line))


_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def _column_of(digits: str, line: str) -> int | None:
    """Where a number starts in its line, when it was written plainly enough to find."""
    position = line.translate(_FULL_WIDTH_DIGITS).upper().find(digits[:4])
    return position + 1 if position >= 0 else None


def source_problems(root: Path, allowed: Iterable[str]) -> list[Problem]:
    """Every personal number in the sources, by file and line, masked. A file found clean
    before, with the same name, bytes and allowed numbers, is not scanned again."""
    allowed_set = frozenset(number.upper() for number in allowed)
    clean = Memo("source-clean", {}, lambda value: value == 1).load(root)
    allowed_stamp = stamp(sorted(allowed_set))  # in the key: a check whose content fails to load allows fewer
    problems = []
    for path in source_files(root):
        shown = path.relative_to(root)
        data = path.read_bytes()
        key = content_hash(allowed_stamp, shown.as_posix(), data)
        if clean.has(key):
            continue
        found = [
            Problem(shown, f"疑似{leak.kind} {leak.masked}", number, column=_column_of(leak.digits, line),
                    hint=f"请删除或改写；确实不是个人信息的号码可登记在 data/{ALLOW_LIST}，写明理由")
            for number, line in _lines_with_enough_digits(data.decode("utf-8-sig", errors="replace"))
            for leak in find_leaks(line, str(shown), allowed_set)
        ]
        if not found:
            clean.put(key, 1)
        problems += found
    clean.save(root)
    return problems


def where_written(digits: str, root: Path) -> list[str]:
    """The source lines (file:line) that hold ``digits``, however they were spaced or typed."""
    found = []
    for path in source_files(root):
        for number, line in _lines(path):
            if any(digits_of(match.group(0)).endswith(digits) or digits_of(match.group(0)) == digits
                   for match in NUMBER_RUN.finditer(plain_digits(html.unescape(line)))):
                found.append(f"{path.relative_to(root)}:{number}")
    return found
