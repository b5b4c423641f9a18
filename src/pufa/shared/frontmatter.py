"""Split an article into YAML front matter and Markdown body, keeping line numbers.

Editors write YAML by hand, so errors must point at the line they typed. The YAML is
read without PyYAML's implicit timestamps: ``date: 2023-13-01`` then reaches validation
as text and gets a proper message instead of a bare ValueError from deep inside PyYAML.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pufa.shared.cache import Memo, content_hash, library_versions
from pufa.shared.errors import Problem, PufaError


class _EditorLoader(yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader):  # type: ignore[misc]
    """SafeLoader that leaves dates as strings; validation parses them strictly. libyaml's C
    parser when installed (PyYAML's wheels have it): ten times faster on 2,000 articles."""


_EditorLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class SourceDocument:
    """Front matter as data, its keys' line numbers in the file, and the body."""

    path: Path
    meta: dict[str, Any]
    key_lines: dict[str, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1

    def line_of(self, key: str | None) -> int | None:
        return self.key_lines.get(key) if key else None


class YamlSyntaxError(PufaError):
    """The YAML cannot be read at all; carries the Problem to report."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


def read_text(path: Path, shown: Path) -> str:
    """A hand-written file's text, without the byte-order mark Windows Notepad writes. A file
    not in UTF-8, or holding an invisible control character (a NUL, an ESC pasted from a
    terminal), is a YamlSyntaxError naming ``shown`` and the line."""
    try:
        text = path.read_text(encoding="utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise YamlSyntaxError(Problem(shown, "文件应使用 UTF-8 编码（用记事本另存为时选择 UTF-8）", line)) from None
    bad = CONTROL_CHARACTERS.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        code = f"U+{ord(bad.group(0)):04X}"
        raise YamlSyntaxError(Problem(shown, f"含有不可见的控制字符（{code}），请删除这个字符", line))
    return text


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
"""Invisible characters no hand-written file or exported cell should hold (tab and line breaks are fine)."""


def yaml_memo(name: str) -> Memo:
    """Hand-written YAML as parsed (data and key lines, as JSON text) by its text: PyYAML
    building Python objects was a third of loading 5,000 articles. One ``name`` per set of
    files loaded together (each memo keeps what one load used). Not for penalty records: the
    cache keeps no natural person's name (see test_the_cache_holds_nothing_personal)."""
    return Memo(name, library_versions("PyYAML"), lambda value: isinstance(value, str))


def load_yaml(text: str, path: Path, first_line: int = 1, memo: Memo | None = None) -> tuple[Any, dict[Any, int]]:
    """Parse YAML once; return the data and the line of each top-level key or list item.

    A syntax error or a key written twice (PyYAML would silently keep the last) raises
    YamlSyntaxError with the file's line number. Through ``memo`` (see yaml_memo) only what
    JSON gives back unchanged is kept (not a set, bytes or a number as a key), and each use
    gets objects of its own.
    """
    if memo is None or "&" in text:  # an anchor: its aliases would be copied out in full (a "billion laughs")
        return _parse_yaml(text, path, first_line)
    key = content_hash(text, str(first_line))
    known = memo.lookup(key)
    if known is not None:
        data, key_lines = json.loads(known)
        return data, key_lines
    data, key_lines = _parse_yaml(text, path, first_line)
    try:
        stored = json.dumps([data, key_lines], ensure_ascii=False)
    except (TypeError, ValueError):
        return data, key_lines
    if json.loads(stored) == [data, key_lines]:
        memo.put(key, stored)
    return data, key_lines


def _parse_yaml(text: str, path: Path, first_line: int) -> tuple[Any, dict[Any, int]]:
    loader = None
    try:
        loader = _EditorLoader(text)
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first_line + mark.line if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise YamlSyntaxError(Problem(path, f"YAML 语法错误（{reason}）", line)) from None
    except (ValueError, OverflowError, RecursionError):  # a number of 5,000 digits, nesting too deep
        raise YamlSyntaxError(Problem(path, "YAML 中有无法读取的值：数字过长（几千位）或嵌套过深", first_line)) from None
    finally:
        if loader is not None:
            loader.dispose()
    key_lines: dict[Any, int] = {}
    if isinstance(node, yaml.SequenceNode):
        key_lines = {index: first_line + item.start_mark.line for index, item in enumerate(node.value)}
    elif isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            key, line = str(key_node.value), first_line + key_node.start_mark.line
            if key in key_lines:
                raise YamlSyntaxError(Problem(path, f"键重复（第 {key_lines[key]} 行已写过）", line, key))
            key_lines[key] = line
    _refuse_hidden_faults(node, path, first_line)
    return data, key_lines


def _refuse_hidden_faults(root: yaml.Node | None, path: Path, first_line: int) -> None:
    """A key written twice inside a nested mapping ({reviewer: 甲, reviewer: 乙}) is as
    silent a loss as one at the top level; a control character written as an escape in
    quotes ("\\x1c") is as invisible as one in the file (see read_text), and no feed can carry it."""
    seen_nodes: set[int] = set()
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if id(node) in seen_nodes:
            continue  # an alias met again
        seen_nodes.add(id(node))
        if isinstance(node, yaml.ScalarNode) and (bad := CONTROL_CHARACTERS.search(node.value)):
            raise YamlSyntaxError(Problem(path, f"含有不可见的控制字符（U+{ord(bad.group(0)):04X}，引号里的转义写法也算），请删除这个字符",
                                          first_line + node.start_mark.line))
        if isinstance(node, yaml.MappingNode):
            lines: dict[str, int] = {}
            for key_node, value_node in node.value:
                key, line = str(key_node.value), first_line + key_node.start_mark.line
                if key in lines and node is not root:
                    raise YamlSyntaxError(Problem(path, f"键重复（第 {lines[key]} 行已写过）", line, key))
                lines.setdefault(key, line)
                stack += [key_node, value_node]
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def split_document(text: str, path: Path, parsed: Memo | None = None) -> SourceDocument:
    """Read ``---``-fenced front matter at the top of a Markdown file (``parsed``: see yaml_memo)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise YamlSyntaxError(Problem(path, "文件开头缺少以 --- 包围的 YAML 头信息", 1))
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            break
    else:
        raise YamlSyntaxError(Problem(path, "YAML 头信息没有以 --- 结束", 1))
    yaml_text = "".join(lines[1:index])
    meta, key_lines = load_yaml(yaml_text, path, 2, parsed)
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise YamlSyntaxError(Problem(path, "YAML 头信息应为“键: 值”形式的映射", 2))
    body = "".join(lines[index + 1 :])
    return SourceDocument(path, meta, key_lines, body, body_line=index + 2)
