"""`pufa audit`: each rule of the website inspection (国办秘函〔2019〕19号) it checks, failing and
passing, on projects built for the case and on the shipped sample repository."""

from __future__ import annotations

import http.server
import json
import re
import shutil
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CODE, REPO, Project

from pufa.audit.freshness import add_period
from pufa.audit.wording import load_wording
from pufa.cli import main
from pufa.content.corpus import load_site

WORDING = REPO / "data" / "wording.yml"


def audit(root: Path, today: str, *options: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["audit", "--root", str(root), *options], env={"PUFA_TODAY": today})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def findings(root: Path, today: str, *options: str) -> tuple[int, list[dict]]:
    code, output = audit(root, today, "--format", "json", *options)
    return code, json.loads(output)["findings"]


def rules_of(found: list[dict]) -> dict[str, list[dict]]:
    by_rule: dict[str, list[dict]] = {}
    for finding in found:
        by_rule.setdefault(finding["field"], []).append(finding)
    return by_rule


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """The shipped sample repository (content and code), copied."""
    root = tmp_path / "repository"
    root.mkdir()
    for name in (*CODE, "articles", "data"):
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, root / name)
    shutil.rmtree(root / "data" / ".cache", ignore_errors=True)
    return root


def newest_article_date(root: Path) -> date:
    return max(article.meta.date for article in load_site(root).articles)


def test_the_sample_a_month_after_its_last_article_fails_and_a_fresh_article_makes_it_pass(repository: Path):
    month_later = add_period(newest_article_date(repository), "1个月")
    code, output = audit(repository, month_later.isoformat())
    assert code == 1, output
    assert "首页不更新" in output and output.count("栏目不更新") == 2, output
    assert (repository / "build" / "audit.html").is_file() and not (repository / "site").exists()

    fresh = (repository / "articles" / "ketang" / "2024" / "shiye-baoxianjin-shenling.md").read_text(encoding="utf-8")
    fresh = re.sub(r"^date: .*$", f"date: {month_later}", fresh, count=1, flags=re.M)
    fresh = re.sub(r"^issue: .*$", "issue: 9", fresh, count=1, flags=re.M)
    fresh = fresh.replace("wechat: ", "# wechat: ")
    (repository / "articles" / "ketang" / "2024" / "xin-yiqi.md").write_text(fresh, encoding="utf-8")
    code, output = audit(repository, month_later.isoformat())
    assert code == 0, output
    assert "首页不更新" not in output and output.count("栏目不更新") == 1 and "以案释法" in output


def test_the_wording_list_finds_nothing_in_the_shipped_articles(repository: Path):
    code, found = findings(repository, "2026-12-02")
    assert not [f for f in found if f["field"] == "用词"], found


@pytest.mark.parametrize("rule", [rule for rule, _ in load_wording(REPO / "data", REPO).rules], ids=lambda rule: rule.wrong)
def test_each_wording_rule_catches_its_examples_and_leaves_its_counter_examples(rule):
    pattern = re.compile(rule.wrong)
    assert all(pattern.search(example) for example in rule.examples)
    assert not any(pattern.search(example) for example in rule.fine)


def test_a_serious_wording_error_fails_by_file_line_and_column_and_a_slip_is_a_reminder(project: Project):
    shutil.copy(WORDING, project.root / "data" / "wording.yml")
    path = project.article("ketang/2024/a.md", date="2024-06-20", extra="")
    text = path.read_text(encoding="utf-8").replace("正文第二段。", "正文第二段。\n\n依照《劳动争议仲裁调解法》处理，请提供银行帐号。")
    path.write_text(text, encoding="utf-8")
    code, found = findings(project.root, "2024-06-25")
    wording = [f for f in found if f["field"] is None and "应为" in f["message"]]
    serious = [f for f in wording if f["severity"] == "error"]
    assert code == 1 and len(serious) == 1 and "劳动争议调解仲裁法" in serious[0]["message"], found
    assert serious[0]["line"] == text.splitlines().index("依照《劳动争议仲裁调解法》处理，请提供银行帐号。") + 1
    assert serious[0]["column"] == 4
    assert [f["severity"] for f in wording if "账" in f["message"]] == ["warning"]

    path.write_text(text.replace("劳动争议仲裁调解法", "劳动争议调解仲裁法").replace("帐号", "账号"), encoding="utf-8")
    code, found = findings(project.root, "2024-06-25")
    assert code == 0 and not [f for f in found if "应为" in f["message"]], found


