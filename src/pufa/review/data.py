"""What `pufa check` finds outside the articles: the disclosure records, the reading-figures
store, and personal numbers in every source file.

None of it needs the articles, so the check works it out in a forked helper on the other
core while it loads and reviews the articles: at 5,000 articles with everything cached this
part was a third of the check. The result crosses back as JSON, hence ``to_json``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pufa.disclosure.loading import load_disclosure
from pufa.privacy.sources import load_allowed_numbers, source_problems
from pufa.shared.errors import ContentError, Problem
from pufa.stats.store import summarise_store


@dataclass(frozen=True)
class DataReview:
    problems: list[Problem]
    """Errors: records that do not load, a broken allow list, personal numbers in sources."""
    loaded: bool
    """The disclosure records and the store loaded; when not, the check stops at the errors."""
    summary: list[str]
    """What the check says of them when nothing stops publication."""
    store_articles: list[str]
    """The articles the store holds figures of (those gone since are pointed out)."""

    def to_json(self) -> dict[str, Any]:
        problems = [problem.to_json() for problem in self.problems]
        return {"problems": problems, "loaded": self.loaded, "summary": self.summary, "store_articles": self.store_articles}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DataReview:
        problems = [Problem.from_json(problem) for problem in data["problems"]]
        return cls(problems, data["loaded"], data["summary"], data["store_articles"])


def review_data(root: Path, today: date) -> DataReview:
    try:
        disclosure = load_disclosure(root / "data", root, today)
        store = summarise_store(root / "data" / "stats" / "reads.csv", root)
    except ContentError as exc:
        return DataReview(exc.problems + personal_numbers(root), False, [], [])
    summary = [
        f"行政处罚决定 {len(disclosure.penalties)} 项（正在公示 {disclosure.count_current()} 项），"
        f"失信名单 {len(disclosure.blacklist)} 条（在列 {disclosure.count_listed()} 条）。"
    ]
    if store.count:
        summary.append(f"阅读数据 {store.count} 条，最新截至 {store.newest}。")
    return DataReview(personal_numbers(root, disclosure.public_codes()), True, summary, sorted(store.articles))


def personal_numbers(root: Path, public_codes: Iterable[str] = ()) -> list[Problem]:
    """What is wrong with data/privacy_allow.yml, then the personal numbers in every source
    file, whether or not the content loads."""
    problems: list[Problem] = []
    allowed = load_allowed_numbers(root / "data", root, problems) | set(public_codes)
    return problems + sorted(source_problems(root, allowed), key=lambda p: (str(p.path), p.line or 0))
