"""Reading statistics: matching export rows to articles and the idempotent snapshot store."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pufa.site import load_site
from pufa.stats import ArticleMatcher, ReadRow, normalise_path, normalise_title, normalise_wechat_url
from pufa.stats_import import apply, import_file

REPO = Path(__file__).resolve().parent.parent


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
    return ArticleMatcher(load_site(REPO).articles)


def test_matching_by_link_path_and_title_and_never_guessing(matcher):
    from datetime import date

    day = date(2023, 12, 31)
    by_link = matcher.match(ReadRow("wechat", 2, day, 1, url="https://mp.weixin.qq.com/s/B0n3chU0JavhSdm7Qf0ZCT?from=timeline"))
    assert by_link.article.slug == "dianzi-laodong-hetong-xiaoli" and by_link.reason == "公众号链接"
    by_path = matcher.match(ReadRow("web", 2, day, 1, path="/ketang/2023/jiabanfei-zenme-suan/"))
    assert by_path.article.slug == "jiabanfei-zenme-suan"
    by_title = matcher.match(ReadRow("wechat", 2, day, 1, title="加班费怎么算? 记住150％、200％、300％"))
    assert by_title.article.slug == "jiabanfei-zenme-suan" and by_title.reason == "标题"
    missing = matcher.match(ReadRow("wechat", 2, day, 1, title="关于春节假期安排的通知"))
    assert missing.article is None and missing.reason == "找不到对应的文章"


def write_wechat_export(path: Path, rows: list[list[object]]) -> Path:
    with open(path, "w", encoding="gb18030", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["内容标题", "发表时间", "总阅读人数", "总阅读次数", "内容url"])
        writer.writerows(rows)
    return path


def test_an_import_reconciles_every_row_and_a_second_import_changes_nothing(tmp_path: Path, matcher):
    site = load_site(REPO)
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
