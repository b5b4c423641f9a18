"""The hand-written registries in data/: columns, topics and audiences.

Articles may only use names listed here, so an index page exists for everything an
article is filed under.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pufa.content.models import Audience, Column, Law, Topic
from pufa.shared.errors import ContentError, Problem
from pufa.shared.records import R, load_list
from pufa.shared.validation import did_you_mean


@dataclass(frozen=True)
class Registries:
    columns: tuple[Column, ...]
    topics: tuple[Topic, ...]
    audiences: tuple[Audience, ...]
    laws: tuple[Law, ...] = ()

    def column_named(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


def _load_list(path: Path, root: Path, model: type[R], problems: list[Problem]) -> list[R]:
    """The file's records; a name, slug or short name given twice is a problem at its line."""
    found = load_list(path, root, model, problems)
    seen: dict[str, dict[str, int]] = {key: {} for key in ("name", "slug", "short") if key in model.model_fields}
    for item in found:
        for key, earlier in seen.items():
            value = getattr(item.record, key)
            if value in earlier:
                problems.append(Problem(item.path, f"“{value}”重复（第 {earlier[value]} 行已有）", item.line, key))
            earlier.setdefault(value, item.line or 0)
    return [item.record for item in found]


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
