"""Pure helpers: reading time in Chinese, pinyin slugs, Markdown escaping, citations."""

from __future__ import annotations

import pytest

from pufa.content.readtime import count_characters, reading_minutes
from pufa.content.slugs import slugify_title
from pufa.shared.formats import cn_date
from pufa.site.render import page_text


@pytest.mark.parametrize("text, minutes", [
    ("", 1),
    ("工" * 400, 1),
    ("工" * 401, 2),
    ("工" * 1200 + "\n\n```\n" + "代码" * 500 + "\n```\n", 3),
    ("word " * 200 + "工" * 400, 2),
])
def test_reading_time_counts_chinese_characters(text, minutes):
    assert reading_minutes(text) == minutes


def test_markup_and_links_are_not_counted_as_prose():
    han, words = count_characters("## 标题\n\n见[《劳动法》](https://example.org/laodongfa)第四十四条。<br>")
    assert han == len("标题见劳动法第四十四条")
    assert words == 0


@pytest.mark.parametrize("title, slug", [
    ("工伤认定申请被拒，怎么办？", "gongshang-rending-shenqing-bei-ju-zenmeban"),
    ("2024年最低工资标准调整", "2024-nian-zuidigongzi-biaozhun-tiaozheng"),
    ("“双11”加班费怎么算", "shuang-11-jiabanfei-zenme-suan"),
    ("APP平台骑手", "app-pingtai-qishou"),
    ("？？？", "wenzhang"),
])
def test_slugs_are_pinyin_words(title, slug):
    assert slugify_title(title) == slug


def test_long_titles_are_cut_at_a_word_boundary():
    slug = slugify_title("用人单位未依法为劳动者缴纳社会保险费劳动者解除劳动合同可以要求经济补偿吗")
    assert len(slug) <= 48 and not slug.endswith("-")
    assert slug.startswith("yongrendanwei-wei-yifa")


@pytest.mark.parametrize("raw, escaped", [
    ("工资*加班费*", "工资&#42;加班费&#42;"),
    ("[标题](javascript:x)", "&#91;标题&#93;(javascript:x)"),
    ("<script>", "&lt;script&gt;"),
    ('A&B_C "引号"', "A&amp;B&#95;C &#34;引号&#34;"),
    ("标题 {: onclick=alert(1) }", "标题 &#123;: onclick=alert(1) &#125;"),
    ("# 不是标题", "&#35; 不是标题"),
    ("- 不是列表", "&#45; 不是列表"),
    ("12. 不是列表", "12&#46; 不是列表"),
    ("第一段\r\n\n# 第二段", "第一段 &#35; 第二段"),
    ("\t    - 缩进", " &#45; 缩进"),
    ("标题 ##", "标题 &#35;&#35;"),
    ("a | b", "a &#124; b"),
    ("2023年3月5日 · 第1期", "2023年3月5日 · 第1期"),
])
def test_text_stays_text_in_markdown_and_html(raw, escaped):
    assert page_text(raw) == escaped


def test_page_text_renders_as_exactly_the_text_in_markdown_and_in_html():
    import html

    import markdown

    raw = '# 标题*强调* _下划线_ [链接](x) {: onclick=alert(1) } | `代码` <b>&amp;'
    rendered = markdown.markdown(str(page_text(raw)), extensions=["attr_list", "md_in_html", "tables"])
    assert rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<") == 2
    assert html.unescape(rendered[3:-4]) == raw
    inside = markdown.markdown(f'<div markdown>\n<p markdown="span">{page_text(raw)}</p>\n</div>', extensions=["attr_list", "md_in_html"])
    assert "onclick" not in inside.replace("onclick=alert(1)", "") and "<em>" not in inside and "<a " not in inside


def test_dates_read_the_chinese_way():
    from datetime import date
    assert cn_date(date(2023, 3, 5)) == "2023年3月5日"


def test_atomic_writes_leave_readable_files_and_no_temp(tmp_path):
    from pufa.shared.files import write_atomic
    target = tmp_path / "sub" / "index.json"
    write_atomic(target, "{}")
    write_atomic(target, '{"a":1}')
    assert target.read_text(encoding="utf-8") == '{"a":1}'
    assert target.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["index.json"]


PINYIN_IN_A_HELPER = """
import json, os, sys
from pufa.shared.formats import pinyin_of
found = pinyin_of(["重庆", "工伤认定", "银行行长", "重庆"])
os.environ["PUFA_SINGLE_PROCESS"] = "1"  # a `mkdocs serve` rebuild, which makes no helper, asks again
again = pinyin_of(["工伤认定", "重庆"])
print(json.dumps([found, again, "pypinyin" in sys.modules]))
"""


@pytest.mark.parametrize("single_process", ["", "1"])
def test_pinyin_of_many_names_is_worked_out_in_a_helper_that_holds_pypinyins_dictionaries(single_process):
    import json
    import os
    import subprocess
    import sys

    from pufa.shared.formats import pinyin

    environment = {**os.environ, "PUFA_SINGLE_PROCESS": single_process}
    done = subprocess.run([sys.executable, "-c", PINYIN_IN_A_HELPER], capture_output=True, text=True, check=True,
                          env=environment)
    found, again, loaded_here = json.loads(done.stdout)
    assert found == {name: pinyin(name) for name in ("重庆", "工伤认定", "银行行长")}
    assert again == {"工伤认定": found["工伤认定"], "重庆": found["重庆"]}
    assert found["重庆"] == "chongqing" and found["银行行长"] == "yinhanghangzhang"
    assert loaded_here == bool(single_process)


PINYIN_AHEAD = """
import json, sys
from pufa.shared import formats
formats.pinyin_ahead(["工伤认定", "重庆", "工伤认定"])
ahead = formats._pinyin_ahead
first = formats.pinyin_of(["重庆"])
left = ahead.waiting
found = formats.pinyin_of(["重庆", "工伤认定", "银行行长"])
print(json.dumps([first, left, found, ahead.waiting, formats._pinyin_ahead is None, "pypinyin" in sys.modules]))
"""


def test_pinyin_worked_out_ahead_is_taken_from_that_helper_and_it_ends_once_all_is_taken():
    import json
    import subprocess
    import sys

    from pufa.shared.formats import pinyin

    done = subprocess.run([sys.executable, "-c", PINYIN_AHEAD], capture_output=True, text=True, check=True)
    first, left, found, still_waiting, ended, loaded_here = json.loads(done.stdout)
    assert first == {"重庆": "chongqing"} and left  # 工伤认定 still to take
    assert found == {name: pinyin(name) for name in ("重庆", "工伤认定", "银行行长")}
    assert not still_waiting and ended and not loaded_here
