"""The built sample site in headless Chromium, as a reader on a desktop or a phone sees it.

Debian's /usr/bin/chromium is used (Playwright cannot download its own browser here).
Screenshots land in build/screenshots/ for a person to look at.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from conftest import SHOTS, serving
from playwright.sync_api import Page

from pufa.content.search import material_default_index

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(sample_site: Path):
    with serving(sample_site) as address:
        yield address


def open_page(browser, width: int) -> tuple[Page, list[str]]:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    return page, requested


PAGES = {
    "home": "/",
    "column": "/ketang/",
    "article": "/ketang/2023/naxie-qingxing-rending-gongshang/",
    "subscribe": "/subscribe/",
    "topic": "/topics/gongshang-rending/",
    "disclosure": "/disclosure/",
    "decision": "/disclosure/2023-012/",
    "blacklist": "/disclosure/blacklist/",
    "stats": "/stats/",
}


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("name", list(PAGES))
def test_pages_render_chinese_and_stay_on_this_host(server, browser, name, width):
    page, requested = open_page(browser, width)
    page.goto(server + PAGES[name], wait_until="networkidle")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    heading = page.locator("article h1").first.inner_text()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in heading)
    assert page.locator(".md-footer").inner_text().count("主办单位") == 1
    hosts = {urlparse(url).hostname for url in requested}
    assert hosts == {"127.0.0.1"}, requested
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
    page.context.close()


def search(page: Page, server: str, query: str) -> list[str]:
    page.goto(server + "/", wait_until="networkidle")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    field = page.locator("input.md-search__input")
    field.fill(query)
    field.press("End")  # fill() fires no key event, and Material searches on key events
    results = page.locator(".md-search-result__item h1")
    results.first.wait_for(timeout=30_000)  # how long to wait for the search worker, not a time under test
    return [text.replace("\u200b", "") for text in results.all_inner_texts()]


def test_searching_gongshang_finds_the_work_injury_articles(server, browser):
    page, _ = open_page(browser, 1280)
    titles = search(page, server, "工伤")
    page.wait_for_timeout(500)  # let the dialog finish fading in
    page.screenshot(path=str(SHOTS / "search-gongshang.png"))
    assert len(titles) >= 3
    assert all("工伤" in title for title in titles[:3]), titles
    assert "哪些情形可以认定为工伤？" in titles
    snippets = page.locator(".md-search-result__item").first.inner_text()
    assert "适用人群" not in snippets, "article headers are not indexed, so results show the text"
    page.context.close()


QUERIES = {
    "工伤认定": lambda titles: all("工伤" in t for t in titles[:4]),
    "拖欠工资": lambda titles: "拖欠" in titles[0] and "年底讨薪：工资被拖欠了，可以向哪里投诉？" in titles[:3],
    "劳动仲裁": lambda titles: titles[0] == "劳动仲裁怎么申请？记住一年时效",
}


@pytest.mark.parametrize("query", list(QUERIES))
def test_the_trades_terms_find_the_relevant_articles_first(server, browser, query):
    page, _ = open_page(browser, 1280)
    titles = search(page, server, query)
    page.context.close()
    assert QUERIES[query](titles), titles


def test_the_compact_index_is_smaller_and_finds_exactly_what_materials_default_finds(server, browser, sample_site):
    compact = (sample_site / "search" / "search_index.json").read_text(encoding="utf-8")
    default = material_default_index(compact)
    saved = 1 - len(compact.encode("utf-8")) / len(default.encode("utf-8"))
    print(f"search index: pufa {len(compact.encode()):,} bytes, Material default {len(default.encode()):,} bytes, "
          f"{saved:.0%} smaller")
    assert not re.search(r"\\u[4-9a-f][0-9a-f]{3}", compact), "Chinese is written as UTF-8, not escaped"
    assert saved >= 0.40
    for query in QUERIES:
        ours, _ = open_page(browser, 1280)
        theirs, _ = open_page(browser, 1280)
        theirs.route("**/search/search_index.json", lambda route: route.fulfill(
            body=default, content_type="application/json"))
        assert search(ours, server, query) == search(theirs, server, query)
        ours.context.close()
        theirs.context.close()


@pytest.mark.parametrize("width", [1280, 375])
def test_the_disclosure_filter_narrows_the_table_without_third_party_scripts(server, browser, width):
    page, requested = open_page(browser, width)
    page.goto(server + "/disclosure/", wait_until="networkidle")
    form = page.locator("form.pufa-filter")
    assert form.is_visible()
    rows = page.locator("#pufa-penalties tbody tr")
    count = page.locator(".pufa-filter__count")

    def visible() -> list[str]:
        return [rows.nth(i).get_attribute("data-name") for i in range(rows.count()) if rows.nth(i).is_visible()]

    assert len(visible()) == 6 and count.inner_text() == "显示 6 项，共 6 项"
    form.locator("select[name=year]").select_option("2023")
    assert visible() == ["示例区丑食品加工有限公司", "示例区子园林绿化有限公司"]
    form.locator("select[name=year]").select_option("")
    form.locator("select[name=type]").select_option("违反工作时间和休息休假规定")
    assert visible() == ["示例区未保洁服务有限公司"]
    form.locator("select[name=type]").select_option("")
    form.locator("input[name=name]").fill("快递")
    assert visible() == ["示例区午快递服务有限公司"]
    assert count.inner_text() == "显示 1 项，共 6 项"
    page.screenshot(path=str(SHOTS / f"disclosure-filtered-{width}.png"), full_page=True)
    assert all(url.startswith(server) for url in requested), [u for u in requested if not u.startswith(server)]
    page.context.close()


def test_without_javascript_the_whole_table_shows(server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "/disclosure/")
    assert not page.locator("form.pufa-filter").is_visible()
    assert page.locator("#pufa-penalties tbody tr").count() == 6
    context.close()


@pytest.mark.parametrize("width", [1280, 375])
def test_the_trend_chart_fills_the_column_and_keeps_its_text_readable(server, browser, width):
    page, _ = open_page(browser, width)
    page.goto(server + "/stats/", wait_until="networkidle")
    chart = page.locator("svg.pufa-chart")
    assert chart.get_attribute("role") == "img" and "见下表" in chart.locator("title").text_content()
    content_width = page.locator(".md-content__inner").bounding_box()["width"]
    assert chart.bounding_box()["width"] >= 0.85 * content_width
    sizes = page.evaluate("[...document.querySelectorAll('svg.pufa-chart text')].map(t => t.getBoundingClientRect().height)")
    assert sizes and min(sizes) >= 12, sizes
    bars = page.evaluate("[...document.querySelectorAll('svg.pufa-chart rect')].map(r => r.getBoundingClientRect().width)")
    assert min(bars) >= 20, bars
    chart.screenshot(path=str(SHOTS / f"stats-chart-{width}.png"))
    page.context.close()
