"""The hand-written registries in data/: columns, topics and audiences.

Articles may only use names listed here, so an index page exists for everything an
article is filed under.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from pufa.shared.errors import ContentError, Problem
from pufa.shared.frontmatter import YamlSyntaxError, load_yaml, read_text
from pufa.content.models import Audience, Column, Law, Topic
from pufa.shared.validation import did_you_mean, validation_problems

Record = TypeVar("Record", bound=BaseModel)


@dataclass(frozen=True)
class Registries:
    columns: tuple[Column, ...]
    topics: tuple[Topic, ...]
    audiences: tuple[Audience, ...]
    laws: tuple[Law, ...] = ()

    def column_named(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


def _load_list(path: Path, root: Path, model: type[Record], problems: list[Problem]) -> list[Record]:
    shown = path.relative_to(root)
    if not path.is_file():
        problems.append(Problem(shown, "文件不存在"))
        return []
    try:
        data, lines = load_yaml(read_text(path, shown), shown)
    except YamlSyntaxError as exc:
        problems.append(exc.problem)
        return []
    if not isinstance(data, list):
        problems.append(Problem(shown, "应为列表，每项一条记录", 1))
        return []
    records: list[Record] = []
    seen: dict[str, dict[str, int]] = {key: {} for key in ("name", "slug", "short") if key in model.model_fields}
    for index, item in enumerate(data):
        try:
            record = model.model_validate(item)
        except ValidationError as exc:
            problems += validation_problems(exc, model, shown, {}, default_line=lines.get(index))
            continue
        for key, earlier in seen.items():
            value = getattr(record, key)
            if value in earlier:
                problems.append(Problem(shown, f"“{value}”重复（第 {earlier[value]} 行已有）", lines.get(index), key))
            earlier.setdefault(value, lines.get(index, 0))
        records.append(record)
    return records


def load_registries(data_dir: Path, root: Path) -> Registries:
    """Load and check data/columns.yml, topics.yml, audiences.yml and laws.yml."""
    problems: list[Problem] = []
    columns = _load_list(data_dir / "columns.yml", root, Column, problems)
    topics = _load_list(data_dir / "topics.yml", root, Topic, problems)
    audiences = _load_list(data_dir / "audiences.yml", root, Audience, problems)
    laws = _load_list(data_dir / "laws.yml", root, Law, problems)
    if problems:
        raise ContentError(problems)
    return Registries(tuple(columns), tuple(topics), tuple(audiences), tuple(laws))


def unknown_names(values: list[str], known: list[str]) -> list[str]:
    """Messages for each value not in ``known``, with a did-you-mean hint."""
    return [f"未登记的“{value}”{did_you_mean(value, known)}" for value in values if value not in known]
