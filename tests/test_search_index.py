"""The compact search index: fewer bytes, and exactly the words Material's index gives the search."""

from __future__ import annotations

import json
import re

import pytest

from conftest import REPO
from hypothesis import given, settings
from hypothesis import strategies as st

from pufa.content.search import WORD_BREAK, compact_index
from pufa.site.settings import read_mkdocs_yml

SEPARATOR = next(p["search"]["separator"] for p in read_mkdocs_yml(REPO)["plugins"] if isinstance(p, dict) and "search" in p)

PIECES = st.sampled_from(["工伤", "认定", "劳动仲裁", "，", "。", "《", "》", "“", "”", " ", "<p>", "</p>", "2023", "年",
                          "%", "-", "a", "\n", "（", "）", "×", ":", "、", "·", "｜", "<", ">", "<br/>", "a>b", "<li"])


def as_material_writes(pieces: list[str]) -> str:
    """Text with a word break around every Chinese run and between its words, as Material's
    search plugin writes it after jieba (each piece here stands for one word)."""
    text = ""
    for piece in pieces:
        han = re.fullmatch(r"[\u4e00-\u9fff]+", piece)
        text += f"{WORD_BREAK}{piece}{WORD_BREAK}" if han else piece
    return text


def words(text: str) -> list[str]:
    """What the browser's search splits an entry into: Material's tokenizer takes the runs of
    text between tags as its ``extract`` finds them (a ``<`` ends a run, a ``>`` ends a tag and
    what came since the run ended) and splits each at the separator."""
    runs, start = [], 0
    for end, char in enumerate(text):
        if char == "<" and end > start:
            runs.append(text[start:end])
            start = end
        elif char == ">":
            start = end + 1
    runs.append(text[start:])
    return [word for run in runs for word in re.split(SEPARATOR, run) if word]


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


def test_word_breaks_beside_punctuation_and_tags_go_and_those_between_words_stay():
    text = (f"<p>{WORD_BREAK}工伤{WORD_BREAK}认定{WORD_BREAK}，{WORD_BREAK}劳动{WORD_BREAK}仲裁{WORD_BREAK}。</p>"
            f"<li>{WORD_BREAK}拨打 12333 咨询{WORD_BREAK}</li>")
    index = {"config": {"separator": SEPARATOR}, "docs": [{"location": "a/", "title": "", "text": text}]}
    compact = json.loads(compact_index(json.dumps(index)))["docs"][0]["text"]
    assert compact == f"<p>工伤{WORD_BREAK}认定，劳动{WORD_BREAK}仲裁。</p><li>拨打 12333 咨询</li>"
    assert words(compact) == words(text) == ["工伤", "认定", "劳动", "仲裁", "拨打", "12333", "咨询"]


class _Index:
    """Stands in for Material's SearchIndex: one entry per page and heading, counting parses."""

    def __init__(self):
        self.config = {"lang": ["zh"], "separator": SEPARATOR}
        self.entries: list[dict] = []
        self.parsed = 0

    def add_entry_from_context(self, page):
        self.parsed += 1
        search = page.meta.get("search") or {}
        if search.get("exclude"):
            return
        title = str(page.meta.get("title", page.title))
        self.entries.append({"location": page.url, "title": title, "text": page.content, "tags": page.meta.get("tags")})
        self.entries += [{"location": f"{page.url}#{item.id}", "title": item.id, "text": ""} for item in page.toc]

    def generate_search_index(self, prev):
        return json.dumps({"config": self.config, "docs": self.entries}, separators=(",", ":"))


def _page(**changes):
    from types import SimpleNamespace

    heading = SimpleNamespace(id="shixiao", children=[])
    facts = {"url": "ketang/a/", "content": "<p>仲裁时效</p>", "toc": [heading], "title": "标题",
             "meta": {"title": "标题", "tags": ["仲裁"]}, **changes}
    return SimpleNamespace(**facts)


def test_search_entries_come_from_the_memo_only_for_a_page_material_would_index_alike():
    from types import SimpleNamespace

    from pufa.content.search import RememberedEntries
    from pufa.shared.cache import Memo

    memo = Memo("search-entries-test", {})
    first = _Index()
    RememberedEntries(first, memo)
    first.add_entry_from_context(_page())
    again = _Index()
    RememberedEntries(again, memo)
    again.add_entry_from_context(_page())
    assert again.parsed == 0 and again.entries == first.entries

    other_heading = SimpleNamespace(id="qita", children=[])
    for change in ({"url": "ketang/b/"}, {"content": "<p>仲裁时效一年</p>"}, {"toc": [other_heading]},
                   {"meta": {"title": "新标题", "tags": ["仲裁"]}}, {"meta": {"title": "标题", "tags": ["工伤"]}},
                   {"meta": {"title": "标题", "tags": ["仲裁"], "search": {"exclude": True}}}):
        index = _Index()
        RememberedEntries(index, memo)
        index.add_entry_from_context(_page(**change))
        assert index.parsed == 1, change


