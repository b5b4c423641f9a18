"""`pufa stats import`: each export format, built by hand as its platform writes it, gives
the expected figures; every row is accounted for; bad files change nothing."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import shutil
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
import xlwt
from click.testing import CliRunner
from conftest import CORPUS

from pufa.cli import main
from pufa.content.corpus import load_site
from pufa.stats.importer import (
    StatsImportError,
    detect_format,
    import_file,
    import_files,
)
from pufa.shared.errors import ContentError
from pufa.stats.store import ArticleMatcher, Snapshot, load_aliases, read_store

SAMPLES = CORPUS / "samples" / "stats"
OVERTIME = "ketang/2023/jiabanfei-zenme-suan"
INJURY = "ketang/2023/naxie-qingxing-rending-gongshang"
NEW_2024 = "ketang/2024/shiye-baoxianjin-shenling"


@pytest.fixture(scope="module")
def site():
    return load_site(CORPUS)


@pytest.fixture(scope="module")
def matcher(site) -> ArticleMatcher:
    return ArticleMatcher(site.articles, load_aliases(CORPUS / "data" / "stats" / "aliases.yml", site.articles))


def title(site, key: str) -> str:
    return next(a.meta.title for a in site.articles if a.url.strip("/") == key)


def figures(result) -> dict[tuple[str, str, date], tuple[int, int | None]]:
    return {key: (s.reads, s.readers) for key, s in result.snapshots.items()}


def accounted(result) -> bool:
    return result.read == result.matched + len(result.unmatched) + len(result.ambiguous) + sum(result.skipped.values())


def write_csv(path: Path, rows: list[list[object]], encoding: str) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def test_wechat_xlsx_with_a_title_row_dates_and_a_total_row(tmp_path, site, matcher):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["图文分析（2023-01-01 至 2023-12-31）"])
    sheet.append(["内容标题", "发表时间", "总阅读人数", "总阅读次数", "总分享次数", "内容url"])
    sheet.append([title(site, OVERTIME).replace("？", "?"), datetime(2023, 7, 11, 18), 600, 870, 31, ""])
    sheet.append([title(site, INJURY), datetime(2023, 4, 11, 18), 500, 650, 12, "http://mp.weixin.qq.com/s?__biz=M&mid=1&idx=1&sn=x#rd"])
    sheet.append(["春节放假通知", datetime(2023, 1, 20, 9), 90, 120, 3, ""])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["合计", None, 1190, 1640, None, None])
    book.save(tmp_path / "图文数据_20231231.xlsx")
    result = import_file(tmp_path / "图文数据_20231231.xlsx", matcher)
    day = date(2023, 12, 31)
    assert figures(result) == {(OVERTIME, "wechat", day): (870, 600), (INJURY, "wechat", day): (650, 500)}
    assert [(row.row, reason) for row, reason in result.unmatched] == [(5, "找不到对应的文章")]
    assert dict(result.skipped) == {"空行": 1, "合计行": 1} and accounted(result)


def test_wechat_xls_from_an_older_backend_with_numeric_dates(tmp_path, site, matcher):
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("单篇图文")
    for row, values in enumerate([["标题", "发表时间", "阅读人数", "阅读次数"],
                                  [title(site, OVERTIME), 20230711, 700, 990],
                                  [title(site, INJURY), 20230411, 410, 515]]):
        for column, value in enumerate(values):
            sheet.write(row, column, value)
    book.save(str(tmp_path / "export.xls"))
    result = import_file(tmp_path / "export.xls", matcher, as_of=date(2024, 6, 30))
    day = date(2024, 6, 30)
    assert figures(result) == {(OVERTIME, "wechat", day): (990, 700), (INJURY, "wechat", day): (515, 410)}


def test_wechat_csv_in_utf8_bom_with_drifted_headers_and_short_links(tmp_path, site, matcher):
    link = next(a.meta.wechat for a in site.articles if a.url.strip("/") == OVERTIME)
    path = tmp_path / "wechat_2024-12-31.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "文章标题,发布时间,阅读人数(人),阅读次数(次),文章链接\r\n"
                     f"标题改过了,2023/07/11,\"1,020\",\"1,404\",{link}?scene=126\r\n".encode("utf-8"))
    result = import_file(path, matcher)
    assert figures(result) == {(OVERTIME, "wechat", date(2024, 12, 31)): (1404, 1020)}
    assert result.unmatched == [] and accounted(result)


def test_getarticletotal_takes_the_newest_cumulative_day(tmp_path, site, matcher):
    details = [{"stat_date": f"2024-02-{d}", "int_page_read_user": n - 50, "int_page_read_count": n}
               for d, n in (("20", 300), ("22", 520), ("21", 450))]
    data = {"list": [{"ref_date": "2024-02-20", "msgid": "1_1", "title": title(site, NEW_2024), "details": details}]}
    (tmp_path / "total.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert detect_format(tmp_path / "total.json") == "datacube"
    result = import_file(tmp_path / "total.json", matcher)
    assert figures(result) == {(NEW_2024, "wechat", date(2024, 2, 22)): (520, 470)}


def summary_day(site, day: str, rows: list[tuple[str, int]]) -> dict:
    return {"list": [{"ref_date": day, "msgid": f"{i}_1", "title": title(site, key), "int_page_read_user": n,
                      "int_page_read_count": n} for i, (key, n) in enumerate(rows)]}


def test_getarticlesummary_days_build_on_the_day_before_and_never_guess(tmp_path, site, matcher):
    """Daily figures are what was read that day: the publication day starts from zero, a
    later day adds to the day before's snapshot, and without one the row is not stored."""
    first = tmp_path / "summary_0220.json"
    first.write_text(json.dumps(summary_day(site, "2024-02-20", [(NEW_2024, 430), (OVERTIME, 9)]), ensure_ascii=False), "utf-8")
    second = tmp_path / "summary_0221.json"
    second.write_text(json.dumps(summary_day(site, "2024-02-21", [(NEW_2024, 120)]), ensure_ascii=False), "utf-8")
    one, two = import_files([first, second], matcher, tmp_path / "stats")
    assert figures(one) == {(NEW_2024, "wechat", date(2024, 2, 20)): (430, None)}
    assert dict(one.skipped) == {"每日数据缺少 2024-02-19 的累计阅读数作为基数，请先导入截至该日的数据": 1}
    assert figures(two) == {(NEW_2024, "wechat", date(2024, 2, 21)): (550, None)}
    assert accounted(one) and accounted(two)


