"""Writes the sample analytics exports in samples/stats/, one per format the bureau receives.

The figures tell one consistent, fictitious story: the WeChat export of 2023-12-31 gives
the 14 issues of 人社小课堂 2023 exactly 13,000 reads, later exports only ever grow, and
the website's analytics start in 2024. Each file is laid out the way its platform writes
it (title rows, 合计 rows, drifting header names, GB18030, UTF-16, long WeChat links), with
a few rows that must not match: a notice that is not an article, a page that moved, pages
that are not articles. Run `make samples` after changing it, then re-import:
    pufa stats import samples/stats/*
"""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import xlwt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from pufa.content.corpus import load_site  # noqa: E402
from pufa.stats.store import article_key  # noqa: E402

OUT = ROOT / "samples" / "stats"
SITE_URL = "https://pufa.example.gov.cn/"
KETANG_2023 = [720, 810, 1130, 650, 980, 1210, 870, 760, 1040, 690, 1150, 930, 1020, 1040]  # by issue: 13,000
ANLI_2023 = [560, 610, 880, 940, 720, 1310, 670, 1090, 830, 590]  # oldest first
NOTICE = "关于2024年元旦放假安排的通知"


def articles():
    site = load_site(ROOT)
    return sorted(site.articles, key=lambda a: (a.meta.date, article_key(a)))


def wechat_2023(all_articles) -> dict[str, int]:
    ketang = sorted((a for a in all_articles if a.column.slug == "ketang" and a.meta.date.year == 2023), key=lambda a: a.meta.issue)
    anli = [a for a in all_articles if a.column.slug == "anli" and a.meta.date.year == 2023]
    assert len(ketang) == len(KETANG_2023) and len(anli) == len(ANLI_2023), "sample articles changed"
    return {article_key(a): n for a, n in zip(ketang + anli, KETANG_2023 + ANLI_2023)}


def grow(figures: dict[str, int], all_articles, step: int, extra: dict[str, int]) -> dict[str, int]:
    """The next cumulative export: every article read a little more, new ones added."""
    grown = {key: reads + step + 3 * (index % 7) for index, (key, reads) in enumerate(sorted(figures.items()))}
    for key, reads in extra.items():
        grown.setdefault(key, reads)
    return grown


def long_link(index: int) -> str:
    """How the WeChat backend writes a link: the long form, with a per-share checksum."""
    return (f"http://mp.weixin.qq.com/s?__biz=MzI0MDAwMDAwMA==&mid=22474836{index:02d}&idx=1"
            f"&sn={index:032x}&chksm=fa{index:06x}#rd")


