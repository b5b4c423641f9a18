"""How dates, counts and amounts are written for Chinese readers, on pages and in open data."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

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


def pinyin_of(texts: Iterable[str]) -> dict[str, str]:
    """``pinyin`` of each of ``texts``, worked out in a forked helper when one can be made:
    pypinyin's dictionaries take over 50 MB, which a build then never holds for the few
    dozen names it sorts."""
    from pufa.shared.ahead import Ahead

    texts = list(dict.fromkeys(texts))
    helper = Ahead([text for text in texts if text not in _PINYIN_FOUND], pinyin)
    for text in texts:
        if text not in _PINYIN_FOUND:
            sent = helper.take(text)
            _PINYIN_FOUND[text] = sent.result if sent is not None and isinstance(sent.result, str) else pinyin(text)
    helper.close()
    return {text: _PINYIN_FOUND[text] for text in texts}


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
