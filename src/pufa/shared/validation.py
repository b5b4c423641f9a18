"""Turn pydantic's validation errors into Problems an editor can act on (in Chinese)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from pufa.shared.errors import Problem

_MESSAGES = {
    "missing": "缺少必填项",
    "string_too_short": "不能为空",
    "string_too_long": "过长（最多 {max_length} 个字符）",
    "string_type": "应为文字",
    "string_pattern_mismatch": "格式不对（应匹配 {pattern}）",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "greater_than_equal": "应不小于 {ge}",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "list_type": "应为列表，例如 [甲, 乙]",
    "tuple_type": "应为列表，例如 [甲, 乙]",
    "date_type": "应为 YYYY-MM-DD 格式的日期",
    "date_from_datetime_parsing": "应为 YYYY-MM-DD 格式的日期",
    "model_type": "应为“键: 值”形式的映射",
    "model_attributes_type": "应为“键: 值”形式的映射",
    "dict_type": "应为“键: 值”形式的映射",
}


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """A '（是否为“…”？）' hint when a close match exists, else ''."""
    match = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.5)
    return f"（是否为“{match[0]}”？）" if match else ""


def _field_name(loc: tuple[Any, ...]) -> str:
    name = ""
    for part in loc:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


def error_message(error: Mapping[str, Any], allowed_keys: Iterable[str]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        key = str(error["loc"][-1])
        return f"未知的键{did_you_mean(key, allowed_keys)}，允许的键：{'、'.join(allowed_keys)}"
    if kind == "value_error":
        return str(error["ctx"]["error"])
    template = _MESSAGES.get(kind)
    if template is None:
        return error["msg"]
    return template.format(**error.get("ctx", {}))


def validation_problems(
    exc: ValidationError,
    model: type[BaseModel],
    path: Path,
    lines: Mapping[Any, int],
    default_line: int | None = None,
) -> list[Problem]:
    """One Problem per pydantic error; ``lines`` maps a top-level key to its line."""
    problems = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        line = lines.get(loc[0], default_line) if loc else default_line
        target = model
        if len(loc) > 1 and loc[0] in model.model_fields:
            annotation = model.model_fields[loc[0]].annotation
            nested = [a for a in getattr(annotation, "__args__", (annotation,)) if isinstance(a, type)]
            target = next((a for a in nested if issubclass(a, BaseModel)), model)
        allowed = list(target.model_fields)
        problems.append(Problem(path, error_message(error, allowed), line, _field_name(loc) or None))
    return problems
