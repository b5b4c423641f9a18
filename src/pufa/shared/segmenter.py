"""Chinese word segmentation with jieba's stock dictionary, apart from the one search uses.

The build adds the site's terms to jieba's shared dictionary (工伤认定 as one word) so that
Material's search keeps them whole. Name masking and pinyin slugs must not change with that:
`pufa penalties import`, `pufa new`, a first build and a `mkdocs serve` rebuild have to cut
the same text the same way. They segment here, with a tokenizer no ``jieba.add_word`` reaches.
"""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jieba
    import jieba.posseg


@functools.cache
def stock_tokenizer() -> jieba.Tokenizer:
    """jieba's stock dictionary in a tokenizer of its own; it loads on first use (about
    0.6 s, from jieba's cache), and jieba's progress messages are kept quiet."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba.Tokenizer()


@functools.cache
def stock_tagger() -> jieba.posseg.POSTokenizer:
    """Part-of-speech tagging (person names are ``nr``) over the stock tokenizer."""
    import jieba.posseg

    return jieba.posseg.POSTokenizer(stock_tokenizer())


def release_stock_tagger() -> None:
    """Let go of the stock tokenizer and tagger (about 165 MB) once a build has masked what
    it publishes, before Material's search loads jieba's shared dictionary; loaded again
    when asked for."""
    stock_tagger.cache_clear()
    stock_tokenizer.cache_clear()
