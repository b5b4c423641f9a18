"""`pufa stats import`: analytics exports in, reconciled snapshots into data/stats/reads.csv.

Formats are told apart by their content (JSON shape or header row); ``--source`` overrides.
Header labels drift between versions of the WeChat backend, so they go through an alias
table. Every row ends up counted once: matched, unmatched, ambiguous or skipped (with its
reason), and the totals add up to the rows read. Nothing is written unless the whole file
was read; the store and the list of unmatched rows are each replaced whole.
"""

from __future__ import annotations

import csv
import gc
import io
import itertools
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from pufa.content.models import Article
from pufa.shared.errors import PufaError
from pufa.shared.files import write_all
from pufa.shared.tables import (
    HEADER_SEARCH_ROWS,
    TableError,
    UncachedFormula,
    csv_reader,
    decode_csv,
    find_columns,
    head_rows,
    is_blank,
    is_total_row,
    normalise_header,
    parse_date,
    read_rows,
)
from pufa.stats.store import (
    ArticleMatcher,
    Match,
    ReadRow,
    Skipped,
    Snapshot,
    article_key,
    normalise_path,
    read_store,
    render_store,
)

FORMATS = ("wechat", "datacube", "plausible", "matomo", "umami", "baidu")
FORMAT_NAMES = {
    "wechat": "公众号图文数据导出", "datacube": "公众号数据接口 JSON", "plausible": "Plausible pages.csv",
    "matomo": "Matomo 页面网址", "umami": "Umami 指标 JSON", "baidu": "百度统计受访页面",
}
WECHAT_COLUMNS = {
    "title": ("内容标题", "标题", "文章标题", "图文标题"),
    "published": ("发表时间", "发布时间", "群发时间"),
    "reads": ("总阅读次数", "阅读次数", "总阅读数", "图文阅读次数", "阅读次数(次)", "总阅读次数(次)", "阅读量"),
    "readers": ("总阅读人数", "阅读人数", "图文阅读人数", "阅读人数(人)", "总阅读人数(人)"),
    "url": ("内容url", "内容链接", "文章链接", "原文链接", "url"),
}
WEB_COLUMNS = {
    "plausible": {"path": ("name", "page"), "reads": ("pageviews",), "readers": ("visitors",)},
    "matomo": {"path": ("url", "label"), "reads": ("nb_hits", "pageviews"), "readers": ("nb_visits", "nb_uniq_visitors")},
    "baidu": {
        "path": ("页面url", "受访页面", "url", "name"),
        "reads": ("浏览量(pv)", "pv_count", "浏览量"),
        "readers": ("访客数(uv)", "visitor_count", "访客数"),
    },
}
MAX_COUNT = 1_000_000_000
"""The largest figure any export may give for one article (10 亿): 1e20 is a broken cell."""
_DATE_IN_NAME = re.compile(r"(20\d{2})[-_]?(\d{2})[-_]?(\d{2})")
_ARTICLE_PATH = re.compile(r"^[a-z0-9-]+/\d{4}/[a-z0-9-]+$")


class StatsImportError(PufaError):
    """The file cannot be imported; the message names it and says why. Nothing was written."""


@dataclass
class Reconciliation:
    """What happened to every row read; matched + unmatched + ambiguous + skipped = read."""

    file: str
    format: str
    read: int = 0
    matched: int = 0
    unmatched: list[tuple[ReadRow, str]] = field(default_factory=list)
    ambiguous: list[tuple[ReadRow, str]] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    replaced: int = 0  # figures already stored for the same day, now different
    snapshots: dict[tuple[str, str, date], Snapshot] = field(default_factory=dict)

    def report(self) -> str:
        lines = [
            f"{self.file}（{FORMAT_NAMES[self.format]}）：读取 {self.read} 行，匹配 {self.matched} 行，"
            f"未匹配 {len(self.unmatched)} 行，无法确定 {len(self.ambiguous)} 行，跳过 {sum(self.skipped.values())} 行"
        ]
        lines += [f"  跳过 {count} 行：{reason}" for reason, count in sorted(self.skipped.items())]
        if self.replaced:
            lines.append(f"  注意：{self.replaced} 篇文章同一截至日期已有不同的数字，以本次导入为准"
                         "（同一天的网站数据只应来自一种统计工具）")
        for row, reason in (self.unmatched + self.ambiguous)[:20]:
            lines.append(f"  第 {row.row} 行 {row.title or row.url or row.path}：{reason}")
        extra = len(self.unmatched) + len(self.ambiguous) - 20
        if extra > 0:
            lines.append(f"  ……另有 {extra} 行，见 data/stats/unmatched.csv")
        return "\n".join(lines)


