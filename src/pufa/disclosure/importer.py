"""`pufa penalties import`: the inspectorate's export (.xlsx or .csv) into data/penalties/.

Every row is checked before anything is written; one bad row means no file changes, and
the report names each problem's row (as Excel numbers it) and column. A decision already
on file keeps what only the site records (credit repair, withdrawal, arrears paid), and a
record whose content did not change is not rewritten, so importing the same export twice
changes nothing. 违法事实 is masked on the way in: personal data never enters the repository.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from pydantic import ValidationError

from pufa.disclosure.lifecycle import earliest_credit_repair
from pufa.disclosure.records import DisclosureRules, Penalty, decision_slug
from pufa.privacy.masking import mask_personal_data
from pufa.privacy.scanner import find_leaks
from pufa.shared.errors import Problem, PufaError
from pufa.shared.files import write_all
from pufa.shared.frontmatter import CONTROL_CHARACTERS
from pufa.shared.records import load_one, read_folder
from pufa.shared.tables import (
    Row,
    TableError,
    UncachedFormula,
    find_columns,
    refuse_split_header,
    is_blank,
    is_total_row,
    parse_date,
    read_rows,
)
from pufa.shared.validation import error_message

COLUMNS: dict[str, tuple[str, ...]] = {
    "party": ("行政相对人名称", "当事人名称", "被处罚单位名称", "单位名称"),
    "credit_code": ("统一社会信用代码", "行政相对人代码_1(统一社会信用代码)", "社会信用代码"),
    "legal_representative": ("法定代表人", "法定代表人(负责人)", "法定代表人姓名", "负责人"),
    "decision_number": ("行政处罚决定书文号", "处罚决定书文号", "决定书文号"),
    "violation_type": ("违法行为类型",),
    "facts": ("违法事实", "主要违法事实"),
    "basis": ("处罚依据",),
    "category": ("处罚类别",),
    "content": ("处罚内容",),
    "fine": ("罚款金额(万元)", "罚款金额(元)", "罚款金额"),
    "decision_date": ("处罚决定日期", "决定日期"),
    "authority": ("处罚机关",),
    "authority_code": ("处罚机关统一社会信用代码",),
    "workers": ("涉及劳动者人数", "涉及人数", "涉及劳动者(人)"),
    "wages_owed": ("拖欠工资金额(元)", "拖欠工资金额(万元)", "拖欠工资金额", "拖欠工资(元)"),
}
REQUIRED = ("party", "credit_code", "legal_representative", "decision_number", "violation_type", "facts",
            "basis", "category", "content", "fine", "decision_date", "authority", "authority_code")
SITE_ONLY = ("arrears_paid", "credit_repair_date", "withdrawal")
MAX_YUAN = 100_000_000_000
"""No fine or wage debt of one decision reaches 1,000 亿元: a larger figure is a unit or typing error."""
UNMASKED_TEXT = ("party", "legal_representative", "violation_type", "basis", "category", "content", "authority")
"""Text published as exported (违法事实 alone is masked on the way in)."""


@dataclass(frozen=True)
class ImportProblem:
    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file} 第 {self.row} 行"
        return f"{where}{f'，“{self.column}”列' if self.column else ''}：{self.message}"


class ImportFailed(PufaError):
    def __init__(self, problems: list[ImportProblem]):
        self.problems = problems
        lines = [f"导入失败，发现 {len(problems)} 处问题，没有写入任何文件："]
        super().__init__("\n".join(lines + [f"  {p}" for p in problems]))


@dataclass(frozen=True)
class Change:
    kind: str  # 新增 / 更新 / 未变
    decision_number: str
    path: Path
    text: str


@dataclass
class ImportPlan:
    rows_read: int = 0
    skipped: list[str] = field(default_factory=list)
    masked: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for change in self.changes if change.kind == kind)

    def summary(self) -> str:
        return (
            f"读取 {self.rows_read} 行：新增 {self.count('新增')} 条，更新 {self.count('更新')} 条，"
            f"未变 {self.count('未变')} 条，跳过 {len(self.skipped)} 行"
        )


def parse_amount(value: object, header: str) -> Decimal:
    """An amount in 元: "1,234.50元", "0.5万元", or a bare number in the unit the header names."""
    if isinstance(value, bool):
        raise ValueError("应为金额")
    text = str(value).strip().replace(",", "").replace("，", "").replace("¥", "").replace("￥", "").replace(" ", "")
    if isinstance(value, float):
        text = repr(value)
    unit = "万元" if text.endswith("万元") else "元" if text.endswith("元") else None
    number_text = text[: -len(unit)] if unit else text
    if unit is None:
        normalised = header.replace("（", "(").replace("）", ")")
        unit = "万元" if "万元" in normalised else "元" if "(元)" in normalised else None
    try:
        number = Decimal(number_text)
    except InvalidOperation:
        raise ValueError(f"“{value}”不是金额，应写成 1,234.50元 或 0.5万元") from None
    if not number.is_finite():
        raise ValueError(f"“{value}”不是金额")
    if unit is None:
        raise ValueError(f"“{value}”没有注明单位（元或万元），列名也未注明")
    if number < 0:
        raise ValueError(f"金额不能为负数（“{value}”）")
    yuan = number * 10000 if unit == "万元" else number
    if yuan > MAX_YUAN:
        raise ValueError(f"“{str(value)[:30]}”超过了合理的金额（上限 {MAX_YUAN // 100_000_000:,} 亿元），请检查单位")
    if yuan != yuan.quantize(Decimal("0.01")):
        raise ValueError(f"“{value}”折合 {yuan} 元，金额最多精确到分")
    return yuan.quantize(Decimal("0.01")) + 0  # + 0: -0.00 becomes 0.00


def _parse_cell(field_name: str, value: object, header: str) -> object:
    if isinstance(value, UncachedFormula):
        raise ValueError(value.problem())
    control = CONTROL_CHARACTERS.search(str(value))
    if control:
        raise ValueError(f"含有不可见的控制字符（U+{ord(control.group(0)):04X}），请在导出文件中删除")
    if field_name in ("fine", "wages_owed"):
        return parse_amount(value, header)
    if field_name == "decision_date":
        return parse_date(value)
    if field_name == "workers":
        if isinstance(value, float) and value.is_integer():
            return int(value)
        text = str(value).strip().removesuffix("人")
        if not text.isdigit():
            raise ValueError(f"“{value}”不是人数，应为整数")
        return int(text)
    if field_name in ("credit_code", "authority_code") and isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError(f"被 Excel 存成了数字（{value:.0f}），18 位代码的末几位可能已经丢失：请把这一列设为“文本”格式后重新导出")
    text = str(value).strip()
    if field_name in ("credit_code", "authority_code"):
        return text.upper()
    if field_name == "decision_number":  # exports write [2023], (2023) or 〔2023〕 alike
        return re.sub(r"[\[（(【](\d{4})[\]）)】]", r"〔\1〕", text)
    return text


def read_penalty_rows(path: Path, defaults: dict[str, str] | None = None) -> tuple[list[Row], dict[str, str], list[str]]:
    """The data rows (blank and total rows left out), the columns found, and what was skipped.
    A column with a value in ``defaults`` may be missing."""
    rows = read_rows(path)
    header_index, columns = find_columns(rows, COLUMNS, path.name, path=path)
    missing = [COLUMNS[name][0] for name in REQUIRED if name not in columns and name not in (defaults or {})]
    if missing:
        refuse_split_header(rows, COLUMNS, path.name)
        raise TableError(f"{path.name}：缺少必需的列：{'、'.join(missing)}")
    data: list[Row] = []
    skipped: list[str] = []
    for offset, values in enumerate(rows[header_index + 1 :], start=header_index + 2):
        if is_blank(values):
            continue
        if is_total_row(values):
            skipped.append(f"第 {offset} 行是合计行，已跳过")
            continue
        cells = {name: values[position] if position < len(values) else None for name, (position, _) in columns.items()}
        data.append(Row(offset, cells))
    return data, {name: header for name, (_, header) in columns.items()}, skipped


def _existing(penalties_dir: Path, root: Path) -> dict[str, tuple[Path, dict]]:
    """Records already on file, as written (not validated: an import may be what fixes one)."""
    problems: list[Problem] = []
    documents = read_folder(penalties_dir, root, problems)
    if problems:
        raise ImportFailed([ImportProblem(str(p.path), p.line, None, f"现有记录无法读取：{p.message}") for p in problems])
    return {
        str(doc.data["decision_number"]): (root / doc.path, doc.data)
        for doc in documents
        if isinstance(doc.data, dict) and "decision_number" in doc.data
    }


def _taken_names(existing: dict[str, tuple[Path, dict]], home_prefix: str | None) -> dict[str, str]:
    taken: dict[str, str] = {}
    for number, (path, _) in existing.items():
        taken[path.name] = number
        slug = decision_slug(number, home_prefix)
        if slug:
            taken[slug] = number
    return taken


def penalty_yaml(record: Penalty) -> str:
    """A record as the YAML an inspector would write by hand (field order of the model)."""
    data: dict[str, object] = {}
    for name, value in record.model_dump(mode="python", exclude_none=True).items():
        if isinstance(value, Decimal):
            value = int(value) if value == value.to_integral_value() else float(value)
        data[name] = value
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=False)
    return "# 行政处罚决定（pufa penalties import 导入；可手工补充信用修复、撤回等信息）\n" + body


def plan_import(source: Path, root: Path) -> ImportPlan:
    """What importing ``source`` would change; raises ImportFailed or TableError, writing nothing.
    Every problem of every row is listed, so one run shows all there is to fix."""
    penalties_dir = root / "data" / "penalties"
    rules = _rules(root)
    defaults = {name: value for name in ("authority", "authority_code") if (value := getattr(rules, name))}
    rows, headers, skipped = read_penalty_rows(source, defaults)
    absent = {name: value for name, value in defaults.items() if name not in headers}
    existing = _existing(penalties_dir, root)
    plan = ImportPlan(rows_read=len(rows) + len(skipped), skipped=skipped)
    plan.notes += [f"导出文件没有“{COLUMNS[name][0]}”列，按 data/disclosure.yml 填为 {value}" for name, value in absent.items()]
    problems: list[ImportProblem] = []
    seen: dict[str, int] = {}
    taken = _taken_names(existing, rules.decision_prefix)
    for row in rows:
        found: list[ImportProblem] = []

        def problem(name: str | None, message: str) -> None:
            found.append(ImportProblem(source.name, row.number, headers.get(name) if name else None, message))

        values: dict[str, object] = dict(absent)
        for name, value in row.cells.items():
            if value is None or str(value).strip() == "":
                if name in REQUIRED:
                    problem(name, "不能为空")
                continue
            try:
                values[name] = _parse_cell(name, value, headers[name])
            except ValueError as exc:
                problem(name, str(exc))
        reported = {p.column for p in found}
        number = str(values.get("decision_number", ""))
        if number and number in seen:
            problem("decision_number", f"文号“{number}”与第 {seen[number]} 行重复")
        seen.setdefault(number, row.number)
        if "facts" in values:
            masked = mask_personal_data(str(values["facts"]), [str(values.get("legal_representative", ""))])
            if masked.count:
                plan.masked.append(f"第 {row.number} 行：违法事实中隐去 {masked.count} 处个人信息")
            values["facts"] = masked.text
        for name in UNMASKED_TEXT:  # published as written: a personal number there is refused
            for leak in find_leaks(str(values.get(name, "")), source.name):
                problem(name, f"含有疑似{leak.kind} {leak.masked}，不能公示：请在导出文件中删除后再导入")
        path, old = existing.get(number, (None, {}))
        for name in SITE_ONLY + ("workers", "wages_owed"):
            if name in old and name not in values:
                values[name] = old[name]
        record = None
        try:
            record = Penalty.model_validate(values)
        except ValidationError as exc:
            for error in exc.errors():
                name = str(error["loc"][0]) if error["loc"] else None
                if headers.get(name) not in reported:  # a cell already named is not named again
                    problem(name, error_message(error, Penalty.model_fields))
        if record and record.credit_repair_date and record.credit_repair_date < earliest_credit_repair(record):
            problem("decision_date", "与已登记的信用修复日期冲突（早于最短公示期）")
        problems += found
        if record and not found:
            slug = record.slug(rules.decision_prefix)
            plan.changes.append(_change(record, slug, path, old, penalties_dir, taken, root, problems, source.name, row.number))
    if problems:
        raise ImportFailed(problems)
    return plan


def _rules(root: Path) -> DisclosureRules:
    """data/disclosure.yml: the bureau's own 代字 (file names) and its 处罚机关 and code (for
    exports of its own decisions that leave those columns out)."""
    problems: list[Problem] = []
    rules = load_one(root / "data" / "disclosure.yml", root, DisclosureRules, problems)
    if problems:
        raise ImportFailed([ImportProblem(str(p.path), p.line, p.field, p.message) for p in problems])
    return rules.record if rules else DisclosureRules()


def _change(record: Penalty, slug: str, path: Path | None, old: dict, penalties_dir: Path, taken: dict[str, str],
            root: Path, problems: list[ImportProblem], source: str, row: int) -> Change:
    """``taken`` maps every file name and slug already used (on disk or by an earlier row) to its 文号."""
    text = penalty_yaml(record)
    if path is None:
        path = penalties_dir / f"{slug}.yml"
        for key in (path.name, slug):
            if key in taken and taken[key] != record.decision_number:
                problems.append(ImportProblem(
                    source, row, None, f"文号的年份和序号与“{taken[key]}”相同，无法为它建立 {path.relative_to(root)}",
                ))
                break
        taken[path.name] = taken[slug] = record.decision_number
        return Change("新增", record.decision_number, path, text)
    try:
        unchanged = Penalty.model_validate(old) == record
    except ValidationError:
        unchanged = False
    return Change("未变" if unchanged else "更新", record.decision_number, path, text)


def apply_import(plan: ImportPlan, data_dir: Path) -> None:
    """Write the new and changed records as one change: all of them or none, even if the
    import is killed (call it holding data/'s lock)."""
    write_all(data_dir, {change.path: change.text for change in plan.changes if change.kind != "未变"})
