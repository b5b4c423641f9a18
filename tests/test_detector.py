"""The privacy detector: numbers count only as people write them, anywhere in any file, never
joined from figures that sit side by side; sources are checked by line; an allow-list in data/."""

from __future__ import annotations

import gzip
import random
from decimal import Decimal
from pathlib import Path

import markdown
import pytest
from click.testing import CliRunner
from conftest import copy_sample_project, plain_report
from hypothesis import given, settings
from hypothesis import strategies as st

from pufa.cli import main
from pufa.privacy.identifiers import ID_ANYWHERE, WRITTEN_NUMBER, credit_code_check_char, id_check_digit
from pufa.privacy.scanner import SeenPieces, find_leaks, number_candidates, scan_site
from pufa.privacy.sources import could_hold_a_number

ID = "11010519491231002X"
OLD_ID = "110105491231002"
MOBILE = "13812345678"


@pytest.mark.parametrize(("text", "kind"), [
    (f'<img alt="申请人身份证 {ID}" src="a.png">', "身份证号"),
    ('<a href="tel:13812345678">打电话</a>', "手机号"),
    (f"<!-- 备注：{ID} -->", "身份证号"),
    (f"旧身份证 {OLD_ID}", "身份证号"),
    ("110105-19491231-002X", "身份证号"),
    ("+86 138 1234 5678", "手机号"),
    ("138-1234-5678", "手机号"),
    ("6222-0212-3456-7890-128", "银行卡号"),
    ('{"text": "联系 13812345678"}', "手机号"),
])
def test_numbers_are_found_wherever_they_are_written(text, kind):
    assert [leak.kind for leak in find_leaks(text, "x")] == [kind]


@pytest.mark.parametrize("text", [
    # two rows of the yearly statistics, flattened into the search index: once read as a card number
    "2025 36 1126 16,719,720.04 401,000 1 2024 100 1130 14,365,574.31 109,000 7",
    "2023 1234 5678 9012 3456",  # a year, then four figures of a table
    "<td>6222</td><td>0212</td><td>3456</td><td>7890</td><td>128</td>",
    "138 1234 5678 9",  # a fourth group: not how a mobile number is written
    "1 3 8 1 2 3 4 5 6 7 8",
])
def test_figures_side_by_side_are_not_one_number(text):
    assert find_leaks(text, "x") == []


def test_a_case_number_that_looks_like_a_mobile_is_allowed_by_the_list(project):
    project.article("ketang/2023/yi.md", extra="wechat: https://mp.weixin.qq.com/s/abc")
    path = project.root / "articles" / "ketang" / "2023" / "yi.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n案号 13020230512 的仲裁裁决。\n", encoding="utf-8")
    line = path.read_text(encoding="utf-8").count("\n")
    result = CliRunner().invoke(main, ["check", "--root", str(project.root)])
    assert result.exit_code == 1 and f"articles/ketang/2023/yi.md:{line}: 疑似手机号 130****0512" in plain_report(result.output)
    build = project.build()
    assert build.returncode != 0
    assert f"手机号 130****0512（来源：articles/ketang/2023/yi.md:{line}）" in build.output
    assert not (build.site / "ketang" / "2023" / "yi" / "index.html").exists()
    (project.root / "data" / "privacy_allow.yml").write_text(
        "- number: 13020230512\n  reason: 仲裁案号，不是电话号码\n", encoding="utf-8")
    checked = CliRunner().invoke(main, ["check", "--root", str(project.root)])
    assert checked.exit_code == 0, checked.output
    assert project.build().returncode == 0


def test_an_allow_list_entry_needs_its_reason(project):
    (project.root / "data" / "privacy_allow.yml").write_text("- number: 13020230512\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--root", str(project.root)])
    assert result.exit_code == 1 and "data/privacy_allow.yml:1: reason: 缺少必填项" in plain_report(result.output)