def as_of_from(path: Path, override: date | None) -> date | None:
    if override:
        return override
    match = _DATE_IN_NAME.findall(path.stem)
    if match:
        year, month, day = match[-1]  # an export named for a range ends with its last day
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            raise StatsImportError(f"{path.name}：文件名中的日期 {year}{month}{day} 不存在，请改正文件名或用 --as-of 指定") from None
    return None


def detect_format(path: Path) -> str:
    """Which export ``path`` is, from its content."""
    if path.suffix.lower() == ".json":
        data = _load_json(path)
        if isinstance(data, list) and all(isinstance(i, dict) and "x" in i and "y" in i for i in data):
            return "umami"
        if isinstance(data, dict) and (isinstance(data.get("list"), list) or data.get("errcode")):
            return "datacube"
        raise StatsImportError(f"{path.name}：无法识别的 JSON（应为公众号数据接口 getarticletotal / getarticlesummary 的返回，或 Umami 指标 [{{x, y}}]）")
    headers = {normalise_header(cell) for row in head_rows(path, HEADER_SEARCH_ROWS) for cell in row if cell is not None}
    if headers & {normalise_header(h) for h in WECHAT_COLUMNS["title"]}:
        return "wechat"
    for name, columns in WEB_COLUMNS.items():
        if headers & {normalise_header(h) for h in columns["reads"]} and headers & {normalise_header(h) for h in columns["path"]}:
            return name
    raise StatsImportError(f"{path.name}：无法从表头识别导出格式，请用 --source 指定（{'、'.join(FORMATS)}）")


def _load_json(path: Path) -> object:
    try:
        return json.loads(decode_csv(path.read_bytes(), path.name))
    except RecursionError:
        raise StatsImportError(f"{path.name}：JSON 嵌套层数过多，不是统计导出") from None
    except json.JSONDecodeError as exc:
        raise StatsImportError(f"{path.name}：不是有效的 JSON（第 {exc.lineno} 行：{exc.msg}）") from None


def _within_limit(count: int, where: str) -> int:
    """Every format's figures meet one limit: no article is read a billion times."""
    if count > MAX_COUNT:
        raise StatsImportError(f"{where}：{count:,} 超过了一篇文章可能的阅读次数（上限 {MAX_COUNT:,}），请检查导出文件")
    return count


def _int(value: object, row: int, column: str, name: str) -> int:
    """A count from a cell: 1234, 1234.0 or "1,234"; anything else is named."""
    where = f"{name} 第 {row} 行，“{column}”列"
    if isinstance(value, UncachedFormula):
        raise StatsImportError(f"{where}：{value.problem()}")
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return _within_limit(int(value), where)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return _within_limit(value, where)
    text = "" if value is None else str(value).strip().replace(",", "")
    if not text:
        raise StatsImportError(f"{where}：不能为空，应为非负整数")
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        raise StatsImportError(f"{where}：“{value}”不是非负整数")
    return _within_limit(int(text), where)


def _table_rows(path: Path, columns: dict[str, tuple[str, ...]], required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, object], dict[str, str]] | Skipped]:
    """(row number, cells by field, headers as written) per data row, or Skipped."""
    rows = read_rows(path)
    header_index, found = find_columns(rows, columns, path.name, required, path)
    headers = {name: header for name, (_, header) in found.items()}
    for number, values in enumerate(rows[header_index + 1 :], start=header_index + 2):
        if is_blank(values):
            yield Skipped(number, "空行")
        elif is_total_row(values):
            yield Skipped(number, "合计行")
        else:
            yield number, {name: values[i] if i < len(values) else None for name, (i, _) in found.items()}, headers


