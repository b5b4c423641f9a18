"""A law that changes after an article's 法制审核 sends the article back for review (需复核):
data/laws.yml dates each amendment or new judicial interpretation, and `pufa check` warns at
the article's review line, naming the law, the provision and the change."""

from __future__ import annotations

import json

import pytest

from click.testing import CliRunner

from pufa.cli import main

LAW_CONTRACT = "  version: 2007年6月29日通过，2012年12月28日修正，2013年7月1日起施行\n"


def with_history(project, history: str) -> None:
    laws = project.root / "data" / "laws.yml"
    text = laws.read_text(encoding="utf-8")
    assert LAW_CONTRACT in text
    laws.write_text(text.replace(LAW_CONTRACT, LAW_CONTRACT + history, 1), encoding="utf-8")


def check(project, *args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(main, ["check", "--root", str(project.root), "--format", "json", *args],
                                env={"PUFA_TODAY": "2026-11-27"})
    return result.exit_code, json.loads(result.output) if result.output.startswith("{") else result.output


def rereview(document: dict) -> list[dict]:
    return [f for f in document["findings"] if f["message"].startswith("需复核")]


AMENDMENT = """\
  in_force: 2008-01-01
  amended:
    - date: 2024-05-01
      what: 劳动报酬支付的新规定
      provisions: [第三十条]
"""


def test_an_amendment_after_the_review_is_reported_at_the_review_line(project):
    path = project.article("ketang/2023/yi.md")  # cites 劳动合同法 第三十条, reviewed 2023-03-15
    with_history(project, AMENDMENT)
    status, document = check(project)
    assert status == 0  # a warning: the reviewer decides
    [warning] = rereview(document)
    review_line = next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                       if line.startswith("review:"))
    assert warning["file"] == "articles/ketang/2023/yi.md" and warning["line"] == review_line
    assert warning["severity"] == "warning" and warning["field"] == "review"
    assert "《劳动合同法》第三十条自 2024-05-01 起有变化：劳动报酬支付的新规定" in warning["message"]
    assert "本文法制审核日期为 2023-03-15" in warning["message"]
    assert check(project, "--strict")[0] == 1


def test_a_review_after_the_change_clears_it(project):
    path = project.article("ketang/2023/yi.md")
    path.write_text(path.read_text(encoding="utf-8").replace("date: 2023-03-15}", "date: 2024-05-02}"), encoding="utf-8")
    with_history(project, AMENDMENT)
    assert rereview(check(project)[1]) == []


def test_a_change_to_other_provisions_leaves_the_article_alone(project):
    project.article("ketang/2023/yi.md")
    with_history(project, AMENDMENT.replace("[第三十条]", "[第八十二条, 第十条]"))
    assert rereview(check(project)[1]) == []


def test_a_change_to_the_whole_law_a_new_interpretation_and_a_future_date(project):
    project.article("ketang/2023/yi.md")
    with_history(project, """\
  amended:
    - date: 2025-09-01
      what: 新的司法解释施行
      by: laodong-zhengyi-sifa-jieshi-yi
    - date: 2099-01-01
      what: 将来的修正
""")
    messages = [f["message"] for f in rereview(check(project)[1])]
    assert len(messages) == 2
    assert "《劳动合同法》自 2025-09-01 起有变化（依据《劳动争议司法解释（一）》）：新的司法解释施行" in messages[0]
    assert "将于 2099-01-01 起有变化" in messages[1]


def test_a_repealed_law_names_its_successor(project):
    project.article("ketang/2023/yi.md")
    with_history(project, "  repealed: 2024-01-01\n  replaced_by: laodong-fa\n")
    [warning] = rereview(check(project)[1])
    assert "《劳动合同法》于 2024-01-01 失效，由《劳动法》取代" in warning["message"]


def test_an_unreviewed_article_is_not_sent_back(project):
    path = project.article("ketang/2023/yi.md", extra="draft: true")
    path.write_text(path.read_text(encoding="utf-8").replace("review: {reviewer: 王某, date: 2023-03-15}\n", ""),
                    encoding="utf-8")
    with_history(project, AMENDMENT)
    assert rereview(check(project)[1]) == []


def test_a_wrong_history_is_an_error_naming_the_law_and_line(project):
    project.article("ketang/2023/yi.md")
    with_history(project, """\
  in_force: 2008-01-01
  amended:
    - date: 2007-01-01
      what: 早于施行
      by: no-such-law
      provisions: [第三十]
  replaced_by: laodong-fa
""")
    result = CliRunner().invoke(main, ["check", "--root", str(project.root)])
    assert result.exit_code == 1
    for expected in ("2007-01-01 的变化早于施行日期 2008-01-01", "by: no-such-law 不是本表中的 slug",
                     "条文“第三十”应写成“第八十二条”这样的条号", "写了 replaced_by（被什么取代）就要写 repealed"):
        assert "data/laws.yml:11: " in result.output and expected in result.output
    assert "“劳动合同法”：" in result.output


