"""Reading statistics: matching export rows to articles and the idempotent snapshot store."""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import pytest
from conftest import CORPUS
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pufa.content.corpus import load_site
from pufa.stats.importer import apply, import_file
from pufa.stats.pages import nice_step, trend_svg
from pufa.stats.report import build_report
from pufa.stats.store import (
    ArticleMatcher,
    ReadRow,
    Reads,
    Snapshot,
    normalise_path,
    normalise_title,
    normalise_wechat_url,
    read_store,
)


@pytest.mark.parametrize(
    "url, key",
    [
        ("https://mp.weixin.qq.com/s/B0n3chU0JavhSdm7Qf0ZCT", "wechat:/s/B0n3chU0JavhSdm7Qf0ZCT"),
        ("http://mp.weixin.qq.com/s/B0n3chU0JavhSdm7Qf0ZCT/", "wechat:/s/B0n3chU0JavhSdm7Qf0ZCT"),
        ("https://mp.weixin.qq.com/s?__biz=MzA&mid=22&idx=1&sn=abc&chksm=x&scene=21#wechat_redirect",
         "wechat:__biz=MzA&mid=22&idx=1&sn=abc"),
        ("https://example.com/s/B0n3", None),
    ],
)
def test_wechat_links_keep_only_what_identifies_the_article(url, key):
    assert normalise_wechat_url(url) == key


def test_paths_and_titles_normalise():
    assert normalise_path("https://pufa.example.gov.cn/ketang/2023/x/index.html?utm=1") == "ketang/2023/x"
    assert normalise_path("/ketang/2023/x/") == "ketang/2023/x"
    assert normalise_title("《加班费》怎么算？ ") == normalise_title("加班费怎么算?")


@pytest.fixture(scope="module")
def matcher() -> ArticleMatcher:
    return ArticleMatcher(load_site(CORPUS).articles)


def test_matching_by_link_path_and_title_and_never_guessing(matcher):
    day = date(2023, 12, 31)
    by_link = matcher.match(ReadRow("wechat", 2, day, 1, url="https://mp.weixin.qq.com/s/B0n3chU0JavhSdm7Qf0ZCT?from=timeline"))
    assert by_link.article.slug == "dianzi-laodong-hetong-xiaoli" and by_link.reason == "公众号链接"
    by_path = matcher.match(ReadRow("web", 2, day, 1, path="/ketang/2023/jiabanfei-zenme-suan/"))
    assert by_path.article.slug == "jiabanfei-zenme-suan"
    by_title = matcher.match(ReadRow("wechat", 2, day, 1, title="加班费怎么算? 记住150％、200％、300％"))
    assert by_title.article.slug == "jiabanfei-zenme-suan" and by_title.reason == "标题"
    missing = matcher.match(ReadRow("wechat", 2, day, 1, title="关于春节假期安排的通知"))
    assert missing.article is None and missing.reason == "找不到对应的文章"


_SAMPLE_PATHS = ["ketang/2023/jiabanfei-zenme-suan", "anli/2024/no-such-case", "ketang/2019/old", "search"]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(_SAMPLE_PATHS),
    st.sampled_from(["/{}/", "{}", "/{}/index.html", "https://pufa.example.gov.cn/{}/?from=a#top", " /{}/index.htm "]),
    st.sampled_from(["", "/ketang/2019/old/", "ketang/2023/jiabanfei-zenme-suan", "/search"]),
)
def test_a_web_rows_page_alone_matches_as_the_whole_row_does(matcher, site_path, form, alias):
    """The importer matches an old or odd address by its normalised path alone (there are
    many); it must come to what matching the whole row comes to, aliases included."""
    with_alias = ArticleMatcher(matcher.articles, {alias: "anli/2023/xiaban-tuzhong-jiaotong-shigu-gongshang"} if alias else {})
    raw = form.format(site_path)
    assume("/" in raw)  # the importer asks the whole row about an address without one
    row = ReadRow("web", 2, date(2024, 6, 30), 1, path=raw)
    assert with_alias.match_site_path(normalise_path(raw)) == with_alias.match(row)