def test_plausible_pages_csv_adds_up_url_variants_and_skips_other_pages(tmp_path, matcher):
    path = write_csv(tmp_path / "pages.csv", [
        ["name", "visitors", "pageviews", "bounce_rate", "time_on_page"],
        [f"/{OVERTIME}/", 90, 120, 60, 80],
        [f"/{OVERTIME}/index.html", 4, 5, 60, 80],
        ["/", 700, 900, 40, 30],
        ["/ketang/2023/no-such-page/", 3, 3, 100, 0],
    ], "utf-8")
    assert detect_format(path) == "plausible"
    result = import_file(path, matcher, as_of=date(2024, 3, 31))
    assert figures(result) == {(OVERTIME, "web", date(2024, 3, 31)): (125, 94)}
    assert dict(result.skipped) == {"不是文章页面": 1} and len(result.unmatched) == 1 and accounted(result)


def test_matomo_page_urls_in_utf16_as_matomo_sends_them(tmp_path, matcher):
    path = write_csv(tmp_path / "matomo.csv", [
        ["label", "nb_visits", "nb_hits", "avg_time_on_page", "url"],
        [OVERTIME, 200, 260, 70, f"https://pufa.example.gov.cn/{OVERTIME}/"],
        [INJURY, 100, 130, 65, f"https://pufa.example.gov.cn/{INJURY}/?from=menu"],
    ], "utf-16")
    assert detect_format(path) == "matomo"
    result = import_file(path, matcher, as_of=date(2024, 6, 30))
    day = date(2024, 6, 30)
    assert figures(result) == {(OVERTIME, "web", day): (260, 200), (INJURY, "web", day): (130, 100)}


