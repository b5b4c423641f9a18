"""Real `mkdocs build --strict` runs: the sample site, mini projects, and broken content."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from conftest import CORPUS, MKDOCS, SAMPLE_TODAY
from htmltools import links, read, resources

from pufa.content.corpus import load_site
from pufa.shared.clock import parse_iso_date


def published_samples():
    site = load_site(CORPUS)
    return site.visible(parse_iso_date(SAMPLE_TODAY), preview=False)


def test_every_published_sample_article_has_its_page(sample_site: Path):
    articles = published_samples()
    assert len([a for a in articles if a.column.slug == "ketang" and a.year == 2023]) == 14
    assert len([a for a in articles if a.column.slug == "anli"]) >= 10
    for article in articles:
        html = read(sample_site, article.url)
        assert f"<title>{article.meta.title} - 示例区人社普法</title>" in html.replace("&ldquo;", "“").replace("&rdquo;", "”")
        assert "本文已经法制审核" in html


def test_column_pages_list_their_articles_newest_first(sample_site: Path):
    for column in ("ketang", "anli"):
        html = read(sample_site, f"/{column}/")
        expected = [a for a in published_samples() if a.column.slug == column][:20]
        hrefs = [h for h in links(html, "pufa-entry__title")]
        assert [h.rstrip("/").split("/")[-1] for h in hrefs] == [a.slug for a in expected]


def test_no_article_is_listed_in_the_navigation(sample_site: Path):
    for page in ("/", "/ketang/", published_samples()[0].url):
        html = read(sample_site, page)
        nav = links(html, "md-nav--primary") + links(html, "md-tabs")
        assert nav, "the navigation lists the sections"
        assert not [href for href in nav if re.search(r"/20\d\d/", href)]


def test_the_sample_site_asks_no_other_host_for_anything(sample_site: Path):
    for path in sample_site.rglob("*.html"):
        for url in resources(path.read_text(encoding="utf-8")):
            assert not re.match(r"^(https?:)?//", url), f"{path}: {url}"


def test_the_footer_carries_the_government_identifiers(sample_site: Path):
    html = read(sample_site, "/")
    for text in ("主办单位：示例区人力资源和社会保障局", "网站标识码：0000000000", "示ICP备00000000号-1",
                 "示公网安备00000000000000号", "https://beian.mps.gov.cn/"):
        assert text in html
    assert "Material for MkDocs" not in html


def test_headings_keep_chinese_anchors(sample_site: Path):
    html = read(sample_site, published_samples()[0].url)
    ids = re.findall(r'<h2 id="([^"]+)"', html)
    assert ids and all(re.search(r"[\u4e00-\u9fff]", i) for i in ids if not i.startswith("pufa-"))


def test_search_index_segments_chinese_with_jieba(sample_site: Path):
    index = (sample_site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "\u200b" in index or "\\u200b" in index
    assert '"lang":["zh"]' in index.replace(" ", "")


# --- mini projects -------------------------------------------------------------------


def test_drafts_and_scheduled_articles_are_left_out_of_the_build(project):
    project.article("ketang/2023/yi-fa-bu.md", issue=1, date="2023-03-01")
    project.article("ketang/2023/cao-gao.md", issue=2, date="2023-03-02", extra="draft: true")
    project.article("ketang/2023/ding-shi.md", issue=3, date="2023-09-01")
    result = project.build(today="2023-06-01")
    assert result.returncode == 0, result.output
    assert (result.site / "ketang/2023/yi-fa-bu/index.html").is_file()
    assert not (result.site / "ketang/2023/cao-gao").exists()
    assert not (result.site / "ketang/2023/ding-shi").exists()
    column = read(result.site, "/ketang/")
    assert "cao-gao" not in column and "ding-shi" not in column
    assert "ding-shi" not in (result.site / "search/search_index.json").read_text(encoding="utf-8")
    later = project.build(today="2023-09-01")
    assert (later.site / "ketang/2023/ding-shi/index.html").is_file()


def test_column_pages_paginate_twenty_a_page(project):
    for n in range(1, 46):
        project.article(f"ketang/2023/di-{n}-qi.md", issue=n, date=f"2023-{1 + n // 28:02d}-{1 + n % 28:02d}",
                        title=f"第{n}期的标题")
    result = project.build()
    assert result.returncode == 0, result.output
    pages = [read(result.site, url) for url in ("/ketang/", "/ketang/page/2/", "/ketang/page/3/")]
    counts = [len(links(html, "pufa-entry__title")) for html in pages]
    assert counts == [20, 20, 5]
    assert "di-45-qi" in links(pages[0], "pufa-entry__title")[0]
    assert "第 2 / 3 页，共 45 篇" in pages[1]
    assert not (result.site / "ketang/page/4").exists()


def test_article_pages_link_previous_and_next_in_their_column(project):
    project.article("ketang/2023/yi.md", issue=1, date="2023-01-05", title="第一课")
    project.article("ketang/2023/er.md", issue=2, date="2023-02-05", title="第二课")
    project.article("ketang/2023/san.md", issue=3, date="2023-03-05", title="第三课")
    project.article("anli/2023/an-li.md", issue=None, date="2023-02-10", title="一个案例")
    result = project.build()
    assert result.returncode == 0, result.output
    nav = links(read(result.site, "/ketang/2023/er/"), "pufa-prevnext")
    assert nav == ["../yi/", "../san/"]
    assert links(read(result.site, "/anli/2023/an-li/"), "pufa-prevnext") == []


def test_article_header_shows_issue_dates_topics_reading_time_and_laws(project):
    project.article("ketang/2023/yi.md", issue=7, extra="updated: 2023-04-01")
    result = project.build()
    html = read(result.site, "/ketang/2023/yi/")
    for text in ("第7期", "2023年3月15日</time>发布", "2023年4月1日</time>更新", "阅读约 1 分钟",
                 '<a class="pufa-tag" href="../../../topics/gongzi-zhifu/">工资支付</a>',
                 '<a class="pufa-tag" href="../../../audiences/laodongzhe/">劳动者</a>',
                 '<a href="../../../laws/laodong-hetong-fa/#tiao-30">第三十条</a>', "审核人：王某"):
        assert text in html


def test_article_images_are_copied_beside_the_article(project):
    project.write("ketang/2023/images/tu.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>')
    path = project.article("ketang/2023/you-tu.md")
    path.write_text(path.read_text(encoding="utf-8") + "\n![示意图](images/tu.svg)\n", encoding="utf-8")
    result = project.build()
    assert result.returncode == 0, result.output
    assert (result.site / "ketang/2023/images/tu.svg").is_file()
    assert 'src="../images/tu.svg"' in read(result.site, "/ketang/2023/you-tu/")


BROKEN = {
    "bad YAML": (("topics: [工资支付]", "topics: [工资支付"), "YAML 语法错误"),
    "unknown column": (("column: 人社小课堂", "column: 小课堂"), "ketang/2023/x.md:3: column: 未知的栏目“小课堂”"),
    "unknown key": (("author: 政策法规科", "author: 政策法规科\nauther: 李某"), "ketang/2023/x.md:11: auther: 未知的键"),
    "bad date": (("date: 2023-03-15\n", "date: 2023-02-30\n"), "ketang/2023/x.md:5: date: '2023-02-30' 不是有效的日期"),
    "missing review": (("review: {reviewer: 王某, date: 2023-03-15}\n", ""), "ketang/2023/x.md:1: review: 缺少法制审核"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_article_fails_the_build_with_one_clear_message(project, case):
    project.article("ketang/2023/ok.md", issue=2)
    path = project.article("ketang/2023/x.md", issue=1)
    (old, new), message = BROKEN[case]
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    result = project.build(cli=True)  # what an editor sees from `mkdocs build --strict`
    assert result.returncode != 0
    assert message in result.output
    assert result.output.count("articles/") == 1, result.output
    assert "Traceback" not in result.output


def test_a_duplicate_slug_fails_the_build(project):
    project.article("ketang/2023/chong-fu.md", issue=1)
    project.article("anli/2023/chong-fu.md", issue=None)
    result = project.build(cli=True)
    assert result.returncode != 0
    assert "articles/ketang/2023/chong-fu.md: 文件名（slug）“chong-fu”与 articles/anli/2023/chong-fu.md 重复" in result.output


def test_any_warning_fails_the_build(project):
    """Builds in the test process are as strict as `mkdocs build --strict`: any warning fails."""
    path = project.article("ketang/2023/yi.md")
    path.write_text(path.read_text("utf-8") + "\n[别处](../../anli/2023/mei-you.md)\n", "utf-8")
    result = project.build()
    assert result.returncode != 0
    assert "WARNING -  Doc file 'ketang/2023/yi.md' contains a link '../../anli/2023/mei-you.md'" in result.output
    assert "Aborted with 1 warnings in strict mode!" in result.output


def test_the_sample_build_is_strict_and_quiet(sample_build):
    assert "WARNING" not in sample_build.output
    assert "Traceback" not in sample_build.output


def test_the_build_fails_when_jieba_is_missing(project, tmp_path):
    """Material would silently index Chinese unsegmented; the hook refuses instead."""
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "jieba.py").write_text("raise ImportError('jieba blocked for this test')\n", encoding="utf-8")
    project.article("ketang/2023/yi.md")
    env = {**os.environ, "PUFA_TODAY": SAMPLE_TODAY, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(blocker)}
    proc = subprocess.run([*MKDOCS, "build", "--strict"], cwd=project.root, env=env, capture_output=True, text=True)
    assert proc.returncode != 0
    assert "缺少 jieba：中文搜索无法分词" in proc.stdout + proc.stderr


@pytest.mark.parametrize("term", ["工伤认定", "劳动仲裁", "农民工工资专用账户", "拒不支付劳动报酬罪"])
def test_the_trades_terms_stay_whole_in_the_search_index(sample_site: Path, term):
    index = (sample_site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert re.search(rf"(?<![\u4e00-\u9fff]){term}(?![\u4e00-\u9fff])", index), "a word of its own, not split"
    assert f"{term[:2]}\u200b{term[2:]}" not in index
