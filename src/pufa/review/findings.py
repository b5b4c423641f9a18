"""`pufa check`'s findings and the three ways it prints them: for people at a terminal, as
GitHub Actions workflow commands (annotations on the pull request's lines), and as JSON whose
schema is schema/check-findings.schema.json.

An error stops publication; a warning is something a reviewer should look at (`--strict`
makes warnings fail too).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Literal

import click

from pufa.shared.errors import Problem, location

Severity = Literal["error", "warning"]
FORMATS = ("text", "github", "json")
JSON_VERSION = 2
SEVERITY_NAMES = {"error": "错误", "warning": "警告"}
SEVERITY_COLOURS = {"error": "red", "warning": "yellow"}


@dataclass(frozen=True)
class Finding:
    file: str
    message: str
    severity: Severity
    line: int | None = None
    field: str | None = None
    column: int | None = None
    hint: str | None = None
    related: tuple[str, ...] = dataclass_field(default=(), compare=False)
    """Other files whose change can cause this finding (see Problem.related)."""

    @classmethod
    def of(cls, problem: Problem, severity: Severity) -> Finding:
        return cls(problem.path.as_posix(), problem.message, severity, problem.line, problem.field,
                   problem.column if problem.line else None, problem.hint, problem.related)

    @property
    def where(self) -> str:
        return location(self.file, self.line, self.column)

    def text(self, colour: bool = False, names: Mapping[str, str] = SEVERITY_NAMES) -> str:
        """`file:line:column: 错误: message`, the hint on the next line."""
        label = names[self.severity]
        if colour:
            label = click.style(label, fg=SEVERITY_COLOURS[self.severity], bold=True)
        what = f"{self.field}: {self.message}" if self.field else self.message
        lines = [f"{click.style(self.where, bold=True) if colour else self.where}: {label}: {what}"]
        if self.hint:
            hint = f"提示：{self.hint}"
            lines.append("    " + (click.style(hint, fg="cyan") if colour else hint))
        return "\n".join(lines)


def findings_of(problems: Iterable[Problem], severity: Severity) -> list[Finding]:
    return [Finding.of(problem, severity) for problem in problems]


def render_text(findings: Iterable[Finding], colour: bool = False, names: Mapping[str, str] = SEVERITY_NAMES) -> str:
    """Findings grouped per file (errors first within a file, then by line), a blank line
    between files; ``names`` are what each severity is called."""
    by_file: dict[str, list[Finding]] = {}
    for finding in findings:
        by_file.setdefault(finding.file, []).append(finding)
    blocks = []
    for file in sorted(by_file):
        ordered = sorted(by_file[file], key=lambda f: (f.line or 0, f.column or 0, f.severity != "error"))
        blocks.append("\n".join(finding.text(colour, names) for finding in ordered))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def count_line(findings: list[Finding]) -> str:
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = len(findings) - errors
    verdict = "，无法发布" if errors else "，审核人请留意" if warnings else ""
    return f"共 {errors} 个错误、{warnings} 个警告{verdict}。"


def _command_data(text: str) -> str:
    """A workflow command's message: %, CR and LF are escaped, or GitHub cuts the message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _command_property(text: str) -> str:
    """A workflow command's property value: also : and , are escaped."""
    return _command_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(findings: Iterable[Finding], tool: str = "pufa check") -> str:
    """One `::error file=…,line=…,col=…,title=…::message` (or ::warning) line per finding;
    the hint follows the message on a second line of the annotation."""
    lines = []
    for finding in findings:
        properties = [f"file={_command_property(finding.file)}"]
        if finding.line is not None:
            properties.append(f"line={finding.line}")
            if finding.column is not None:
                properties.append(f"col={finding.column}")
        title = f"{tool}：{finding.field}" if finding.field else tool
        properties.append(f"title={_command_property(title)}")
        message = finding.message + (f"\n提示：{finding.hint}" if finding.hint else "")
        lines.append(f"::{finding.severity} {','.join(properties)}::{_command_data(message)}")
    return "\n".join(lines) + ("\n" if lines else "")


def render_json(findings: list[Finding]) -> str:
    errors = sum(1 for f in findings if f.severity == "error")
    document = {
        "version": JSON_VERSION,
        "errors": errors,
        "warnings": len(findings) - errors,
        "findings": [
            {"file": f.file, "line": f.line, "column": f.column, "severity": f.severity, "field": f.field,
             "message": f.message, "hint": f.hint}
            for f in findings
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
