"""The wording list (data/wording.yml): errors official Chinese is checked for, each with the
text that should stand instead, why, whether the inspection counts it as serious (严重错别字、
严重表述错误: 单项否决) and examples it must catch and must leave alone. A rule that misses
its own example, fires on its own counter-example, matches nothing at all (an empty string)
or takes too long is an error in the list itself, named by its line.

Rules are matched with the ``regex`` module, which can stop a search after a time limit: a
rule written by hand can backtrack for hours, and the audit must end. Only prose is read:
code, link addresses and HTML comments are blanked out first (keeping every line and column)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import regex
from pydantic import Field, field_validator

from pufa.content.models import Article
from pufa.shared.errors import ContentError, Problem
from pufa.shared.records import Record, Text, load_list

WORDING_FILE = "wording.yml"
SECONDS_PER_TEXT = 2.0
"""How long one rule may search one article; a real rule takes a millisecond."""
_PROBE = ("原劳动和社会保障部《关于确立劳动关系有关事项的通知》第一条、第二条" * 40 + "！" * 200 + "a" * 200) * 3
"""Long ordinary text a rule is tried on when the list is loaded, to catch a pattern that backtracks."""
_NOT_PROSE = re.compile(
    r"^(?P<fence>`{3,}|~{3,}).*?^(?P=fence)[ \t]*$"   # fenced code
    r"|`[^`\n]+`"                                      # inline code
    r"|<!--.*?-->"                                     # HTML comment
    r"|\]\([^)\n]*\)"                                  # a link's address
    r"|<https?://[^>\s]*>|https?://[^\s)）\]】>\"']+",  # autolinks and bare addresses
    re.M | re.S,
)


def prose(text: str) -> str:
    """``text`` with code, link addresses and comments blanked out, lines and columns kept."""
    return _NOT_PROSE.sub(lambda m: "".join(ch if ch == "\n" else " " for ch in m.group(0)), text)


class WordingRule(Record):
    """One error: ``wrong`` is a regular expression (a plain word is one too)."""

    wrong: Text = Field(description="错误写法（正则表达式；普通词语照写即可）")
    right: Text = Field(description="应当写作")
    why: Text = Field(description="原因，显示给编辑")
    serious: bool = Field(default=False, description="检查指标中的严重错别字、严重表述错误（单项否决）")
    examples: tuple[Text, ...] = Field(description="必须被发现的例句（至少一句）")
    fine: tuple[Text, ...] = Field(default=(), description="不应被当作错误的例句")

    @field_validator("wrong")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            regex.compile(value)
        except (regex.error, OverflowError, RecursionError, ValueError) as exc:
            raise ValueError(f"不是有效的正则表达式（{exc}）") from None
        return value

    @field_validator("examples")
    @classmethod
    def _has_examples(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("至少要有一句必须被发现的例句")
        return value


@dataclass(frozen=True)
class Wording:
    rules: tuple[tuple[WordingRule, regex.Pattern[str], int | None], ...]
    """Each rule, its compiled pattern and its line in data/wording.yml."""

    def find(self, text: str) -> list[tuple[WordingRule, regex.Match[str]]]:
        """Every error in ``text`` (prose only), in order of where it stands. A rule that runs
        out of time raises ContentError naming it."""
        readable = prose(text)
        found = []
        for rule, pattern, line in self.rules:
            try:
                found += [(rule, match) for match in pattern.finditer(readable, timeout=SECONDS_PER_TEXT) if match.group(0)]
            except TimeoutError:
                raise ContentError([_too_slow(line)]) from None
        return sorted(found, key=lambda item: item[1].start())


def _too_slow(line: int | None) -> Problem:
    return Problem(Path("data") / WORDING_FILE, f"这条规则查找一段文字超过了 {SECONDS_PER_TEXT:g} 秒（正则表达式会反复回溯），请改写得简单些",
                   line, "wrong")


def load_wording(data_dir: Path, root: Path) -> Wording:
    """data/wording.yml, every rule checked against its own examples; ContentError on any problem."""
    path = data_dir / WORDING_FILE
    if not path.is_file():
        return Wording(())
    problems: list[Problem] = []
    items = load_list(path, root, WordingRule, problems)
    rules = []
    for item in items:
        rule, pattern = item.record, regex.compile(item.record.wrong)
        try:
            pattern.search(_PROBE, timeout=SECONDS_PER_TEXT)
            caught = [pattern.search(example, timeout=SECONDS_PER_TEXT) for example in rule.examples]
            wrongly = [example for example in rule.fine if pattern.search(example, timeout=SECONDS_PER_TEXT)]
        except TimeoutError:
            problems.append(_too_slow(item.line))
            continue
        problems += [Problem(item.path, f"“{rule.wrong}”没有找出它自己的例句“{example}”", item.line, "examples")
                     for example, match in zip(rule.examples, caught) if match is None]
        if any(match is not None and not match.group(0) for match in caught):
            problems.append(Problem(item.path, f"“{rule.wrong}”可以匹配空字符串，会在每一处报告错误；请写出错误写法本身",
                                    item.line, "wrong"))
        problems += [Problem(item.path, f"“{rule.wrong}”把不算错误的例句“{example}”当成了错误", item.line, "fine")
                     for example in wrongly]
        rules.append((rule, pattern, item.line))
    if problems:
        raise ContentError(problems)
    return Wording(tuple(rules))


def wording_problems(source: Path, texts: list[tuple[str, int, str | None]], wording: Wording) -> tuple[list[Problem], list[Problem]]:
    """(serious, other) errors in ``texts`` of one file: each text with its first line and its
    front-matter field (None for the body), by line and column."""
    serious: list[Problem] = []
    other: list[Problem] = []
    for text, first_line, field in texts:
        for rule, match in wording.find(text):
            line_start = text.rfind("\n", 0, match.start()) + 1
            line = first_line + text.count("\n", 0, match.start())
            column = match.start() - line_start + 1 if field is None else None
            problem = Problem(source, f"“{match.group(0)}”应为“{rule.right}”：{rule.why}", line, field, column=column,
                              hint="检查指标中的严重错别字、严重表述错误，一处即为单项否决" if rule.serious else None)
            (serious if rule.serious else other).append(problem)
    return serious, other


def article_texts(article: Article) -> list[tuple[str, int, str | None]]:
    """What readers see of an article, for wording_problems: title, summary, change notes, body."""
    lines = article.key_lines
    return [(article.meta.title, lines.get("title", 1), "title"),
            (article.meta.summary, lines.get("summary", 1), "summary"),
            *[(note.note, lines.get("changes", 1), "changes") for note in article.meta.changes],
            (article.body, article.body_line, None)]
