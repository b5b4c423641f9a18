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
import regex
from click.testing import CliRunner
from conftest import CODE, REPO, Project

from pufa.audit.freshness import add_period
from pufa.audit.wording import Wording, load_wording
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


@pytest.mark.parametrize("rule", [rule for rule, _, _ in load_wording(REPO / "data", REPO).rules], ids=lambda rule: rule.wrong)
def test_each_wording_rule_catches_its_examples_and_leaves_its_counter_examples(rule):
    wording = Wording(((rule, regex.compile(rule.wrong), 1),))
    assert all(wording.find(example) for example in rule.examples)
    assert not any(wording.find(example) for example in rule.fine)


def test_wording_is_looked_for_in_prose_only_and_unpublished_articles_get_a_reminder(project: Project):
    shutil.copy(WORDING, project.root / "data" / "wording.yml")
    path = project.article("ketang/2024/a.md", date="2024-06-20")
    hidden = ("\n`劳动保障部` [链接](https://example.gov.cn/劳动保障部/帐号.html) <!-- 劳动保障部 -->\n\n"
              "```\n劳动保障部\n```\n\n<https://example.gov.cn/?q=劳动和社会保障部>\n")
    path.write_text(path.read_text(encoding="utf-8") + hidden, encoding="utf-8")
    code, found = findings(project.root, "2024-06-25")
    assert code == 0 and not [f for f in found if "应为" in f["message"]], found
    later = project.article("ketang/2024/b.md", date="2024-07-20", issue=2)
    later.write_text(later.read_text(encoding="utf-8") + "\n劳动保障部要求。\n", encoding="utf-8")
    (project.root / "docs" / "about-extra.md").write_text("# 说明\n\n请提供银行帐号。\n", encoding="utf-8")
    code, found = findings(project.root, "2024-06-25")
    wording = [(f["file"], f["severity"], f["hint"]) for f in found if "应为" in f["message"]]
    assert code == 0 and ("articles/ketang/2024/b.md", "warning", "发布前改正") in wording, found
    assert ("docs/about-extra.md", "warning", None) in wording


@pytest.mark.parametrize(("wrong", "expected"), [
    ("'(a|aa)+b'", "超过了"),
    ("'a{4294967296}'", "不是有效的正则表达式"),
    ("'((('", "不是有效的正则表达式"),
    ("'帐*'", "空字符串"),
])
def test_a_wording_rule_that_is_slow_broken_or_matches_nothing_is_refused_by_its_line(project: Project, wrong, expected):
    project.article("ketang/2024/a.md", date="2024-06-20")
    example = "aab" if "aa" in wrong else "银行帐号"
    (project.root / "data" / "wording.yml").write_text(
        f"- wrong: 账号\n  right: 账号\n  why: 例\n  examples: [账号]\n"
        f"- wrong: {wrong}\n  right: x\n  why: y\n  examples: ['{example}']\n", encoding="utf-8")
    code, output = audit(project.root, "2024-06-25")
    assert code == 2 and "data/wording.yml:5" in output and expected in output, output
    assert "Traceback" not in output


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
    assert code == 2 and "data/wording.yml:1" in output and "没有找出它自己的例句" in output, output
    assert "未能完成自查" in (project.root / "build" / "audit.html").read_text(encoding="utf-8")


def _columns(root: Path, extra: str) -> None:
    path = root / "data" / "columns.yml"
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")


def _column(n: int, extra: str = "") -> str:
    return f"- {{name: 栏目{n}, slug: lanmu-{n}, numbered: false, description: 空{extra}}}\n"


def test_five_late_news_or_notice_columns_fail_the_site_and_four_do_not(project: Project):
    project.article("ketang/2024/a.md", date="2024-06-20")
    project.article("anli/2024/b.md", date="2024-06-20", issue=None)
    for n in range(4):
        project.article(f"lanmu-{n}/2024/c{n}.md", date="2024-05-01", issue=None, column=f"栏目{n}")
    _columns(project.root, "".join(_column(n, ", kind: 动态要闻" if n % 2 else ", kind: 通知公告") for n in range(4)))
    code, found = findings(project.root, "2024-06-25")
    late = rules_of(found)["栏目不更新"]
    assert code == 0 and len(late) == 2 and all(f["severity"] == "warning" for f in late), found  # the two 动态要闻 ones
    assert any("2024年5月16日" in f["message"] for f in late)  # two weeks after 1 May, the day it turned late

    project.article("ketang/2024/fresh.md", date="2024-11-01", issue=2)  # the home page stays fresh
    code, found = findings(project.root, "2024-11-02")  # six months after 1 May: the 通知公告 ones are late too
    late = rules_of(found)["栏目不更新"]
    assert code == 0 and len(late) == 4 and all(f["severity"] == "warning" for f in late), found  # four: no site failure
    _columns(project.root, _column(4, ", kind: 动态要闻"))
    project.article("lanmu-4/2024/c4.md", date="2024-05-01", issue=None, column="栏目4")
    code, found = findings(project.root, "2024-11-02")
    errors = [f for f in rules_of(found)["栏目不更新"] if f["severity"] == "error"]
    assert code == 1 and len(errors) == 1 and errors[0]["message"].startswith("5 个动态要闻"), found


