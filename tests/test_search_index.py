"""The compact search index: fewer bytes, and exactly the words Material's index gives the search."""

from __future__ import annotations

import json
import re

from conftest import REPO
from hypothesis import given, settings
from hypothesis import strategies as st

from pufa.content.search import WORD_BREAK, compact_index
from pufa.site.settings import read_mkdocs_yml

SEPARATOR = next(p["search"]["separator"] for p in read_mkdocs_yml(REPO)["plugins"] if isinstance(p, dict) and "search" in p)

PIECES = st.sampled_from(["工伤", "认定", "劳动仲裁", "，", "。", "《", "》", "“", "”", " ", "<p>", "</p>", "2023", "年",
                          "%", "-", "a", "\n", "（", "）", "×", ":", "、", "·", "｜"])


def as_material_writes(pieces: list[str]) -> str:
    """Text with a word break around every Chinese run and between its words, as Material's
    search plugin writes it after jieba (each piece here stands for one word)."""
    text = ""
    for piece in pieces:
        han = re.fullmatch(r"[\u4e00-\u9fff]+", piece)
        text += f"{WORD_BREAK}{piece}{WORD_BREAK}" if han else piece
    return text


def words(text: str) -> list[str]:
    """What the browser's search splits an entry into (lunr splits at the separator)."""
    return [word for word in re.split(SEPARATOR, text) if word]


@settings(max_examples=300, deadline=None)
@given(titles=st.lists(PIECES, max_size=12), texts=st.lists(PIECES, max_size=40))
def test_the_compact_index_splits_into_the_same_words(titles, texts):
    index = {"config": {"lang": ["zh"], "separator": SEPARATOR},
             "docs": [{"location": "a/", "title": as_material_writes(titles), "text": as_material_writes(texts)}]}
    original = json.dumps(index)
    compact = json.loads(compact_index(original))
    for field in ("title", "text"):
        assert words(compact["docs"][0][field]) == words(index["docs"][0][field])
    assert len(compact_index(original).encode()) <= len(original.encode())


def test_word_breaks_beside_punctuation_go_and_those_between_words_and_after_tags_stay():
    text = f"<p>{WORD_BREAK}工伤{WORD_BREAK}认定{WORD_BREAK}，{WORD_BREAK}劳动{WORD_BREAK}仲裁{WORD_BREAK}。</p>"
    index = {"config": {"separator": SEPARATOR}, "docs": [{"location": "a/", "title": "", "text": text}]}
    compact = json.loads(compact_index(json.dumps(index)))["docs"][0]["text"]
    assert compact == f"<p>{WORD_BREAK}工伤{WORD_BREAK}认定，劳动{WORD_BREAK}仲裁。</p>"
