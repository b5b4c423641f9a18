"""The disclosure section of the site: /disclosure/ and its pages, open data and feed.

Only what ``Disclosure`` says may be shown today reaches these pages; 违法事实 arrives
masked. The open data uses the national 双公示 field names, amounts in 万元 as the
standard states them, and a BOM so that Excel opens the CSV with the Chinese intact.
"""

from __future__ import annotations

import csv
import io
import json

from pufa.disclosure.lifecycle import Disclosure, ShownPenalty
from pufa.shared.formats import to_wan
from pufa.shared.output import DataFile, Page, Render
from pufa.site.feeds import Entry, Feed

OPEN_DATA_FIELDS = (
    "行政相对人名称",
    "统一社会信用代码",
    "法定代表人",
    "行政处罚决定书文号",
    "违法行为类型",
    "违法事实",
    "处罚依据",
    "处罚类别",
    "处罚内容",
    "罚款金额（万元）",
    "处罚决定日期",
    "公示截止期",
    "处罚机关",
    "处罚机关统一社会信用代码",
)


def open_data_record(item: ShownPenalty) -> dict[str, str]:
    p = item.record
    values = (
        p.party, p.credit_code, p.legal_representative, p.decision_number, p.violation_type, item.facts,
        p.basis, p.category, item.content, to_wan(p.fine), p.decision_date.isoformat(), item.end.isoformat(),
        p.authority, p.authority_code,
    )
    return dict(zip(OPEN_DATA_FIELDS, values))


def _as_text(value: str) -> str:
    """Excel runs a cell that starts with = + - @ as a formula: make it plain text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def penalties_csv(shown: list[ShownPenalty]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=OPEN_DATA_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({k: _as_text(v) for k, v in open_data_record(item).items()} for item in shown)
    return "\ufeff" + buffer.getvalue()  # the BOM tells Excel the file is UTF-8


def penalties_json(shown: list[ShownPenalty], disclosure: Disclosure) -> str:
    document = {
        "说明": "正在公示的劳动保障监察行政处罚决定；字段名依照“双公示”数据标准，罚款金额单位为万元。",
        "数据日期": disclosure.today.isoformat(),
        "记录数": len(shown),
        "记录": [open_data_record(item) for item in shown],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def penalty_entry(item: ShownPenalty) -> Entry:
    p = item.record
    return Entry(
        f"disclosure/{item.slug}.md", f"disclosure/{item.slug}/", f"{p.party}（{p.decision_number}）",
        p.decision_date, None, p.authority, f"{p.violation_type}：{item.content}", (p.violation_type,),
        full_text=False,  # aggregators keep what they fetch: a feed must not outlive the display period
    )


def disclosure_feed(disclosure: Disclosure, site_name: str) -> Feed:
    entries = tuple(penalty_entry(item) for item in disclosure.current)
    return Feed(
        "disclosure/", "disclosure", "行政处罚公示", f"{site_name} · 行政处罚公示",
        "正在公示的劳动保障监察行政处罚决定。", entries,
    )


class DisclosurePages:
    """/disclosure/ and its pages and open data, rendered by the site's renderer."""

    def __init__(self, disclosure: Disclosure, render: Render):
        self.disclosure = disclosure
        self._render_page = render
        self._notice = disclosure.rules.notice

    def _render(self, template: str, **context) -> str:
        return self._render_page(template, notice=self._notice, **context)

    def pages(self) -> list[Page]:
        shown = self.disclosure.current
        pages = [
            Page("disclosure/index.md", self._render(
                "disclosure.md.j2",
                shown=shown,
                years=sorted({item.record.year for item in shown}, reverse=True),
                types=sorted({item.record.violation_type for item in shown}),
                stats=self.disclosure.yearly_stats(),
            ), in_nav=True),
            Page("disclosure/blacklist.md", self._render("blacklist.md.j2", entries=self.disclosure.listed())),
            Page("disclosure/withdrawn.md", self._render("withdrawn.md.j2", withdrawn=self.disclosure.withdrawn())),
        ]
        pages += [Page(f"disclosure/{item.slug}.md", self._render("penalty.md.j2", item=item, p=item.record)) for item in shown]
        return pages

    def data_files(self) -> list[DataFile]:
        shown = self.disclosure.current
        return [
            DataFile("disclosure/penalties.csv", penalties_csv(shown)),
            DataFile("disclosure/penalties.json", penalties_json(shown, self.disclosure)),
        ]
