"""Loading and validating articles: every mistake names the file, line and field."""

from __future__ import annotations

from datetime import date

import pytest

from pufa.content.corpus import load_site
from pufa.shared.errors import ContentError

GOOD = "ketang/2023/gongzi-zhifu.md"


def load_problems(project) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_site(project.root)
    return [str(p) for p in caught.value.problems]


def test_a_valid_article_loads_with_its_url(project):
    project.article(GOOD)
    site = load_site(project.root)
    [article] = site.articles
    assert article.url == "ketang/2023/gongzi-zhifu/"
    assert article.meta.date == date(2023, 3, 15)
    assert article.meta.topics == ["工资支付"]
    assert article.body.startswith("\n正文第一段")


@pytest.mark.parametrize(
    "edit, expected",
    [
        (("column: 人社小课堂", "column: 人社课堂"), ":3: column: 未知的栏目“人社课堂”（是否为“人社小课堂”？）"),
        (("author: 政策法规科", "author: 政策法规科\ntopic: [工资支付]"), ":11: topic: 未知的键（是否为“topics”？）"),
        (("date: 2023-03-15", "date: 2023-13-01"), ":5: date: '2023-13-01' 不是有效的日期"),
        (("date: 2023-03-15", "date: 2023/03/15"), ":5: date: 应为 YYYY-MM-DD 格式的日期"),
        (("issue: 1", "issue: 第一期"), ":4: issue: 应为整数"),
        (("topics: [工资支付]", "topics: [工资支附]"), ":6: topics: 未登记的“工资支附”（是否为“工资支付”？）"),
        (("audiences: [劳动者]", "audiences: [打工人]"), ":7: audiences: 未登记的“打工人”"),
        (("review: {reviewer: 王某, date: 2023-03-15}\n", ""), ":1: review: 缺少法制审核"),
        (("review: {reviewer: 王某, date: 2023-03-15}", "review: {reviewer: 王某, date: 2023-03-15}\n"
          "changes: [{date: 2023-05-01, note: 更新第三部分}]"),
         ":11: review: 更新记录 2023-05-01 晚于法制审核日期 2023-03-15：修改后的文章须重新法制审核"),
        (("author: 政策法规科", "author: 政策法规科\nchanges: [{date: 2023-03-01, note: 改了}]"),
         ":11: changes: 更新记录的日期 2023-03-01 早于发布日期 2023-03-15"),
        (("author: 政策法规科", "author: 政策法规科\nchanges: [{date: 2023-05-01}]"), ":11: changes[0].note: 缺少必填项"),
        (("review: {reviewer: 王某, date: 2023-03-15}", "review: {reviewer: 王某}"), ":11: review.date: 缺少必填项"),
        (("title: 工资应当按月足额支付", "title: 工资应当按月足额支付\ntitle: 又一个标题"), ":3: title: 键重复（第 2 行已写过）"),
        (("topics: [工资支付]", "topics: [工资支付"), "YAML 语法错误"),
        (("issue: 1\n", ""), ":1: issue: “人社小课堂”的文章必须填写期数 issue"),
        (("summary: 一段摘要。", "summary: 待填写：摘要"), ":9: summary: 摘要还是“待填写”的占位文字"),
        (("date: 2023-03-15", "date: 2024-03-15"), ":5: date: 发布日期 2024-03-15 与所在年份目录 2023/ 不一致"),
    ],
)
def test_each_mistake_is_reported_with_file_line_and_field(project, edit, expected):
    path = project.article(GOOD)
    old, new = edit
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    [problem] = load_problems(project)
    assert problem.startswith("articles/ketang/2023/gongzi-zhifu.md")
    assert expected in problem


def test_an_article_in_the_wrong_column_folder_is_an_error(project):
    project.article("anli/2023/gongzi-zhifu.md", column="人社小课堂")
    [problem] = load_problems(project)
    assert "应放在 articles/ketang/ 下，而不是 articles/anli/" in problem


