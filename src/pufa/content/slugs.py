"""URL slugs from Chinese titles, in pinyin: 工伤认定怎么申请 → gongshang-rending-zenme-shenqing.

Syllables of one word are joined (jieba finds the words, with its stock dictionary so a slug
does not depend on what the process registered for search) so slugs read like the title.
"""

from __future__ import annotations

import re

from pufa.shared.formats import pinyin
from pufa.shared.segmenter import stock_tokenizer

MAX_LENGTH = 48
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def slugify_title(title: str, max_length: int = MAX_LENGTH) -> str:
    """A lower-case ASCII slug, cut at a word boundary to at most ``max_length``."""
    words = []
    for word in stock_tokenizer().cut(title):
        ascii_word = _NON_ALNUM.sub("-", pinyin(word).lower()).strip("-")
        if ascii_word:
            words.append(ascii_word)
    slug = ""
    for word in "-".join(words).split("-"):
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length and slug:
            break
        slug = candidate
    return slug[:max_length].strip("-") or "wenzhang"