def test_a_wording_rule_that_misses_its_own_example_is_an_error_in_the_list(project: Project):
    project.article("ketang/2024/a.md", date="2024-06-20")
    (project.root / "data" / "wording.yml").write_text(
        "- wrong: 帐号\n  right: 账号\n  why: 错别字\n  examples: [银行账号]\n", encoding="utf-8")
    code, output = audit(project.root, "2024-06-25")
    assert code == 1 and "data/wording.yml:1" in output and "没有找出它自己的例句" in output, output


def _columns(root: Path, extra: str) -> None:
    path = root / "data" / "columns.yml"
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")


def test_a_late_news_column_fails_on_its_own_and_a_late_column_of_another_kind_is_a_reminder(project: Project):
    project.article("ketang/2024/a.md", date="2024-06-20")
    project.article("anli/2024/b.md", date="2024-05-01", issue=None)
    columns = project.root / "data" / "columns.yml"
    text = columns.read_text(encoding="utf-8")
    columns.write_text(text.replace("  slug: anli\n", "  slug: anli\n  kind: 动态要闻\n"), encoding="utf-8")
    code, found = findings(project.root, "2024-06-25")
    late = rules_of(found)["栏目不更新"]
    assert code == 1 and [f["severity"] for f in late] == ["error"] and "以案释法" in late[0]["message"], found
    assert "2024年5月16日" in late[0]["message"]  # two weeks after 1 May, the day it turned late

    columns.write_text(text.replace("  slug: anli\n", "  slug: anli\n  update_within: 2周\n"), encoding="utf-8")
    code, found = findings(project.root, "2024-06-25")
    assert code == 0 and [f["severity"] for f in rules_of(found)["栏目不更新"]] == ["warning"], found
    code, found = findings(project.root, "2024-05-15")
    assert code == 0 and "栏目不更新" not in rules_of(found), found


def test_ten_late_or_empty_columns_fail_the_site_and_nine_do_not(project: Project):
    project.article("ketang/2024/a.md", date="2024-06-20")
    project.article("anli/2024/b.md", date="2024-06-20", issue=None)
    extra = "".join(f"- {{name: 栏目{n}, slug: lanmu-{n}, numbered: false, description: 空}}\n" for n in range(9))
    _columns(project.root, extra)
    code, found = findings(project.root, "2024-06-25")
    assert code == 0 and len(rules_of(found)["空白栏目"]) == 9, found
    _columns(project.root, "- {name: 栏目9, slug: lanmu-9, numbered: false, description: 空}\n")
    code, found = findings(project.root, "2024-06-25")
    assert code == 1 and any(f["severity"] == "error" and "10 个栏目" in f["message"] for f in found), found