def test_a_rebuild_that_registers_the_same_words_keeps_jieba_and_the_memos_as_they_were():
    """`mkdocs serve` registers the search words on every rebuild in one process; adding a word
    again would raise jieba's total frequency and make every rebuild miss the search memos."""
    import jieba
    from conftest import restore_jieba

    from pufa.content.search import register_words, segmentation_memo

    words = ["工伤认定", "劳动仲裁", "欠薪测试专用词"]
    try:
        register_words(words, stock_dictionary=False)
        total, versions = jieba.dt.total, segmentation_memo(words).versions
        register_words(list(words), stock_dictionary=False)
        assert (jieba.dt.total, segmentation_memo(words).versions) == (total, versions)
        register_words([*words, "另一个新词"], stock_dictionary=False)
        assert jieba.dt.total > total and "另一个新词" in jieba.dt.FREQ
    finally:
        restore_jieba()
    register_words(words, stock_dictionary=False)  # after the dictionary was put back, the words go in again
    try:
        assert jieba.dt.FREQ.get("欠薪测试专用词")
    finally:
        restore_jieba()


def test_the_index_material_writes_is_compacted_on_the_way():
    from pufa.content.search import RememberedEntries
    from pufa.shared.cache import Memo

    index = _Index()
    RememberedEntries(index, Memo("search-entries-test", {}))
    index.add_entry_from_context(_page(content=f"<p>{WORD_BREAK}工伤{WORD_BREAK}，{WORD_BREAK}认定</p>"))
    written = index.generate_search_index(None)
    assert written == compact_index(_Index.generate_search_index(index, None))
    assert "<p>工伤，认定</p>" in written  # unescaped, without the breaks beside ， and the tag



@settings(max_examples=100, deadline=None)
@given(bodies=st.lists(st.lists(PIECES, max_size=30), min_size=1, max_size=5))
def test_entries_compacted_one_by_one_make_the_index_compacted_whole(bodies):
    """What is dropped from one page's entries does not depend on the pages indexed before it."""
    from pufa.content.search import RememberedEntries
    from pufa.shared.cache import Memo

    index = _Index()
    RememberedEntries(index, Memo("search-entries-test", {}))
    for number, body in enumerate(bodies):
        index.add_entry_from_context(_page(url=f"ketang/{number}/", content=as_material_writes(body)))
    assert index.generate_search_index(None) == compact_index(_Index.generate_search_index(index, None))

LAZY = """
import jieba
from pufa.content import search
from pufa.shared.cache import Memo
words = ["工伤认定", "欠薪测试专用词"]
search.register_words(words, stock_dictionary=STOCK)
loaded = jieba.dt.initialized
versions = search.segmentation_memo(words).versions
search.remember_segmentation(Memo("segments-test", {}))
cut = list(jieba.cut("申请工伤认定和欠薪测试专用词"))
search.register_words(list(words), stock_dictionary=STOCK)
total = jieba.dt.total
search.register_words(list(words), stock_dictionary=STOCK)
print(json.dumps([loaded, jieba.dt.initialized, cut, search.segmentation_memo(words).versions == versions,
                  jieba.dt.total == total]))
"""


@pytest.mark.parametrize("stock", [True, False])
def test_a_build_that_never_segments_never_loads_jiebas_dictionary_and_its_memos_hold_either_way(stock):
    """In a fresh process (a build whose helper indexes the pages) the words wait for the first
    segmentation; the dictionary's stamp is the same before and after they went in. With the
    stock dictionary jieba-rs segments, and jieba's own dictionary is never loaded at all."""
    import subprocess
    import sys

    program = f"import json\nSTOCK = {stock}\n{LAZY}"
    found = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    loaded, loaded_after, cut, same_versions, same_total = json.loads(found.stdout)
    assert not loaded and loaded_after is not stock and cut == ["申请", "工伤认定", "和", "欠薪测试专用词"]
    assert same_versions and same_total