def test_every_text_file_of_the_site_is_read_whatever_its_name(tmp_path: Path):
    (tmp_path / "a.svg").write_text(f"<svg><text>{ID}</text></svg>", "utf-8")
    (tmp_path / "b.htm").write_text(f"<p>{MOBILE}</p>", "utf-8")
    (tmp_path / "c").write_text(f"{MOBILE}", "utf-8")
    (tmp_path / "sitemap.xml.gz").write_bytes(gzip.compress(f"<loc>{ID}</loc>".encode()))
    (tmp_path / "d.png").write_bytes(b"\x89PNG\x00\x00" + MOBILE.encode())
    assert sorted(leak.page for leak in scan_site(tmp_path)) == ["a.svg", "b.htm", "c", "sitemap.xml.gz"]


def valid_ids() -> st.SearchStrategy[str]:
    def make(region: int, year: int, month: int, day: int, seq: int) -> str:
        first17 = f"{region:06d}{year:04d}{month:02d}{day:02d}{seq:03d}"
        return first17 + id_check_digit(first17)

    return st.builds(make, st.integers(110000, 659999), st.integers(1930, 2010), st.integers(1, 12),
                     st.integers(1, 28), st.integers(0, 999))


PLACES = [
    "正文 {n} 结束。", "# 标题 {n}", "![照片 {n}](a.png)", "[链接](https://x.gov.cn/?id={n})",
    "<!-- {n} -->", "| 列 |\n| --- |\n| {n} |", "```\n{n}\n```", "`{n}`", "**{a}**{b}", "> 引用 {n}",
    '<span title="{n}">悬停</span>', "- 列表 {n}",
]


@settings(max_examples=60, deadline=None)
@given(number=valid_ids(), place=st.sampled_from(PLACES), spaced=st.booleans())
def test_any_id_number_anywhere_in_markdown_is_found_in_the_html(number, place, spaced):
    written = f"{number[:6]} {number[6:14]} {number[14:]}" if spaced else number
    source = place.format(n=written, a=written[:9], b=written[9:])
    html = markdown.markdown(source, extensions=["attr_list", "md_in_html", "tables", "pymdownx.superfences"])
    assert [leak.digits for leak in find_leaks(html, "x")] == [number], html


NUMBER_PIECES = st.lists(st.one_of(
    st.text("0123456789", min_size=1, max_size=19), st.sampled_from([" ", "-", "+", "x", "X", ".", ",", "/", ":", "a",
                                                                    "\u2013", "\u00a0", "  ", "号", "\n", "１３８"]),
), max_size=30)


@settings(max_examples=400, deadline=None)
@given(pieces=NUMBER_PIECES)
def test_searching_only_around_long_digit_stretches_finds_what_a_full_scan_finds(pieces):
    """The detector runs its patterns only near 11-digit stretches, for speed: on any mix of
    digits, separators and letters it must match exactly what the patterns find on their own."""
    text = "".join(pieces)
    full = {(m.start(), m.end()) for pattern in (WRITTEN_NUMBER, ID_ANYWHERE) for m in pattern.finditer(text)}
    assert {(m.start(), m.end()) for m in number_candidates(text)} == full, text


@settings(max_examples=400, deadline=None)
@given(line=st.lists(st.one_of(
    st.sampled_from(["<b>", "</b>", "<!--", "-->", "<a", 'href="', '">', "&#49;", "&#x31;", "%31", "１３８", "\u200b", " ",
                     "13912345678", "139 1234 5678", "+86 13912345678", "6222021234567890123"]),
    valid_ids(), NUMBER_PIECES.map("".join),
), max_size=8).map("".join))
def test_a_line_holding_a_personal_number_has_eleven_digits_as_written(line):
    """`pufa check` looks only at source lines with 11 digits or more, however written, that
    could hold a number (could_hold_a_number)."""
    if find_leaks(line, "x"):
        assert sum(char.isdigit() for char in line) >= 11
        assert could_hold_a_number(line)