def test_broken_internal_links_and_empty_pages_are_reported_and_fixed_ones_are_not(project: Project):
    path = project.article("ketang/2024/a.md", date="2024-06-20")
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\n见[另一篇](../2023/none.md)和[本文小节](#mei-you)。\n", encoding="utf-8")
    (project.root / "docs" / "blank.md").write_text("---\ntitle: 空页\n---\n\n", encoding="utf-8")
    code, found = findings(project.root, "2024-06-25")
    messages = [f["message"] for f in found if f["file"] == "articles/ketang/2024/a.md"]
    assert any("none.md" in m for m in messages) and any("mei-you" in m for m in messages), found
    assert [f["file"] for f in found if f["field"] == "空白页面" and f["file"].startswith("docs")] == ["docs/blank.md"]
    path.write_text(text, encoding="utf-8")
    (project.root / "docs" / "blank.md").write_text("---\ntitle: 空页\n---\n\n有内容了。\n", encoding="utf-8")
    code, found = findings(project.root, "2024-06-25")
    assert not [f for f in found if f["file"] in ("articles/ketang/2024/a.md", "docs/blank.md")], found


class _Answers(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self) -> None:  # noqa: N802 (http.server's name)
        self.send_response(200 if self.path == "/ok" else 404)
        self.end_headers()

    do_GET = do_HEAD

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def answering() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_external_links_are_listed_offline_and_tried_only_online(project: Project, answering: str):
    path = project.article("ketang/2024/a.md", date="2024-06-20")
    path.write_text(path.read_text(encoding="utf-8") + f"\n[能打开]({answering}/ok)，[打不开]({answering}/gone)\n", encoding="utf-8")
    code, output = audit(project.root, "2024-06-25")
    assert code == 0 and "外部链接 2 个，未检查" in output, output
    report = (project.root / "build" / "audit.html").read_text(encoding="utf-8")
    assert f"{answering}/gone" in report and "未检查" in report
    code, found = findings(project.root, "2024-06-25", "--online")
    broken = rules_of(found)["链接不可用"]
    assert code == 0 and [f["message"].split()[1] for f in broken] == [f"{answering}/gone"], found
    assert broken[0]["line"] == len(path.read_text(encoding="utf-8").splitlines())


def test_a_personal_number_fails_the_audit(project: Project):
    path = project.article("ketang/2024/a.md", date="2024-06-20")
    code, found = findings(project.root, "2024-06-25")
    assert code == 0 and "隐私信息" not in rules_of(found)
    path.write_text(path.read_text(encoding="utf-8") + "\n联系电话 13912345678。\n", encoding="utf-8")
    code, found = findings(project.root, "2024-06-25")
    assert code == 1 and "139****5678" in rules_of(found)["隐私信息"][0]["message"], found


def _store(root: Path, rows: list[str]) -> None:
    (root / "data" / "stats" / "reads.csv").write_text("article,source,as_of,reads,readers\n" + "".join(r + "\n" for r in rows),
                                                       encoding="utf-8")


def test_the_official_account_is_judged_only_from_recent_figures(project: Project):
    project.article("ketang/2024/a.md", date="2024-05-01")
    project.article("ketang/2024/b.md", date="2024-06-20", issue=2)
    _store(project.root, ["ketang/2024/a,wechat,2024-05-20,100,90"])
    code, found = findings(project.root, "2024-06-25")
    assert code == 0 and "无法判断" in rules_of(found)["政务新媒体"][0]["message"], found
    _store(project.root, ["ketang/2024/a,wechat,2024-06-24,100,90"])
    code, found = findings(project.root, "2024-06-25")
    assert code == 1 and "2024年5月1日" in rules_of(found)["政务新媒体"][0]["message"], found
    _store(project.root, ["ketang/2024/a,wechat,2024-06-24,100,90", "ketang/2024/b,wechat,2024-06-24,50,40"])
    code, found = findings(project.root, "2024-06-25")
    assert code == 0 and "政务新媒体" not in rules_of(found), found


def test_the_report_escapes_what_editors_wrote_and_github_format_annotates(project: Project):
    project.article("ketang/2024/a.md", date="2024-06-20")
    _columns(project.root, '- {name: "<script>alert(1)</script>", slug: kong, numbered: false, description: 空}\n')
    code, output = audit(project.root, "2024-06-25", "--format", "github")
    assert "::warning file=data/columns.yml,title=pufa audit：空白栏目::" in output, output
    report = (project.root / "build" / "audit.html").read_text(encoding="utf-8")
    assert "<script>" not in report and "&lt;script&gt;alert(1)&lt;/script&gt;" in report