def test_the_bureaus_own_limit_only_tightens_the_inspections(project: Project):
    project.article("ketang/2024/a.md", date="2024-06-20")
    project.article("anli/2024/b.md", date="2024-05-01", issue=None)
    columns = project.root / "data" / "columns.yml"
    text = columns.read_text(encoding="utf-8")
    columns.write_text(text.replace("  slug: anli\n", "  slug: anli\n  kind: 动态要闻\n  update_within: 1年\n"), encoding="utf-8")
    code, found = findings(project.root, "2024-06-25")
    assert [f["message"] for f in rules_of(found)["栏目不更新"] if "以案释法" in f["message"]], found
    columns.write_text(text.replace("  slug: anli\n", "  slug: anli\n  update_within: 9年\n"), encoding="utf-8")
    code, output = audit(project.root, "2024-06-25")
    assert code == 0 and "以案释法：最近更新 2024-05-01（55 天前），更新期限 9年，2033-05-02 起算作未更新" in output, output
    columns.write_text(text.replace("  slug: anli\n", "  slug: anli\n  update_within: 两周\n"), encoding="utf-8")
    code, output = audit(project.root, "2024-06-25")
    assert code == 2 and "data/columns.yml" in output and "update_within" in output and "Traceback" not in output, output


def test_five_empty_columns_fail_the_site_and_ten_late_ones_of_another_kind_do(project: Project):
    project.article("ketang/2024/a.md", date="2024-06-20")
    project.article("anli/2024/b.md", date="2024-06-20", issue=None)
    _columns(project.root, "".join(_column(n) for n in range(4)))
    code, found = findings(project.root, "2024-06-25")
    assert code == 0 and len(rules_of(found)["空白栏目"]) == 4, found
    _columns(project.root, _column(4))
    code, found = findings(project.root, "2024-06-25")
    assert code == 1 and any(f["severity"] == "error" and f["message"].startswith("5 个栏目是空白栏目") for f in found), found

    other = Project(project.root.parent / "other")
    other.article("ketang/2024/a.md", date="2024-06-20")
    other.article("anli/2024/b.md", date="2024-06-20", issue=None)
    for n in range(10):
        other.article(f"lanmu-{n}/2024/c{n}.md", date="2024-05-01", issue=None, column=f"栏目{n}")
    _columns(other.root, "".join(_column(n, ", update_within: 2周" if n < 9 else "") for n in range(10)))
    code, found = findings(other.root, "2024-06-25")
    assert code == 0 and len(rules_of(found)["栏目不更新"]) == 9, found
    columns = other.root / "data" / "columns.yml"
    columns.write_text(columns.read_text(encoding="utf-8").replace("description: 空}\n", "description: 空, update_within: 30天}\n"),
                       encoding="utf-8")
    code, found = findings(other.root, "2024-06-25")
    assert code == 1 and any(f["severity"] == "error" and f["message"].startswith("10 个栏目应更新而未更新") for f in found), found


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
        if self.path == "/garbage":
            self.wfile.write(b"HELLO THERE\r\n\r\n")
            return
        self.send_response({"/ok": 200, "/ftp": 302}.get(self.path, 404))
        if self.path == "/ftp":
            self.send_header("Location", "ftp://127.0.0.1:2121/x")
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

    path.write_text(path.read_text(encoding="utf-8") + f"\n[乱码]({answering}/garbage) [跳转]({answering}/ftp)\n", encoding="utf-8")
    code, found = findings(project.root, "2024-06-25", "--online")
    messages = [f["message"] for f in rules_of(found)["链接不可用"]]
    assert any("garbage" in m and "无法打开" in m for m in messages) and any("非网页地址" in m for m in messages), messages


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
    _store(project.root, ["ketang/2023/gone,wechat,2024-06-24,100,90"])
    code, found = findings(project.root, "2024-06-25")
    assert code == 0 and "没有公众号推送本站文章的记录" in rules_of(found)["政务新媒体"][0]["message"], found
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


@pytest.mark.parametrize("report", ["data/audit.html", "docs/audit.html", "site/audit.html", "articles/a.html",
                                    "build/audit.txt", "build"])
def test_the_report_is_never_written_where_it_would_be_published_or_read_as_content(project: Project, report: str):
    project.article("ketang/2024/a.md", date="2024-06-20")
    (project.root / "build").mkdir(exist_ok=True)
    before = sorted(path for path in project.root.rglob("*") if ".cache" not in path.parts)
    code, output = audit(project.root, "2024-06-25", "--report", report)
    assert code == 2 and "--report" in output and "Traceback" not in output, output
    assert sorted(path for path in project.root.rglob("*") if ".cache" not in path.parts) == before


def test_content_that_cannot_be_read_exits_2_and_leaves_no_old_verdict(project: Project):
    path = project.article("ketang/2024/a.md", date="2024-06-20")
    assert audit(project.root, "2024-06-25")[0] == 0
    path.write_text(path.read_text(encoding="utf-8").replace("topics: [工资支付]", "topics: [不存在的主题]"), encoding="utf-8")
    code, output = audit(project.root, "2024-06-25")
    assert code == 2 and "不存在的主题" in output, output
    assert "未能完成自查" in (project.root / "build" / "audit.html").read_text(encoding="utf-8")
