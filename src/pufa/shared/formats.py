"""How dates, counts and amounts are written for Chinese readers, on pages and in open data."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pufa.shared.ahead import Ahead

_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def pinyin(text: str) -> str:
    """The syllables of ``text`` run together, tone-less: 工伤认定 → gongshangrending (for
    slugs and for sorting names as a Chinese index does). pypinyin's dictionaries take a
    fifth of a second to load, so they load on first use, not with every command."""
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(text))


_PINYIN_FOUND: dict[str, str] = {}
"""``pinyin`` of every text this process asked ``pinyin_of`` for: a `mkdocs serve` rebuild
(which makes no helper) asks for the same names again, and would load pypinyin for them."""
_pinyin_ahead: Ahead | None = None
"""The helper ``pinyin_ahead`` started, until ``pinyin_of`` has taken all it works out."""


def pinyin_ahead(texts: Iterable[str]) -> None:
    """Start working out ``pinyin`` of ``texts`` in a forked helper now, for ``pinyin_of`` to
    take later: loading pypinyin takes a fifth of a second, which the build waited for when
    it sorted the topics, with the machine's other core free earlier on."""
    from pufa.shared.ahead import Ahead

    global _pinyin_ahead
    if _pinyin_ahead is not None:
        _pinyin_ahead.close()
    _pinyin_ahead = Ahead([text for text in dict.fromkeys(texts) if text not in _PINYIN_FOUND], pinyin)


def pinyin_of(texts: Iterable[str]) -> dict[str, str]:
    """``pinyin`` of each of ``texts``, worked out in a forked helper when one can be made:
    pypinyin's dictionaries take over 50 MB, which a build then never holds for the few
    dozen names it sorts. Those ``pinyin_ahead`` was given come from its helper."""
    from pufa.shared.ahead import Ahead

    global _pinyin_ahead
    texts = list(dict.fromkeys(texts))
    if _pinyin_ahead is not None:
        _take_pinyin(_pinyin_ahead, texts)
        if not _pinyin_ahead.waiting:
            _pinyin_ahead.close()
            _pinyin_ahead = None
    helper = Ahead([text for text in texts if text not in _PINYIN_FOUND], pinyin)
    _take_pinyin(helper, texts)
    helper.close()
    for text in texts:
        if text not in _PINYIN_FOUND:
            _PINYIN_FOUND[text] = pinyin(text)
    return {text: _PINYIN_FOUND[text] for text in texts}


def _take_pinyin(helper: Ahead, texts: list[str]) -> None:
    for text in texts:
        if text not in _PINYIN_FOUND:
            sent = helper.take(text)
            if sent is not None and isinstance(sent.result, str):
                _PINYIN_FOUND[text] = sent.result


def cn_date(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def number(value: int) -> str:
    """Thousands separated, as figures are written in Chinese official reports: 13,000."""
    return f"{value:,}"


def format_yuan(amount: Decimal) -> str:
    """14365574.31 → 14,365,574.31; 109000 → 109,000."""
    return f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"


def to_wan(amount: Decimal) -> str:
    """The national standard states amounts in 万元: 109000 → 10.9."""
    text = f"{amount / Decimal(10000):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def comparable_text(text: str) -> str:
    """Full-width and half-width alike, spaces and punctuation gone, lower case:
    《加班费》怎么算？ and 加班费怎么算 compare equal."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text)).lower()


OVERLONG_REFERENCE = re.compile(r"&#(?:[xX][0-9a-fA-F]{9,}|[0-9]{11,});?")
"""A numeric character reference beyond any character (a browser shows U+FFFD): Python's
html.unescape fails on one of thousands of digits, which an editor's or an import's text may hold."""


def unescape_html(text: str) -> str:
    """``html.unescape``, with an overlong numeric reference read as U+FFFD, as a browser reads it."""
    return html.unescape(OVERLONG_REFERENCE.sub("\ufffd", text))
