"""Chinese search: the words jieba must keep whole, and a smaller search index.

Material segments Chinese with jieba at build time; the browser then matches whole
tokens. A reader who types 工伤认定 gets nothing if the index only holds 工伤 and 认定,
so the trade's terms (and every topic, audience and law name) go into jieba's dictionary.
Material writes its index with \\uXXXX escapes, six bytes for each Chinese character where
UTF-8 needs three; rewriting it unescaped changes no data, only bytes.
Material asks jieba to cut each run of Chinese; with jieba's stock dictionary, jieba-rs
(rjieba), the same algorithm and dictionary compiled, answers instead, five times as fast.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from pufa.content.registry import Registries
from pufa.shared.ahead import Ahead
from pufa.shared.cache import Memo, content_hash, file_stamp, library_versions, stamp
from pufa.shared.errors import PufaError
from pufa.shared.quick_html import QuickFeed
from pufa.shared.timing import timed


class SearchError(PufaError):
    """Chinese search cannot work as installed."""


def search_terms(registries: Registries, terms_file: Path) -> list[str]:
    """Words to keep whole: the hand-written list, then registry names, without repeats."""
    words = []
    if terms_file.is_file():
        for line in terms_file.read_text(encoding="utf-8").splitlines():
            word = line.split("#", 1)[0].strip()
            if word:
                words.append(word)
    words += [t.name for t in registries.topics] + [a.name for a in registries.audiences]
    words += [law.short for law in registries.laws if "（" not in law.short]
    return list(dict.fromkeys(words))


def require_segmenter() -> None:
    """Material's search silently skips Chinese segmentation without jieba: fail instead.
    jieba's progress messages ("Building prefix dict ...") are kept out of the build's output."""
    try:
        import jieba
    except ImportError:
        raise SearchError("缺少 jieba：中文搜索无法分词。请运行 make serve 或 pip install -e . 安装依赖。") from None
    jieba.setLogLevel(logging.WARNING)


_added: list[list[str]] = []
"""The word lists this process added to jieba's shared dictionary, or will add when it first
segments with it, in order: with the dictionary's file they make the dictionary as it is."""
_pending: list[str] = []
"""Words registered and not added yet, waiting for the dictionary to be loaded."""
_total_after: int | None = None
"""jieba's total frequency after the words were last added (None: not loaded here yet)."""
_changed_elsewhere = False
"""Whether something else loaded or changed the dictionary (a user dictionary the search
plugin loads, say): then only its state as it stands tells what it is."""


_stock_words: tuple[str, ...] | None = None
"""The words registered for segmenting with jieba-rs over jieba's stock dictionary; None when
Material's search loads a dictionary of its own, and jieba's shared dictionary segments."""


def register_words(words: list[str], stock_dictionary: bool = True) -> None:
    """Keep ``words`` whole wherever Material's search segments. With jieba's ``stock_dictionary``
    jieba-rs segments, made with these words when first asked (a tenth of a second).
    Otherwise (Material's search loaded a dictionary of its own) add them to jieba's shared
    dictionary: now if it is loaded, else when this process first segments with it (loading it
    takes a second and 60 MB). (Name masking keeps a tokenizer of its own, so this does not
    change what it masks.) A `mkdocs serve` rebuild that registers the same words again leaves
    that dictionary as it is: adding a word again raises jieba's total frequency, which changes
    how it segments and made every rebuild miss the search memos."""
    import jieba

    global _changed_elsewhere, _total_after, _stock_words
    if stock_dictionary:
        _stock_words = tuple(words)
        return
    _stock_words = None
    dictionary = jieba.dt
    if not dictionary.initialized:  # its next load is its file alone (the first, or after set_dictionary)
        _added[:] = [list(words)]
        _pending[:] = words
        _total_after = None
        return
    elsewhere = dictionary.total != _total_after
    if elsewhere:  # loaded or changed by something else: the words still waiting never went in
        _changed_elsewhere = True
        _pending.clear()
    elif _added and _added[-1] == words:
        return
    _added.append(list(words))
    _pending.extend(words)
    add_registered_words()


def add_registered_words() -> None:
    """Load jieba's shared dictionary, if it is not, with the words registered for it."""
    import jieba

    global _total_after
    if _pending or not jieba.dt.initialized:
        jieba.dt.check_initialized()
        for word in _pending:
            jieba.add_word(word)
        _pending.clear()
        _total_after = jieba.dt.total