def test_a_date_that_is_not_a_date_is_refused(project):
    project.article("ketang/2023/yi.md")
    with_history(project, "  in_force: 2008-13-01\n")
    result = CliRunner().invoke(main, ["check", "--root", str(project.root)])
    assert result.exit_code == 1 and "data/laws.yml" in result.output and "in_force" in result.output


def test_the_shipped_registry_sends_back_what_the_2025_interpretation_changed(project):
    """The shipped data/laws.yml over the fixture articles (reviewed in 2023): the ones explaining
    double wages and social-insurance waivers predate 法释〔2025〕12号 (in force 2025-09-01)."""
    import shutil

    from conftest import CORPUS, REPO

    shutil.rmtree(project.root / "articles")
    shutil.copytree(CORPUS / "articles", project.root / "articles")
    shutil.copy(REPO / "data" / "laws.yml", project.root / "data" / "laws.yml")
    status, document = check(project)
    assert status == 0 and document["errors"] == 0
    flagged = {f["file"] for f in rereview(document) if "2025-09-01" in f["message"]}
    assert {"articles/ketang/2023/ruzhi-yigeyue-qianding-shumian-hetong.md",
            "articles/anli/2023/ziyuan-fangqi-shebao-chengnuo-wuxiao.md"} <= flagged
    assert "articles/ketang/2024/shiye-baoxianjin-shenling.md" not in flagged  # cites 社会保险法 on other points


def test_the_reviewers_summary_says_a_changed_article_needs_re_review(project):
    from test_check_formats import git

    project.article("ketang/2023/yi.md")
    git(project.root, "init", "-q", "-b", "main")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-q", "-m", "起点")
    path = project.root / "articles/ketang/2023/yi.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n补充一段。\n", encoding="utf-8")
    with_history(project, AMENDMENT)
    result = CliRunner().invoke(main, ["check", "--root", str(project.root), "--changed-since", "main"])
    assert "articles/ketang/2023/yi.md → /ketang/2023/yi/（发布，已审核（王某，2023-03-15），需复核）" in result.output


def test_the_law_page_shows_when_it_took_effect_and_what_changed_since(project):
    project.article("ketang/2023/yi.md")
    with_history(project, AMENDMENT + "    - date: 2099-01-01\n      what: 将来的修正 <b>粗</b>\n")
    built = project.build()
    assert built.returncode == 0, built.output
    page = (built.site / "laws/laodong-hetong-fa/index.html").read_text(encoding="utf-8")
    assert '<dt>施行日期</dt><dd><time datetime="2008-01-01">2008年1月1日</time></dd>' in page
    assert '<time datetime="2024-05-01">2024年5月1日</time>：劳动报酬支付的新规定' in page
    assert "2099年1月1日</time>起施行：将来的修正" in page and "<b>粗</b>" not in page


def test_a_review_or_change_dated_after_today_is_named(project):
    path = project.article("ketang/2023/yi.md")
    path.write_text(path.read_text(encoding="utf-8").replace(
        "review: {reviewer: 王某, date: 2023-03-15}\n",
        "review: {reviewer: 王某, date: 2099-01-01}\nchanges: [{date: 2099-01-01, note: 改了}]\n"), encoding="utf-8")
    with_history(project, AMENDMENT)
    status, document = check(project, "--strict")
    assert status == 1
    messages = {(f["field"], f["message"]) for f in document["findings"] if f["severity"] == "warning"}
    assert ("review", "法制审核日期 2099-01-01 晚于今天（2026-11-27）") in messages
    assert ("changes", "更新记录的日期 2099-01-01 晚于今天（2026-11-27）") in messages


@pytest.mark.parametrize(("history", "message"), [
    ("  amended: {date: 2024-05-01, what: 改}\n", "amended: 应为列表"),
    ("  amended:\n    - date: 2024-05-01\n      what: 改\n      provisions: 第四十四条\n", "provisions: 应为列表"),
    ("  repealed: 2024-01-01\n  replaced_by: laodong-hetong-fa\n", "replaced_by 不能是它自己"),
])
def test_a_history_written_wrongly_is_named_in_chinese(project, history, message):
    project.article("ketang/2023/yi.md")
    with_history(project, history)
    result = CliRunner().invoke(main, ["check", "--root", str(project.root)])
    assert result.exit_code == 1 and message in result.output, result.output
