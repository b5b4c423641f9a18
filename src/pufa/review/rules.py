"""The editorial rules `pufa check` adds for review, beyond what the build itself refuses.

Errors stop a pull request; warnings ask the reviewer to look (a title too long for WeChat's
list, a summary that repeats the first paragraph, a heavy image on a phone).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from pufa.content.citations import Citation, article_number
from pufa.content.corpus import Site
from pufa.content.models import Article, Law, LawChange
from pufa.shared.errors import Problem, PufaError
from pufa.shared.formats import comparable_text

WECHAT_TITLE = 32
SUMMARY_MAX = 120  # WeChat's digest takes 128
IMAGE_WARN_KB = 1000  # WeChat accepts 10 MB, but readers are on phones
HEADING_ALTERNATIVES = {"以案释法": ("以案释法", "法官说法", "仲裁员说法")}
_HEADING = re.compile(r"^##\s+(.+?)\s*(?:\{[^}]*\})?\s*#*\s*$")
_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]+)")
def _same_text(a: str, b: str) -> bool:
    left = comparable_text(a)
    return bool(left) and left == comparable_text(b)


def _first_paragraph(body: str) -> str:
    for block in re.split(r"\n\s*\n", body):
        text = block.strip()
        if text and not text.startswith(("#", "!", "<", "|", "```", ">")):
            return text
    return ""


def _line(article: Article, offset_text: str) -> int:
    return article.body_line + article.body[: article.body.find(offset_text)].count("\n")


class SettingsProblem(PufaError):
    """A review setting in mkdocs.yml that cannot be used."""


def image_limit_kb(config: Mapping[str, Any]) -> int:
    """mkdocs.yml `extra: review: image_max_kb:`, the size past which an image is a warning."""
    extra = config.get("extra")
    review = extra.get("review") if isinstance(extra, Mapping) else None
    value = review.get("image_max_kb", IMAGE_WARN_KB) if isinstance(review, Mapping) else IMAGE_WARN_KB
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise SettingsProblem(f"mkdocs.yml：extra.review.image_max_kb 应为正整数（KB），实际为“{value}”")
    return value


def editorial_problems(site: Site, root: Path, image_max_kb: int = IMAGE_WARN_KB) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings) of every article."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    for article in site.articles:
        meta, where = article.meta, article.source
        title_line = article.key_lines.get("title")
        summary_line = article.key_lines.get("summary")
        if len(meta.title) > WECHAT_TITLE:
            warnings.append(Problem(where, f"标题 {len(meta.title)} 字，超过公众号标题的 {WECHAT_TITLE} 字，同步时需要另拟", title_line, "title"))
        if len(meta.summary) > SUMMARY_MAX:
            errors.append(Problem(where, f"摘要 {len(meta.summary)} 字，应不超过 {SUMMARY_MAX} 字（公众号摘要最多 128 字）", summary_line, "summary"))
        if _same_text(meta.summary, _first_paragraph(article.body)):
            warnings.append(Problem(where, "摘要与正文第一段相同：摘要应概括全文，让读者决定是否点开", summary_line, "summary"))
        if article.column.sections_required:
            errors += _section_problems(article)
        for alt, target in _IMAGE.findall(article.body):
            if not alt.strip():
                errors.append(Problem(where, f"图片 {target} 缺少说明文字（![说明](…)），读屏软件的用户无从知道图片内容", _line(article, target)))
            image = (root / article.source).parent / target
            if image.is_file() and image.stat().st_size > image_max_kb * 1000:
                warnings.append(Problem(where, f"图片 {target} 有 {_size(image.stat().st_size)}，超过 {_size(image_max_kb * 1000)}，手机上加载慢",
                                        _line(article, target), hint="请压缩或缩小后再用；上限在 mkdocs.yml 的 extra.review.image_max_kb 中设置"))
    return errors, warnings


def _size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{size // 1000} KB"


def _section_problems(article: Article) -> list[Problem]:
    """The column's customary sections, each present, in order (其他小标题可以穿插)."""
    headings = [(number, match.group(1)) for number, line in enumerate(article.body.splitlines(), start=article.body_line)
                if (match := _HEADING.match(line))]
    position, missing = 0, []
    for section in article.column.sections:
        names = HEADING_ALTERNATIVES.get(section, (section,))
        found = next((i for i in range(position, len(headings)) if headings[i][1] in names), None)
        if found is None:
            missing.append(section)
        else:
            position = found + 1
    if not missing:
        return []
    expected = " → ".join(article.column.sections)
    return [Problem(article.source, f"“{article.column.name}”的文章应依次有这些小标题：{expected}；缺少或顺序不对：{'、'.join(missing)}",
                    article.body_line)]


RE_REVIEW_HINT = "请法制审核人员对照现行规定复核全文；需要改的改正后在 changes 中写明，复核后把 review 的日期改为复核之日"


def _affects(change: LawChange, cited: list[Citation]) -> bool:
    """A change to named provisions touches only articles citing one of them."""
    if not change.provisions:
        return True
    touched = {article_number(provision) for provision in change.provisions}
    return any(citation.article in touched for citation in cited)


def _change_sentence(law: Law, change: LawChange, cited: list[Citation], laws: dict[str, Law], today: date) -> str:
    numbers = {citation.article for citation in cited}
    provisions = "、".join(p for p in change.provisions if article_number(p) in numbers)
    source = f"（依据《{laws[change.by].short}》）" if change.by in laws and laws[change.by].short not in change.what else ""
    when = f"自 {change.date} 起" if change.date <= today else f"将于 {change.date} 起"
    return f"《{law.short}》{provisions}{when}有变化{source}：{change.what}"


def law_change_warnings(site: Site, today: date) -> list[Problem]:
    """需复核: each reviewed article citing a law (or the provision) that changed after its
    法制审核, naming the law and the change, at the article's review line."""
    laws = {law.slug: law for law in site.registries.laws}
    warnings = []
    for article in site.articles:
        review = article.meta.review
        if review is None:
            continue
        by_law: dict[str, list[Citation]] = {}
        for citation in site.citations[article.slug]:
            by_law.setdefault(citation.law.slug, []).append(citation)
        for slug, cited in by_law.items():
            law = laws[slug]
            changes = [c for c in law.amended if c.date > review.date and _affects(c, cited)]
            sentences = [_change_sentence(law, change, cited, laws, today) for change in changes]
            if law.repealed and law.repealed > review.date:
                successor = f"，由《{laws[law.replaced_by].short}》取代" if law.replaced_by in laws else ""
                sentences.append(f"《{law.short}》于 {law.repealed} 失效{successor}")
            warnings += [Problem(article.source, f"需复核：{sentence}；本文法制审核日期为 {review.date}",
                                 article.key_lines.get("review"), "review", hint=RE_REVIEW_HINT)
                         for sentence in sentences]
    return warnings


def future_date_problems(site: Site, today: date) -> list[Problem]:
    """A 法制审核 or a change dated after today: a slip of the keyboard that would hide a 需复核
    (a warning, not an error: a build for another day, PUFA_TODAY, legitimately sees later dates)."""
    problems = []
    for article in site.articles:
        review, lines = article.meta.review, article.key_lines
        if review is not None and review.date > today:
            problems.append(Problem(article.source, f"法制审核日期 {review.date} 晚于今天（{today}）", lines.get("review"), "review",
                                    hint="填写审核实际完成的日期"))
        problems += [Problem(article.source, f"更新记录的日期 {note.date} 晚于今天（{today}）", lines.get("changes"), "changes",
                             hint="填写实际修改的日期") for note in article.meta.changes if note.date > today]
    return problems