def test_umami_metrics_json(tmp_path, matcher):
    path = tmp_path / "umami_2024-09-30.json"
    path.write_text(json.dumps([{"x": f"/{INJURY}/", "y": 333}, {"x": "/disclosure/", "y": 50}]), "utf-8")
    assert detect_format(path) == "umami"
    result = import_file(path, matcher)
    assert figures(result) == {(INJURY, "web", date(2024, 9, 30)): (333, None)}
    assert dict(result.skipped) == {"不是文章页面": 1}


def test_baidu_pages_in_gb18030_with_a_header_block_and_thousands(tmp_path, matcher):
    path = write_csv(tmp_path / "百度统计_20241231.csv", [
        ["站点名称", "pufa.example.gov.cn"],
        ["时间范围", "2024/01/01 - 2024/12/31"],
        [],
        ["页面URL", "浏览量(PV)", "访客数(UV)", "平均停留时长"],
        [f"https://pufa.example.gov.cn/{OVERTIME}/", "1,234", "1,001", "00:01:10"],
        ["合计", "1,234", "--", "--"],
    ], "gb18030")
    assert detect_format(path) == "baidu"
    result = import_file(path, matcher)
    assert figures(result) == {(OVERTIME, "web", date(2024, 12, 31)): (1234, 1001)}
    assert dict(result.skipped) == {"合计行": 1} and accounted(result)


def test_source_overrides_detection(tmp_path, matcher):
    """A sheet with both Plausible's and Matomo's columns is read as Plausible unless told."""
    path = write_csv(tmp_path / "pages.csv", [["url", "nb_hits", "name", "pageviews"], [f"/{INJURY}/", 40, "/", 7]], "utf-8")
    assert detect_format(path) == "plausible"
    guessed = import_file(path, matcher, as_of=date(2024, 1, 31))
    assert guessed.matched == 0 and dict(guessed.skipped) == {"不是文章页面": 1}
    told = import_file(path, matcher, format="matomo", as_of=date(2024, 1, 31))
    assert told.format == "matomo" and figures(told) == {(INJURY, "web", date(2024, 1, 31)): (40, None)}


def test_rows_matching_two_articles_are_reported_not_guessed(site):
    twin = next(a for a in site.articles if a.url.strip("/") == INJURY)
    doubled = ArticleMatcher([*site.articles, dataclasses.replace(twin, slug="twin")])
    from pufa.stats.store import ReadRow

    match = doubled.match(ReadRow("wechat", 3, date(2024, 1, 1), 10, title=twin.meta.title))
    assert match.article is None and "无法确定" in match.reason


@pytest.fixture
def project(tmp_path) -> Path:
    """The fixture corpus with its store, so the CLI runs as an editor would."""
    root = tmp_path / "project"
    for name in ("articles", "data"):
        shutil.copytree(CORPUS / name, root / name)
    return root


def store_bytes(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "data" / "stats").iterdir())}


def test_the_shipped_samples_give_the_committed_store_and_a_second_import_changes_no_byte(project):
    (project / "data" / "stats" / "reads.csv").unlink()
    (project / "data" / "stats" / "unmatched.csv").unlink()
    files = [str(p) for p in sorted(SAMPLES.iterdir())]
    first = CliRunner().invoke(main, ["stats", "import", *files, "--root", str(project)])
    assert first.exit_code == 0, first.output
    after_first = store_bytes(project)
    assert after_first == store_bytes(CORPUS), "data/stats/ is what the samples give"
    for line in first.output.splitlines():
        if "读取" in line:
            numbers = [int(n) for n in __import__("re").findall(r"(\d+) 行", line)]
            assert numbers[0] == sum(numbers[1:]), line
    second = CliRunner().invoke(main, ["stats", "import", *files, "--root", str(project)])
    assert second.exit_code == 0 and "未改动" in second.output
    assert store_bytes(project) == after_first


