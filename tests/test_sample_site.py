"""The shipped sample site: the content at the repository root reproduces the bureau's 2023 report.

Every other test runs on the fixture corpus in tests/fixtures/corpus/. This module alone reads
the live articles/, data/ and samples/stats/, so it is the one a bureau rewrites or deletes when
it replaces the samples with its own content. The figures (DOMAIN.md): 人社小课堂 had 14 issues
and 13,000 reads in 2023; 12 penalty decisions for wages not paid on time, 306 workers,
¥14,365,574.31 owed, ¥109,000 of fines; 7 employers put on the wage-arrears blacklist.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, SAMPLE_TODAY, BuildResult, run_build
from htmltools import read

from pufa.cli import main
from pufa.content.corpus import load_site
from pufa.shared.clock import parse_iso_date


@pytest.fixture(scope="module")
def shipped_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The repository itself, built as `make site` builds it (into a temporary folder)."""
    return run_build(REPO, site=tmp_path_factory.mktemp("shipped") / "site")


@pytest.fixture(scope="module")
def shipped_site(shipped_build: BuildResult) -> Path:
    assert shipped_build.returncode == 0, shipped_build.output
    return shipped_build.site


def test_the_shipped_sample_builds_strict_and_quiet(shipped_build: BuildResult):
    assert shipped_build.returncode == 0, shipped_build.output
    assert "WARNING" not in shipped_build.output
    assert "Traceback" not in shipped_build.output


def test_14_ketang_issues_were_published_in_2023():
    published = load_site(REPO).visible(parse_iso_date(SAMPLE_TODAY), preview=False)
    issues = sorted(a.meta.issue for a in published if a.column.slug == "ketang" and a.year == 2023)
    assert issues == list(range(1, 15))


def test_the_stats_page_shows_14_ketang_issues_and_13000_reads_in_2023(shipped_site: Path):
    stats = read(shipped_site, "/stats/")
    row = re.search(r"<caption>2023年：发布文章 \d+ 篇，阅读 [\d,]+ 次</caption>.*?人社小课堂</th><td>(.*?)</td><td[^>]*>([\d,]+)</td>",
                    stats, re.S)
    assert row, "the 2023 table with a 人社小课堂 row"
    assert (row.group(1), row.group(2)) == ("14 篇（第1—14期）", "13,000")


def disclosure_row(html: str, year: int) -> list[str]:
    """The cells of one year's row in the statistics table on /disclosure/."""
    start = html.index(f"<td style=\"text-align: right;\">{year}</td>")
    row = html[start : html.index("</tr>", start)]
    return [cell.split(">", 1)[1] for cell in row.split("</td>") if ">" in cell]


def test_the_2023_disclosure_statistics_match_the_bureaus_report(shipped_site: Path):
    # year, decisions, workers, wages owed (yuan), fines (yuan), employers blacklisted
    assert disclosure_row(read(shipped_site, "/disclosure/"), 2023) == ["2023", "12", "306", "14,365,574.31", "109,000", "7"]


def test_the_shipped_disclosures_say_they_are_fictitious(shipped_site: Path):
    for url in ("/disclosure/", "/disclosure/blacklist/", "/disclosure/withdrawn/"):
        assert "虚构" in read(shipped_site, url), url


def test_the_committed_stats_store_is_what_the_shipped_samples_give(tmp_path: Path):
    """data/stats/ is not edited by hand: `pufa stats import samples/stats/*` writes it, byte for byte."""
    project = tmp_path / "project"
    for name in ("articles", "data"):
        shutil.copytree(REPO / name, project / name)
    (project / "data" / "stats" / "reads.csv").unlink()
    (project / "data" / "stats" / "unmatched.csv").unlink()
    samples = sorted((REPO / "samples" / "stats").iterdir())
    assert samples
    result = CliRunner().invoke(main, ["stats", "import", *map(str, samples), "--root", str(project)])
    assert result.exit_code == 0, result.output

    def store(root: Path) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in sorted((root / "data" / "stats").iterdir())}

    assert store(project) == store(REPO)


LAW_CHANGED_SINCE_REVIEW = {
    "articles/ketang/2023/ruzhi-yigeyue-qianding-shumian-hetong.md",  # 解释（二） art. 7 and 8: double wages
    "articles/anli/2023/weiqian-hetong-erbei-gongzi-caijue.md",  # the same
    "articles/ketang/2023/dianzi-laodong-hetong-xiaoli.md",  # the same, through 劳动合同法 art. 10
    "articles/ketang/2023/yongren-danwei-jiaona-shebao.md",  # 解释（二） art. 19; 15 → 20 contribution years
    "articles/anli/2023/ziyuan-fangqi-shebao-chengnuo-wuxiao.md",  # 解释（二） art. 19: waivers void
    "articles/ketang/2023/jiechu-hetong-jingji-buchang.md",  # the same, through 劳动合同法 art. 38
    "articles/ketang/2024/shiye-baoxianjin-shenling.md",  # unemployment benefit up to retirement age
    "articles/ketang/2023/xinyetai-laodongzhe-quanyi.md",  # 职业伤害保障 extended, 2025-2026
    "articles/anli/2023/waimai-qishou-laodong-guanxi-rending.md",  # the same
}


def test_the_law_registry_flags_exactly_the_articles_the_law_has_changed_under_until_they_are_reviewed(tmp_path: Path):
    """The articles as they were in 2023 (the fixture corpus) against today's registry: each
    article a change of the law touches is 需复核, and no other; the shipped articles, reviewed
    again, are not."""
    from conftest import CORPUS

    from pufa.review.rules import law_change_warnings

    old = tmp_path / "old"
    shutil.copytree(CORPUS, old)
    shutil.copy(REPO / "data" / "laws.yml", old / "data" / "laws.yml")
    today = parse_iso_date("2026-12-02")
    flagged = {str(problem.path) for problem in law_change_warnings(load_site(old), today)}
    assert flagged == LAW_CHANGED_SINCE_REVIEW
    assert law_change_warnings(load_site(REPO), today) == []
