"""`pufa check` for review: GitHub Actions annotations exactly as Actions parses them, JSON that
validates against its documented schema, and exit codes (errors fail, warnings only with --strict)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from pufa.cli import main
from pufa.review.findings import Finding, render_github

REPO = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((REPO / "schema" / "check-findings.schema.json").read_text(encoding="utf-8"))
# What GitHub Actions accepts: ::error|warning, comma-separated key=value properties, ::message.
WORKFLOW_COMMAND = re.compile(r"^::(error|warning) file=[^,:]+(,line=\d+(,col=\d+)?)?,title=[^,:]+::[^\r\n]+$")


def broken_project(project) -> None:
    path = project.article("ketang/2023/yi.md")
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\n当事人手机 13812345678。\n", encoding="utf-8")
    project.article("ketang/2023/er.md", title="第二篇", issue=2, extra="draft: true")
    second = project.root / "articles" / "ketang" / "2023" / "er.md"
    second.write_text(second.read_text(encoding="utf-8") + "\n<iframe src=\"https://x.example/\"></iframe>\n", encoding="utf-8")


def run(project, *args: str):
    return CliRunner().invoke(main, ["check", "--root", str(project.root), *args])


def test_github_format_is_one_annotation_per_problem_naming_file_and_line(project):
    broken_project(project)
    result = run(project, "--format", "github")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines and all(WORKFLOW_COMMAND.match(line) for line in lines), lines
    phone = [line for line in lines if "疑似手机号" in line]
    assert len(phone) == 1 and phone[0].startswith("::error file=articles/ketang/2023/yi.md,line=")
    assert any(line.startswith("::error file=articles/ketang/2023/er.md,line=") and "<iframe>" in line for line in lines)


def test_workflow_command_values_are_escaped():
    finding = Finding("articles/a,b:c.md", "第一行\n第二行 100%", "warning", 3, "title")
    assert render_github([finding]) == (
        "::warning file=articles/a%2Cb%3Ac.md,line=3,title=pufa check：title::第一行%0A第二行 100%25\n"
    )


def test_json_format_validates_against_its_schema(project):
    broken_project(project)
    result = run(project, "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.output)
    jsonschema.validate(document, SCHEMA)
    errors = [f for f in document["findings"] if f["severity"] == "error"]
    assert document["errors"] == len(errors) == 3  # the phone number; the <iframe> and its src
    assert {f["file"] for f in errors} == {"articles/ketang/2023/yi.md", "articles/ketang/2023/er.md"}
    assert document["warnings"] == 2  # the corpus's figures and aliases name articles this project lacks


def test_warnings_pass_unless_strict(project):
    project.article("ketang/2023/yi.md")
    (project.root / "data" / "stats" / "aliases.yml").write_text("旧标题: ketang/2023/bucunzai\n", encoding="utf-8")
    result = run(project)
    assert result.exit_code == 0 and "data/stats/aliases.yml:1: 警告: “旧标题”指向的文章" in result.output
    assert run(project, "--strict").exit_code == 1
    document = json.loads(run(project, "--format", "json").output)
    jsonschema.validate(document, SCHEMA)
    assert document["warnings"] >= 1 and all(f["severity"] == "warning" for f in document["findings"])


def test_the_sample_repository_passes_in_every_format():
    for output in ("text", "github", "json"):
        result = CliRunner().invoke(main, ["check", "--root", str(REPO / "tests" / "fixtures" / "corpus"), "--format", output])
        assert result.exit_code == 0, result.output


def git(root: Path, *args: str) -> None:
    import subprocess

    subprocess.run(["git", "-c", "user.name=审核", "-c", "user.email=a@example.gov.cn", *args], cwd=root, check=True,
                   capture_output=True)


def test_changed_since_reports_only_what_the_branch_changed_and_sums_it_up(project):
    old = project.article("ketang/2023/yi.md")
    old.write_text(old.read_text(encoding="utf-8") + "\n旧文章里的手机 13812345678。\n", encoding="utf-8")
    git(project.root, "init", "-q", "-b", "main")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-q", "-m", "起点")
    new = project.article("ketang/2023/xin.md", title="新的一期", issue=2)
    new.write_text(new.read_text(encoding="utf-8") + "\n申请人身份证号 11010519491231002X。\n", encoding="utf-8")
    result = run(project, "--changed-since", "main", "--format", "github")
    assert result.exit_code == 1
    annotations = [line for line in result.output.splitlines() if line.startswith("::")]
    line = new.read_text(encoding="utf-8").rstrip("\n").count("\n") + 1
    assert len(annotations) == 1 and annotations[0].startswith(f"::error file=articles/ketang/2023/xin.md,line={line},")
    assert "疑似身份证号 110105********002X" in annotations[0]
    assert "articles/ketang/2023/xin.md → /ketang/2023/xin/（发布，已审核（王某，2023-03-15）），引用 《劳动合同法》第三十条" in result.output
    everything = run(project)
    assert "articles/ketang/2023/yi.md" in everything.output  # without the option the old file is reported too


def test_an_unknown_ref_is_named(project):
    git(project.root, "init", "-q")
    result = run(project, "--changed-since", "no-such-branch")
    assert result.exit_code == 1 and "--changed-since no-such-branch：git 找不到这个提交或分支" in result.output


def test_paths_limit_the_report(project):
    broken_project(project)
    result = run(project, "articles/ketang/2023/er.md", "--format", "json")
    files = {f["file"] for f in json.loads(result.output)["findings"]}
    assert files == {"articles/ketang/2023/er.md"}


def test_text_format_is_file_line_column_grouped_per_file_with_hints(project):
    broken_project(project)
    (project.root / "data" / "stats" / "aliases.yml").write_text("旧标题: ketang/2023/bucunzai\n", encoding="utf-8")
    result = run(project)
    assert result.exit_code == 1
    text = result.stdout
    blocks = text.strip().split("\n\n")
    files = [block.split(":", 1)[0] for block in blocks]
    assert files == sorted(set(files)) and "articles/ketang/2023/yi.md" in files  # one block per file, in order
    phone = next(line for line in text.splitlines() if "疑似手机号" in line)
    source = (project.root / "articles/ketang/2023/yi.md").read_text(encoding="utf-8").splitlines()
    line_number = next(i for i, line in enumerate(source, start=1) if "13812345678" in line)
    column = source[line_number - 1].index("138") + 1
    assert phone.startswith(f"articles/ketang/2023/yi.md:{line_number}:{column}: 错误: 疑似手机号 138****5678")
    hint = text.splitlines()[text.splitlines().index(phone) + 1]
    assert hint.startswith("    提示：请删除或改写")
    assert "data/stats/aliases.yml:1: 警告: " in text
    assert "\x1b[" not in text  # no colour codes when the output is not a terminal
    assert "共 3 个错误、2 个警告，无法发布。" in result.stderr  # 2: the corpus figures name articles this project lacks


def test_text_format_has_colour_for_a_terminal():
    from pufa.review.findings import render_text

    coloured = render_text([Finding("a.md", "坏了", "error", 3, None, 5, "这样改")], colour=True)
    assert "\x1b[31m" in coloured and "错误" in coloured and "这样改" in coloured
    assert render_text([Finding("a.md", "坏了", "error", 3, None, 5, "这样改")]) == "a.md:3:5: 错误: 坏了\n    提示：这样改\n"


def test_personal_numbers_are_found_even_when_the_content_does_not_load(project):
    path = project.article("ketang/2023/yi.md")
    text = path.read_text(encoding="utf-8").replace("topics: [工资支付]", "topics: [工资支附]")
    path.write_text(text + "\n当事人身份证号 11010519491231002X。\n", encoding="utf-8")
    document = json.loads(run(project, "--format", "json").output)
    messages = [f["message"] for f in document["findings"]]
    assert any("未登记的“工资支附”" in m for m in messages)
    assert any(m == "疑似身份证号 110105********002X" for m in messages)
