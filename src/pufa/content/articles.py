"""Load every article under articles/, validate it, and check the set as a whole.

All problems are collected before failing, so an editor sees every mistake at once.
The folder layout is part of the contract: articles/<column-slug>/<year>/<slug>.md.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from pufa.content.body import line_of, svg_problems, unwritable_references
from pufa.content.models import SLUG_PATTERN, Article, FrontMatter
from pufa.content.registry import Registries, unknown_names
from pufa.shared.cache import Memo
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
RESERVED_MARKER = "<!-- pufa:"
"""The start of the markers the site puts around a rendered body (see pufa.site.feeds)."""


ASSET_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"})
"""What may be published beside the articles (any case: cameras write .JPG). Not PDF: its
compressed text and scripts cannot be checked for personal data the way a page is."""
_SYSTEM_FILES = frozenset({"thumbs.db", "desktop.ini"})
_BACKUP_SUFFIXES = frozenset({".bak", ".swp", ".swo", ".tmp", ".orig", ".old"})
_SYMLINK = "是符号链接：文章目录中不能有链接（它可以指向本机任何文件），请换成文件本身"


def _svg_file_problems(path: Path, shown: Path) -> list[Problem]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return [Problem(shown, "SVG 图片应使用 UTF-8 编码")]
    return [Problem(shown, p.message, line_of(p.needle, text, 1) if p.needle else None) for p in svg_problems(text)]


def _is_backup_or_system(name: str) -> bool:
    """Editor backups (x.md~, .x.md.swp, #x#, x.bak) and files the system writes by itself."""
    lowered = name.lower()
    return (name.startswith((".", "#", "~$")) or name.endswith("~") or lowered in _SYSTEM_FILES
            or Path(lowered).suffix in _BACKUP_SUFFIXES)


@dataclass(frozen=True)
class Asset:
    """A file beside the articles (an image, a PDF) copied to the same place in the site."""

    src_uri: str
    path: Path


@dataclass
class ArticleFiles:
    markdown: list[Path] = field(default_factory=list)
    assets: list[Asset] = field(default_factory=list)
    ignored: list[Path] = field(default_factory=list)
    """Editor backups and system files: neither read nor published."""
    problems: list[Problem] = field(default_factory=list)


def load_articles(articles_dir: Path, root: Path, registries: Registries,
                  files: ArticleFiles | None = None, parsed: Memo | None = None) -> list[Article]:
    """Every valid article, newest first; raises ContentError listing all problems.
    ``parsed``: front matter parsed before (see front_matter_memo)."""
    files = files or article_files(articles_dir, root)
    problems: list[Problem] = list(files.problems)
    articles: list[Article] = []
    for path in files.markdown:
        shown = path.relative_to(root)
        try:
            doc = split_document(read_text(path, shown), shown, parsed)
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


def article_files(articles_dir: Path, root: Path) -> ArticleFiles:
    """What lies under articles/, sorted out. Only articles (.md) and the images and PDFs
    beside them are read or published; a symbolic link (it could publish any file on the
    machine), a draft saved as .MD and any other kind of file are problems naming the file,
    editor backups and system files are left alone. Folders are walked without following links."""
    found = ArticleFiles()
    for folder, subfolders, names in os.walk(articles_dir, followlinks=False):
        base = Path(folder)
        for name in sorted(subfolders):
            if (base / name).is_symlink():
                found.problems.append(Problem((base / name).relative_to(root), _SYMLINK))
        subfolders[:] = sorted(name for name in subfolders if not name.startswith(".") and not (base / name).is_symlink())
        for name in sorted(names):
            path = base / name
            shown = path.relative_to(root)
            suffix = path.suffix
            if _is_backup_or_system(name):
                found.ignored.append(shown)
            elif path.is_symlink():
                found.problems.append(Problem(shown, _SYMLINK))
            elif suffix == ".md":
                found.markdown.append(path)
            elif suffix.lower() == ".md":
                found.problems.append(Problem(shown, f"扩展名应为小写 .md（{name} 不会被当作文章读取，也不会发布）"))
            elif suffix.lower() in ASSET_SUFFIXES:
                found.assets.append(Asset(path.relative_to(articles_dir).as_posix(), path))
                if suffix.lower() == ".svg":
                    found.problems += _svg_file_problems(path, shown)
            else:
                allowed = "、".join(sorted(ASSET_SUFFIXES))
                found.problems.append(Problem(shown, f"文章目录中只能放文章（.md）和图片（{allowed}），此文件不会发布"
                                               + ("；PDF 中的内容无法检查个人信息和脚本，请把内容写进文章" if suffix.lower() == ".pdf" else "")))
    return found


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
    for registry, known in (("topics", registries.topics), ("audiences", registries.audiences)):
        for message in unknown_names(getattr(meta, registry), [item.name for item in known]):
            problem(registry, f"{message}，请使用 data/{registry}.yml 中登记的名称")
    if not meta.draft and not doc.body.strip():
        found.append(Problem(path, "正文为空：发布的文章应有正文（草稿可以暂时空着）", doc.body_line))
    for reference in unwritable_references(doc.body):
        found.append(Problem(path, reference.message, line_of(reference.needle, doc.body, doc.body_line)))
    if RESERVED_MARKER in doc.body:
        line = doc.body_line + doc.body[: doc.body.index(RESERVED_MARKER)].count("\n")
        found.append(Problem(path, f"正文中不能出现 {RESERVED_MARKER}……（网站用它标记正文的起止，会截断订阅源）", line))
    if not meta.draft and PLACEHOLDER in meta.summary:
        problem("summary", f"摘要还是“{PLACEHOLDER}”的占位文字，请改写后再发布")
    if meta.review is None and not meta.draft:
        problem("review", "缺少法制审核（review: {reviewer: 审核人, date: 审核日期}），未经审核的文章不能发布")
    for note in meta.changes:
        if note.date < meta.date:
            problem("changes", f"更新记录的日期 {note.date} 早于发布日期 {meta.date}")
    if meta.changes and meta.review is not None and meta.review.date < max(note.date for note in meta.changes):
        latest = max(note.date for note in meta.changes)
        problem("review", f"更新记录 {latest} 晚于法制审核日期 {meta.review.date}：修改后的文章须重新法制审核，"
                          "审核后把 review 的日期改为审核之日")
    if meta.cover is not None:
        cover = file.parent / meta.cover
        inside = os.path.realpath(cover).startswith(os.path.realpath(articles_dir) + os.sep)
        if not inside or cover.is_symlink():
            problem("cover", f"封面图片 {meta.cover} 不在 articles/ 目录中：图片应放在文章旁边")
        elif not cover.is_file():
            problem("cover", f"找不到封面图片 {meta.cover}（路径相对于文章所在目录）")
        elif cover.suffix.lower() not in ASSET_SUFFIXES:
            problem("cover", f"封面应为图片（{cover.suffix} 不是图片）")
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
