"""Hand-written files as they really arrive: a BOM from Notepad, a control character pasted
from a terminal, any bytes at all. The answer is a message naming the file and line, never a
traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import plain_report
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pufa.cli import main
from pufa.content.articles import load_articles
from pufa.content.registry import load_registries
from pufa.shared.errors import ContentError, PufaError
from pufa.shared.frontmatter import load_yaml, read_text, split_document


def check(project) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", "--root", str(project.root)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, plain_report(result.output)


def test_a_notepad_bom_is_not_a_missing_front_matter(project):
    path = project.article("ketang/2023/yi.md")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    status, output = check(project)
    assert status == 0, output


@pytest.mark.parametrize(("char", "code"), [("\x00", "U+0000"), ("\x1b", "U+001B"), ("\x7f", "U+007F")])
def test_a_control_character_is_named_with_its_line(project, char, code):
    path = project.article("ketang/2023/yi.md")
    text = path.read_text(encoding="utf-8").replace("一段摘要。", f"一段{char}摘要。")
    path.write_text(text, encoding="utf-8")
    line = text[: text.index(char)].count("\n") + 1
    status, output = check(project)
    assert status == 1 and f"articles/ketang/2023/yi.md:{line}: 含有不可见的控制字符（{code}）" in output, output


def test_a_registry_in_gb18030_is_named_with_its_line(project):
    topics = project.root / "data" / "topics.yml"
    topics.write_bytes(topics.read_text(encoding="utf-8").encode("gb18030"))
    status, output = check(project)
    assert status == 1 and "data/topics.yml:" in output and "应使用 UTF-8 编码" in output


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300) | st.text(max_size=300).map(lambda t: ("---\n" + t + "\n---\n正文").encode("utf-8", "surrogatepass")))
def test_any_bytes_as_an_article_give_problems_not_tracebacks(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("any")
    path = folder / "x.md"
    path.write_bytes(data)
    try:
        split_document(read_text(path, Path("x.md")), Path("x.md"))
    except PufaError as exc:
        assert "x.md" in str(exc)


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("abc: -[]{}&*!|>'\"#%@`\n\t ,?0123工资")), max_size=80))
def test_any_yaml_text_gives_data_or_a_located_problem(text):
    try:
        load_yaml(text, Path("data/x.yml"))
    except PufaError as exc:
        assert str(exc).startswith("data/x.yml")


def test_whole_projects_of_odd_files_load_or_say_why(project):
    project.write("ketang/2023/a.md", "---\ntitle: [未闭合\n---\n")
    project.write("ketang/2023/b.md", "---\n- 列表\n---\n")
    project.write("ketang/2023/c.md", "没有头信息")
    project.write("ketang/2023/d.md", "---\ntitle: 标题\nreview: {reviewer: 甲, reviewer: 乙}\n---\n")
    registries = load_registries(project.root / "data", project.root)
    with pytest.raises(ContentError) as caught:
        load_articles(project.root / "articles", project.root, registries)
    text = str(caught.value)
    for name in "abcd":
        assert f"articles/ketang/2023/{name}.md:" in text, text


@pytest.mark.parametrize(("body", "message"), [
    ("\n\n   \n", "正文为空"),
    ("第一段。\n\n<!-- pufa:body-end -->\n\n后面的文字。\n", "正文中不能出现 <!-- pufa:"),
])
def test_a_published_body_is_not_empty_and_holds_no_site_marker(project, body, message):
    path = project.article("ketang/2023/yi.md")
    text = path.read_text(encoding="utf-8")
    head = text[: text.index("---", 4) + 4]
    path.write_text(head + body, encoding="utf-8")
    status, output = check(project)
    assert status == 1 and "articles/ketang/2023/yi.md:" in output and message in output, output



@pytest.mark.parametrize(("reference", "message"), [
    ("&#x1c;", "&#x1c; 是不可见的控制字符（U+001C）"),
    ("&#27", "&#27 是不可见的控制字符（U+001B）"),
    ("&#xD800;", "&#xD800; 不是有效的字符"),
    ("&#" + "9" * 6000 + ";", "&#9999999999 不是有效的字符"),
])
def test_a_control_character_written_as_a_reference_is_named_with_its_line_in_check_and_build(project, reference, message):
    """No feed can carry one (lxml refused it with a traceback), and a reference of thousands
    of digits crashed Python's HTML parsers."""
    path = project.article("ketang/2023/yi.md")
    text = path.read_text(encoding="utf-8")
    path.write_text(text + f"\n第二段{reference}文字。\n", encoding="utf-8")
    line = text.count("\n") + 2
    status, output = check(project)
    assert status == 1 and f"articles/ketang/2023/yi.md:{line}: " in output and message in output, output
    built = project.build(cli=True)
    assert built.returncode == 1 and message in built.output and "Traceback" not in built.output, built.output


def test_a_control_character_written_as_an_escape_in_quotes_is_named_with_its_line(project):
    path = project.article("ketang/2023/yi.md")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("一段摘要。", '"一段\\x1c摘要。"', 1), encoding="utf-8")
    line = text[: text.index("一段摘要。")].count("\n") + 1
    status, output = check(project)
    assert status == 1 and f"articles/ketang/2023/yi.md:{line}: 含有不可见的控制字符（U+001C" in output, output

def test_a_draft_may_still_be_empty(project):
    path = project.article("ketang/2023/yi.md", extra="draft: true")
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("---", 4) + 4] + "\n", encoding="utf-8")
    status, output = check(project)
    assert status == 0, output