def wechat_rows(path: Path, as_of: date | None) -> Iterator[ReadRow | Skipped]:
    if as_of is None:
        raise StatsImportError(f"{path.name}：公众号导出不含导出日期，请用 --as-of YYYY-MM-DD 指定数据截至日期（或在文件名中写明，如 图文数据_20231231.xlsx）")
    for entry in _table_rows(path, WECHAT_COLUMNS, ("title", "reads")):
        if isinstance(entry, Skipped):
            yield entry
            continue
        number, cells, headers = entry
        if cells.get("published") not in (None, ""):
            try:
                parse_date(cells["published"])
            except ValueError as exc:
                raise StatsImportError(f"{path.name} 第 {number} 行，“{headers['published']}”列：{exc}") from None
        reads = _int(cells["reads"], number, headers["reads"], path.name)
        readers = _int(cells["readers"], number, headers["readers"], path.name) if cells.get("readers") not in (None, "") else None
        url = str(cells["url"]).strip() if cells.get("url") else None
        title = "" if cells["title"] is None else str(cells["title"]).strip()
        if not title and not url:
            yield Skipped(number, "没有标题和链接，无法对应文章")
            continue
        yield ReadRow("wechat", number, as_of, reads, readers, title=title or None, url=url)


def web_rows(path: Path, format: str, as_of: date | None) -> Iterator[ReadRow | Skipped]:
    if path.suffix.lower() == ".csv":
        yield from _fast_csv_rows(path, format, as_of)
        return
    if as_of is None:
        raise StatsImportError(f"{path.name}：{_NO_DATE}")
    for entry in _table_rows(path, WEB_COLUMNS[format], ("path", "reads")):
        if isinstance(entry, Skipped):
            yield entry
            continue
        number, cells, headers = entry
        readers = _int(cells["readers"], number, headers["readers"], path.name) if cells.get("readers") not in (None, "") else None
        yield ReadRow("web", number, as_of, _int(cells["reads"], number, headers["reads"], path.name), readers, path=str(cells["path"]))


_NO_DATE = "请用 --as-of YYYY-MM-DD 指定这份导出的数据截至日期（或在文件名中写明日期）"
_DATE_RANGE = re.compile(r"(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})\s*(?:-|~|至|到)\s*(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})")


def _range_end(rows: list[list[str]]) -> date | None:
    """The last day of a 时间范围 line above the header (百度统计 writes one)."""
    for row in rows:
        for cell in row[1:2]:
            found = _DATE_RANGE.search(cell)
            if found and "时间" in row[0]:
                year, month, day = (int(n) for n in found.groups()[3:])
                try:
                    return date(year, month, day)
                except ValueError:
                    return None
    return None


def _fast_csv_rows(path: Path, format: str, as_of: date | None) -> Iterator[ReadRow | Skipped]:
    """Web analytics CSVs run to a million rows: read them with the csv module directly.
    百度统计 puts the site name and date range above the header, so the header is searched
    for, and the range's last day must be the day the figures are as of."""
    reader = csv_reader(decode_csv(path.read_bytes(), path.name), path.name)
    head = list(itertools.islice(reader, HEADER_SEARCH_ROWS))
    header_index, found = find_columns(head, WEB_COLUMNS[format], path.name, ("path", "reads"))
    range_end = _range_end(head[:header_index])
    if as_of is None:
        as_of = range_end
    if as_of is None:
        raise StatsImportError(f"{path.name}：{_NO_DATE}")
    if range_end is not None and range_end != as_of:
        raise StatsImportError(f"{path.name}：文件中的时间范围截至 {range_end}，与数据截至日期 {as_of} 不符；"
                               "累计数应从网站开始统计之日算起，截至导出日期")
    (path_at, _), (reads_at, reads_header) = found["path"], found["reads"]
    readers_at = found["readers"][0] if "readers" in found else None
    rows = itertools.chain(head[header_index + 1 :], reader)
    needed = max(path_at, reads_at)
    for number, values in enumerate(rows, start=header_index + 2):
        page = values[path_at] if len(values) > path_at else ""
        if (not page or page.isspace()) and not "".join(values).strip():  # a page address: not empty
            yield Skipped(number, "空行")
            continue
        if len(values) <= needed:
            raise StatsImportError(f"{path.name} 第 {number} 行：只有 {len(values)} 列，缺少数据")
        if not page.startswith(("/", "http")) and is_total_row(values):  # the regex only for odd rows
            yield Skipped(number, "合计行")
            continue
        reads_text = values[reads_at]
        if not (reads_text.isdigit() and reads_text.isascii()):  # "1,234" and " 12 " are rare: cleaned only then
            reads_text = reads_text.replace(",", "").strip()
            if not (reads_text.isascii() and reads_text.isdigit()):
                raise StatsImportError(f"{path.name} 第 {number} 行，“{reads_header}”列：“{values[reads_at]}”不是非负整数")
        reads = int(reads_text)
        if reads > MAX_COUNT:
            _within_limit(reads, f"{path.name} 第 {number} 行，“{reads_header}”列")
        readers = None
        if readers_at is not None and readers_at < len(values):
            readers_text = values[readers_at]
            if not (readers_text.isdigit() and readers_text.isascii()):
                readers_text = readers_text.replace(",", "").strip()
            readers = int(readers_text) if readers_text.isascii() and readers_text.isdigit() else None  # 百度 writes --
            if readers is not None and readers > MAX_COUNT:
                _within_limit(readers, f"{path.name} 第 {number} 行，访客数")
        yield ReadRow.web(number, as_of, reads, readers, page)


