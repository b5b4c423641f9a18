"""The numbers this site meets: finding them in text, telling their kind by shape, and
their check characters, so a check can tell a real one from noise.

- 统一社会信用代码 (GB 32100-2015): 18 characters, the last a mod-31 check character.
- 居民身份证号码 (GB 11643-1999): 17 digits of region, birth date and sequence, then a
  mod-11 check digit (X for 10).
- Bank card numbers: the Luhn check.
"""

from __future__ import annotations

import re
from datetime import date

CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, Z, S, V
_CREDIT_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
_ID_CHECK = "10X98765432"


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_CODE_CHARSET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS))
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """Why ``code`` is not a valid 统一社会信用代码, or None when it is."""
    if len(code) != 18:
        return f"应为 18 位，实际 {len(code)} 位"
    bad = [c for c in code if c not in CREDIT_CODE_CHARSET]
    if bad:
        return f"含有不允许的字符“{bad[0]}”（只能是数字和除 I、O、Z、S、V 以外的大写字母）"
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        return f"校验位错误：按前 17 位计算，最后一位应为 {expected}，实际为 {code[17]}"
    return None


def id_check_digit(first17: str) -> str:
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS)) % 11]


def is_id_number(text: str) -> bool:
    """A plausible 18-digit ID number: known region digit, a real birth date, right check digit."""
    if len(text) != 18 or not text[:17].isdigit() or text[17] not in "0123456789Xx":
        return False
    if text[0] == "0":  # region codes start 1-8; 9 on foreigners' permanent residence cards
        return False
    try:
        born = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return False
    if not 1900 <= born.year <= 2100:
        return False
    return id_check_digit(text[:17]) == text[17].upper()


def is_old_id_number(text: str) -> bool:
    """A plausible 15-digit ID number (issued until 1999, still on old records): known region
    digit and a real birth date 19YYMMDD; it has no check digit."""
    if len(text) != 15 or not text.isdigit() or text[0] not in "12345678":
        return False
    try:
        date(1900 + int(text[6:8]), int(text[8:10]), int(text[10:12]))
    except ValueError:
        return False
    return True


def passes_luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


# Full-width digits, X and separators as people type them in Chinese text; other spaces and
# dashes as the space and hyphen they look like; invisible format characters (zero-width
# space, soft hyphen, word joiner, BOM: Unicode category Cf) removed, since a reader sees
# 110105\u200b19491231 as one number.
WIDE_DIGITS = {
    **str.maketrans("０１２３４５６７８９Ｘｘ－　", "0123456789Xx- "),
    **{code: " " for code in (*range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000, 0x00A0)},
    **{code: "-" for code in (0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xFE63, 0xFF0D)},
    **{code: None for code in (0x00AD, 0x061C, 0x180E, *range(0x200B, 0x2010), *range(0x202A, 0x202F),
                               *range(0x2060, 0x2070), 0xFEFF)},
}
ODD_CHARACTERS = re.escape("".join(map(chr, WIDE_DIGITS)))
"""The characters WIDE_DIGITS rewrites, for a character class: text without any reads as written."""
_ODD_CHARACTER = re.compile(f"[{ODD_CHARACTERS}]")


def plain_digits(text: str) -> str:
    """``text.translate(WIDE_DIGITS)``, faster: full-width digits and odd spaces as ASCII. Most
    texts have none; the search index has a zero-width space between any two words, and
    translate, a dictionary lookup for each of its millions of characters, took six times as
    long as replacing each odd character present (none becomes another: all become ASCII or nothing)."""
    if not _ODD_CHARACTER.search(text):
        return text
    for odd, plain in _ODD_TO_PLAIN:
        if odd in text:
            text = text.replace(odd, plain)
    return text


_ODD_TO_PLAIN = tuple((chr(code), "" if plain is None else chr(plain) if isinstance(plain, int) else plain)
                      for code, plain in WIDE_DIGITS.items())


_SEPARATOR = "[ \\-\u00a0\u2010-\u2015.·]"
# A run of digits that may be split by single separators (138 1234 5678, 110105-19491231-002X),
# optionally ending in X, and not part of a longer word of digits or Latin letters.
NUMBER_RUN = re.compile(
    rf"(?<![0-9A-Za-z])(?:\+?86{_SEPARATOR}?)?\d(?:{_SEPARATOR}?\d){{10,18}}(?:{_SEPARATOR}?[Xx])?(?![0-9A-Za-z])", re.ASCII
)


def digits_of(run: str) -> str:
    return re.sub(r"[^0-9Xx]", "", run).upper()


def number_kind(digits: str) -> str | None:
    """What a run of digits looks like, by shape alone (the masker's question)."""
    if digits.startswith("86") and len(digits) == 13 and digits[2] == "1":
        digits = digits[2:]
    if len(digits) in (15, 18) and digits[:-1].isdigit():
        return "id"
    if len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789":
        return "mobile"
    if 16 <= len(digits) <= 19 and digits.isdigit():
        return "card"
    return None


_GROUP = r"[ \-\u00a0\u2010-\u2015]"
# A personal number only as people write that kind of number: contiguous, or an ID as 6-8-4
# (old ones 6-6-3), a mobile as 3-4-4 (maybe after +86), a card in groups of four; one kind of
# separator throughout, and never one figure of a list of figures that merely sit side by side
# ("2024 36 1126 16,719,720.04" in a table flattened into text is not a card number).
WRITTEN_NUMBER = re.compile(
    rf"""
    (?<![0-9A-Za-z])(?<!\d{_GROUP})(?<!\d[.,/:])
    (?:
        (?:(?:\+|00)?86{_GROUP}?)?1[3-9]\d(?P<mobile>{_GROUP}?)\d{{4}}(?P=mobile)\d{{4}}
      | (?:(?:\+|00)?86{_GROUP}?)?1[3-9]\d{_GROUP}\d{{8}}
      | \d{{6}}(?P<id>{_GROUP}?)\d{{8}}(?P=id)\d{{3}}[0-9Xx]
      | \d{{6}}(?P<id4>{_GROUP})\d{{4}}(?P=id4)\d{{4}}(?P=id4)\d{{3}}[0-9Xx]
      | \d{{6}}(?P<old>{_GROUP}?)\d{{6}}(?P=old)\d{{3}}
      | \d{{4}}(?P<card>{_GROUP}?)\d{{4}}(?P=card)\d{{4}}(?P=card)\d{{4}}(?:(?P=card)\d{{1,3}})?
      | \d{{6}}{_GROUP}\d{{10,13}}
      | \d{{16,19}}
    )
    (?![0-9A-Za-z])(?!{_GROUP}\d)(?![.,/]\d)
    """,
    re.VERBOSE,
)


# The shortest stretch every written number above holds: 11 digits (a mobile), at most one
# separator between two of them. Only text around such a stretch needs the patterns.
DIGIT_STRETCH = re.compile(rf"\d(?:{_GROUP}?\d){{10,}}")

# An 18-digit ID number with its check digit is somebody's wherever it stands, even glued to
# letters (a file name IMG11010519491231002X.jpg, a URL): checked by birth date and check digit.
ID_ANYWHERE = re.compile(r"(?<!\d)\d{17}[0-9Xx](?![0-9])")
