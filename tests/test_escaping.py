"""Values from editors and imports are text everywhere they are written: pages, <head>, feeds,
open data and the search index. A title that is a script, a party named with markup and a
summary with quotes must come out as exactly that text, never as markup and never escaped twice."""

from __future__ import annotations

import csv
import html
import io
import json
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest

TITLE = "<script>alert(1)</script>"
SUMMARY = '他说"可以"，然后 <img src=x onerror=alert(2)> & 走了'
PARTY = '示例区A"B<i>&劳务有限公司'
SITE_NAME = "示例区人社普法"

ARTICLE = f"""\
---
title: "{TITLE}"
column: 人社小课堂
issue: 1
date: 2024-03-15
topics: [工资支付]
audiences: [劳动者]
summary: '{SUMMARY}'
author: 政策法规科
review: {{reviewer: 王某, date: 2024-03-10}}
---

正文第一段，讲工资应当按月足额支付。
"""

PENALTY = f"""\
decision_number: 示人社监罚〔2026〕7号
party: '{PARTY}'
credit_code: 91000000MA002401XX
legal_representative: 卫五
violation_type: 未及时支付劳动报酬
facts: 经查，该公司拖欠3名劳动者工资共计30,000.00元，经责令限期支付，逾期未支付。
basis: 《劳动保障监察条例》第二十六条
category: 罚款
content: 责令支付拖欠的劳动报酬，罚款5,000元
fine: 5000
decision_date: 2026-01-10
authority: 示例区人力资源和社会保障局
authority_code: 11000000MB00000014
"""


