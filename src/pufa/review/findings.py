"""`pufa check`'s findings and the three ways it prints them: for people at a terminal, as
GitHub Actions workflow commands (annotations on the pull request's lines), and as JSON whose
schema is schema/check-findings.schema.json.

An error stops publication; a warning is something a reviewer should look at (`--strict`
makes warnings fail too).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

from pufa.shared.errors import Problem

Severity = Literal["error", "warning"]
FORMATS = ("text", "github", "json")
JSON_VERSION = 1


@dataclass(frozen=True)
class Finding:
    file: str
    message: str
    severity: Severity
    line: int | None = None
    field: str | None = None

    @classmethod
    def of(cls, problem: Problem, severity: Severity) -> Finding:
        return cls(problem.path.as_posix(), problem.message, severity, problem.line, problem.field)

    def text(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


def findings_of(problems: Iterable[Problem], severity: Severity) -> list[Finding]:
    return [Finding.of(problem, severity) for problem in problems]


def _command_data(text: str) -> str:
    """A workflow command's message: %, CR and LF are escaped, or GitHub cuts the message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _command_property(text: str) -> str:
    """A workflow command's property value: also : and , are escaped."""
    return _command_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(findings: Iterable[Finding]) -> str:
    """One `::error file=…,line=…,title=…::message` (or ::warning) line per finding."""
    lines = []
    for finding in findings:
        properties = [f"file={_command_property(finding.file)}"]
        if finding.line is not None:
            properties.append(f"line={finding.line}")
        title = f"pufa check：{finding.field}" if finding.field else "pufa check"
        properties.append(f"title={_command_property(title)}")
        lines.append(f"::{finding.severity} {','.join(properties)}::{_command_data(finding.message)}")
    return "\n".join(lines) + ("\n" if lines else "")


def render_json(findings: list[Finding]) -> str:
    errors = sum(1 for f in findings if f.severity == "error")
    document = {
        "version": JSON_VERSION,
        "errors": errors,
        "warnings": len(findings) - errors,
        "findings": [asdict(finding) for finding in findings],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