def write_wechat_export(path: Path, rows: list[list[object]]) -> Path:
    with open(path, "w", encoding="gb18030", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["内容标题", "发表时间", "总阅读人数", "总阅读次数", "内容url"])
        writer.writerows(rows)
    return path


def test_an_import_reconciles_every_row_and_a_second_import_changes_nothing(tmp_path: Path, matcher):
    site = load_site(CORPUS)
    lesson = next(a for a in site.articles if a.slug == "jiabanfei-zenme-suan")
    source = write_wechat_export(tmp_path / "图文数据_20231231.csv", [
        [lesson.meta.title, "20230315", 600, 760, ""],
        ["不在本站的通知", "20231229", 300, 420, ""],
        ["合计", "", "", 1180, ""],
        ["", "", "", "", ""],
    ])
    result = import_file(source, matcher)
    assert (result.read, result.matched, len(result.unmatched), len(result.ambiguous), sum(result.skipped.values())) == (4, 1, 1, 0, 2)
    stats_dir = tmp_path / "stats"
    assert apply(stats_dir, [result]) is True
    store = (stats_dir / "reads.csv").read_bytes()
    assert b"ketang/2023/jiabanfei-zenme-suan,wechat,2023-12-31,760,600" in store
    assert "不在本站的通知" in (stats_dir / "unmatched.csv").read_text("utf-8-sig")
    assert apply(stats_dir, [import_file(source, matcher)]) is False
    assert (stats_dir / "reads.csv").read_bytes() == store


# --- what the figures say, and how the site shows them ---------------------------------

STORE = CORPUS / "data" / "stats" / "reads.csv"
TODAY = date(2026, 11, 27)


@pytest.fixture(scope="module")
def report():
    site = load_site(CORPUS)
    return build_report(read_store(STORE).values(), site.articles, site.registries.columns, TODAY)


def test_the_2023_ketang_shows_14_issues_and_13000_reads(report):
    year = next(y for y in report.years if y.year == 2023)
    ketang = next(row for row in year.columns if row.column.slug == "ketang")
    assert (len(ketang.published), ketang.issues, ketang.reads.total) == (14, "第1—14期", 13000)
    assert ketang.reads.web == 0, "the website's analytics start in 2024"


def latest_reads(snapshots) -> dict[str, Reads]:
    """Each article's newest figure per source, worked out here independently of the report."""
    newest: dict[tuple[str, str], Snapshot] = {}
    for snapshot in snapshots:
        key = (snapshot.article, snapshot.source)
        if key not in newest or snapshot.as_of > newest[key].as_of:
            newest[key] = snapshot
    reads: dict[str, Reads] = {}
    for (article, source), snapshot in newest.items():
        reads[article] = reads.get(article, Reads()) + Reads(**{source: snapshot.reads})
    return reads


def test_years_add_up_to_each_articles_newest_figures(report):
    newest = latest_reads(read_store(STORE).values())
    total = sum(r.total for r in newest.values())
    assert sum(y.reads.total for y in report.years) == total == report.total.total
    assert sum(p.reads.total for p in report.periods) + report.baseline.total == total
    assert report.top[0][1].total == max(r.total for r in newest.values())


def test_reads_belong_to_the_month_their_snapshot_was_taken(tmp_path):
    site = load_site(CORPUS)
    key = "ketang/2023/jiabanfei-zenme-suan"
    snapshots = [
        Snapshot(key, "wechat", date(2023, 12, 31), 700, None),
        Snapshot(key, "wechat", date(2024, 1, 31), 760, None),
        Snapshot(key, "web", date(2024, 3, 31), 90, None),
        Snapshot(key, "wechat", date(2024, 3, 31), 800, None),
        Snapshot(key, "wechat", date(2027, 1, 31), 9999, None),  # after the build day: not yet
        Snapshot("ketang/2023/deleted-article", "wechat", date(2024, 1, 31), 5000, None),
    ]
    report = build_report(snapshots, site.articles, site.registries.columns, TODAY)
    assert [(p.span, p.reads.wechat, p.reads.web) for p in report.periods] == [("2024年1月", 60, 0), ("2024年2月至3月", 40, 0)]
    assert (report.baseline.wechat, report.baseline.web) == (700, 90), "first snapshots after the month of publication"
    assert {y.year: y.reads.total for y in report.years if y.reads.total} == {2023: 700, 2024: 190}
    assert report.per_article[key].total == 890 and report.as_of == {"wechat": date(2024, 3, 31), "web": date(2024, 3, 31)}