class Page(HTMLParser):
    """What a browser would make of a page: its elements, attributes and texts."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: dict[str, list[str]] = {}
        self._open: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._open.append(tag)

    def handle_endtag(self, tag):
        if tag in self._open:
            while self._open.pop() != tag:
                pass

    def handle_data(self, data):
        if self._open:
            self.texts.setdefault(self._open[-1], []).append(data)

    def attrs(self, tag: str, **match: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in match.items())]


def assert_inert(html: str, where: str) -> None:
    """No element or attribute came from the hostile values."""
    page = Page(html)
    for tag, attrs in page.tags:
        assert not any(name.startswith("on") for name in attrs), f"{where}: event handler on <{tag}>"
        assert not (tag == "img" and attrs.get("src") == "x"), f"{where}: injected <img>"
        assert tag != "i", f"{where}: injected <i>"
    scripts = "".join(page.texts.get("script", []))
    assert "alert(" not in scripts, f"{where}: injected script"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    from conftest import Project

    project = Project(tmp_path_factory.mktemp("hostile") / "project")
    project.write("ketang/2024/jiaoben.md", ARTICLE)
    (project.root / "data" / "penalties" / "2026-007.yml").write_text(PENALTY, encoding="utf-8")
    result = project.build()
    assert result.returncode == 0, result.output
    return result.site


def test_no_page_of_the_site_runs_or_shows_injected_markup(hostile_site: Path):
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) > 20
    for path in pages:
        assert_inert(path.read_text(encoding="utf-8"), str(path.relative_to(hostile_site)))


def test_the_article_head_and_header_hold_the_title_and_summary_as_text(hostile_site: Path):
    page = Page((hostile_site / "ketang/2024/jiaoben/index.html").read_text(encoding="utf-8"))
    assert "".join(page.texts["title"]) == f"{TITLE} - {SITE_NAME}"
    assert page.attrs("meta", name="description")[0]["content"] == SUMMARY
    assert "".join(page.texts["h1"]).strip() == TITLE
    header_topics = [text.strip() for text in page.texts.get("span", []) if text.strip() == TITLE]
    assert header_topics, "Material's header shows the title as text"


def test_listings_show_the_title_and_summary_as_text_once_escaped(hostile_site: Path):
    for listing in ("ketang/index.html", "archive/index.html", "topics/gongzi-zhifu/index.html"):
        text = (hostile_site / listing).read_text(encoding="utf-8")
        page = Page(text)
        links = [t for t in page.texts.get("a", []) if t == TITLE]
        assert links, f"{listing}: the entry links with the title as its text"
        assert "&amp;lt;" not in text and "&amp;amp;" not in text, f"{listing}: escaped twice"
    summary = Page((hostile_site / "ketang/index.html").read_text(encoding="utf-8")).texts["p"]
    assert SUMMARY in [t.strip() for t in summary]


def test_the_disclosure_pages_name_the_party_as_text(hostile_site: Path):
    index = Page((hostile_site / "disclosure/index.html").read_text(encoding="utf-8"))
    rows = index.attrs("tr", **{"data-name": PARTY})
    assert len(rows) == 1, "the filter reads the party's exact name"
    assert PARTY in index.texts["td"]
    record = Page((hostile_site / "disclosure/2026-007/index.html").read_text(encoding="utf-8"))
    assert PARTY in record.texts["td"]
    assert "".join(record.texts["title"]) == f"示人社监罚〔2026〕7号 {PARTY} - {SITE_NAME}"
    assert record.attrs("meta", name="description")[0]["content"].startswith(PARTY + "：")


def test_feeds_carry_the_text_exactly(hostile_site: Path):
    for name in ("feed.xml", "atom.xml", "ketang/feed.xml"):
        parsed = feedparser.parse((hostile_site / name).read_bytes())
        assert not parsed.bozo, (name, parsed.get("bozo_exception"))
        entry = next(e for e in parsed.entries if e.link.endswith("/ketang/2024/jiaoben/"))
        assert entry.title == TITLE
        assert_inert(entry.get("content", [{"value": ""}])[0]["value"], name)
    feed = json.loads((hostile_site / "feed.json").read_text(encoding="utf-8"))
    item = next(i for i in feed["items"] if i["url"].endswith("/ketang/2024/jiaoben/"))
    assert item["title"] == TITLE and item["summary"] == SUMMARY
    assert_inert(item["content_html"], "feed.json content_html")
    disclosure = feedparser.parse((hostile_site / "disclosure/feed.xml").read_bytes())
    assert not disclosure.bozo
    assert any(e.title == f"{PARTY}（示人社监罚〔2026〕7号）" for e in disclosure.entries)


def test_open_data_holds_the_party_name_exactly(hostile_site: Path):
    text = (hostile_site / "disclosure/penalties.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert PARTY in [row["行政相对人名称"] for row in rows]
    document = json.loads((hostile_site / "disclosure/penalties.json").read_text(encoding="utf-8"))
    assert PARTY in [record["行政相对人名称"] for record in document["记录"]]


def test_the_search_index_holds_markup_only_escaped(hostile_site: Path):
    """Material's search shows titles and texts as HTML, so they must be escaped there."""
    index = json.loads((hostile_site / "search/search_index.json").read_text(encoding="utf-8"))
    article = [doc for doc in index["docs"] if doc["location"] == "ketang/2024/jiaoben/"]
    assert article, "the article is in the index"
    for doc in index["docs"]:
        assert_inert(doc["title"], f"search title {doc['location']}")
        assert_inert(doc["text"], f"search text {doc['location']}")
    assert Page(article[0]["title"]).tags == [] and html.unescape(article[0]["title"]) == TITLE


# --- values that try Markdown rather than HTML: attribute lists and line breaks ----------------

ATTRS = "{: tabindex=0 autofocus onfocus=alert(9) }"
TOPIC = f"T_1 {ATTRS}"
BROKEN_LINES = f"第一行\n\n# 标题 {ATTRS}\n\n- 列表"


def _yaml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


@pytest.fixture(scope="module")
def careless_site(tmp_path_factory):
    from conftest import Project

    project = Project(tmp_path_factory.mktemp("careless") / "project")
    data = project.root / "data"
    with (data / "topics.yml").open("a", encoding="utf-8") as topics:
        topics.write(f"- name: {_yaml(TOPIC)}\n  slug: evil-topic\n  description: {_yaml(BROKEN_LINES)}\n")
    columns = (data / "columns.yml").read_text(encoding="utf-8")
    columns = columns.replace("适合转发给身边的劳动者和用人单位。", "适合转发。\\n\\n# 标题 " + ATTRS, 1)
    (data / "columns.yml").write_text(columns.replace("  description: 每期讲清", '  description: "每期讲清', 1).replace(
        ATTRS, ATTRS + '"', 1), encoding="utf-8")
    rules = (data / "disclosure.yml").read_text(encoding="utf-8").split("\nnotice:")[0]
    (data / "disclosure.yml").write_text(rules + f"\nnotice: {_yaml(BROKEN_LINES)}\n", encoding="utf-8")
    withdrawn = PENALTY.replace("〔2026〕7号", "〔2026〕8号") + f"withdrawal: {{date: 2026-02-01, reason: {_yaml('撤回 ' + ATTRS)}}}\n"
    (data / "penalties" / "2026-008.yml").write_text(withdrawn, encoding="utf-8")
    article = ARTICLE.replace(f'title: "{TITLE}"', f"title: {_yaml('标题 ' + ATTRS)}").replace(
        f"summary: '{SUMMARY}'", f"summary: {_yaml(BROKEN_LINES)}").replace("topics: [工资支付]", f"topics: [{_yaml(TOPIC)}]").replace(
        "author: 政策法规科", f"author: {_yaml('政策法规科' + chr(10) + ATTRS)}")
    project.write("ketang/2024/shuxing.md", article)
    about = project.root / "docs" / "about.md"
    text = about.read_text(encoding="utf-8")
    front = '---\nsubtitle: "<img src=x onerror=alert(95)>"\nstatus: \'new" onmouseover="alert(96)\'\n'
    about.write_text(front + text[4:] if text.startswith("---\n") else front + "---\n\n" + text, encoding="utf-8")
    result = project.build()
    assert result.returncode == 0, result.output
    return result.site


