"""Load every article under articles/, validate it, and check the set as a whole.

All problems are collected before failing, so an editor sees every mistake at once.
The folder layout is part of the contract: articles/<column-slug>/<year>/<slug>.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from pufa.content.models import SLUG_PATTERN, Article, FrontMatter
from pufa.content.registry import Registries, unknown_names
from pufa.shared.errors import ContentError, Problem
from pufa.shared.frontmatter import (
    SourceDocument,
    YamlSyntaxError,
    read_text,
    split_document,
)
from pufa.shared.validation import did_you_mean, validation_problems

_SLUG = re.compile(SLUG_PATTERN)
_LAYOUT = "文章应放在 articles/<栏目>/<年份>/<slug>.md"
PLACEHOLDER = "待填写"


@dataclass(frozen=True)
class Asset:
    """A file beside the articles (an image) copied to the same place in the site."""

    src_uri: str
    path: Path


def load_articles(articles_dir: Path, root: Path, registries: Registries) -> list[Article]:
    """Every valid article, newest first; raises ContentError listing all problems."""
    problems: list[Problem] = []
    articles: list[Article] = []
    for path in sorted(articles_dir.rglob("*.md")):
        shown = path.relative_to(root)
        try:
            doc = split_document(read_text(path, shown), shown)
        except YamlSyntaxError as exc:
            problems.append(exc.problem)
            continue
        article = _validate(doc, path, articles_dir, registries, problems)
        if article is not None:
            articles.append(article)
    problems += _duplicates(articles)
    if problems:
        raise ContentError(problems)
    return sorted(articles, key=lambda a: (a.meta.date, a.meta.issue or 0, a.slug), reverse=True)


def find_assets(articles_dir: Path) -> list[Asset]:
    """Images and other files that live beside the articles, keyed by their site path."""
    return [
        Asset(path.relative_to(articles_dir).as_posix(), path)
        for path in sorted(articles_dir.rglob("*"))
        if path.is_file() and path.suffix != ".md" and not path.name.startswith(".")
    ]


def _validate(
    doc: SourceDocument, file: Path, articles_dir: Path, registries: Registries, problems: list[Problem]
) -> Article | None:
    path, line, relative = doc.path, doc.line_of, file.relative_to(articles_dir)
    if len(relative.parts) != 3:
        problems.append(Problem(path, _LAYOUT))
        return None
    column_dir, year_dir, _ = relative.parts
    slug = relative.stem
    try:
        meta = FrontMatter.model_validate(doc.meta)
    except ValidationError as exc:
        problems += validation_problems(exc, FrontMatter, path, doc.key_lines, default_line=1)
        return None

    found: list[Problem] = []

    def problem(field: str, message: str) -> None:
        found.append(Problem(path, message, line(field) or 1, field))

    if not _SLUG.match(slug):
        found.append(Problem(path, "文件名应为小写拼音或英文单词，用连字符分隔，例如 tuoqian-gongzi.md"))
    column = registries.column_named(meta.column)
    if column is None:
        names = [c.name for c in registries.columns]
        problem("column", f"未知的栏目“{meta.column}”{did_you_mean(meta.column, names)}，可用：{'、'.join(names)}")
    else:
        if column_dir != column.slug:
            problem("column", f"栏目为“{column.name}”的文章应放在 articles/{column.slug}/ 下，而不是 articles/{column_dir}/")
        if column.numbered and meta.issue is None:
            problem("issue", f"“{column.name}”的文章必须填写期数 issue")
        if not column.numbered and meta.issue is not None:
            problem("issue", f"“{column.name}”不编期数，请删除 issue")
    if year_dir != str(meta.date.year):
        problem("date", f"发布日期 {meta.date} 与所在年份目录 {year_dir}/ 不一致")
    if meta.updated is not None and meta.updated < meta.date:
        problem("updated", f"更新日期 {meta.updated} 早于发布日期 {meta.date}")
    for field, known in (("topics", registries.topics), ("audiences", registries.audiences)):
        for message in unknown_names(getattr(meta, field), [item.name for item in known]):
            problem(field, f"{message}，请使用 data/{field}.yml 中登记的名称")
    if not meta.draft and PLACEHOLDER in meta.summary:
        problem("summary", f"摘要还是“{PLACEHOLDER}”的占位文字，请改写后再发布")
    if meta.review is None and not meta.draft:
        problem("review", "缺少法制审核（review: {reviewer: 审核人, date: 审核日期}），未经审核的文章不能发布")
    if meta.review is not None and meta.review.date > meta.date:
        problem("review", f"审核日期 {meta.review.date} 晚于发布日期 {meta.date}：应先审核后发布")
    if meta.cover is not None and not (file.parent / meta.cover).is_file():
        problem("cover", f"找不到封面图片 {meta.cover}（路径相对于文章所在目录）")
    problems += found
    if found or column is None:
        return None
    return Article(
        meta=meta, column=column, slug=slug, source=path, body=doc.body, key_lines=doc.key_lines, body_line=doc.body_line
    )


def _duplicates(articles: list[Article]) -> list[Problem]:
    problems: list[Problem] = []
    by_slug: dict[str, Article] = {}
    by_issue: dict[tuple[str, int, int], Article] = {}
    for article in sorted(articles, key=lambda a: str(a.source)):
        other = by_slug.setdefault(article.slug, article)
        if other is not article:
            problems.append(Problem(article.source, f"文件名（slug）“{article.slug}”与 {other.source} 重复，网址会冲突"))
        if article.meta.issue is not None:
            key = (article.column.slug, article.year, article.meta.issue)
            other = by_issue.setdefault(key, article)
            if other is not article:
                problems.append(
                    Problem(
                        article.source,
                        f"{article.year} 年第 {article.meta.issue} 期与 {other.source} 重复",
                        article.key_lines.get("issue"),
                        "issue",
                    )
                )
    return problems
