"""The `pufa` command line on real files, good and broken."""

from __future__ import annotations

from click.testing import CliRunner
from conftest import plain_report

from pufa.cli import main
from pufa.content.corpus import load_site


def run(project, *args, today="2023-05-20"):
    return CliRunner().invoke(main, [*args, "--root", str(project.root)], env={"PUFA_TODAY": today})


def test_new_case_gets_pinyin_slug_front_matter_and_customary_sections(project):
    result = run(project, "new", "--column", "以案释法", "--title", "工伤认定申请被拒，怎么办？")
    assert result.exit_code == 0, result.output
    path = project.root / "articles/anli/2023/gongshang-rending-shenqing-bei-ju-zenmeban.md"
    assert f"已新建草稿：articles/anli/2023/{path.name}" in result.output
    text = path.read_text(encoding="utf-8")
    assert 'title: "工伤认定申请被拒，怎么办？"' in text and "date: 2023-05-20" in text and "draft: true" in text
    assert "issue:" not in text
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == ["## 案情简介", "## 争议焦点", "## 处理结果", "## 以案释法", "## 法条链接"]
    [article] = load_site(project.root).articles  # the skeleton is a valid draft
    assert article.status(article.meta.date) == "draft"


def test_new_lesson_takes_the_next_issue_number_and_a_free_slug(project):
    project.article("ketang/2023/gongzi-zhifu.md", issue=4)
    result = run(project, "new", "--column", "人社小课堂", "--title", "工资支付")
    assert result.exit_code == 0, result.output
    text = (project.root / "articles/ketang/2023/gongzi-zhifu-2.md").read_text(encoding="utf-8")
    assert "issue: 5" in text


def test_a_new_draft_cannot_be_published_before_it_is_filled_in(project):
    run(project, "new", "--column", "人社小课堂", "--title", "试用期")
    path = project.root / "articles/ketang/2023/shiyongqi.md"
    path.write_text(path.read_text(encoding="utf-8").replace("draft: true\n", ""), encoding="utf-8")
    result = run(project, "check")
    assert result.exit_code == 1
    assert "summary: 摘要还是“待填写”的占位文字" in result.output
    assert "review: 缺少法制审核" in result.output


def test_new_with_an_unknown_column_says_which_exist(project):
    result = run(project, "new", "--column", "小课堂", "--title", "标题")
    assert result.exit_code == 2
    assert "--column: 未知的栏目“小课堂”，可用：人社小课堂、以案释法" in result.output


def test_check_counts_articles_by_status(project):
    project.article("ketang/2023/yi.md", issue=1, date="2023-03-01")
    project.article("ketang/2023/er.md", issue=2, date="2023-09-01")
    result = run(project, "check", today="2023-06-01")
    assert result.exit_code == 0
    assert "共 2 篇文章（已发布 1 篇，草稿 0 篇，定时发布 1 篇），今天按 2023-06-01 计" in result.output


def test_check_reports_problems_and_exits_non_zero(project):
    project.article("ketang/2023/yi.md", column="人社课堂")
    result = run(project, "check")
    assert result.exit_code == 1
    assert "articles/ketang/2023/yi.md:3: column: 未知的栏目“人社课堂”" in plain_report(result.output)


def test_a_bad_pufa_today_is_reported(project):
    result = run(project, "check", today="2023-02-30")
    assert result.exit_code == 2
    assert "PUFA_TODAY" in result.output