def test_a_case_with_an_issue_number_is_an_error(project):
    project.article("anli/2023/anli-yi.md", issue=3)
    [problem] = load_problems(project)
    assert "issue: “以案释法”不编期数" in problem


def test_duplicate_slugs_across_columns_and_years_are_errors(project):
    project.article("ketang/2023/tong-ming.md", issue=1)
    project.article("anli/2024/tong-ming.md", issue=None, date="2024-01-02")
    [problem] = load_problems(project)
    assert problem.startswith("articles/ketang/2023/tong-ming.md")
    assert "“tong-ming”与 articles/anli/2024/tong-ming.md 重复" in problem


def test_duplicate_issue_numbers_in_one_year_are_errors_but_not_across_years(project):
    project.article("ketang/2023/di-yi-qi.md", issue=1)
    project.article("ketang/2023/ye-shi-di-yi-qi.md", issue=1, date="2023-04-01")
    project.article("ketang/2024/xin-nian-di-yi-qi.md", issue=1, date="2024-01-05")
    [problem] = load_problems(project)
    assert "ye-shi-di-yi-qi.md:4: issue: 2023 年第 1 期与 articles/ketang/2023/di-yi-qi.md 重复" in problem


def test_all_problems_are_reported_at_once(project):
    project.article("ketang/2023/yi.md", column="人社课堂")
    project.article("ketang/2023/er.md", issue=2, date="2023-02-30")
    project.write("ketang/2023/San_Wen.md", "没有头信息")
    problems = load_problems(project)
    # er.md's bad date is also its review date: two problems there, one in each other file.
    assert [p.split(":")[0].rsplit("/", 1)[1] for p in problems] == ["San_Wen.md", "er.md", "er.md", "yi.md"]
    assert any("San_Wen.md:1: 文件开头缺少" in p for p in problems)


@pytest.mark.parametrize("relative", ["stray.md", "ketang/stray.md", "ketang/2023/extra/stray.md"])
def test_articles_outside_the_column_year_layout_are_errors(project, relative):
    project.article(relative)
    [problem] = load_problems(project)
    assert "文章应放在 articles/<栏目>/<年份>/<slug>.md" in problem


def test_bad_file_names_are_errors(project):
    project.article("ketang/2023/Gongzi_Zhifu.md")
    [problem] = load_problems(project)
    assert "文件名应为小写拼音" in problem


def test_a_draft_may_lack_review_but_not_a_scheduled_article(project):
    path = project.article("ketang/2023/cao-gao.md", extra="draft: true")
    path.write_text(path.read_text(encoding="utf-8").replace("review: {reviewer: 王某, date: 2023-03-15}\n", ""), "utf-8")
    site = load_site(project.root)
    assert site.articles[0].status(date(2030, 1, 1)) == "draft"


def test_status_follows_the_date_and_draft_flag(project):
    project.article("ketang/2023/yi.md", issue=1, date="2023-03-15")
    project.article("ketang/2023/er.md", issue=2, date="2023-06-01")
    site = load_site(project.root)
    statuses = {a.slug: a.status(date(2023, 5, 1)) for a in site.articles}
    assert statuses == {"yi": "published", "er": "scheduled"}
    assert [a.slug for a in site.visible(date(2023, 5, 1), preview=False)] == ["yi"]
    assert [a.slug for a in site.visible(date(2023, 5, 1), preview=True)] == ["er", "yi"]


def test_a_missing_cover_image_is_an_error(project):
    project.article(GOOD, extra="cover: images/none.png")
    [problem] = load_problems(project)
    assert "cover: 找不到封面图片 images/none.png" in problem


def test_a_broken_registry_names_its_file_and_line(project):
    topics = project.root / "data" / "topics.yml"
    topics.write_text(topics.read_text(encoding="utf-8") + "- {name: 工资支付, slug: Bad Slug, description: x}\n", "utf-8")
    problems = load_problems(project)
    assert any(p.startswith("data/topics.yml:") and "slug: 格式不对" in p for p in problems)