def umami_rows(path: Path, as_of: date | None) -> Iterator[ReadRow | Skipped]:
    if as_of is None:
        raise StatsImportError(f"{path.name}：{_NO_DATE}")
    data = _load_json(path)
    if not isinstance(data, list):
        raise StatsImportError(f"{path.name}：Umami 指标应为 [{{\"x\": 页面路径, \"y\": 浏览次数}}, …] 形式的列表")
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise StatsImportError(f"{path.name} 第 {number} 项：应为 {{\"x\": 页面路径, \"y\": 浏览次数}}，实际为 {item!r:.60}")
        value = item.get("y")
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise StatsImportError(f"{path.name} 第 {number} 项：y 应为非负整数，实际为 {value!r}")
        yield ReadRow("web", number, as_of, value, None, path=str(item.get("x") or ""))


def _count(item: dict, key: str, name: str, number: int) -> int:
    value = item.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise StatsImportError(f"{name} list 第 {number} 项：{key} 应为非负整数，实际为 {value!r:.40}")
    return _within_limit(value, f"{name} list 第 {number} 项，{key}")


def datacube_rows(path: Path, as_of: date | None) -> Iterator[ReadRow | Skipped]:
    """getarticletotal: each article's details[] are cumulative by stat_date (take the newest).
    getarticlesummary: what each article was read on each day the response covers; the
    figures are added up and marked as reads since the response's first day."""
    data = _load_json(path)
    if isinstance(data, dict) and data.get("errcode"):
        raise StatsImportError(f"{path.name}：接口返回错误 {data.get('errcode')}：{data.get('errmsg')}（这不是数据，请重新调用接口）")
    if not isinstance(data, dict) or not isinstance(data.get("list"), list):
        raise StatsImportError(f"{path.name}：应为公众号数据接口的返回 {{\"list\": [...]}}")
    totals: dict[str, list] = {}
    first_day: date | None = None
    for number, item in enumerate(data["list"], start=1):
        if not isinstance(item, dict):
            raise StatsImportError(f"{path.name} list 第 {number} 项：应为对象，实际为 {item!r:.40}")
        title = str(item.get("title") or "").strip()
        details = item.get("details")
        try:
            if isinstance(details, list) and details:
                if not all(isinstance(d, dict) for d in details):
                    raise ValueError("details 的每一项应为对象")
                newest = max(details, key=lambda d: str(d.get("stat_date")))
                day = date.fromisoformat(newest["stat_date"])
                reads = _count(newest, "int_page_read_count", path.name, number)
                readers = _count(newest, "int_page_read_user", path.name, number)
                yield ReadRow("wechat", number, as_of or day, reads, readers, title=title)
                continue
            day = date.fromisoformat(item["ref_date"])
        except (KeyError, ValueError, TypeError) as exc:
            raise StatsImportError(f"{path.name} list 第 {number} 项：缺少或无效的日期字段（{exc}）") from None
        reads = _count(item, "int_page_read_count", path.name, number)
        first_day = day if first_day is None else min(first_day, day)
        entry = totals.setdefault(str(item.get("msgid") or title), [number, title, day, 0, 0])
        entry[2] = max(entry[2], day)
        entry[3] += reads
        entry[4] += 1
    for number, title, day, reads, days in totals.values():
        yield ReadRow("wechat", number, as_of or day, reads, None, title=title, daily_from=first_day)
        for _ in range(days - 1):
            yield Skipped(number, "同一篇文章的其他日期（已合计）")


