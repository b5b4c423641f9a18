"""The editorial rules of `pufa check`: each with an input that fails and one that passes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from pufa.cli import main

CASE_BODY = "## 案情简介\n\n经过。\n\n## 争议焦点\n\n焦点。\n\n## 处理结果\n\n结果。\n\n## {comment}\n\n说法。\n\n## 法条链接\n\n条文。\n"


def findings(project) -> list[dict]:
    result = CliRunner().invoke(main, ["check", "--root", str(project.root), "--format", "json"])
    return [f for f in json.loads(result.output)["findings"] if f["file"].startswith("articles/")]


def write_case(project, body: str, **front) -> None:
    path = project.article("anli/2023/anli.md", title=front.get("title", "一个案例"), issue=None)
    text = path.read_text(encoding="utf-8")
    head = text[: text.index("---", 4) + 4]
    path.write_text(head + "\n" + body, encoding="utf-8")


@pytest.mark.parametrize("comment", ["以案释法", "法官说法", "仲裁员说法"])
def test_a_case_with_its_sections_in_order_passes(project, comment):
    write_case(project, CASE_BODY.format(comment=comment))
    assert findings(project) == []


@pytest.mark.parametrize("body", [
    CASE_BODY.format(comment="以案释法").replace("## 争议焦点", "## 焦点"),
    CASE_BODY.format(comment="以案释法").replace("## 案情简介\n\n经过。\n\n## 争议焦点\n\n焦点。", "## 争议焦点\n\n焦点。\n\n## 案情简介\n\n经过。"),
])
def test_a_case_missing_a_section_or_out_of_order_is_an_error(project, body):
    write_case(project, body)
    (finding,) = findings(project)
    assert finding["severity"] == "error" and "应依次有这些小标题：案情简介 → 争议焦点" in finding["message"]


def test_a_long_title_is_a_wechat_warning_and_a_long_summary_an_error(project):
    path = project.article("ketang/2023/yi.md", title="工资" * 17)
    text = path.read_text(encoding="utf-8").replace("summary: 一段摘要。", "summary: " + "摘要" * 61)
    path.write_text(text, encoding="utf-8")
    found = {(f["field"], f["severity"]) for f in findings(project)}
    assert found == {("title", "warning"), ("summary", "error")}
    project.article("ketang/2023/yi.md", title="工资" * 16)
    assert findings(project) == []


def test_a_summary_that_repeats_the_first_paragraph_is_a_warning(project):
    path = project.article("ketang/2023/yi.md")
    text = path.read_text(encoding="utf-8").replace("summary: 一段摘要。", "summary: 正文第一段，讲工资应当按月足额支付。")
    path.write_text(text, encoding="utf-8")
    (finding,) = findings(project)
    assert finding["severity"] == "warning" and "摘要与正文第一段相同" in finding["message"]


def test_an_image_needs_alt_text_and_a_heavy_one_is_a_warning(project):
    path = project.article("ketang/2023/yi.md")
    project.write("ketang/2023/images/da.png", "x" * 1_200_000)
    project.write("ketang/2023/images/xiao.png", "x" * 10)
    path.write_text(path.read_text(encoding="utf-8") + "\n![](images/xiao.png)\n\n![流程图](images/da.png)\n", encoding="utf-8")
    found = sorted((f["severity"], f["message"]) for f in findings(project))
    assert [severity for severity, _ in found] == ["error", "warning"]
    assert found[0][1].startswith("图片 images/xiao.png 缺少说明文字") and found[1][1].startswith("图片 images/da.png 有 1.2 MB")
    assert "超过 1.0 MB" in found[1][1]


@pytest.mark.parametrize(("limit", "warned"), [("200", True), ("2000", False)])
def test_the_image_limit_is_set_in_mkdocs_yml(project, limit, warned):
    path = project.article("ketang/2023/yi.md")
    project.write("ketang/2023/images/tu.png", "x" * 500_000)
    path.write_text(path.read_text(encoding="utf-8") + "\n![流程图](images/tu.png)\n", encoding="utf-8")
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("image_max_kb: 1000", f"image_max_kb: {limit}"), encoding="utf-8")
    messages = [f["message"] for f in findings(project)]
    assert messages == (["图片 images/tu.png 有 500 KB，超过 200 KB，手机上加载慢"] if warned else [])


def test_a_wrong_image_limit_is_named(project):
    project.article("ketang/2023/yi.md")
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("image_max_kb: 1000", "image_max_kb: 1MB"), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--root", str(project.root)])
    assert result.exit_code == 1 and "extra.review.image_max_kb 应为正整数（KB），实际为“1MB”" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