def test_attribute_lists_and_line_breaks_in_values_stay_text(careless_site: Path):
    pages = sorted(careless_site.rglob("*.html"))
    for path in pages:
        text = path.read_text(encoding="utf-8")
        where = str(path.relative_to(careless_site))
        assert_inert(text, where)
        for tag, attrs in Page(text).tags:
            assert "autofocus" not in attrs and "onmouseover" not in attrs, f"{where}: <{tag} {attrs}>"


def test_the_careless_values_read_as_written_on_one_line(careless_site: Path):
    topic = Page((careless_site / "topics/evil-topic/index.html").read_text(encoding="utf-8"))
    assert "".join(topic.texts["h1"]).strip() == f"主题：{TOPIC}"
    article = Page((careless_site / "ketang/2024/shuxing/index.html").read_text(encoding="utf-8"))
    assert "".join(article.texts["h1"]).strip() == f"标题 {ATTRS}"
    assert "".join(article.texts["title"]) == f"标题 {ATTRS} - {SITE_NAME}"
    listing = (careless_site / "ketang/index.html").read_text(encoding="utf-8")
    assert "第一行 # 标题 " + ATTRS in html.unescape(listing)
    assert "- 列表" in html.unescape(listing)
    assert f"适合转发。 # 标题 {ATTRS}" in html.unescape(listing), "the column's description"
    notice = html.unescape((careless_site / "disclosure/index.html").read_text(encoding="utf-8"))
    assert "第一行 # 标题 " + ATTRS + " - 列表" in notice
    withdrawn = Page((careless_site / "disclosure/withdrawn/index.html").read_text(encoding="utf-8"))
    assert f"撤回 {ATTRS}" in withdrawn.texts["td"]


def test_hand_written_front_matter_is_text_in_the_navigation(careless_site: Path):
    home = (careless_site / "index.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(95)&gt;" in home
    assert 'md-status--new&#34; onmouseover=&#34;alert(96)' in home


def test_an_island_placeholder_written_into_a_body_stays_text(tmp_path: Path):
    """The generated blocks go back into a page around the body, never into it: an editor who
    writes the placeholder of the page's own review note gets the placeholder, not a copy."""
    from conftest import copy_sample_project, run_build
    from markupsafe import Markup

    from pufa.site.render import Renderer

    project = copy_sample_project(tmp_path / "project")
    first = run_build(project, site=tmp_path / "first")
    assert first.returncode == 0, first.output
    page = "ketang/2023/laodong-zhongcai-shenqing/index.html"
    built = (first.site / page).read_text(encoding="utf-8")
    review = built[built.index('<p class="pufa-review"') :]
    review = review[: review.index("</p>") + 4]
    placeholder = Renderer().render_source("{{ html | island }}", html=Markup(review)).strip()
    article = project / "articles" / "ketang" / "2023" / "laodong-zhongcai-shenqing.md"
    article.write_text(article.read_text(encoding="utf-8") + f"\n{placeholder}\n", encoding="utf-8")
    second = run_build(project, site=tmp_path / "second")
    assert second.returncode == 0, second.output
    built = (second.site / page).read_text(encoding="utf-8")
    assert built.count('class="pufa-review"') == 1
    assert f"<p>{placeholder}</p>" in built