def _cumulative(daily: int, since: date, article: Article, known: Mapping[tuple[str, str, date], Snapshot]) -> int | str:
    """Reads read from ``since`` on, made cumulative without guessing: the day-before
    snapshot is the base, or none is needed if the article came out that day or later."""
    base_day = since - timedelta(days=1)
    base = known.get((article_key(article), "wechat", base_day))
    if base is not None:
        return base.reads + daily
    if article.meta.date >= since:
        return daily
    return f"每日数据缺少 {base_day.isoformat()} 的累计阅读数作为基数，请先导入截至该日的数据"


_UNDECIDED = object()


def _decide(row: ReadRow, page: object, matcher: ArticleMatcher) -> tuple[Match, str] | None:
    """A page's match and article key; None for a web page that is not an article's address."""
    if row.source != "web":
        match = matcher.match(row)
    elif not (isinstance(page, str) and _ARTICLE_PATH.match(page)) and not matcher.has_path_alias(page):
        return None
    elif isinstance(page, str) and "/" in row.path and "mp.weixin.qq.com" not in row.path:
        match = matcher.match_site_path(page)  # old addresses are many, and each is its own page
    else:
        match = matcher.match(row)
    return match, article_key(match.article) if match.article else ""


def import_file(
    path: Path, matcher: ArticleMatcher, format: str | None = None, as_of: date | None = None,
    known: Mapping[tuple[str, str, date], Snapshot] | None = None, today: date | None = None,
) -> Reconciliation:
    """Read and match one export; nothing is written here. ``known`` is the store plus what
    earlier files of the same import hold: daily figures build on it, and a figure that
    differs from a known one for the same day is counted as replaced."""
    known = known or {}
    try:
        format = format or detect_format(path)
        day = as_of_from(path, as_of)
        rows = {
            "wechat": lambda: wechat_rows(path, day),
            "datacube": lambda: datacube_rows(path, as_of),
            "umami": lambda: umami_rows(path, day),
        }.get(format, lambda: web_rows(path, format, day))()
        result = Reconciliation(path.name, format)
        pages: dict[object, tuple[Match, str] | None] = {}  # one decision per page, None: not an article
        totals: dict[tuple[str, str, date], list] = {}  # snapshot → [reads, readers], added up
        daily: dict[tuple[str, str, date], list] = {}  # getarticlesummary: summed before the base is added
        read = not_articles = 0  # most rows of a web export are not articles: counted, not kept
        for item in rows:
            read += 1
            if isinstance(item, Skipped):
                result.skipped[item.reason] += 1
                continue
            # /x/?from=a and /x/index.html are one page: decided once
            page = normalise_path(item.path or "") if item.source == "web" else (item.url, item.path, item.title)
            decision = pages.get(page, _UNDECIDED)
            if decision is _UNDECIDED:
                decision = pages[page] = _decide(item, page, matcher)
            if decision is None:
                not_articles += 1
                continue
            match, key = decision
            if match.article is None:
                (result.ambiguous if "无法确定" in match.reason else result.unmatched).append((item, match.reason))
                continue
            snapshot_key = (key, item.source, item.as_of)
            if item.daily_from is not None:
                entry = daily.setdefault(snapshot_key, [match.article, item.daily_from, 0, 0])
                entry[2] += item.reads
                entry[3] += 1
                continue
            result.matched += 1
            figures = totals.get(snapshot_key)
            if figures is None:
                totals[snapshot_key] = [item.reads, item.readers]
            else:  # one page under several URLs, or one article sent out twice
                figures[0] += item.reads
                figures[1] = None if item.readers is None or figures[1] is None else figures[1] + item.readers
        result.read = read
        for (key, source, day), (reads, readers) in totals.items():
            result.snapshots[key, source, day] = Snapshot(key, source, day, reads, readers)
        if not_articles:
            result.skipped["不是文章页面"] += not_articles
        for snapshot_key, (article, since, reads, count) in daily.items():
            cumulative = _cumulative(reads, since, article, known)
            if isinstance(cumulative, str):
                result.skipped[cumulative] += count
                continue
            result.matched += count
            result.snapshots[snapshot_key] = Snapshot(snapshot_key[0], "wechat", snapshot_key[2], cumulative, None)
        result.replaced = sum(1 for k, s in result.snapshots.items() if k in known and known[k].reads != s.reads)
        future = max((s.as_of for s in result.snapshots.values()), default=None)
        if today and future and future > today:
            raise StatsImportError(f"{path.name}：数据截至日期 {future} 晚于今天（{today}），请检查文件名或 --as-of")
        return result
    except TableError as exc:
        raise StatsImportError(str(exc)) from None
    except (csv.Error, RecursionError) as exc:
        raise StatsImportError(f"{path.name}：文件格式错误，无法读取（{type(exc).__name__}: {str(exc)[:80]}）") from None