def test_jieba_rs_cuts_the_sample_articles_as_jieba_does_with_the_same_words():
    """Material's search would have asked jieba; jieba-rs answers instead. Over every run of
    Chinese in the sample articles, with the site's search words (and jieba's own dictionary
    never loaded), it gives jieba's words."""
    import subprocess
    import sys

    program = """
import glob, json, re, jieba
from pathlib import Path
from pufa.content import search
from pufa.content.registry import load_registries
from pufa.shared.cache import Memo
WORDS = search.search_terms(load_registries(Path("data"), Path(".")), Path("data/search_terms.txt"))
texts = [open(path, encoding="utf-8").read() for path in sorted(glob.glob("articles/**/*.md", recursive=True))]
runs = sorted({run for text in texts for run in re.findall(r"[\u4e00-\u9fff]+", text)})
runs += ["䶮䶮", "鿖鿗鿘", "张𬌗𬌗", "申请工伤认定䶮䶮王𬌗", "〇一二", "龘靐齉"]  # Han beyond jieba's range, as names hold
search.register_words(WORDS)
search.remember_segmentation(Memo("segments-test", {}))
by_rs = [list(jieba.cut(run.encode("utf-8"))) for run in runs]
assert not jieba.dt.initialized
search.forget_segmentation()
for word in WORDS:
    jieba.add_word(word)
by_jieba = [jieba.lcut(run) for run in runs]
print(json.dumps([len(runs), [(run, a, b) for run, a, b in zip(runs, by_rs, by_jieba) if a != b]], ensure_ascii=False))
"""
    from conftest import REPO

    found = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True, cwd=REPO)
    count, different = json.loads(found.stdout)
    assert count > 1000 and different == []


EAGER = """
import jieba
jieba.dt.check_initialized()
for word in WORDS:
    jieba.add_word(word)
"""
AFTER_SET_DICTIONARY = """
import jieba, os
from pufa.content import search
search.register_words(["申请工伤", "欠薪测试专用词"], stock_dictionary=False)  # a build that never segmented here
jieba.set_dictionary(os.path.join(os.path.dirname(jieba.__file__), jieba.DEFAULT_DICT_NAME))  # Material's jieba_dict
search.register_words(WORDS, stock_dictionary=False)  # the terms file was edited meanwhile
search.add_registered_words()
"""
LOADED_ELSEWHERE = """
import jieba
from pufa.content import search
search.register_words(WORDS, stock_dictionary=False)  # a build that never segmented here
jieba.lcut("别的程序先用了 jieba")  # loads the dictionary without the waiting words
search.register_words(WORDS, stock_dictionary=False)
search.add_registered_words()
"""


@pytest.mark.parametrize("scenario", [AFTER_SET_DICTIONARY, LOADED_ELSEWHERE])
def test_the_words_that_wait_go_into_the_dictionary_once_as_they_would_in_a_fresh_process(scenario):
    """Whatever happened to jieba's dictionary while words waited, it ends as a fresh process
    that loads it and adds the words now registered (so a rebuild segments as a cold build)."""
    import subprocess
    import sys

    def dictionary_after(script: str) -> list:
        report = 'print(json.dumps([jieba.dt.total, len(jieba.dt.FREQ), jieba.lcut("职工申请工伤和欠薪测试专用词")]))'
        program = f"import json\nWORDS = ['工伤认定', '欠薪测试专用词']\n{script}\n{report}\n"
        return json.loads(subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                                         check=True).stdout)

    assert dictionary_after(scenario) == dictionary_after(EAGER)


def test_material_indexes_a_page_read_quickly_as_it_indexes_it_with_its_own_parser(monkeypatch):
    """The entries of Material's own SearchIndex, with QuickFeed in front of its parser and
    without; and the quick reading is the one taken for HTML as MkDocs writes it."""
    from types import SimpleNamespace

    from material.plugins.search import plugin as material_search

    from pufa.content.search import RememberedEntries
    from pufa.shared import quick_html
    from pufa.shared.cache import Memo

    read_quickly = []
    events = quick_html._events
    monkeypatch.setattr(quick_html, "_events", lambda document: read_quickly.append(events(document)) or read_quickly[-1])
    content = ('<h1 id="biaoti">标题 &amp; 副题</h1>\n<p>正文<code>&lt;b&gt;</code>，<a href="../x/" title="链接">链接</a></p>\n'
               '<!-- pufa:body -->\n<h2 id="er">第二节<a class="headerlink" href="#er" title="本节链接">¶</a></h2>\n'
               '<ul>\n<li>一</li>\n<li>二<br/>三</li>\n</ul>\n<div data-search-exclude>不收录</div>\n<pre><code>a  b</code></pre>')
    toc = [SimpleNamespace(id="biaoti", url="#biaoti", children=[SimpleNamespace(id="er", url="#er", children=[])])]
    page = SimpleNamespace(url="ketang/a/", content=content, toc=toc, title="标题", meta={"title": "标题"},
                           file=SimpleNamespace(src_uri="ketang/a.md"))
    settings = {"lang": ["zh"], "separator": r"[\s\-]+", "pipeline": [], "fields": {}, "jieba_dict": None, "jieba_dict_user": None}
    own = material_search.SearchIndex(**settings)
    own.add_entry_from_context(page)
    assert not read_quickly
    quick = material_search.SearchIndex(**settings)
    RememberedEntries(quick, Memo("search-entries-test", {}))
    quick.add_entry_from_context(page)
    assert read_quickly and read_quickly[0] is not None
    assert json.loads(quick.generate_search_index(None))["docs"] == json.loads(compact_index(own.generate_search_index(None)))["docs"]
    assert material_search.Parser.__name__ == "Parser"  # as it was, once the page is read


