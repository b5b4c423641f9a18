"""`pufa check` resolves every internal link and #anchor as the site will: file links the way
MkDocs rewrites them, other links the way a browser resolves them from the page's address,
anchors against the headings the configured Markdown gives, and only to what will be
published by the time the linking page is."""

from __future__ import annotations

import json

import pytest

from click.testing import CliRunner

from pufa.cli import main


def findings(project, *args: str, today: str = "2026-11-27") -> list[dict]:
    result = CliRunner().invoke(main, ["check", "--root", str(project.root), "--format", "json", *args],
                                env={"PUFA_TODAY": today})
    return [f for f in json.loads(result.output)["findings"] if f["severity"] == "error" and f["message"].startswith("链接")]


def with_links(project, *links: str, relative: str = "ketang/2023/yi.md"):
    path = project.article(relative)
    text = path.read_text(encoding="utf-8") + "\n" + "\n\n".join(f"参见[这里]({link})。" for link in links) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def test_links_that_resolve_pass(project):
    project.article("anli/2023/an.md", title="案例", issue=None)
    with_links(
        project,
        "../../anli/2023/an.md",              # a file link, rewritten by MkDocs
        "../../anli/2023/an.md#小标题",        # a Chinese heading's anchor, as toc slugifies it
        "#小标题",                             # a heading of this article
        "/anli/2023/an.md",                    # relative to docs/
        "../../../topics/",                    # a page's address, resolved from /ketang/2023/yi/
        "/archive.md#y2023",                   # a file from docs/, an anchor of a generated page
        "/feed.xml",                           # a generated file
        "../../laws/laodong-hetong-fa.md",     # a generated page
        "https://www.gov.cn/",                 # not ours
        "mailto:a@example.gov.cn",
    )
    assert findings(project) == []
    built = project.build()  # the strict build agrees: no link or anchor warning
    assert built.returncode == 0, built.output
    page = (built.site / "ketang/2023/yi/index.html").read_text(encoding="utf-8")
    assert 'href="../../../laws/laodong-hetong-fa/"' in page and 'href="../../../anli/2023/an/#小标题"' in page


def test_each_broken_link_is_an_error_at_its_line_and_column(project):
    path = with_links(project, "../../anli/2023/bucunzai.md", "#meiyou", "../../topics/", "/nosuch/", "../gongzi-zenme-fa.md#x")
    errors = findings(project)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(errors) == 5
    for error, link in zip(errors, ["bucunzai.md", "#meiyou", "../../topics/", "/nosuch/", "gongzi-zenme-fa.md"]):
        number = next(i for i, line in enumerate(lines, start=1) if f"({link}" in line or link in line)
        assert error["file"] == "articles/ketang/2023/yi.md" and error["line"] == number
        assert error["column"] == lines[number - 1].index(link if link.startswith(("#", "/", "..")) else "..") + 1
        assert error["hint"]
    assert "anli/2023/bucunzai.md 不存在" in errors[0]["message"]
    assert "锚点 #meiyou 在本文中找不到" in errors[1]["message"] and "#小标题" in errors[1]["hint"]
    assert "指向 /ketang/topics/" in errors[2]["message"] and "/ketang/2023/yi/ 算起" in errors[2]["hint"]
    assert "/nosuch/ 指向的 nosuch 不是网站的文件" in errors[3]["message"]


def test_an_address_from_the_root_is_not_a_file_and_the_file_is_suggested(project):
    with_links(project, "/archive/", "/topics/", "/archive.md#1999")
    archive, topics, anchor = findings(project)
    assert "（是否为“/archive.md”？）" in archive["message"]
    assert "（是否为“/topics/index.md”？）" in topics["message"]
    assert "锚点 #1999 在生成的页面 /archive/ 中找不到" in anchor["message"]


def test_an_anchor_in_another_article_and_a_custom_id(project):
    target = project.article("ketang/2023/er.md", title="第二篇", issue=2)
    target.write_text(target.read_text(encoding="utf-8") + "\n## 计算方法 {#jisuan}\n\n内容。\n", encoding="utf-8")
    with_links(project, "er.md#jisuan")
    assert findings(project) == []
    with_links(project, "er.md#计算方法")
    [error] = findings(project)
    assert "锚点 #计算方法 在 articles/ketang/2023/er.md 中找不到" in error["message"] and "#jisuan" in error["hint"]


