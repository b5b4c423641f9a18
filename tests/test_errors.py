"""Bad input is reported as a message; anything else is a bug and keeps its traceback."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import plain_report

from pufa import cli
from pufa.shared.errors import ContentError, Problem


def test_bad_input_is_one_message_and_exit_1(project, monkeypatch):
    def broken(root):
        raise ContentError([Problem(root / "articles" / "x.md", "缺少必填项", 3, "title")])

    monkeypatch.setattr(cli, "load_site", broken)
    result = CliRunner().invoke(cli.main, ["check", "--root", str(project.root)])
    assert result.exit_code == 1
    assert "x.md:3: title: 缺少必填项" in plain_report(result.output)
    assert "Traceback" not in result.output


@pytest.mark.parametrize("bug", [ValueError("数据结构不对"), KeyError("title"), AttributeError("x")])
def test_a_bug_is_not_reported_as_the_editors_mistake(project, monkeypatch, bug):
    def broken(*args, **kwargs):
        raise bug

    monkeypatch.setattr(cli, "load_site", broken)
    for command in (["check"], ["stats", "import", __file__, "--as-of", "2024-01-01"]):
        result = CliRunner().invoke(cli.main, [*command, "--root", str(project.root)])
        assert result.exception is bug, command
        assert "导入失败" not in result.output and "检查通过" not in result.output


def test_a_bad_as_of_date_is_bad_input(project):
    result = CliRunner().invoke(cli.main, ["stats", "import", __file__, "--as-of", "2024-13-01", "--root", str(project.root)])
    assert result.exit_code == 1
    assert "--as-of" in result.output and "不是有效的日期" in result.output


def test_clock_errors_are_bad_input_with_exit_2(project, monkeypatch):
    monkeypatch.setenv("PUFA_TODAY", "明天")
    result = CliRunner().invoke(cli.main, ["check", "--root", str(project.root)])
    assert result.exit_code == 2 and "PUFA_TODAY" in result.output
    assert issubclass(type(result.exception), SystemExit)

