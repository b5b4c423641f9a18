"""Feeds: what aggregators and the bureau's other channels read, in RSS 2.0, Atom and JSON Feed."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import jsonschema
import pytest
from conftest import run_build
from htmltools import links, read

from pufa.site.feeds import FeedError, absolutize, article_body, settings_from

SITE_URL = "https://pufa.example.gov.cn/"
SCHEMA = json.loads((Path(__file__).parent / "schemas" / "jsonfeed-1.1.schema.json").read_text("utf-8"))
ATOM_NS = {"a": "http://www.w3.org/2005/Atom"}
FEED_NAMES = ("feed.xml", "atom.xml", "feed.json")


def feed_files(site: Path) -> list[Path]:
    return sorted(p for name in FEED_NAMES for p in site.rglob(name))


def item_links(site: Path, path: str) -> list[str]:
    """The article URLs a feed lists, in its order, whatever its format."""
    text = (site / path).read_text("utf-8")
    if path.endswith(".json"):
        return [item["url"] for item in json.loads(text)["items"]]
    return [entry.link for entry in feedparser.parse(text).entries]


# --- the core, without a build ---------------------------------------------------------

BASE = "https://pufa.example.gov.cn/ketang/2023/laodong-zhongcai-shenqing/"


@pytest.mark.parametrize(
    "html, expected",
    [
        ('<a href="../../../anli/2023/x/">案例</a>', '<a href="https://pufa.example.gov.cn/anli/2023/x/">案例</a>'),
        ('<img alt="流程" src="../images/a.svg" />', '<img alt="流程" src="https://pufa.example.gov.cn/ketang/2023/images/a.svg" />'),
        ('<a href="#记住一年时效">跳到</a>', f'<a href="{BASE}#记住一年时效">跳到</a>'),
        ('<a href="https://www.gov.cn/">中国政府网</a>', '<a href="https://www.gov.cn/">中国政府网</a>'),
        ('<a href="tel:12333">12333</a>', '<a href="tel:12333">12333</a>'),
        ("<a title='x' href='../y/'>单引号</a>", "<a title='x' href='https://pufa.example.gov.cn/ketang/2023/y/'>单引号</a>"),
        (
            '<img srcset="a.png 1x, ../b.png 2x" src="a.png">',
            '<img srcset="https://pufa.example.gov.cn/ketang/2023/laodong-zhongcai-shenqing/a.png 1x, '
            'https://pufa.example.gov.cn/ketang/2023/b.png 2x" '
            'src="https://pufa.example.gov.cn/ketang/2023/laodong-zhongcai-shenqing/a.png">',
        ),
        # Text that merely looks like an attribute is left alone: it is not inside a tag.
        ('<p>写法 href="../x/" 不是链接</p>', '<p>写法 href="../x/" 不是链接</p>'),
        ("<pre><code>&lt;a href=\"x\"&gt;</code></pre>", "<pre><code>&lt;a href=\"x\"&gt;</code></pre>"),
        # ... nor inside another attribute's value, even unescaped quotes of the other kind.
        ('<img alt="写法 href=\'../x/\' 示例" src="a.png">', f'<img alt="写法 href=\'../x/\' 示例" src="{BASE}a.png">'),
        ('<a title="a>b" href="../y/">大于号</a>', '<a title="a>b" href="https://pufa.example.gov.cn/ketang/2023/y/">大于号</a>'),
        ("<a href=../y/>不带引号</a>", '<a href="https://pufa.example.gov.cn/ketang/2023/y/">不带引号</a>'),
        ('<img srcset="b,c.png 2x, d.png 3x">', f'<img srcset="{BASE}b,c.png 2x, {BASE}d.png 3x">'),
        ('<svg><use href="#icon"></use></svg>', '<svg><use href="#icon"></use></svg>'),
        ('<blockquote cite="../src/">引文</blockquote>', '<blockquote cite="https://pufa.example.gov.cn/ketang/2023/src/">引文</blockquote>'),
    ],
)
def test_absolutize_makes_every_link_and_image_absolute(html, expected):
    assert absolutize(html, BASE) == expected


def test_article_body_cuts_out_the_text_and_drops_heading_permalinks():
    page = (
        '<h1>标题</h1><div class="pufa-meta">栏目</div>\n<!-- pufa:body -->\n'
        '<p>正文</p>\n<h2 id="小标题">小标题<a class="headerlink" href="#小标题" title="本节链接">¶</a></h2>\n'
        '<!-- pufa:body-end -->\n<aside>相关文章</aside>'
    )
    assert article_body(page, "ketang/2023/a.md") == '<p>正文</p>\n<h2 id="小标题">小标题</h2>'


def test_article_body_without_markers_is_an_error_naming_the_page():
    with pytest.raises(FeedError, match="ketang/2023/a.md"):
        article_body("<p>正文</p>", "ketang/2023/a.md")


@pytest.mark.parametrize(
    "site_url, items, message",
    [
        (None, 50, "site_url"),
        ("pufa.example.gov.cn", 50, "site_url"),
        (SITE_URL, 0, "extra.feeds.items"),
        (SITE_URL, "50", "extra.feeds.items"),
        (SITE_URL, True, "extra.feeds.items"),
    ],
)
def test_feed_settings_refuse_what_cannot_make_a_valid_feed(site_url, items, message):
    with pytest.raises(FeedError, match=message):
        settings_from(site_url, "站点", "说明", "主办单位", items, preview=False)


def test_feed_settings_make_the_site_url_a_folder():
    settings = settings_from("https://pufa.example.gov.cn/sub", "站点", None, "主办单位", 10, preview=False)
    assert settings.absolute("feed.xml") == "https://pufa.example.gov.cn/sub/feed.xml"
    assert settings.description == "站点"


# --- the shipped sample ------------------------------------------------------------------


def test_the_sample_has_site_column_and_topic_feeds_in_every_format(sample_site: Path):
    topic_pages = [p.parent for p in (sample_site / "topics").glob("*/index.html")]
    assert len(topic_pages) >= 10
    for folder in [sample_site, sample_site / "ketang", sample_site / "anli", *topic_pages]:
        for name in FEED_NAMES:
            assert (folder / name).is_file(), folder / name


@pytest.mark.parametrize("path, count", [("feed.xml", 28), ("ketang/atom.xml", 16), ("anli/feed.json", 12)])
def test_sample_feeds_carry_every_published_article(sample_site: Path, path, count):
    assert len(item_links(sample_site, path)) == count


def test_every_xml_feed_parses_cleanly_with_chinese_titles_and_beijing_dates(sample_site: Path):
    xml_feeds = [p for p in feed_files(sample_site) if p.suffix == ".xml"]
    assert len(xml_feeds) > 20
    for path in xml_feeds:
        raw = path.read_text("utf-8")
        parsed = feedparser.parse(raw)
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.feed.title.startswith("示例区人社普法"), path
        assert parsed.entries, path
        for entry in parsed.entries:
            assert re.search(r"[\u4e00-\u9fff]", entry.title), (path, entry.title)
            assert entry.link.startswith(SITE_URL), (path, entry.link)
            assert entry.id == entry.link  # the canonical URL is the stable id
            assert entry.published_parsed and entry.summary and entry.author
            assert entry.tags, (path, entry.title)
        dates = re.findall(r"<(?:pubDate|lastBuildDate|updated|published)>([^<]+)<", raw)
        assert dates and all(d.endswith(("+0800", "+08:00")) for d in dates), (path, dates[:3])


def test_rss_has_the_elements_its_specification_requires(sample_site: Path):
    channel = ET.parse(sample_site / "ketang" / "feed.xml").getroot().find("channel")
    for name in ("title", "link", "description"):
        assert channel.findtext(name), name
    assert channel.findtext("link") == SITE_URL + "ketang/"
    assert channel.findtext("lastBuildDate") == "Tue, 20 Feb 2024 00:00:00 +0800"  # the newest article's day
    for item in channel.findall("item"):
        assert item.findtext("title") and item.findtext("link").startswith(SITE_URL)
        guid = item.find("guid")
        assert guid.text == item.findtext("link") and guid.get("isPermaLink") == "true"
        assert item.findtext("pubDate").endswith("+0800")


def test_atom_has_the_elements_its_specification_requires(sample_site: Path):
    feed = ET.parse(sample_site / "anli" / "atom.xml").getroot()
    for name in ("a:id", "a:title", "a:updated", "a:author/a:name"):
        assert feed.findtext(name, namespaces=ATOM_NS), name
    assert feed.find("a:link[@rel='self']", ATOM_NS).get("href") == SITE_URL + "anli/atom.xml"
    entries = feed.findall("a:entry", ATOM_NS)
    assert len(entries) == 12
    for entry in entries:
        for name in ("a:id", "a:title", "a:updated", "a:published", "a:author/a:name", "a:summary"):
            assert entry.findtext(name, namespaces=ATOM_NS), name
        assert entry.find("a:content", ATOM_NS).get("type") == "html"
        assert entry.findtext("a:updated", namespaces=ATOM_NS).endswith("+08:00")


def test_every_json_feed_validates_against_json_feed_1_1(sample_site: Path):
    json_feeds = [p for p in feed_files(sample_site) if p.suffix == ".json"]
    assert len(json_feeds) > 10
    for path in json_feeds:
        document = json.loads(path.read_text("utf-8"))
        jsonschema.validate(document, SCHEMA, format_checker=jsonschema.FormatChecker())
        assert document["feed_url"] == SITE_URL + path.relative_to(sample_site).as_posix()
        for item in document["items"]:
            assert datetime.fromisoformat(item["date_published"]).utcoffset() == timedelta(hours=8)
            assert datetime.fromisoformat(item["date_modified"]) >= datetime.fromisoformat(item["date_published"])


def test_full_text_links_and_images_are_absolute(sample_site: Path):
    items = {item["url"]: item for item in json.loads((sample_site / "feed.json").read_text("utf-8"))["items"]}
    lesson = items[SITE_URL + "ketang/2023/laodong-zhongcai-shenqing/"]["content_html"]
    assert f'href="{SITE_URL}anli/2023/chaoguo-zhongcai-shixiao-qingqiu-bohui/"' in lesson
    assert "记住一年时效" in lesson and "headerlink" not in lesson
    assert "本文已经法制审核" not in lesson and "相关文章" not in lesson  # the page's chrome stays on the page
    every_url = [u for item in items.values() for u in re.findall(r'(?:href|src)="([^"]*)"', item["content_html"])]
    image = SITE_URL + "ketang/2023/images/laodong-zhongcai-liucheng.svg"
    assert image in every_url and (sample_site / image.removeprefix(SITE_URL)).is_file()
    assert every_url and all(u.startswith(("https://", "tel:", "mailto:")) for u in every_url), every_url


def test_topic_feeds_hold_exactly_the_topics_articles(sample_site: Path):
    for page in (sample_site / "topics").glob("*/index.html"):
        page_url = SITE_URL + page.parent.relative_to(sample_site).as_posix() + "/"
        listed = {urljoin(page_url, href) for href in links(page.read_text("utf-8"), within="pufa-entry__title")}
        in_feed = item_links(sample_site, page.parent.relative_to(sample_site).as_posix() + "/feed.xml")
        assert set(in_feed) == listed and len(in_feed) == len(listed) > 0, page


def test_no_feed_repeats_an_item(sample_site: Path):
    for path in feed_files(sample_site):
        ids = item_links(sample_site, path.relative_to(sample_site).as_posix())
        assert len(ids) == len(set(ids)), path


def test_every_page_offers_its_feeds_for_autodiscovery(sample_site: Path):
    def alternates(url: str) -> set[str]:
        html = read(sample_site, url)
        found = re.findall(r'<link rel="alternate feed" type="application/(?:rss\+xml|atom\+xml|feed\+json)"[^>]*href="([^"]+)"', html)
        page_folder = (sample_site / url.strip("/")) if url != "/" else sample_site
        return {(page_folder / href).resolve().relative_to(sample_site.resolve()).as_posix() for href in found}

    site_feeds = set(FEED_NAMES)
    assert alternates("/") == site_feeds
    assert alternates("/archive/") == site_feeds
    ketang = {f"ketang/{name}" for name in FEED_NAMES}
    assert alternates("/ketang/") == site_feeds | ketang
    assert alternates("/ketang/2023/laodong-zhongcai-shenqing/") == site_feeds | ketang
    assert alternates("/topics/gongzi-zhifu/") == site_feeds | {f"topics/gongzi-zhifu/{n}" for n in FEED_NAMES}
    for path in alternates("/topics/gongzi-zhifu/"):
        assert (sample_site / path).is_file()


def test_the_subscribe_page_explains_and_lists_every_feed(sample_site: Path):
    html = read(sample_site, "/subscribe/")
    assert "怎样订阅" in html and "RSS 阅读器" in html
    page = sample_site / "subscribe"
    listed = {(page / href).resolve().relative_to(sample_site.resolve()).as_posix() for href in links(html) if href.endswith(FEED_NAMES)}
    assert listed == {p.relative_to(sample_site).as_posix() for p in feed_files(sample_site)}


def test_column_and_topic_pages_link_their_own_feeds(sample_site: Path):
    for url, folder in [("/anli/", "anli"), ("/topics/gongshang-rending/", "topics/gongshang-rending")]:
        html = read(sample_site, url)
        offered = links(html, within="pufa-subscribe")
        page = sample_site / url.strip("/")
        resolved = {(page / href).resolve().relative_to(sample_site.resolve()).as_posix() for href in offered}
        assert {f"{folder}/{name}" for name in FEED_NAMES} <= resolved, offered
    assert "订阅本栏目" in read(sample_site, "/anli/") and "订阅本主题" in read(sample_site, "/topics/gongshang-rending/")


def test_two_builds_of_the_same_content_give_identical_feeds(sample_project: Path, sample_site: Path, tmp_path: Path):
    again = run_build(sample_project, site=tmp_path / "again")
    assert again.returncode == 0, again.output
    first = {p.relative_to(sample_site): p.read_bytes() for p in feed_files(sample_site)}
    second = {p.relative_to(again.site): p.read_bytes() for p in feed_files(again.site)}
    assert first == second


# --- publishing dates decide what a feed carries ----------------------------------------------


def test_an_article_appears_in_its_feeds_on_its_publishing_day_and_not_before(project):
    project.article("ketang/2023/jiu-wen.md", issue=1, date="2023-03-01")
    project.article("anli/2023/an-li.md", issue=None, date="2023-04-01")
    project.article("ketang/2023/xin-wen.md", title="新的一期：加班费怎么算", issue=2, date="2023-06-02")
    url = SITE_URL + "ketang/2023/xin-wen/"
    feeds = ["feed.xml", "atom.xml", "feed.json", "ketang/feed.xml", "topics/gongzi-zhifu/feed.json"]

    before = project.build(today="2023-06-01")
    assert before.returncode == 0, before.output
    for path in feeds:
        assert url not in item_links(before.site, path), path
    assert url not in (before.site / "feed.xml").read_text("utf-8")

    published = project.build(today="2023-06-02")
    assert published.returncode == 0, published.output
    for path in feeds:
        assert item_links(published.site, path)[0] == url, path
    assert url not in item_links(published.site, "anli/feed.xml")
    assert feedparser.parse((published.site / "feed.xml").read_text("utf-8")).entries[0].title == "新的一期：加班费怎么算"


def test_drafts_never_reach_a_feed(project):
    project.article("ketang/2023/yi-fa-bu.md", issue=1, date="2023-03-01")
    project.article("ketang/2023/cao-gao.md", issue=2, date="2023-03-02", extra="draft: true")
    result = project.build(today="2023-06-01")
    assert result.returncode == 0, result.output
    for path in feed_files(result.site):
        assert "cao-gao" not in path.read_text("utf-8"), path


def test_the_number_of_items_is_configurable(project):
    for day in range(1, 4):
        project.article(f"ketang/2023/wen-{day}.md", issue=day, date=f"2023-03-0{day}")
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace("    items: 50", "    items: 2"), "utf-8")
    result = project.build()
    assert result.returncode == 0, result.output
    assert item_links(result.site, "feed.json") == [SITE_URL + "ketang/2023/wen-3/", SITE_URL + "ketang/2023/wen-2/"]
    assert len(item_links(result.site, "atom.xml")) == 2


def test_a_bad_item_count_fails_the_build_with_a_clear_message(project):
    project.article("ketang/2023/wen.md")
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace("    items: 50", "    items: 多少"), "utf-8")
    result = project.build()
    assert result.returncode != 0
    assert "extra.feeds.items" in result.output and "正整数" in result.output


def test_feed_dates_use_beijing_time_for_the_articles_day(project):
    project.article("ketang/2023/wen.md", date="2023-12-31", extra="updated: 2024-01-02")
    result = project.build(today="2024-02-01")
    assert result.returncode == 0, result.output
    item = json.loads((result.site / "feed.json").read_text("utf-8"))["items"][0]
    assert item["date_published"] == "2023-12-31T00:00:00+08:00"
    assert item["date_modified"] == "2024-01-02T00:00:00+08:00"


def test_an_empty_feed_does_not_change_with_the_build_day_and_summaries_stay_text(project):
    project.article("ketang/2023/wen.md", extra="")
    path = project.root / "articles" / "ketang" / "2023" / "wen.md"
    path.write_text(path.read_text("utf-8").replace("summary: 一段摘要。", "summary: 工资<按月>足额支付 & 按时结算"), "utf-8")
    first = project.build(today="2026-11-27")
    assert first.returncode == 0, first.output
    second = run_build(project.root, today="2027-01-05", site=project.root / "site2")
    assert second.returncode == 0, second.output

    def article_feeds(site: Path) -> dict[Path, bytes]:  # disclosures do change by the day: they expire
        return {p.relative_to(site): p.read_bytes() for p in feed_files(site) if p.parent.name != "disclosure"}

    assert article_feeds(second.site) == article_feeds(first.site)
    assert item_links(first.site, "anli/feed.xml") == []  # the column with no articles yet
    rss = feedparser.parse((first.site / "feed.xml").read_text("utf-8")).entries[0]
    atom = feedparser.parse((first.site / "atom.xml").read_text("utf-8")).entries[0]
    # RSS descriptions are HTML: the text's own < and & arrive escaped, to be shown, not parsed.
    assert rss.summary == "工资&lt;按月&gt;足额支付 &amp; 按时结算"
    assert atom.summary_detail.type == "text/plain" and atom.summary == "工资<按月>足额支付 & 按时结算"


def test_autodiscovery_titles_are_escaped(project):
    project.article("ketang/2023/wen.md")
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace("site_name: 示例区人社普法", 'site_name: 示例区"人社"普法 & <法>'), "utf-8")
    result = project.build()
    assert result.returncode == 0, result.output
    html = read(result.site, "/")
    assert 'title="示例区&#34;人社&#34;普法 &amp; &lt;法&gt;（RSS）"' in html