def _dictionary_state(words: list[str]) -> str:
    """What the dictionary search segments with is once ``words`` are in: jieba-rs's (its
    version) and the words, or jieba's shared one: its file and the words added to it in this
    process, or, when something else changed it too, its size and total frequency."""
    import jieba

    if _stock_words is not None:
        return stamp(library_versions("rjieba"), list(_stock_words))
    dictionary = jieba.dt
    if _changed_elsewhere:
        add_registered_words()
        return stamp(words, str(dictionary.dictionary), len(dictionary.FREQ), dictionary.total)
    source = Path(dictionary.dictionary or Path(jieba.__file__).with_name(jieba.DEFAULT_DICT_NAME))
    return stamp(_added, str(dictionary.dictionary), file_stamp(source))


_PYTHON_ONLY_SPACE = frozenset("\x1c\x1d\x1e\x1f\x85")
"""Whitespace to Python's \\s but not to the browser's: a word break beside one still splits."""
WORD_BREAK = "\u200b"
"""What Material puts between the words jieba finds (and around every run of Chinese)."""


def segmentation_memo(words: list[str]) -> Memo:
    """What jieba made of each run of Chinese, for this jieba and this dictionary: the
    search index's segmentation is a fifth of a build, and most text is the same next time.
    The dictionary is taken as it will be once ``words``, just registered, are in (see
    _dictionary_state), with what an earlier `mkdocs serve` rebuild added (jieba cannot take
    a word back)."""
    import jieba

    return Memo("search-segments", {"jieba": jieba.__version__, "dictionary": _dictionary_state(words)},
                lambda value: isinstance(value, str))


_jieba_cut: Callable[..., Iterator[str]] | None = None
"""jieba's own cut, kept once: remember_segmentation wraps it and never wraps a wrapper."""


def remember_segmentation(memo: Memo) -> None:
    """Make jieba.cut, which Material's search calls for each run of Chinese, answer from
    ``memo`` (and fill it), else from jieba-rs or jieba (see register_words): the same words
    whichever way they came, so a warm build's index is byte for byte a cold one's."""
    import jieba

    global _jieba_cut
    if _jieba_cut is None:
        _jieba_cut = jieba.cut
    original = _jieba_cut

    def cut(sentence: str | bytes, *args: Any, **kwargs: Any) -> Iterator[str]:
        text = sentence.decode("utf-8", "replace") if isinstance(sentence, bytes) else sentence
        if args or kwargs or not isinstance(text, str) or WORD_BREAK in text:  # not Material's question
            if _stock_words is None:
                add_registered_words()
            return original(sentence, *args, **kwargs)
        words = memo.get(text, lambda: _cut_with_words(original, text))
        return iter(words.split(WORD_BREAK) if words else ())

    jieba.cut = cut


def _cut_with_words(cut: Callable[..., Iterator[str]], text: str) -> str:
    if _stock_words is not None and not _BEYOND_STOCK_CUT.search(text):
        return WORD_BREAK.join(_cut_as_jieba(stock_segmenter(_stock_words), text))
    add_registered_words()
    return WORD_BREAK.join(cut(text))


_JIEBA_HAN = re.compile("([\u4e00-\u9fd5]+)")
"""The characters jieba segments (its re_han_default, less the letters and digits it adds)."""
_BEYOND_STOCK_CUT = re.compile(r"[a-zA-Z0-9+#&._%\-\s]")
"""What jieba would cut otherwise than _cut_as_jieba does; Material asks only about runs of Han."""


def _cut_as_jieba(segmenter: Any, text: str) -> Iterator[str]:
    """jieba's cut of ``text`` (with none of _BEYOND_STOCK_CUT): each run of the characters it
    knows cut by ``segmenter``, every other character a word by itself. jieba-rs takes rarer
    Han (Extension A, U+9FD6 on, Extension B on) into its runs and joins them; jieba does not."""
    for block in _JIEBA_HAN.split(text):
        if _JIEBA_HAN.fullmatch(block):
            yield from segmenter.cut(block)
        else:
            yield from block