def test_every_sample_is_detected_as_its_format():
    expected = {"getarticlesummary": "datacube", "getarticletotal": "datacube", "matomo": "matomo",
                "plausible": "plausible", "umami": "umami", "公众号": "wechat", "百度统计": "baidu"}
    for path in SAMPLES.iterdir():
        assert detect_format(path) == next(v for k, v in expected.items() if path.name.startswith(k)), path.name


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("图文数据_20240101.xlsx", b"PK\x03\x04 truncated in the download", "不是有效的 Excel 文件"),
        ("图文数据_20240101.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, "不是有效的 Excel 97-2003"),
        ("pages_20240101.csv", "name,visitors\r\n/ketang/,3\r\n".encode(), "无法从表头识别导出格式"),
        ("pages_20240102.csv", b'name,pageviews\r\n"/x/,' + b"a" * 200_000, "第 2 行：引号没有闭合"),
        ("metrics_20240102.json", b'{"list": [1, 2]}', "应为对象"),
        ("metrics_20240103.json", b"[" * 100_000, "JSON"),
        ("getarticletotal_20240101.json", b'{"errcode": 40001, "errmsg": "invalid credential"}', "接口返回错误 40001"),
        ("summary_20240104.json", '{"list": [{"ref_date": "2024-01-04", "title": "x", "int_page_read_count": -7}]}'.encode(), "应为非负整数"),
        ("pages_20240101.csv", b"\x80\x81\xfe\xff garbage", "无法识别文件编码"),
        ("metrics_20240101.json", b'{"data": [1, 2', "不是有效的 JSON"),
        ("图文数据.csv", "内容标题,总阅读次数,总阅读人数\r\n加班费,12,10\r\n".encode(), "--as-of"),
    ],
)
def test_a_bad_file_is_named_with_why_and_the_store_is_untouched(project, name, content, message):
    good = SAMPLES / "plausible_pages_20240331.csv"
    bad = project / name
    bad.write_bytes(content)
    before = store_bytes(project)
    result = CliRunner().invoke(main, ["stats", "import", str(good), str(bad), "--root", str(project)])
    assert result.exit_code == 1
    assert "导入失败，没有写入任何文件" in result.output and name in result.output and message in result.output
    assert store_bytes(project) == before


def test_a_missing_column_and_a_bad_number_name_the_row(project, tmp_path):
    missing = write_csv(tmp_path / "plausible_20240101.csv", [["name", "visitors"], ["/", 1]], "utf-8")
    result = CliRunner().invoke(main, ["stats", "import", str(missing), "--source", "plausible", "--root", str(project)])
    assert result.exit_code == 1 and "缺少必需的列" in result.output and "pageviews" in result.output
    bad = write_csv(tmp_path / "plausible_20240102.csv", [["name", "pageviews"], [f"/{INJURY}/", "12"], ["/", "很多"]], "utf-8")
    result = CliRunner().invoke(main, ["stats", "import", str(bad), "--root", str(project)])
    assert result.exit_code == 1 and "第 3 行，“pageviews”列：“很多”不是非负整数" in result.output


def test_dry_run_writes_nothing(project):
    (project / "data" / "stats" / "reads.csv").unlink()
    before = store_bytes(project)
    result = CliRunner().invoke(main, ["stats", "import", str(SAMPLES / "umami_urls_20240930.json"), "--dry-run", "--root", str(project)])
    assert result.exit_code == 0 and "匹配 28 行" in result.output
    assert store_bytes(project) == before


def test_a_damaged_store_is_reported_by_line(project):
    store = project / "data" / "stats" / "reads.csv"
    store.write_text(store.read_text("utf-8") + "ketang/2023/x,wechat,2024-13-01,5,\n", "utf-8")
    with pytest.raises(Exception, match=r"reads.csv:\d+: 阅读数据存档格式错误"):
        read_store(store)
    assert isinstance(next(iter(read_store(CORPUS / "data" / "stats" / "reads.csv").values())), Snapshot)