def test_a_number_split_by_inline_tags_inside_a_tag_spanning_lines_is_still_found(tmp_path: Path):
    """Found by review: a whole-file look strips the multi-line tag and loses the number."""
    root = copy_sample_project(tmp_path / "project")
    article = next((root / "articles" / "ketang").rglob("*.md"))
    article.write_text(article.read_text(encoding="utf-8") + '\n<div title="备注\n138<b>1234</b>5678\n">x</div>\n',
                       encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--root", str(root)])
    assert result.exit_code == 1 and "疑似手机号 138****5678" in result.output, result.output


def credit_code(index: int) -> str:
    first17 = f"91000000MA{index:07d}"
    return first17 + credit_code_check_char(first17)


def test_a_site_with_years_of_statistics_and_many_amounts_raises_no_alarm(project):
    """Ten years of decisions with every figure of a real table: amounts, counts, fines."""
    rng = random.Random(20241126)
    penalties = project.root / "data" / "penalties"
    for year in range(2015, 2026):
        for seq in range(1, 31):
            workers = rng.randint(1, 400)
            owed = Decimal(rng.randint(10_000, 99_999_999)) / 100
            fine = rng.randint(1, 500) * 1000
            (penalties / f"{year}-{seq:03d}-x.yml").write_text(
                f"decision_number: 示人社监罚〔{year}〕{seq + 100}号\nparty: 示例区测试{year}{seq}有限公司\n"
                f"credit_code: {credit_code(year * 100 + seq)}\nlegal_representative: 甲某\nviolation_type: 未及时支付劳动报酬\n"
                f"facts: 拖欠{workers}名劳动者工资{owed}元，涉及{rng.randint(1, 12)}个月，{rng.randint(1000, 9999)} 元/人。\n"
                f"basis: 《劳动保障监察条例》第二十六条\ncategory: 罚款\ncontent: 罚款{fine}元\nfine: {fine}\n"
                f"decision_date: {year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}\nauthority: 示例区人力资源和社会保障局\n"
                f"authority_code: 11000000MB00000014\nworkers: {workers}\nwages_owed: {owed}\n",
                encoding="utf-8")
    project.article("ketang/2023/yi.md")
    result = project.build(today="2025-12-31")
    assert result.returncode == 0, result.output


@pytest.mark.parametrize(("text", "kind"), [
    ("身份证号 110105\u200b19491231\u200b002X", "身份证号"),
    ("电话 138\u00ad1234\u00ad5678", "手机号"),
    ("电话 138&shy;1234&#8203;5678", "手机号"),
    ("电话 138\u20601234\u20605678", "手机号"),
    ("电话 138\u20091234\u20095678", "手机号"),
    ("电话 138\u22121234\u22125678", "手机号"),
    ("联系电话 138 12345678", "手机号"),
    ("或 0086 13912345678", "手机号"),
    ("身份证 110105 1949 1231 002X", "身份证号"),
    ("卡号 622202 1234567890128", "银行卡号"),
    ("工资卡号 6217 0099 9622 8303 883", "银行卡号"),  # 19 digits whose first 18 are a valid credit code
    ('<a href="tel:%31%33%38%31%32%33%34%35%36%37%38">拨打</a>', "手机号"),
    ('<img src="../images/%E8%AF%8111010519491231002X.png">', "身份证号"),
    ('<img src="IMG11010519491231002X.jpg">', "身份证号"),
    ("138<time>1234</time>5678", "手机号"),
    ("138<!-- x -->12345678", "手机号"),
])
def test_numbers_hidden_by_invisible_characters_escapes_and_markup_are_found(text, kind):
    assert [leak.kind for leak in find_leaks(text, "x")] == [kind]


def test_invisible_characters_do_not_hide_a_number_from_masking():
    from pufa.privacy.masking import mask_personal_data

    masked = mask_personal_data("投诉人身份证号110105\u200b19491231\u200b002X，手机138\u00ad1234\u00ad5678").text
    assert "19491231" not in masked and "1234" not in masked


def test_a_file_named_with_an_id_number_is_found(tmp_path: Path):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "张三身份证11010519491231002X.png").write_bytes(b"\x89PNG\x00")
    assert [leak.page for leak in scan_site(tmp_path)] == ["images/张三身份证11010519491231002X.png"]