def test_the_trend_chart_is_svg_with_a_bar_pair_per_period(report):
    svg = trend_svg(report.periods)
    assert svg.startswith("<svg") and 'role="img"' in svg and "\n" not in svg
    assert svg.count("<rect") == 2 * len(report.periods)
    assert [nice_step(n) for n in (0, 9, 430, 8655, 21200)] == [1, 5, 200, 5000, 10000]


def test_the_built_site_shows_reads_on_articles_lists_and_stats(sample_site, report):
    reads = report.per_article["ketang/2023/jiabanfei-zenme-suan"]
    article = (sample_site / "ketang/2023/jiabanfei-zenme-suan/index.html").read_text("utf-8")
    assert f"阅读量 {reads.total:,}（公众号 {reads.wechat:,}，网站 {reads.web:,}）" in article
    column = (sample_site / "ketang/index.html").read_text("utf-8")
    assert f"阅读量 {reads.total:,}" in column
    stats = (sample_site / "stats/index.html").read_text("utf-8")
    row = re.search(r"<caption>2023年：发布文章 24 篇，阅读 ([\d,]+) 次</caption>.*?人社小课堂</th><td>(.*?)</td><td[^>]*>([\d,]+)</td>", stats, re.S)
    assert row and row.group(2) == "14 篇（第1—14期）" and row.group(3) == "13,000"
    assert '<svg class="pufa-chart"' in stats and "<script" not in stats.split('<article', 1)[1].split("</article>")[0]
    feed = (sample_site / "ketang/feed.xml").read_text("utf-8")
    assert "阅读量" not in feed, "reads are page furniture, not part of a syndicated article"


def test_a_new_article_read_in_its_first_month_counts_in_that_month():
    site = load_site(CORPUS)
    key = "ketang/2024/shiye-baoxianjin-shenling"  # came out 2024-02-20
    report = build_report([Snapshot(key, "wechat", date(2024, 2, 26), 430, None)], site.articles, site.registries.columns, TODAY)
    assert [(p.span, p.reads.total) for p in report.periods] == [("2024年2月", 430)] and report.baseline.total == 0


def test_the_chart_never_draws_a_negative_bar():
    from pufa.stats.report import Period
    from pufa.stats.store import Reads

    svg = trend_svg([Period((2024, 1), (2024, 1), Reads(200, -100)), Period((2024, 2), (2024, 2), Reads(0, 0))])
    heights = [float(h) for h in re.findall(r'height="(-?[\d.]+)"', svg.split(">", 1)[1])]
    ys = [float(y) for y in re.findall(r'<rect[^>]* y="(-?[\d.]+)"', svg)]
    assert heights and min(heights) >= 0 and min(ys) >= 0, svg


def test_a_store_kept_between_serve_builds_is_what_reading_it_again_gives(tmp_path: Path):
    """`mkdocs serve` keeps the parsed store for its next rebuild; the bytes decide, so an
    import meanwhile (or a damaged file) is read as it is now, and a caller's changes stay its own."""
    from pufa.shared.errors import ContentError

    store = tmp_path / "reads.csv"
    store.write_bytes(STORE.read_bytes())
    first = read_store(store, keep=True)
    first.clear()
    assert read_store(store, keep=True) == read_store(store) != {}
    head, row, *rest = store.read_text(encoding="utf-8").splitlines()
    article, source, as_of, reads, readers = row.split(",")
    store.write_text("\n".join([head, f"{article},{source},{as_of},{int(reads) + 7},{readers}", *rest]) + "\n", encoding="utf-8")
    assert read_store(store, keep=True)[(article, source, date.fromisoformat(as_of))].reads == int(reads) + 7
    store.write_text(head + "\n" + row.replace(",", ";") + "\n", encoding="utf-8")
    with pytest.raises(ContentError):
        read_store(store, keep=True)