def write_wechat_xlsx(path: Path, all_articles, figures: dict[str, int]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "图文分析"
    sheet.append(["图文分析数据（2023-01-01 至 2023-12-31）"])
    sheet.append(["内容标题", "发表时间", "总阅读人数", "总阅读次数", "总分享人数", "总分享次数", "阅读后关注人数", "送达人数", "内容url"])
    total = 0
    for index, article in enumerate(all_articles):
        key = article_key(article)
        if key not in figures:
            continue
        title = article.meta.title
        if key.endswith("jiabanfei-zenme-suan"):
            title = title.replace("？", "? ").replace("%", "％")  # as it was typed in the backend
        if key.endswith("xiaban-tuzhong-jiaotong-shigu-gongshang"):
            title = "以案释法｜" + title  # mapped in data/stats/aliases.yml
        reads = figures[key]
        total += reads
        published = datetime.combine(article.meta.date, datetime.min.time()).replace(hour=18)
        sheet.append([title, published, reads * 4 // 5, reads, reads // 20, reads // 15, reads // 50, 5200, long_link(index)])
    sheet.append([NOTICE, datetime(2023, 12, 29, 17), 330, 410, 12, 15, 2, 5200, long_link(99)])
    total += 410
    sheet.append(["合计", None, None, total, None, None, None, None, None])
    book.save(path)


def write_wechat_xls(path: Path, all_articles, figures: dict[str, int]) -> None:
    """An older backend version: .xls, 发表时间 written as a number like 20230512."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("单篇图文")
    header = ["标题", "发表时间", "阅读人数", "阅读次数", "分享人数", "分享次数"]
    for column, label in enumerate(header):
        sheet.write(0, column, label)
    row = 1
    for article in all_articles:
        key = article_key(article)
        if key not in figures:
            continue
        reads = figures[key]
        values = [article.meta.title, int(article.meta.date.strftime("%Y%m%d")), reads * 4 // 5, reads, reads // 20, reads // 15]
        for column, value in enumerate(values):
            sheet.write(row, column, value)
        row += 1
    book.save(str(path))


def write_wechat_csv(path: Path, all_articles, figures: dict[str, int]) -> None:
    """The newest backend: CSV in UTF-8 with a BOM, short links with tracking parameters."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["文章标题", "发布时间", "阅读人数(人)", "阅读次数(次)", "分享次数", "文章链接"])
    for article in all_articles:
        key = article_key(article)
        if key not in figures:
            continue
        reads = figures[key]
        link = f"{article.meta.wechat}?scene=126&sessionid=1735600000" if article.meta.wechat else ""
        writer.writerow([article.meta.title, article.meta.date.strftime("%Y/%m/%d"), reads * 4 // 5, reads, reads // 15, link])
    writer.writerow(["总计", "", "", sum(figures.values()), "", ""])
    path.write_bytes(("\ufeff" + buffer.getvalue()).encode("utf-8"))


def write_getarticletotal(path: Path, article, cumulative: list[int]) -> None:
    """getarticletotal for the day an article went out: cumulative figures for 7 days."""
    start = article.meta.date
    details = [
        {"stat_date": (start + timedelta(days=day)).isoformat(), "target_user": 5300,
         "int_page_read_user": reads * 4 // 5, "int_page_read_count": reads,
         "ori_page_read_user": 0, "ori_page_read_count": 0, "share_user": reads // 20, "share_count": reads // 15,
         "add_to_fav_user": reads // 40, "add_to_fav_count": reads // 40}
        for day, reads in enumerate(cumulative)
    ]
    data = {"list": [{"ref_date": start.isoformat(), "msgid": "2247483721_1", "title": article.meta.title, "details": details}]}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_getarticlesummary(path: Path, article, reads: int) -> None:
    """getarticlesummary for one day: what each article was read that day."""
    day = article.meta.date.isoformat()
    data = {"list": [{"ref_date": day, "msgid": "2247483730_1", "title": article.meta.title,
                      "int_page_read_user": reads * 4 // 5, "int_page_read_count": reads,
                      "ori_page_read_user": 0, "ori_page_read_count": 0, "share_user": 21, "share_count": 27,
                      "add_to_fav_user": 9, "add_to_fav_count": 9}]}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


OTHER_PAGES = {"/": 2400, "/ketang/": 610, "/anli/": 380, "/disclosure/": 290, "/search/": 75}


def web_figures(all_articles, until: date, tenths: int) -> dict[str, int]:
    """Page views of each article page, cumulative since the analytics started in 2024;
    ``tenths`` scales the first quarter's figures."""
    return {
        f"/{article_key(a)}/": (60 + 11 * (index % 9)) * tenths // 10
        for index, a in enumerate(all_articles)
        if a.meta.date <= until
    }


def write_plausible(path: Path, figures: dict[str, int]) -> None:
    """Plausible's pages.csv: name,visitors,pageviews,bounce_rate,time_on_page; one page
    seen under two URLs (…/index.html) and a page that moved."""
    rows = [("name", "visitors", "pageviews", "bounce_rate", "time_on_page")]
    pages = dict(OTHER_PAGES) | figures
    moved = "/ketang/2023/jiabanfei-zenme-suan/"
    pages[moved] -= 12
    pages[moved + "index.html"] = 12
    pages["/ketang/2023/jiaban-fei/"] = 9  # an old address that no longer exists
    for name, views in sorted(pages.items(), key=lambda item: -item[1]):
        rows.append((name, views * 3 // 4, views, 61, 74))
    _write_csv(path, rows, "utf-8")


def write_matomo(path: Path, figures: dict[str, int]) -> None:
    """Matomo's Page URLs export (flat): UTF-16LE with a BOM, as Matomo sends CSV by default."""
    rows = [("label", "nb_visits", "nb_hits", "sum_time_spent", "avg_time_on_page", "bounce_rate", "exit_rate", "url")]
    for name, views in sorted((dict(OTHER_PAGES) | figures).items()):
        rows.append((name.strip("/") or "/index", views * 3 // 4, views, views * 70, 70, "58%", "40%", SITE_URL.rstrip("/") + name))
    _write_csv(path, rows, "utf-16")


def write_umami(path: Path, figures: dict[str, int]) -> None:
    """Umami's metrics endpoint (type=url): [{x: path, y: views}], most viewed first."""
    items = [{"x": name, "y": views} for name, views in sorted((dict(OTHER_PAGES) | figures).items(), key=lambda i: (-i[1], i[0]))]
    path.write_text(json.dumps(items, ensure_ascii=False) + "\n", encoding="utf-8")


def write_baidu(path: Path, figures: dict[str, int]) -> None:
    """百度统计 受访页面: GB18030, the site and range above the header, full URLs, a 合计 row."""
    rows = [
        ("站点名称", "pufa.example.gov.cn"),
        ("时间范围", "2024/01/01 - 2024/12/31"),
        (),
        ("页面URL", "浏览量(PV)", "访客数(UV)", "贡献下游浏览量", "退出页次数", "平均停留时长"),
    ]
    pages = dict(OTHER_PAGES) | figures
    for name, views in sorted(pages.items(), key=lambda i: (-i[1], i[0])):
        rows.append((SITE_URL.rstrip("/") + name, f"{views:,}", f"{views * 3 // 4:,}", views // 3, views // 2, "00:01:12"))
    rows.append(("合计", f"{sum(pages.values()):,}", "--", "--", "--", "--"))
    _write_csv(path, rows, "gb18030")


def _write_csv(path: Path, rows, encoding: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    every = articles()
    by_slug = {a.slug: a for a in every}
    end_2023 = wechat_2023(every)
    write_wechat_xlsx(OUT / "公众号图文数据_20231231.xlsx", every, end_2023)
    write_getarticletotal(OUT / "getarticletotal_20240122.json", by_slug["nvzhigong-sanqi-baohu"], [310, 520, 640, 700, 735, 752, 760])
    write_getarticlesummary(OUT / "getarticlesummary_20240220.json", by_slug["shiye-baoxianjin-shenling"], 430)
    later = {
        "ketang/2024/nvzhigong-sanqi-baohu": 1180, "ketang/2024/shiye-baoxianjin-shenling": 1460,
        "anli/2024/shiyongqi-luyong-tiaojian-juzheng": 980, "anli/2024/weixiu-nianxiujia-lizhi-gongzi-baochou": 870,
    }
    mid_2024 = grow(end_2023, every, 48, later)
    write_wechat_xls(OUT / "公众号图文数据_20240630.xls", every, mid_2024)
    write_wechat_csv(OUT / "公众号图文数据_20241231.csv", every, grow(mid_2024, every, 31, {}))
    write_plausible(OUT / "plausible_pages_20240331.csv", web_figures(every, date(2024, 3, 31), 10))
    write_matomo(OUT / "matomo_page_urls_20240630.csv", web_figures(every, date(2024, 6, 30), 24))
    write_umami(OUT / "umami_urls_20240930.json", web_figures(every, date(2024, 9, 30), 33))
    write_baidu(OUT / "百度统计_受访页面_20241231.csv", web_figures(every, date(2024, 12, 31), 49))
    for path in sorted(OUT.iterdir()):
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
