"""`pufa new`: a new article file with correct front matter, ready for an editor to fill in.

The skeleton is a draft, so it shows in the local preview at once but cannot be published
until the editor fills in the summary and a legal reviewer signs it off.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pufa.content.articles import PLACEHOLDER
from pufa.content.models import Article, Column
from pufa.content.slugs import slugify_title
from pufa.shared.files import create_exclusive


def next_issue(articles: list[Article], column: Column, year: int) -> int:
    numbers = [a.meta.issue or 0 for a in articles if a.column == column and a.year == year]
    return max(numbers, default=0) + 1


def free_slug(base: str, taken: set[str]) -> str:
    slug, counter = base, 2
    while slug in taken:
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


def render_skeleton(title: str, column: Column, day: date, issue: int | None) -> str:
    quoted_title = title.replace("\\", "\\\\").replace('"', '\\"')
    lines = [
        "---",
        f'title: "{quoted_title}"',
        f"column: {column.name}",
    ]
    if issue is not None:
        lines.append(f"issue: {issue}")
    lines += [
        f"date: {day.isoformat()}",
        "topics: []          # 从 data/topics.yml 中选择，如 [工资支付, 劳动保障监察]",
        "audiences: []       # 从 data/audiences.yml 中选择，如 [农民工]",
        'laws: []            # 如 ["劳动合同法 第八十二条"]',
        f"summary: {PLACEHOLDER}：一两句话的摘要，用于列表、订阅源和分享卡片。",
        "author: 政策法规科",
        "# review: {reviewer: 审核人, date: " + day.isoformat() + "}   # 法制审核后填写，再删除 draft",
        "draft: true",
        "---",
        "",
        "（导语：用一段话说明本文要讲什么。）",
        "",
    ]
    for heading in column.sections:
        lines += [f"## {heading}", "", "（待填写）", ""]
    return "\n".join(lines)


def create_article(
    articles_dir: Path, articles: list[Article], column: Column, title: str, day: date
) -> Path:
    """Write the skeleton to articles/<column>/<year>/<slug>.md and return its path."""
    slug = free_slug(slugify_title(title), {a.slug for a in articles})
    issue = next_issue(articles, column, day.year) if column.numbered else None
    path = articles_dir / column.slug / str(day.year) / f"{slug}.md"
    create_exclusive(path, render_skeleton(title, column, day, issue))
    return path