def test_an_id_number_is_never_taken_for_a_credit_code():
    from pydantic import ValidationError

    from pufa.disclosure.records import BlacklistEntry

    with pytest.raises(ValidationError, match="这是一个身份证号码"):
        BlacklistEntry.model_validate({
            "decision_number": "示人社失信〔2023〕9号", "employer": "张三（个体工商户）", "credit_code": "110105198001010518",
            "responsible_persons": ["张三"], "workers": 3, "amount": "1000", "grounds": "拖欠", "basis": "第五条",
            "authority": "示例区人力资源和社会保障局", "listing_date": "2023-01-01",
        })


def test_unmatched_rows_in_data_are_checked_too(project):
    (project.root / "data" / "stats" / "unmatched.csv").write_text("source,title\nwechat,张三13812345678\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--root", str(project.root)])
    assert result.exit_code == 1 and "data/stats/unmatched.csv:2: 疑似手机号" in plain_report(result.output)


PAGE_PARTS = st.one_of(
    st.sampled_from([
        "\n", "\n<nav>", "\n  <header class=\"h\">", "\n<script>", "\n<main>", "\n<footer>", "\n\t<form>", "\n<label>",
        "\n<aside", "\n<section\n", "<b>", "</b>", "<i>", "<span title=\"", "\">", "<a href=\"", "<b ", "<div>", "</div>", "<x ",
        "<", ">", "<!--", "-->", "<!-- 注 -->", "<!-- <b> -->", "&#49;", "&#x31;", "&#49", "&nbsp;", "&amp;", "%31", "%3", "%E4%B8",
        "%AD", "%0A", "１３８", "\u200b", "\u00ad", " ", "-", "13912345678", "139 1234 5678", "+86 13912345678",
        "6222021234567890123", "138", "1234", "5678", "11010519491231002X", "110105", "19491231", "002X", "文字",
    ]),
    valid_ids(), NUMBER_PIECES.map("".join),
)


@settings(max_examples=1500, deadline=None)
@given(pages=st.lists(st.lists(PAGE_PARTS, max_size=40).map("".join), min_size=1, max_size=3))
def test_a_page_scanned_piece_by_piece_gives_what_the_whole_page_gives(pages):
    """The build's scan reads each piece of the theme once for all pages (SeenPieces): on any
    mix of tags, comments, escapes, landmarks and numbers it finds the same numbers, in the
    same order, as reading each page whole, also for a page after others that share pieces."""
    seen = SeenPieces()
    for page in pages + pages:
        assert find_leaks(page, "x", seen=seen) == find_leaks(page, "x"), page


def test_a_tag_open_across_a_landmark_keeps_the_number_it_hides_or_joins():
    """An inline tag that swallows a comment and a landmark's tag leaves a < open across the
    line break: that break is no place to cut the view as read."""
    tricky = "<x <b <!--y--> <div>\n<nav>138<i>1234</i>5678 >"
    seen = SeenPieces()
    assert find_leaks(tricky, "x", seen=seen) == find_leaks(tricky, "x")
    hidden = "<x 138<i>1234</i>5678 <b>\n<nav>"  # the inline tags gone, <x stays open over the break
    assert find_leaks(hidden, "x", seen=SeenPieces()) == find_leaks(hidden, "x")
    joined = "<p>138<b>\n<nav>\n</b>12345678</p>"
    assert [leak.digits for leak in find_leaks(joined, "x", seen=SeenPieces())] == [leak.digits for leak in find_leaks(joined, "x")]