def import_files(
    paths: Iterable[Path], matcher: ArticleMatcher, stats_dir: Path, format: str | None = None,
    as_of: date | None = None, today: date | None = None,
) -> list[Reconciliation]:
    """Every file, in order, each seeing the store and the files before it; still writes nothing."""
    known = dict(read_store(stats_dir / "reads.csv"))
    results = []
    with _collector_paused():
        for path in paths:
            result = import_file(path, matcher, format, as_of, known, today)
            known.update(result.snapshots)
            results.append(result)
    return results


@contextmanager
def _collector_paused() -> Iterator[None]:
    """A million-row export makes millions of small lists and tuples, none of them in a
    cycle: they are freed as they go, and the cycle collector walking the unmatched rows
    kept so far again and again cost a tenth of the import."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


UNMATCHED_FIELDS = ("source", "file", "row", "title", "url", "reads", "reason")


def merge_unmatched(path: Path, results: list[Reconciliation]) -> str:
    """Rows no article claimed, kept for editors: earlier ones from the same file are replaced.
    Editors open this file in Excel, so what it holds is read leniently."""
    files = {r.file for r in results}
    kept: list[tuple[str, ...]] = []
    if path.is_file():
        text = decode_csv(path.read_bytes(), path.name)
        try:
            for row in csv.DictReader(io.StringIO(text, newline="")):
                if row.get("file") not in files:
                    kept.append(tuple(row.get(name) or "" for name in UNMATCHED_FIELDS))
        except csv.Error as exc:
            raise StatsImportError(f"{path}：无法读取（{exc}）；可以删除此文件，下次导入会重新生成") from None
    for result in results:
        kept.extend(
            (row.source, result.file, str(row.row), row.title or "", row.url or row.path or "", str(row.reads), reason)
            for row, reason in result.unmatched + result.ambiguous
        )
    file_at, row_at, url_at = (UNMATCHED_FIELDS.index(name) for name in ("file", "row", "url"))
    kept.sort(key=lambda r: (r[file_at], int(r[row_at]) if r[row_at].isdecimal() else 0, r[url_at]))  # not ²
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(UNMATCHED_FIELDS)
    writer.writerows(kept)
    return "\ufeff" + buffer.getvalue()


def apply(stats_dir: Path, results: list[Reconciliation]) -> bool:
    """Merge every file's snapshots into the store; True when the store changed. Both files
    are worked out, then written as one change (call it holding data/'s lock)."""
    store_path = stats_dir / "reads.csv"
    unmatched_path = stats_dir / "unmatched.csv"
    store = read_store(store_path)
    for result in results:
        store.update(result.snapshots)
    after = render_store(store.values())
    unmatched = merge_unmatched(unmatched_path, results)
    changed = not store_path.is_file() or store_path.read_bytes() != after.encode("utf-8")
    changes = {store_path: after} if changed else {}
    if not unmatched_path.is_file() or unmatched_path.read_bytes() != unmatched.encode("utf-8"):
        changes[unmatched_path] = unmatched
    write_all(stats_dir.parent, changes)
    return changed
