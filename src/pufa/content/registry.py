"""The hand-written registries in data/: columns, topics and audiences.

Articles may only use names listed here, so an index page exists for everything an
article is filed under.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pufa.content.citations import article_number
from pufa.content.models import Audience, Column, Law, Topic
from pufa.shared.errors import ContentError, Problem
from pufa.shared.records import Located, R, load_list
from pufa.shared.validation import did_you_mean


@dataclass(frozen=True)
class Registries:
    columns: tuple[Column, ...]
    topics: tuple[Topic, ...]
    audiences: tuple[Audience, ...]
    laws: tuple[Law, ...] = ()

    def column_named(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


def _load_list(path: Path, root: Path, model: type[R], problems: list[Problem]) -> list[Located[R]]:
    """The file's records; a name, slug or short name given twice is a problem at its line."""
    found = load_list(path, root, model, problems)
    seen: dict[str, dict[str, int]] = {key: {} for key in ("name", "slug", "short") if key in model.model_fields}
    for item in found:
        for key, earlier in seen.items():
            value = getattr(item.record, key)
            if value in earlier:
                problems.append(Problem(item.path, f"“{value}”重复（第 {earlier[value]} 行已有）", item.line, key))
            earlier.setdefault(value, item.line or 0)
    return found


def load_registries(data_dir: Path, root: Path) -> Registries:
    """Load and check data/columns.yml, topics.yml, audiences.yml and laws.yml."""
    problems: list[Problem] = []
    columns = _load_list(data_dir / "columns.yml", root, Column, problems)
    topics = _load_list(data_dir / "topics.yml", root, Topic, problems)
    audiences = _load_list(data_dir / "audiences.yml", root, Audience, problems)
    laws = _load_list(data_dir / "laws.yml", root, Law, problems)
    if not problems:
        problems += law_history_problems(laws)
    if problems:
        raise ContentError(problems)
    return Registries(*(tuple(item.record for item in found) for found in (columns, topics, audiences, laws)))


def law_history_problems(laws: list[Located[Law]]) -> list[Problem]:
    """Dates and references in laws.yml that cannot be right: a change before the law was in
    force, a slug that names no law, a provision that is not an article number."""
    slugs = [item.record.slug for item in laws]
    problems = []
    for item in laws:
        law = item.record

        def problem(message: str, field: str) -> None:
            problems.append(Problem(item.path, f"“{law.short}”：{message}", item.line, field))

        for change in law.amended:
            if law.in_force and change.date < law.in_force:
                problem(f"{change.date} 的变化早于施行日期 {law.in_force}", "amended")
            if change.by is not None and change.by not in slugs:
                problem(f"by: {change.by} 不是本表中的 slug{did_you_mean(change.by, slugs)}", "amended")
            for provision in change.provisions:
                if article_number(provision) is None:
                    problem(f"条文“{provision}”应写成“第八十二条”这样的条号", "amended")
        if law.replaced_by == law.slug:
            problem("replaced_by 不能是它自己", "replaced_by")
        elif law.replaced_by is not None and law.replaced_by not in slugs:
            problem(f"{law.replaced_by} 不是本表中的 slug{did_you_mean(law.replaced_by, slugs)}", "replaced_by")
        if law.replaced_by is not None and law.repealed is None:
            problem("写了 replaced_by（被什么取代）就要写 repealed（失效日期）", "repealed")
        if law.repealed and law.in_force and law.repealed < law.in_force:
            problem(f"失效日期 {law.repealed} 早于施行日期 {law.in_force}", "repealed")
    return problems


def unknown_names(values: list[str], known: list[str]) -> list[str]:
    """Messages for each value not in ``known``, with a did-you-mean hint."""
    return [f"未登记的“{value}”{did_you_mean(value, known)}" for value in values if value not in known]
