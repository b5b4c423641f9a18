"""The one loader of hand-written YAML records: what it returns and how it names problems."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import Field

from pufa.shared.errors import Problem
from pufa.shared.records import Record, Text, load_folder, load_list, load_one, read_folder


class Entry(Record):
    name: Text
    count: int = Field(default=1, ge=1)


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_a_list_gives_each_record_its_line(tmp_path: Path):
    write(tmp_path / "data" / "entries.yml", "# 注释\n- name: 甲\n- name: 乙\n  count: 3\n")
    problems: list[Problem] = []
    found = load_list(tmp_path / "data" / "entries.yml", tmp_path, Entry, problems)
    assert problems == []
    assert [(f.record.name, f.record.count, str(f.path), f.line) for f in found] == [
        ("甲", 1, "data/entries.yml", 2), ("乙", 3, "data/entries.yml", 3),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- name: 甲\n- nmae: 乙\n", "data/entries.yml:2: nmae: 未知的键（是否为“name”？）"),
        ("- name: 甲\n- name: 乙\n  count: 0\n", "data/entries.yml:2: count: 应不小于 1"),
        ("name: 甲\n", "data/entries.yml:1: 应为列表，每项一条记录"),
        ("- name: [甲\n", "data/entries.yml:2: YAML 语法错误"),
        ("- name: 甲\n  count: 2\n  count: 3\n", "data/entries.yml:3: count: 键重复（第 2 行已写过）"),
    ],
)
def test_list_problems_name_the_file_line_and_field(tmp_path: Path, text: str, expected: str):
    write(tmp_path / "data" / "entries.yml", text)
    problems: list[Problem] = []
    load_list(tmp_path / "data" / "entries.yml", tmp_path, Entry, problems)
    assert any(str(problem).startswith(expected) for problem in problems), problems


def test_a_missing_list_is_a_problem_but_a_missing_single_record_is_not(tmp_path: Path):
    problems: list[Problem] = []
    assert load_list(tmp_path / "data" / "x.yml", tmp_path, Entry, problems) == []
    assert [str(p) for p in problems] == ["data/x.yml: 文件不存在"]
    assert load_one(tmp_path / "data" / "y.yml", tmp_path, Entry, problems) is None
    assert len(problems) == 1


def test_one_record_per_file_and_an_empty_single_file_means_defaults(tmp_path: Path):
    class Rules(Record):
        years: int = 3

    write(tmp_path / "rules.yml", "# 只有注释\n")
    problems: list[Problem] = []
    assert load_one(tmp_path / "rules.yml", tmp_path, Rules, problems).record == Rules()
    write(tmp_path / "rules.yml", "years: 三\n")
    assert load_one(tmp_path / "rules.yml", tmp_path, Rules, problems) is None
    assert [str(p) for p in problems] == ["rules.yml:1: years: 应为整数"]


def test_a_folder_reads_every_yml_in_order_and_reports_each_bad_one(tmp_path: Path):
    folder = tmp_path / "data" / "items"
    write(folder / "b.yml", "name: 乙\n")
    write(folder / "a.yml", "name: 甲\n")
    write(folder / "c.yml", "- name: 丙\n")
    write(folder / "d.yml", "name: 丁\n".encode("gb18030"))
    write(folder / "e.yml", "")
    write(folder / "notes.txt", "不是记录")
    problems: list[Problem] = []
    found = load_folder(folder, tmp_path, Entry, problems)
    assert [f.record.name for f in found] == ["甲", "乙"]
    assert [str(p) for p in problems] == [
        "data/items/c.yml:1: 应为“键: 值”形式的一条记录",
        "data/items/d.yml:1: 文件应使用 UTF-8 编码（用记事本另存为时选择 UTF-8）",
        "data/items/e.yml:1: 应为“键: 值”形式的一条记录",
    ]
    assert load_folder(tmp_path / "absent", tmp_path, Entry, problems) == []


def test_raw_documents_keep_data_and_lines_for_importers(tmp_path: Path):
    write(tmp_path / "p" / "x.yml", "decision_number: 甲\nparty: 乙\n")
    problems: list[Problem] = []
    (doc,) = read_folder(tmp_path / "p", tmp_path, problems)
    assert doc.data == {"decision_number": "甲", "party": "乙"} and doc.lines == {"decision_number": 1, "party": 2}
    assert str(doc.path) == "p/x.yml"
