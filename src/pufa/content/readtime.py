"""Reading time for Chinese text.

Counting words does not work for Chinese (a run of characters is not a word), so count
Han characters at about 400 a minute, plus any Latin words at about 200 a minute.
"""

from __future__ import annotations

import math
import re

CHARACTERS_PER_MINUTE = 400
WORDS_PER_MINUTE = 200

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[A-Za-z0-9]+")
_NOT_PROSE = re.compile(r"```.*?```|<[^>]+>|\]\([^)]*\)|^\s*[-*#>]+", re.S | re.M)


def count_characters(markdown: str) -> tuple[int, int]:
    """(Han characters, Latin words) in the prose of a Markdown text."""
    prose = _NOT_PROSE.sub(" ", markdown)
    return len(_HAN.findall(prose)), len(_WORD.findall(prose))


def reading_minutes(markdown: str) -> int:
    """Whole minutes, never less than one."""
    han, words = count_characters(markdown)
    return max(1, math.ceil(han / CHARACTERS_PER_MINUTE + words / WORDS_PER_MINUTE))