@pytest.mark.parametrize(("damage", "line", "cause"), [
    (lambda text: text.replace("reads,", "visits,", 1), 1, "缺少 reads 列"),
    (lambda text: text + "ketang/2023/x,wechat,2024-03-31\n", None, "列数不足"),
    (lambda text: text + "ketang/2023/x,weibo,2024-03-31,5,\n", None, "来源应为"),
    (lambda text: text + "ketang/2023/x,web,2024-03-31,-5,\n", None, "不能为负数"),
    (lambda text: text + "ketang/2023/x,web,2024-03-31,五,\n", None, "ValueError"),
])
def test_each_kind_of_damage_in_the_store_names_its_line_and_cause(project, damage, line, cause):
    store = project / "data" / "stats" / "reads.csv"
    text = store.read_text("utf-8")
    store.write_text(damage(text) + "\n", "utf-8")  # a blank line at the end is no damage
    expected = line or text.count("\n") + 1
    with pytest.raises(ContentError) as caught:
        read_store(store)
    [problem] = caught.value.problems
    assert (problem.line, cause in problem.message) == (expected, True), problem


@pytest.mark.parametrize(("damage", "cause"), [
    (lambda store: store.write_bytes(store.read_bytes() + b"ketang/2023/x,web,2024-03-31,\xff\xfe,\n"), "不是 UTF-8"),
    (lambda store: store.write_text(store.read_text("utf-8") + "x" * 200_000 + ",web,2024-03-31,1,\n", "utf-8"), "格式错误"),
    (lambda store: (store.unlink(), store.mkdir()), "不是文件"),
])
def test_a_store_that_is_not_text_or_not_a_file_is_reported_not_a_traceback(project, damage, cause):
    store = project / "data" / "stats" / "reads.csv"
    damage(store)
    with pytest.raises(ContentError) as caught:
        read_store(store)
    assert cause in caught.value.problems[0].message
    result = CliRunner().invoke(main, ["check", "--root", str(project)], env={"PUFA_TODAY": "2024-06-30"})
    assert result.exit_code == 1 and cause in result.output and isinstance(result.exception, SystemExit), result.output


def test_a_store_with_a_blank_line_reads_whole(project):
    store = project / "data" / "stats" / "reads.csv"
    before = read_store(store)
    store.write_text(store.read_text("utf-8") + "\n\n", "utf-8")
    assert read_store(store) == before and len(before) > 100


def test_an_alias_to_a_missing_article_names_its_line(project):
    aliases = project / "data" / "stats" / "aliases.yml"
    aliases.write_text(aliases.read_text("utf-8") + "旧标题: ketang/2023/no-such-article\n", "utf-8")
    line = len(aliases.read_text("utf-8").splitlines())
    result = CliRunner().invoke(main, ["stats", "import", str(SAMPLES / "umami_urls_20240930.json"), "--root", str(project)])
    assert result.exit_code == 1
    assert f"aliases.yml:{line}: “旧标题”指向的文章 ketang/2023/no-such-article 不存在" in result.output
    check = CliRunner().invoke(main, ["check", "--root", str(project)])
    assert check.exit_code == 0 and "警告: " in check.output and "no-such-article" in check.output


def test_two_messages_of_one_article_in_a_daily_summary_add_the_base_once(tmp_path, site, matcher):
    day = tmp_path / "summary_0701.json"
    rows = summary_day(site, "2024-07-01", [(NEW_2024, 10), (NEW_2024, 3)])
    day.write_text(json.dumps(rows, ensure_ascii=False), "utf-8")
    base = {(NEW_2024, "wechat", date(2024, 6, 30)): Snapshot(NEW_2024, "wechat", date(2024, 6, 30), 1460, None)}
    result = import_file(day, matcher, known=base)
    assert figures(result) == {(NEW_2024, "wechat", date(2024, 7, 1)): (1473, None)} and result.matched == 2


