"""The build-time detector: personal numbers that are certainly real, in any file of the built site.

It must not cry wolf, so it checks: an ID number needs a valid birth date and check digit,
a card number must pass Luhn and not be a valid 统一社会信用代码, and the credit codes of
the organisations the site is required to name are accepted.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pufa.privacy.identifiers import (
    NUMBER_RUN, WIDE_DIGITS, credit_code_problem, digits_of, is_id_number, number_kind, passes_luhn,
)

SCANNED_SUFFIXES = {".html", ".xml", ".json", ".csv", ".txt", ".md"}
_INLINE_TAG = re.compile(r"</?(?:a|b|strong|em|i|span|code|mark|small|sub|sup|u|s|del|ins)\b[^>]*>", re.I)
_BLOCK_TAG = re.compile(r"<[^>]+>")


def readable_text(text: str) -> str:
    """Text as a reader sees it: entities decoded, inline tags gone (138<b>1234</b>5678 is a
    number), block tags a line break (numbers in two table cells are not one number)."""
    text = _INLINE_TAG.sub("", text)
    text = _BLOCK_TAG.sub("\n", text)
    return html.unescape(text).translate(WIDE_DIGITS)


@dataclass(frozen=True)
class Leak:
    page: str
    kind: str
    masked: str

    def __str__(self) -> str:
        return f"{self.page}: {self.kind} {self.masked}"


def _hide(value: str, head: int, tail: int) -> str:
    return value[:head] + "*" * (len(value) - head - tail) + value[len(value) - tail :]


def find_leaks(text: str, page: str, allowed: frozenset[str] = frozenset()) -> list[Leak]:
    """Personal numbers in ``text`` that are certainly real: an ID number with a valid birth
    date and check digit, a mainland mobile number, a card number passing Luhn that is not a
    valid 统一社会信用代码. ``allowed`` lists numbers the site must publish."""
    leaks = []
    for match in NUMBER_RUN.finditer(readable_text(text)):
        digits = digits_of(match.group(0))
        kind = number_kind(digits)
        if digits in allowed or kind is None:
            continue
        if kind == "id" and is_id_number(digits):
            leaks.append(Leak(page, "身份证号", _hide(digits, 6, 4)))
        elif kind == "mobile":
            mobile = digits[-11:]
            if mobile not in allowed:
                leaks.append(Leak(page, "手机号", _hide(mobile, 3, 4)))
        elif kind == "card" and passes_luhn(digits) and credit_code_problem(digits[:18]) is not None:
            leaks.append(Leak(page, "银行卡号", _hide(digits, 4, 4)))
    return leaks


def scan_site(site_dir: Path, allowed: Iterable[str] = (), skip: Iterable[str] = ("assets",)) -> list[Leak]:
    """Every leak in the pages, feeds and data files of a built site.

    ``skip`` names top-level folders of the theme's own files (scripts, styles), which hold
    long numbers that are nobody's."""
    allowed_set = frozenset(code.upper() for code in allowed)
    skipped = set(skip)
    leaks: list[Leak] = []
    for path in sorted(site_dir.rglob("*")):
        relative = path.relative_to(site_dir)
        if path.suffix not in SCANNED_SUFFIXES or relative.parts[0] in skipped or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        leaks += find_leaks(text, relative.as_posix(), allowed_set)
    return leaks