def test_a_link_to_a_draft_or_a_later_article_breaks_when_this_one_is_published(project):
    project.article("ketang/2023/er.md", title="第二篇", issue=2, extra="draft: true")
    project.article("ketang/2023/san.md", title="第三篇", issue=3, date="2023-05-01")
    with_links(project, "er.md", "san.md")
    draft, later = findings(project, today="2023-03-01")
    assert "还是草稿" in draft["message"]
    assert "定于 2023-05-01 发布，晚于本文（2023-03-15）" in later["message"]
    [draft] = findings(project, today="2023-06-01")  # both published by now: only the draft is missing
    assert "还是草稿" in draft["message"]


def test_a_draft_may_link_to_a_draft(project):
    project.article("ketang/2023/er.md", title="第二篇", issue=2, extra="draft: true")
    path = with_links(project, "er.md")
    path.write_text(path.read_text(encoding="utf-8").replace("author: 政策法规科\n", "author: 政策法规科\ndraft: true\n", 1),
                    encoding="utf-8")
    assert findings(project) == []


def test_a_link_climbing_out_of_the_site(project):
    with_links(project, "../../../../../etc/passwd")
    [error] = findings(project)
    assert "超出了本站的范围" in error["message"]


def test_a_renamed_article_reports_the_articles_linking_to_it_on_the_branch(project):
    from test_check_formats import git

    project.article("anli/2023/an.md", title="案例", issue=None)
    with_links(project, "../../anli/2023/an.md")
    git(project.root, "init", "-q", "-b", "main")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-q", "-m", "起点")
    (project.root / "articles/anli/2023/an.md").rename(project.root / "articles/anli/2023/an-xin.md")
    result = CliRunner().invoke(main, ["check", "--root", str(project.root), "--changed-since", "main", "--format", "github"])
    assert result.exit_code == 1
    assert any(line.startswith("::error file=articles/ketang/2023/yi.md,line=") and "an.md" in line
               for line in result.output.splitlines())


def test_a_file_link_in_raw_html_is_not_rewritten_so_it_is_an_error(project):
    project.article("ketang/2023/er.md", title="第二篇", issue=2)
    path = project.article("ketang/2023/yi.md")
    path.write_text(path.read_text(encoding="utf-8") + '\n<p><a href="er.md">第二篇</a> <a href="../er/">第二篇</a></p>\n',
                    encoding="utf-8")
    [error] = findings(project)
    assert "链接 er.md 写在 HTML 中，不会被换成网页地址" in error["message"] and "Markdown 写法" in error["hint"]


def test_links_mkdocs_checks_as_files_and_anchors_as_written(project):
    project.write("ketang/2023/images/tu.svg", '<svg xmlns="http://www.w3.org/2000/svg"><title>图</title></svg>')
    project.article("ketang/2023/er.md", title="第二篇", issue=2)
    with_links(project, "images/tu.svg", "../images/tu.svg", "er.md#%E5%B0%8F%E6%A0%87%E9%A2%98",
               "er.md#pufa-laws-title", "er.md#第二篇")
    errors = findings(project)
    assert [e["message"] for e in errors] == [
        "链接 ../images/tu.svg 指向的 ketang/images/tu.svg 不存在（是否为“ketang/2023/images/tu.svg”？）",
        "链接 er.md#%E5%B0%8F%E6%A0%87%E9%A2%98 中的锚点是编码后的写法",
    ]
    assert errors[1]["hint"].startswith("请直接写 #小标题")


def test_positions_skip_code_and_tell_links_sharing_a_beginning_apart(project):
    path = project.article("ketang/2023/yi.md")
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\n`[示例](../../anli/2023/meiyou.md)` 是写法示例。\n\n[课堂](../../../ketang/)、[坏](../../../ketang/x/)\n\n"
                    "[真的](../../anli/2023/meiyou.md)\n", encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    broken, missing = findings(project)
    assert broken["line"] == lines.index("[课堂](../../../ketang/)、[坏](../../../ketang/x/)") + 1
    assert broken["column"] == lines[broken["line"] - 1].index("../../../ketang/x/") + 1
    assert missing["line"] == len(lines) and missing["column"] == 6


def test_a_docs_page_is_checked_and_excluded_pages_are_not_pages(project):
    (project.root / "docs" / "about.md").write_text(
        (project.root / "docs" / "about.md").read_text(encoding="utf-8") + "\n[草稿页](caogao.draft.md)\n", encoding="utf-8")
    (project.root / "docs" / "caogao.draft.md").write_text("[坏链接](meiyou.md)\n", encoding="utf-8")
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("exclude_docs: |\n", "exclude_docs: |\n  *.draft.md\n"),
                      encoding="utf-8")
    [error] = findings(project)
    assert error["file"] == "docs/about.md" and "caogao.draft.md 不存在" in error["message"]