_STRIP_BITS = st.sampled_from(["data-search-", "data-search", "exclude", "_1", "中", "=", '"', "'", " ", "\t", "\n",
                                "\u3000", "\x1c", "\x85", "<div", ">", "x", "-"])
_STRIP_ATTRIBUTE = st.builds("{}data-search-{}={}{}{}".format, st.sampled_from(["", " ", "\n", "\u3000", "\x1c", "x", '"']),
                             st.text("ab_中-=", max_size=3), st.sampled_from(['"', "'", ""]),
                             st.text('a "中\u3000', max_size=4), st.sampled_from(['"', "'", ""]))


@settings(max_examples=500)
@given(st.lists(_STRIP_BITS | _STRIP_ATTRIBUTE, max_size=20))
def test_search_attributes_go_as_materials_own_pattern_takes_them(pieces):
    from pufa.content.search import MATERIAL_ATTRIBUTE_STRIP, without_search_attributes

    html = "".join(pieces)
    assert without_search_attributes(html) == re.sub(MATERIAL_ATTRIBUTE_STRIP, "", html)


@pytest.mark.parametrize("html", [
    '<div class="a" data-search-exclude="1">x</div>',
    '<p\u3000data-search-exclude="1" data-search-boost="2">',
    'data-search-a="1"data-search-b="2" data-search-c="3"',
    '<h2 id="t" data-search-exclude="q data-search-b=">',
    'no attribute, data-search-x="" empty, data-search-="1" unnamed',
])
def test_materials_search_plugin_strips_the_attributes_the_quick_way_with_the_same_result(html, monkeypatch):
    """Material's own on_page_context, with RememberedEntries in front of its index: the page's
    HTML loses what Material's pattern takes, through without_search_attributes."""
    from types import SimpleNamespace

    from material.plugins.search import plugin as material_search

    from pufa.content import search
    from pufa.shared.cache import Memo

    assert search.MATERIAL_ATTRIBUTE_STRIP in material_search.__loader__.get_source(material_search.__name__)
    settings_ = {"lang": ["zh"], "separator": r"[\s\-]+", "pipeline": [], "fields": {}, "jieba_dict": None, "jieba_dict_user": None}
    plugin = material_search.SearchPlugin()
    plugin.config = SimpleNamespace(enabled=True)
    plugin.search_index = material_search.SearchIndex(**settings_)
    search.RememberedEntries(plugin.search_index, Memo("search-entries-test", {}))
    quick = []
    strip = search.without_search_attributes
    monkeypatch.setattr(search, "without_search_attributes", lambda text: quick.append(text) or strip(text))
    page = SimpleNamespace(url="a/", content=html, toc=[], title="标题", meta={"title": "标题"},
                           file=SimpleNamespace(src_uri="a.md"))
    plugin.on_page_context({}, page=page, config={}, nav=None)
    assert quick == [html]
    assert page.content == re.sub(search.MATERIAL_ATTRIBUTE_STRIP, "", html)
    assert material_search.re.split(r"\s", "a b") == ["a", "b"]  # the rest of re, as it was


def test_material_segments_chinese_with_its_pattern_compiled_once_and_the_same_result(monkeypatch):
    from backrefs import bre
    from material.plugins.search import plugin as material_search

    from pufa.content import search
    from pufa.shared.cache import Memo

    settings_ = {"lang": ["zh"], "separator": r"[\s\-]+", "pipeline": [], "fields": {}, "jieba_dict": None, "jieba_dict_user": None}
    texts = ["职工申请工伤认定 abc 劳动合同", "拖欠工资，可以投诉。", "no Chinese", "二倍工资\u3000经济补偿"]
    monkeypatch.setattr(material_search, "bre", bre)  # as Material has it
    expected = [material_search.SearchIndex(**settings_)._segment_chinese(text) for text in texts]
    compiled = []

    class Counting:
        def __getattr__(self, name):
            return getattr(bre, name)

        def compile(self, *args):
            compiled.append(args)
            return bre.compile(*args)

    monkeypatch.setattr(material_search, "bre", Counting())
    index = material_search.SearchIndex(**settings_)
    search.RememberedEntries(index, Memo("search-entries-test", {}))
    assert isinstance(material_search.bre, search._CompiledOnce)
    assert [index._segment_chinese(text) for text in texts] == expected
    assert len(compiled) == 1
