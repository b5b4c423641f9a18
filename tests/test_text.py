"""Pure helpers: reading time in Chinese, pinyin slugs, Markdown escaping, citations."""

from __future__ import annotations

import pytest

from pufa.content.readtime import count_characters, reading_minutes
from pufa.content.slugs import slugify_title
from pufa.shared.formats import cn_date
from pufa.site.render import md_text


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
    ("工资*加班费*", r"工资\*加班费\*"),
    ("[标题]", r"\[标题\]"),
    ("<script>", "&lt;script&gt;"),
    ("A&B_C", r"A&amp;B\_C"),
])
def test_text_is_escaped_for_markdown(raw, escaped):
    assert md_text(raw) == escaped


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
