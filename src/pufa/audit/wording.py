"""The wording list (data/wording.yml): errors official Chinese is checked for, each with the
text that should stand instead, why, whether the inspection counts it as serious (严重错别字、
严重表述错误: 单项否决) and examples it must catch and must leave alone. A rule that misses
its own example, or fires on its own counter-example, is an error in the list itself."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, field_validator

from pufa.content.models import Article
from pufa.shared.errors import ContentError, Problem
from pufa.shared.records import Record, Text, load_list

WORDING_FILE = "wording.yml"


class WordingRule(Record):
    """One error: ``wrong`` is a regular expression (a plain word is one too)."""

    wrong: Text = Field(description="错误写法（正则表达式；普通词语照写即可）")
    right: Text = Field(description="应当写作")
    why: Text = Field(description="原因，显示给编辑")
    serious: bool = Field(default=False, description="检查指标中的严重错别字、严重表述错误（单项否决）")
    examples: tuple[Text, ...] = Field(min_length=1, description="必须被发现的例句")
    fine: tuple[Text, ...] = Field(default=(), description="不应被当作错误的例句")

    @field_validator("wrong")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"不是有效的正则表达式（{exc}）") from None
        return value


@dataclass(frozen=True)
class Wording:
    rules: tuple[tuple[WordingRule, re.Pattern[str]], ...]

    def find(self, text: str) -> list[tuple[WordingRule, re.Match[str]]]:
        """Every error in ``text``, in order of where it stands."""
        found = [(rule, match) for rule, pattern in self.rules for match in pattern.finditer(text)]
        return sorted(found, key=lambda item: item[1].start())


def load_wording(data_dir: Path, root: Path) -> Wording:
    """data/wording.yml, every rule checked against its own examples; ContentError on any problem."""
    path = data_dir / WORDING_FILE
    if not path.is_file():
        return Wording(())
    problems: list[Problem] = []
    items = load_list(path, root, WordingRule, problems)
    rules = []
    for item in items:
        rule, pattern = item.record, re.compile(item.record.wrong)
        problems += [Problem(item.path, f"“{rule.wrong}”没有找出它自己的例句“{example}”", item.line, "examples")
                     for example in rule.examples if not pattern.search(example)]
        problems += [Problem(item.path, f"“{rule.wrong}”把不算错误的例句“{example}”当成了错误", item.line, "fine")
                     for example in rule.fine if pattern.search(example)]
        rules.append((rule, pattern))
    if problems:
        raise ContentError(problems)
    return Wording(tuple(rules))


def wording_problems(article: Article, wording: Wording) -> tuple[list[Problem], list[Problem]]:
    """(serious, other) errors in an article's title, summary and body, by line and column."""
    serious: list[Problem] = []
    other: list[Problem] = []
    texts = [(article.meta.title, article.key_lines.get("title", 1), "title"),
             (article.meta.summary, article.key_lines.get("summary", 1), "summary"),
             (article.body, article.body_line, None)]
    for text, first_line, field in texts:
        for rule, match in wording.find(text):
            line_start = text.rfind("\n", 0, match.start()) + 1
            line = first_line + text.count("\n", 0, match.start())
            column = match.start() - line_start + 1 if field is None else None
            problem = Problem(article.source, f"“{match.group(0)}”应为“{rule.right}”：{rule.why}", line, field, column=column,
                              hint="检查指标中的严重错别字、严重表述错误，一处即为单项否决" if rule.serious else None)
            (serious if rule.serious else other).append(problem)
    return serious, other