def test_aliases_are_compared_normalised_and_before_the_article_page_filter(tmp_path, site):
    aliases = {"/html/2019/1234.html": OVERTIME, "https://pufa.example.gov.cn/ketang/2023/old-slug/": INJURY}
    matcher = ArticleMatcher(site.articles, aliases)
    path = write_csv(tmp_path / "pages.csv", [
        ["name", "pageviews"], ["/html/2019/1234.html?from=bd", 7], ["/ketang/2023/old-slug/index.html", 5],
    ], "utf-8")
    result = import_file(path, matcher, as_of=date(2024, 3, 31))
    assert figures(result) == {(OVERTIME, "web", date(2024, 3, 31)): (7, None), (INJURY, "web", date(2024, 3, 31)): (5, None)}


def test_two_articles_with_one_wechat_link_are_ambiguous(site):
    from pufa.stats.store import ReadRow

    first = next(a for a in site.articles if a.url.strip("/") == INJURY)
    other = next(a for a in site.articles if a.url.strip("/") == OVERTIME)
    copied = dataclasses.replace(other, meta=other.meta.model_copy(update={"wechat": first.meta.wechat}))
    matcher = ArticleMatcher([a for a in site.articles if a is not other] + [copied])
    match = matcher.match(ReadRow("wechat", 2, date(2024, 1, 1), 5, title="完全不同的标题", url=first.meta.wechat))
    assert match.article is None and "无法确定" in match.reason


def test_an_xlsx_saved_under_an_xls_name_is_read(tmp_path, matcher):
    copy = tmp_path / "公众号图文数据_20231231.xls"
    shutil.copy(SAMPLES / "公众号图文数据_20231231.xlsx", copy)
    assert import_file(copy, matcher).matched == 24


def test_a_title_that_starts_with_heji_is_not_a_total_row(tmp_path, matcher):
    path = write_csv(tmp_path / "wechat_20240101.csv", [
        ["内容标题", "总阅读次数"], ["合计加班20小时，工资怎么算？", 5], ["合计：", 5]], "utf-8")
    result = import_file(path, matcher)
    assert len(result.unmatched) == 1 and dict(result.skipped) == {"合计行": 1}


def test_an_unmatched_list_edited_in_excel_is_kept_and_a_broken_one_stops_the_import(project):
    unmatched = project / "data" / "stats" / "unmatched.csv"
    unmatched.write_bytes("source,file,row,title\r\nweb,旧文件.csv,,编辑加的备注\r\nweb,旧文件.csv,²,上标的行号\r\n".encode("gb18030"))
    umami = str(SAMPLES / "umami_urls_20240930.json")
    result = CliRunner().invoke(main, ["stats", "import", umami, "--root", str(project)])
    assert result.exit_code == 0, result.output
    assert "编辑加的备注" in unmatched.read_text("utf-8-sig") and "上标的行号" in unmatched.read_text("utf-8-sig")
    store = project / "data" / "stats" / "reads.csv"
    store.unlink()
    unmatched.write_bytes(b"\x80\x81\xff not a csv")
    result = CliRunner().invoke(main, ["stats", "import", umami, "--root", str(project)])
    assert result.exit_code == 1 and "unmatched.csv" in result.output and "没有写入任何文件" in result.output
    assert not store.exists()


def test_baidus_date_range_gives_the_day_and_must_agree_with_the_name(tmp_path, matcher):
    rows = [["时间范围", "2024/01/01 - 2024/12/31"], ["页面URL", "浏览量(PV)"], [f"https://pufa.example.gov.cn/{INJURY}/", "40"]]
    unnamed = write_csv(tmp_path / "受访页面.csv", rows, "gb18030")
    assert figures(import_file(unnamed, matcher)) == {(INJURY, "web", date(2024, 12, 31)): (40, None)}
    misnamed = write_csv(tmp_path / "受访页面_20250630.csv", rows, "gb18030")
    with pytest.raises(StatsImportError, match="时间范围截至 2024-12-31，与数据截至日期 2025-06-30 不符"):
        import_file(misnamed, matcher)
