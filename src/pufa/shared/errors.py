"""The project's errors for bad input, under one base, and the Problem an editor acts on.

Every error raised because a file, a setting or an import is wrong derives from PufaError;
the CLI and the MkDocs hook catch that base only. Anything else that escapes is a bug and
keeps its traceback instead of being reported to an editor as their mistake.

A Problem names the file, the line and column (when known) and the field, says what was
expected and, where it helps, how to fix it (the hint).
Loaders collect all problems before failing, so one run shows everything to fix.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class PufaError(Exception):
    """Bad input (content, data, a setting, an import file): the message says what to fix."""


def location(file: str, line: int | None, column: int | None = None) -> str:
    """`file`, `file:line` or `file:line:column`, as editors and terminals jump to it."""
    return ":".join([file] + [str(n) for n in (line, column if line else None) if n is not None])


@dataclass(frozen=True)
class Problem:
    path: Path
    message: str
    line: int | None = None
    field: str | None = None
    column: int | None = None
    hint: str | None = None
    related: tuple[str, ...] = ()
    """Other files (repository paths) whose change can cause this problem: a link's target."""

    @property
    def where(self) -> str:
        return location(str(self.path), self.line, self.column)

    def to_json(self) -> dict[str, Any]:
        """For a forked helper to send back (see shared.ahead); ``from_json`` reads it."""
        return {**dataclasses.asdict(self), "path": str(self.path), "related": list(self.related)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Problem:
        return cls(**{**data, "path": Path(data["path"]), "related": tuple(data["related"])})

    def __str__(self) -> str:
        what = f"{self.field}: {self.message}" if self.field else self.message
        return f"{self.where}: {what}" + (f"（{self.hint}）" if self.hint else "")


class ContentError(PufaError):
    """One or more problems that stop the content from being published."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (str(p.path), p.line or 0))
        super().__init__(self.render())

    def render(self) -> str:
        count = len(self.problems)
        lines = [f"发现 {count} 处内容问题，无法发布：" if count > 1 else "发现内容问题，无法发布："]
        lines += [f"  {problem}" for problem in self.problems]
        return "\n".join(lines)