_stock_segmenter: tuple[tuple[str, ...], Any] | None = None
"""The last jieba-rs made, with its words (asked for once for each run of Chinese)."""


def stock_segmenter(words: tuple[str, ...]) -> Any:
    """jieba-rs with jieba's stock dictionary and ``words`` added in order, as jieba.add_word
    adds them (each raises the total frequency the next is weighed by). It cuts as jieba
    does (the same words for all 211,000 runs of Chinese in the 2,000-article benchmark site;
    of 200,000 random strings, one tie between two equally likely cuts went the other way)
    at a fifth of the time, and loads in a tenth of a second where jieba took a second and
    60 MB: segmenting was most of the search helper's work. Kept while the words stay the same
    (`mkdocs serve` rebuilds)."""
    import rjieba

    global _stock_segmenter
    if _stock_segmenter is not None and (_stock_segmenter[0] is words or _stock_segmenter[0] == words):
        return _stock_segmenter[1]
    segmenter = rjieba.Jieba()
    for word in words:
        segmenter.add_word(word, None, None)
    _stock_segmenter = (words, segmenter)
    return segmenter


def entries_memo(segments: Memo, separator: str | None = None) -> Memo:
    """The search index's entries for each page, by everything Material reads to make them,
    for this Material, the jieba dictionary ``segments`` (the segmentation memo) is for and
    the index's ``separator`` (the entries are kept compacted for it, see RedundantBreaks)."""
    return Memo("search-entries", {**library_versions("mkdocs-material"), **segments.versions, "separator": separator or ""},
                lambda value: isinstance(value, list) and all(isinstance(entry, dict) for entry in value))


def _page_key(page: Any) -> str:
    """What Material's SearchIndex.add_entry_from_context reads of a page: its address, HTML,
    headings' ids, title and the front matter it looks at (search, tags)."""
    def ids(items: Any) -> list[Any]:
        return [[item.id, ids(item.children)] for item in items]

    meta = page.meta
    facts = [page.url, str(meta.get("title", page.title)), meta.get("search"), meta.get("tags"), ids(page.toc)]
    return content_hash(json.dumps(facts, ensure_ascii=False, default=str), page.content)


class RememberedEntries:
    """Material's search ``index`` (its SearchIndex), taking a page's entries from ``memo``
    when an earlier build indexed the same page, else from a helper that indexes the pages
    ahead of the build on the other core (``index_ahead``), else making them, and keeping
    them: parsing every page's HTML and segmenting its Chinese was a fifth of a cold build,
    and of one that changed nothing. The entries are the same whichever way they came.
    ``segments``: the segmentation memo.
    Entries are compacted as they are made (see ``RedundantBreaks``), so the index is written
    once, without Material's \\uXXXX escapes, and never read back."""

    def __init__(self, index: Any, memo: Memo, segments: Memo | None = None):
        self._index, self._memo, self._segments = index, memo, segments
        _quicker_material_module(index)
        self._make, self._generate = index.add_entry_from_context, index.generate_search_index
        self._breaks = RedundantBreaks(getattr(index, "config", {}).get("separator"))
        self._ahead: Ahead | None = None
        index.add_entry_from_context = self.add_entry_from_context
        index.generate_search_index = self.generate_search_index

    def generate_search_index(self, prev: Any = None) -> str:
        """The text of the index Material writes: its frame (settings) with the compacted
        entries, in UTF-8. Material's own text, escaped, is twice the size and was parsed back
        to be compacted: three copies of every page's text at the build's peak of memory.
        ``prev``: the index of the last `mkdocs serve --dirty` rebuild, which Material merges."""
        with timed("生成搜索索引"):
            if prev is not None:
                return compact_index(self._generate(prev))
            entries, self._index.entries = self._index.entries, []
            try:
                frame = json.loads(self._generate(prev))
            finally:
                self._index.entries = entries
            frame["docs"] = entries
            return json.dumps(frame, ensure_ascii=False, separators=(",", ":"), default=str)

    def add_entry_from_context(self, page: Any) -> None:
        key = _page_key(page)
        found = self._memo.lookup(key)
        sent = self._ahead.take_matching(page.file.src_uri, key) if found is None and self._ahead else None
        if sent is not None:
            found = sent[0]
        if found is None:
            found = self._made(page)
        self._memo.put(key, found)
        self._index.entries.extend(dict(entry) for entry in found)

    def index_ahead(self, pages: Iterable[Any], let_go: Callable[[], None] | None = None,
                    keep_segments: Callable[[], None] | None = None) -> None:
        """Index ``pages`` (every page, in the order the build will come to them) in a helper,
        which first runs ``let_go`` (to free what it will not need before it loads jieba's
        dictionary), and at the end ``keep_segments`` to save the segmentation memo it filled:
        what its jieba found never comes back into the build's memory."""
        by_name = {page.file.src_uri: page for page in pages}
        self.close()
        self._ahead = Ahead(by_name, lambda name: self._indexed_in_helper(by_name[name]), "pufa: 辅助进程为搜索索引了 %d 个页面",
                            first=let_go, last=keep_segments)

    def finish(self) -> bool:
        """Once every page is indexed: whether the helper indexed them all and kept the
        segmentation (waiting for it to); False if there was none, or it is stopped."""
        finished = self._ahead is not None and self._ahead.finish()
        self._ahead = None
        return finished

    def close(self) -> None:
        """Stop the helper, if one is working."""
        if self._ahead is not None:
            self._ahead.close()
            self._ahead = None

    def _made(self, page: Any) -> list[dict[str, Any]]:
        """The entries Material makes of ``page``, as plain JSON (as the memo keeps them),
        its parser reading the page's HTML with QuickFeed (the same entries, in half the time)."""
        start = len(self._index.entries)
        with _quick_parser(self._index):
            self._make(page)
        made = json.loads(json.dumps(self._index.entries[start:], ensure_ascii=False, default=str))
        del self._index.entries[start:]
        for entry in made:
            self._breaks.drop_from(entry)
        return made

    def _indexed_in_helper(self, page: Any) -> list[Any] | None:
        """What the helper sends for ``page``: its key and entries."""
        key = _page_key(page)
        if self._memo.lookup(key) is not None:
            return None  # the build takes these from the memo itself
        return [key, self._made(page)]


