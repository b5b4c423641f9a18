"""One way to read hand-written YAML records: a file of one record, a file of a list, a folder.

Registries, penalties, the blacklist, disclosure rules, stats aliases and the importers all
read through here, so every one of them reports a bad file the same way: the file, the line
and the field, with every problem collected instead of stopping at the first. Loaders return
what they could read and the problems; the caller decides whether problems are fatal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StringConstraints,
    ValidationError,
)

from pufa.shared.clock import parse_iso_date
from pufa.shared.errors import Problem
from pufa.shared.frontmatter import YamlSyntaxError, load_yaml, read_text
from pufa.shared.validation import validation_problems


def _to_date(value: object) -> object:
    """Dates are read as text (see frontmatter.py) and parsed strictly here, so 2023-13-01
    gets a message an editor understands."""
    if isinstance(value, str):
        return parse_iso_date(value.strip())
    return value


IsoDate = Annotated[date, BeforeValidator(_to_date)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Record(BaseModel):
    """Base of every record read from YAML: unknown keys are errors (a typo must not pass
    silently) and records cannot change once validated."""

    model_config = ConfigDict(extra="forbid", frozen=True)


R = TypeVar("R", bound=BaseModel)


@dataclass(frozen=True)
class RawDocument:
    """A YAML file as parsed, before validation: the data and the line of each top-level
    key (a mapping) or item (a list)."""

    path: Path  # as shown to the user
    data: Any
    lines: Mapping[Any, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Located(Generic[R]):
    """A validated record and where it was written."""

    record: R
    path: Path
    line: int | None = None


def shown_path(path: Path, root: Path | None) -> Path:
    """The path as the user knows it: relative to the project root when it lies inside."""
    if root is not None:
        try:
            return path.relative_to(root)
        except ValueError:
            pass
    return path


def read_document(path: Path, root: Path | None, problems: list[Problem]) -> RawDocument | None:
    """The parsed YAML of ``path``, or None with the reason added to ``problems``."""
    shown = shown_path(path, root)
    try:
        data, lines = load_yaml(read_text(path, shown), shown)
    except YamlSyntaxError as exc:
        problems.append(exc.problem)
        return None
    return RawDocument(shown, data, lines)


def folder_files(folder: Path) -> list[Path]:
    """Every ``*.yml`` in ``folder`` (none when it does not exist), in name order."""
    return sorted(folder.glob("*.yml")) if folder.is_dir() else []


def read_folder(folder: Path, root: Path | None, problems: list[Problem]) -> list[RawDocument]:
    """The parsed YAML of every record file in ``folder``; unreadable ones are problems."""
    return [doc for path in folder_files(folder) if (doc := read_document(path, root, problems)) is not None]


def validate_mapping(doc: RawDocument, model: type[R], problems: list[Problem]) -> Located[R] | None:
    """One record from a document that must be a mapping of keys to values."""
    if not isinstance(doc.data, dict):
        problems.append(Problem(doc.path, "应为“键: 值”形式的一条记录", 1))
        return None
    try:
        return Located(model.model_validate(doc.data), doc.path)
    except ValidationError as exc:
        problems.extend(validation_problems(exc, model, doc.path, doc.lines))
        return None


def load_one(path: Path, root: Path | None, model: type[R], problems: list[Problem]) -> Located[R] | None:
    """A file holding one record (an empty file is a record of defaults); None when the
    file is absent, or with the reason added to ``problems`` when it cannot be read."""
    if not path.is_file():
        return None
    doc = read_document(path, root, problems)
    if doc is None:
        return None
    if doc.data is None:
        doc = RawDocument(doc.path, {}, doc.lines)
    return validate_mapping(doc, model, problems)


def load_folder(folder: Path, root: Path | None, model: type[R], problems: list[Problem]) -> list[Located[R]]:
    """One record per ``*.yml`` file in ``folder``, problems in the order of the files."""
    found = []
    for path in folder_files(folder):
        doc = read_document(path, root, problems)
        if doc is not None and (record := validate_mapping(doc, model, problems)) is not None:
            found.append(record)
    return found


def load_list(path: Path, root: Path | None, model: type[R], problems: list[Problem]) -> list[Located[R]]:
    """A file holding a list of records, each located at its own line; the file must exist."""
    if not path.is_file():
        problems.append(Problem(shown_path(path, root), "文件不存在"))
        return []
    doc = read_document(path, root, problems)
    if doc is None:
        return []
    if not isinstance(doc.data, list):
        problems.append(Problem(doc.path, "应为列表，每项一条记录", 1))
        return []
    found: list[Located[R]] = []
    for index, item in enumerate(doc.data):
        line = doc.lines.get(index)
        try:
            found.append(Located(model.model_validate(item), doc.path, line))
        except ValidationError as exc:
            problems.extend(validation_problems(exc, model, doc.path, {}, default_line=line))
    return found