def test_without_directory_urls_html_links_resolve_from_the_html_file(project):
    project.article("ketang/2023/er.md", title="第二篇", issue=2)
    path = project.article("ketang/2023/yi.md")
    path.write_text(path.read_text(encoding="utf-8") + '\n<p><a href="er.html">对</a> <a href="../er.html">错</a></p>\n',
                    encoding="utf-8")
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "use_directory_urls: false\n", encoding="utf-8")
    [error] = findings(project)
    assert "链接 ../er.html 在网页上指向 /ketang/er.html" in error["message"]


def test_a_renamed_article_linked_by_its_address_is_reported_on_the_branch(project):
    from test_check_formats import git

    project.article("ketang/2023/er.md", title="第二篇", issue=2)
    with_links(project, "../er/")
    git(project.root, "init", "-q", "-b", "main")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-q", "-m", "起点")
    git(project.root, "mv", "articles/ketang/2023/er.md", "articles/ketang/2023/er-xin.md")
    result = CliRunner().invoke(main, ["check", "--root", str(project.root), "--changed-since", "main", "--format", "github"])
    assert result.exit_code == 1 and "::error file=articles/ketang/2023/yi.md," in result.output


@pytest.mark.parametrize(("setting", "message"), [
    ("markdown_extensions: toc\n", "markdown_extensions 的写法不对"),
    ("markdown_extensions:\n  - pymdownx.detail\n", "markdown_extensions 无法使用"),
    ("markdown_extensions:\n  - toc:\n      permalnk_title: x\n", "markdown_extensions 无法使用"),
    ("markdown_extensions:\n  - 5\n", "“5”的写法不对"),
    ("markdown_extensions:\n  - admonition: [a, b]\n", "“admonition”的写法不对"),
    ("extra: [a]\n", "extra 的写法不对"),
    ("extra:\n  feeds: [a]\n", "extra.feeds 的写法不对"),
])
def test_a_broken_mkdocs_yml_is_named_not_a_traceback(project, setting, message):
    project.article("ketang/2023/yi.md")
    config = project.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = text[: text.index("markdown_extensions:")] + text[text.index("hooks:"):] if "markdown_extensions" in setting else text
    text = text[: text.index("extra:")] if setting.startswith("extra") else text
    config.write_text(text + setting, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--root", str(project.root)])
    assert result.exit_code == 1 and message in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_the_dict_form_of_markdown_extensions_keeps_its_settings(project):
    with_links(project, "#小标题")
    config = project.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    start, end = text.index("markdown_extensions:"), text.index("hooks:")
    config.write_text(text[:start] + "markdown_extensions:\n  toc:\n    slugify: !!python/object/apply:pymdownx.slugs.slugify\n"
                      "      kwds: {case: lower}\n  attr_list: {}\n\n" + text[end:], encoding="utf-8")
    assert findings(project) == []


def test_a_docs_page_that_is_not_utf8_is_named(project):
    project.article("ketang/2023/yi.md")
    (project.root / "docs" / "bad.md").write_bytes("caf\xe9".encode("latin-1"))
    result = CliRunner().invoke(main, ["check", "--root", str(project.root)])
    assert result.exit_code == 1 and "docs/bad.md" in result.output and "UTF-8" in result.output


def test_a_check_that_renders_from_its_cache_finds_what_a_check_without_finds(project):
    """`pufa check` keeps each body's rendering in .cache/ by its text: a second check, and a
    check after a body changed, find exactly what a check with no cache finds."""
    path = with_links(project, "../../anli/2023/bucunzai.md", "#meiyou")
    first = findings(project)
    assert (project.root / ".cache" / "check-renderings.json").is_file()
    assert findings(project) == first and len(first) == 2
    path.write_text(path.read_text(encoding="utf-8").replace("#meiyou", "#haishimeiyou") + "\n## 新小标题\n\n参见[本节](#新小标题)。\n",
                    encoding="utf-8")
    warm = findings(project)
    (project.root / ".cache" / "check-renderings.json").unlink()
    assert warm == findings(project)
    assert [f["message"] for f in warm] == [f["message"] for f in first[:1]] + [first[1]["message"].replace("meiyou", "haishimeiyou")]