@functools.cache
def _quick_subclass(parser: type[HTMLParser]) -> type[HTMLParser]:
    """``parser`` with QuickFeed before it (one class, not one for each page)."""
    return type("QuickParser", (QuickFeed, parser), {})


@contextmanager
def _quick_parser(index: Any) -> Iterator[None]:
    """The search ``index``'s module with QuickFeed before the parser it reads pages with
    (Material's ``Parser``, an HTMLParser); a module without one is left as it is."""
    module = sys.modules.get(type(index).__module__)
    parser = getattr(module, "Parser", None)
    if not (isinstance(parser, type) and issubclass(parser, HTMLParser)):
        yield
        return
    setattr(module, "Parser", _quick_subclass(parser))
    try:
        yield
    finally:
        setattr(module, "Parser", parser)


MATERIAL_ATTRIBUTE_STRIP = r"\s?data-search-\w+=\"[^\"]+\""
"""The pattern Material's search plugin removes from every page's HTML once it is indexed."""
_SEARCH_ATTRIBUTE = re.compile(r'data-search-\w+="[^"]+"')
_ONE_SPACE = re.compile(r"\s")


def without_search_attributes(html: str) -> str:
    """What ``re.sub(MATERIAL_ATTRIBUTE_STRIP, "", html)`` gives. That pattern opens with an
    optional space, so Python's re tries it at every character of every page (0.2 s at 2,000
    articles); found from its literal part instead, each match is taken with the space
    before it when there is one, which is where the pattern itself would have matched."""
    pieces, done = [], 0
    for found in _SEARCH_ATTRIBUTE.finditer(html):
        start = found.start()
        if start > done and _ONE_SPACE.match(html, start - 1):
            start -= 1
        pieces.append(html[done:start])
        done = found.end()
    return "".join(pieces) + html[done:] if pieces else html


class _QuickerRe:
    """Python's re as Material's search module sees it: the same in every call, with the
    substitution of MATERIAL_ATTRIBUTE_STRIP done by ``without_search_attributes``."""

    def __getattr__(self, name: str) -> Any:
        return getattr(re, name)

    @staticmethod
    def sub(pattern: Any, repl: Any, string: Any, count: int = 0, flags: int = 0) -> Any:
        if pattern == MATERIAL_ATTRIBUTE_STRIP and repl == "" and not count and not flags and type(string) is str:
            return without_search_attributes(string)
        return re.sub(pattern, repl, string, count, flags)


