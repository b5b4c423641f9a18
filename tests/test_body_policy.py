"""What an article body may publish: the allowed HTML passes, anything that runs, embeds or
loads from another host is named with file and line by `pufa check` and fails the build."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import plain_report

from pufa.cli import main
from pufa.content.body import body_problems, is_local, sanitize

HEAD = """\
---
title: 正文里的 HTML
column: 人社小课堂
issue: 1
date: 2023-03-15
topics: [工资支付]
audiences: [劳动者]
summary: 一段摘要。
author: 政策法规科
review: {reviewer: 王某, date: 2023-03-10}
---

第一段。

"""
BODY_LINE = HEAD.count("\n") + 1  # the line the hostile snippet is written on

HOSTILE = [
    ("<script>alert(1)</script>", "<script>"),
    ('<img src="x.png" onerror="alert(1)">', "事件属性 onerror"),
    ("[点我](javascript:alert(1))", "javascript:"),
    ("[点我](JaVa&#x09;Script:alert(1))", "javascript:"),
    ('<a href="data:text/html;base64,PHNjcmlwdD4=">点我</a>', "data:"),
    ('<iframe src="https://evil.example.com/"></iframe>', "<iframe>"),
    ('<object data="x.swf"></object>', "<object>"),
    ('<embed src="x.swf">', "<embed>"),
    ('<form action="https://evil.example.com/"><input name="x"></form>', "<form>"),
    ("![图](https://tracker.example.com/pixel.png)", "其他网站"),
    ("![图](//tracker.example.com/pixel.png)", "其他网站"),
    ('<p style="background:url(https://tracker.example.com/x)">文字</p>', "style"),
    ("第二段\n{: onclick=\"alert(1)\" }", "事件属性 onclick"),
    ('<svg onload="alert(1)"></svg>', "<svg>"),
    ('<link rel="stylesheet" href="https://cdn.example.com/x.css">', "<link>"),
    ("<div>", "<div> 没有对应的 </div>"),
    ("<details><summary>展开</summary>", "<details> 没有对应的 </details>"),
    ('<table><tr><td>1</td></tr>', "<table> 没有对应的 </table>"),
    ("<p>没有结束的段落", "<p> 没有对应的 </p>"),
    ("<h3>没有结束的标题", "<h3> 没有对应的 </h3>"),
]
ALLOWED = [
    "| 项目 | 金额 |\n| :--- | ---: |\n| 工资 | 100 |",
    '<table><tr><td colspan="2">合并的单元格</td></tr></table>',
    "<details><summary>展开</summary>\n\n详细说明。\n\n</details>",
    "第三十八条<sup>注</sup>，<mark>重点</mark>，<abbr title=\"劳动合同法\">劳合法</abbr>",
    "```html\n<script>alert('这是示例代码')</script>\n```",
    "[人社部网站](https://www.mohrss.gov.cn/) [电话](tel:12333) [邮件](mailto:a@example.gov.cn) [本站](../../../topics/)",
    "!!! note \"提示\"\n\n    注意保存证据。",
    '<div class="x">\n\n<div>里面一层</div>\n\n</div>',
    "第一行<br/>第二行<hr/>第三行<br>",
    "<ul><li>一<li>二</ul>",
    "正文里<sup>没有结束的上标",
]


@pytest.mark.parametrize(("snippet", "message"), HOSTILE)
def test_pufa_check_names_what_a_body_may_not_publish_with_its_line(project, snippet, message):
    project.write("ketang/2023/html.md", HEAD + snippet + "\n")
    result = CliRunner().invoke(main, ["check", "--root", str(project.root)])
    assert result.exit_code == 1, result.output
    line = BODY_LINE + snippet.count("\n")  # a problem is found on the snippet's last line
    assert f"articles/ketang/2023/html.md:{line}: " in plain_report(result.output) and message in result.output, result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("snippet", ALLOWED)
def test_what_markdown_cannot_say_may_be_written_in_html(project, snippet):
    project.write("ketang/2023/html.md", HEAD + snippet + "\n")
    result = CliRunner().invoke(main, ["check", "--root", str(project.root)])
    assert result.exit_code == 0, result.output


def test_the_build_fails_naming_the_article_and_line_and_writes_nothing_that_runs(project):
    project.write("ketang/2023/html.md", HEAD + '<img src="x.png" onerror="alert(1)">\n\n[点我](javascript:alert(2))\n')
    result = project.build()
    assert result.returncode != 0
    assert f"articles/ketang/2023/html.md:{BODY_LINE}: 不允许事件属性 onerror" in plain_report(result.output)
    assert f"articles/ketang/2023/html.md:{BODY_LINE + 2}: 链接地址不能以 javascript: 开头" in plain_report(result.output)
    page = project.root / "site" / "ketang" / "2023" / "html" / "index.html"
    assert not page.exists() or "onerror" not in page.read_text(encoding="utf-8")


def test_a_block_left_open_fails_the_build_before_it_swallows_the_end_of_the_page(project):
    """Markdown would take everything after an unclosed <div> as raw HTML: the review note,
    cited laws and related articles after the body would be published as placeholders and
    Markdown source."""
    project.write("ketang/2023/html.md", HEAD + "<div>\n\n第二段。\n")
    result = project.build()
    assert result.returncode != 0
    assert f"articles/ketang/2023/html.md:{BODY_LINE}: <div> 没有对应的 </div>" in plain_report(result.output), result.output
    assert not (project.root / "site" / "ketang" / "2023" / "html" / "index.html").exists()


@pytest.mark.parametrize(("snippet", "survives"), [
    ('<img src="a.png" onerror="alert(1)">', '<img src="a.png">'),
    ("<scr<script>ipt>alert(1)</script>", "ipt&gt;"),
    ('<a href="jav&#x09;ascript:alert(1)">x</a>', "<a>x</a>"),
    ('<img src="https://tracker.example.com/x.png" alt="图">', '<img alt="图">'),
    ('<td style="text-align: right; background: url(x)">1</td>', ""),
    ('<p style="text-align: center">居中</p>', "<p>居中</p>"),
])
def test_sanitize_removes_whatever_the_check_might_read_differently(snippet, survives):
    cleaned = sanitize(snippet)
    assert "alert" not in cleaned or "&gt;alert" in cleaned.replace("ipt&gt;alert", "&gt;alert")
    assert "onerror" not in cleaned and "javascript" not in cleaned.lower() and "tracker" not in cleaned
    assert survives in cleaned


@pytest.mark.parametrize(("url", "local"), [
    ("images/a.png", True), ("../images/a.png", True), ("/ketang/a.png", True), ("a.png#x", True),
    ("https://x.cn/a.png", False), ("//x.cn/a.png", False), ("\\\\x.cn\\a.png", False), ("data:image/png;base64,AA", False),
    (" javascript:alert(1)", False), ("java\tscript:alert(1)", False),
])
def test_only_this_sites_paths_are_local(url, local):
    assert is_local(url) is local


def test_the_sample_bodies_hold_nothing_the_policy_refuses(sample_site):
    for page in sample_site.rglob("index.html"):
        text = page.read_text(encoding="utf-8")
        start, end = text.find("<!-- pufa:body -->"), text.find("<!-- pufa:body-end -->")
        if start >= 0:
            assert body_problems(text[start:end]) == [], page