class _CompiledOnce:
    """backrefs' ``bre`` as Material's search module sees it: the same, with each pattern
    compiled once. Material compiles its Han-script pattern for every title and text it
    segments (a tenth of the search helper's time); a compiled Bre is immutable."""

    def __init__(self, bre: Any):
        self._bre = bre
        self._compiled: dict[tuple[str, int], Any] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._bre, name)

    def compile(self, pattern: Any, flags: int = 0, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs or type(pattern) is not str or not isinstance(flags, int):
            return self._bre.compile(pattern, flags, *args, **kwargs)
        key = (pattern, int(flags))  # re.UNICODE and its value alike
        if key not in self._compiled:
            self._compiled[key] = self._bre.compile(pattern, flags)
        return self._compiled[key]


def _quicker_material_module(index: Any) -> None:
    """The search ``index``'s module (Material's, where the plugin strips the attributes and
    segments Chinese) given _QuickerRe for its ``re`` and _CompiledOnce for its ``bre``; what
    it does not use is left as it is."""
    module = sys.modules.get(type(index).__module__)
    if module is None:
        return
    if getattr(module, "re", None) is re:
        module.re = _QuickerRe()
    bre = getattr(module, "bre", None)
    if callable(getattr(bre, "compile", None)) and not isinstance(bre, _CompiledOnce):
        module.bre = _CompiledOnce(bre)


def forget_segmentation() -> None:
    """Give jieba its own cut back (after a build, so nothing else answers from its memo)."""
    if _jieba_cut is not None:
        import jieba

        jieba.cut = _jieba_cut


def compact_index(text: str) -> str:
    """The same search index in fewer bytes: UTF-8 instead of \\uXXXX escapes, and without
    the word breaks that stand beside a separator or a tag anyway (see ``RedundantBreaks``)."""
    index = json.loads(text)
    breaks = RedundantBreaks(index.get("config", {}).get("separator"))
    for entry in index.get("docs", []):
        breaks.drop_from(entry)
    return json.dumps(index, ensure_ascii=False, separators=(",", ":"))


_AT_A_TAG = f"{WORD_BREAK}+(?=<)|(?<=>){WORD_BREAK}+"
"""Word breaks just before a ``<`` or just after a ``>``: Material's search reads an entry's
text between tags (its ``extract``: a ``<`` ends a run of text, a ``>`` starts one) and
splits each run at the separator, so a break at either end of a run splits nothing."""


class RedundantBreaks:
    """Drops the word breaks that stand beside a character the index's ``separator`` splits
    at (around each ，。《》 and space), or at a tag (see _AT_A_TAG): they split nothing more,
    so every entry gives the search the same words as before. A break run goes when the
    character before or after it splits; the characters tested so far are remembered, so each
    is tested once per index."""

    def __init__(self, separator: str | None):
        self._separator = re.compile(separator or r"[\s\-]+")
        self._tested = {WORD_BREAK}
        self._splitting: set[str] = set()
        self._pattern = re.compile(_AT_A_TAG)

    def drop_from(self, entry: dict[str, Any]) -> None:
        """Drop the redundant breaks from ``entry``'s title and text, in place."""
        for field in ("title", "text"):
            value = entry.get(field)
            if isinstance(value, str) and WORD_BREAK in value:
                entry[field] = self._dropped(value)

    def _dropped(self, text: str) -> str:
        new = set(text) - self._tested
        if new:
            self._tested |= new
            splitting = {char for char in new if self._separator.fullmatch(char) and char not in _PYTHON_ONLY_SPACE}
            if splitting:
                self._splitting |= splitting
                chars = "".join(re.escape(char) for char in sorted(self._splitting))
                self._pattern = re.compile(f"{WORD_BREAK}+(?=[{chars}])|(?<=[{chars}]){WORD_BREAK}+|{_AT_A_TAG}")
        return self._pattern.sub("", text)


def material_default_index(text: str) -> str:
    """The index as Material writes it (for measuring what compact_index saves)."""
    return json.dumps(json.loads(text), separators=(",", ":"), default=str)
