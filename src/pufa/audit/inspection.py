"""Every audit rule run over the project, as findings: an error is what fails the inspection
on its own (单项否决) or must never be published (a personal number); a warning is what
costs points or needs a person to look (a broken link, a column falling behind)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from pufa.audit.external import ExternalLink, external_links, try_links
from pufa.audit.freshness import (
    EMPTY_COLUMNS,
    LATE_COLUMNS,
    LATE_KEY_COLUMNS,
    WECHAT_LIMIT,
    Freshness,
    add_period,
    column_freshness,
    home_freshness,
    wechat_last_post,
)
from pufa.audit.wording import article_texts, load_wording, wording_problems
from pufa.content.corpus import load_site
from pufa.disclosure.loading import load_disclosure
from pufa.privacy.sources import ALLOW_LIST, load_allowed_numbers, source_problems
from pufa.review.bodies import review_bodies
from pufa.review.findings import Finding, findings_of
from pufa.shared.errors import ContentError, Problem
from pufa.shared.formats import cn_date
from pufa.site.settings import read_mkdocs_yml
from pufa.stats.store import read_store

HOME_PAGE = Path("docs/index.md")
COLUMNS_FILE = Path("data/columns.yml")
STORE = Path("data/stats/reads.csv")


@dataclass(frozen=True)
class WechatFreshness:
    """The official account as the reading figures know it."""

    last_post: date | None
    last_export: date | None
    today: date

    @property
    def judged(self) -> bool:
        """Whether the figures are recent enough to tell: exported within the last two weeks."""
        return self.last_export is not None and add_period(self.last_export, WECHAT_LIMIT) >= self.today

    @property
    def stale(self) -> bool:
        return self.judged and self.last_post is not None and add_period(self.last_post, WECHAT_LIMIT) < self.today


@dataclass
class Audit:
    today: date
    home: Freshness
    columns: list[Freshness]
    wechat: WechatFreshness
    findings: list[Finding] = field(default_factory=list)
    external: list[ExternalLink] = field(default_factory=list)
    tried: dict[str, str | None] | None = None
    """Each external address and why it failed (None: it opened); None when not tried."""

    @property
    def failed(self) -> bool:
        return any(finding.severity == "error" for finding in self.findings)


def _since(item: Freshness) -> str:
    return f"最近一篇是 {cn_date(item.last)}，已 {item.days} 天没有新文章" if item.last else "没有任何已发布的文章"


def freshness_findings(home: Freshness, columns: list[Freshness]) -> list[Finding]:
    """The home page and the columns against 国办秘函〔2019〕19号: the home page two weeks
    without news fails the site; so do 5 late 动态要闻 / 通知公告 / 政策文件 columns, 5 empty
    columns, or 10 other columns that should be updated and are not. Each late or empty
    column is named, a reminder on its own."""
    problems: list[Finding] = []
    if home.empty or home.stale:
        what = "没有任何已发布的文章" if home.empty else f"{_since(home)}，超过了 {home.limit} 的更新要求"
        problems.append(Finding(HOME_PAGE.as_posix(), f"首页{what}", "error", field="首页不更新",
                                hint="单项否决：首页须 2 周内有更新；发布一篇新文章即可"))
    empty = [column for column in columns if column.empty]
    late_key = [column for column in columns if column.stale and column.veto]
    late_other = [column for column in columns if column.stale and not column.veto]
    for column in empty:
        problems.append(Finding(COLUMNS_FILE.as_posix(), f"栏目“{column.name}”没有任何已发布的文章", "warning", field="空白栏目",
                                hint=f"空白栏目达到 {EMPTY_COLUMNS} 个即为单项否决"))
    for column in late_key + late_other:
        rule = (f"动态要闻、通知公告、政策文件类栏目未按期更新的达到 {LATE_KEY_COLUMNS} 个" if column.veto
                else f"应更新而未更新的栏目达到 {LATE_COLUMNS} 个")
        problems.append(Finding(COLUMNS_FILE.as_posix(),
                                f"栏目“{column.name}”{_since(column)}，超过了 {column.limit} 的更新期限（自 {cn_date(column.stale_from)} 起算作未更新）",
                                "warning", field="栏目不更新", hint=f"{rule}即为单项否决；栏目类别和期限在 data/columns.yml 中设置"))
    for found, limit, what in ((late_key, LATE_KEY_COLUMNS, "动态要闻、通知公告、政策文件类栏目未按期更新"),
                               (empty, EMPTY_COLUMNS, "栏目是空白栏目"),
                               (late_other, LATE_COLUMNS, "栏目应更新而未更新")):
        if len(found) >= limit:
            names = "、".join(column.name for column in found)
            problems.append(Finding(COLUMNS_FILE.as_posix(), f"{len(found)} 个{what}：{names}", "error", field="栏目不更新",
                                    hint=f"单项否决：这类栏目达到 {limit} 个"))
    return problems


def wechat_findings(wechat: WechatFreshness) -> list[Finding]:
    if not wechat.judged or wechat.last_post is None:
        newest = (f"阅读数据中公众号的数据截至 {cn_date(wechat.last_export)}" if wechat.last_export else "阅读数据中没有公众号的数据")
        if wechat.judged:
            newest = "阅读数据中没有公众号推送本站文章的记录"
        return [Finding(STORE.as_posix(), f"{newest}，无法判断公众号最近两周是否有更新", "warning", field="政务新媒体",
                        hint="导入最新的公众号数据（pufa stats import）后再检查，或到公众号后台查看最近一次发文日期")]
    if wechat.stale:
        last = f"最近一次推送本站文章是 {cn_date(wechat.last_post)}"
        return [Finding(STORE.as_posix(), f"公众号{last}，超过了 {WECHAT_LIMIT} 的更新要求", "error", field="政务新媒体",
                        hint="单项否决：政务新媒体检查前 2 周内须有更新；阅读数据只记录本站文章，公众号推送过其他内容的以后台为准")]
    return []


def run_audit(root: Path, today: date, online: bool = False) -> Audit:
    """The audit of the project at ``root`` as of ``today``; ContentError when its content
    cannot be read (`pufa check` says why)."""
    site = load_site(root)
    config = read_mkdocs_yml(root)
    home = home_freshness(site, today)
    columns = [column_freshness(site, column, today) for column in site.registries.columns]
    wechat = WechatFreshness(*wechat_last_post(site, read_store(root / STORE).values(), today), today)
    audit = Audit(today, home, columns, wechat)
    audit.findings += freshness_findings(home, columns)
    visible = site.visible(today, preview=False)
    for kind, names in (("主题", site.registries.topics), ("适用人群", site.registries.audiences)):
        used = {name for article in visible for name in (article.meta.topics if kind == "主题" else article.meta.audiences)}
        audit.findings += [Finding(f"data/{'topics' if kind == '主题' else 'audiences'}.yml",
                                   f"{kind}“{item.name}”没有已发布的文章，网站上不显示它的页面", "warning", field="空白页面",
                                   hint="补充文章，或从登记表中删去") for item in names if item.name not in used]

    review = review_bodies(root, site, today, config)
    audit.findings += findings_of(review.links, "warning")
    audit.findings += [Finding(page.source.as_posix(), "页面没有正文内容", "warning", field="空白页面", hint="补充内容，或删去这个页面")
                       for page in review.pages if page.article is None and not page.body.strip()]
    audit.external = external_links(review.pages)
    if online:
        audit.tried = try_links(audit.external)
        audit.findings += [Finding(link.source.as_posix(), f"外部链接 {link.url} 打不开：{audit.tried[link.url]}", "warning",
                                   link.line, field="链接不可用", hint="改为可用的地址或删去链接（检查指标按不可用链接扣分）")
                           for link in audit.external if audit.tried.get(link.url)]

    wording = load_wording(root / "data", root)
    for article in site.articles:
        serious, other = wording_problems(article.source, article_texts(article), wording)
        if article.status(today) != "published":  # not on the site yet: to fix before it is
            serious, other = [], [replace(problem, hint="发布前改正") for problem in serious + other]
        audit.findings += findings_of(serious, "error") + findings_of(other, "warning")
    for page in review.pages:
        if page.article is None:
            serious, other = wording_problems(page.source, [(page.body, page.first_line, None)], wording)
            audit.findings += findings_of(serious, "error") + findings_of(other, "warning")

    problems: list[Problem] = []
    disclosure = load_disclosure(root / "data", root, today)
    allowed = load_allowed_numbers(root / "data", root, problems) | set(disclosure.public_codes())
    if problems:
        raise ContentError(problems)
    audit.findings += [Finding(f.file, f.message, "error", f.line, "隐私信息", f.column,
                               f"请删除或改写；确实不是个人信息的号码可登记在 data/{ALLOW_LIST}")
                       for f in findings_of(source_problems(root, allowed), "error")]
    audit.findings += wechat_findings(wechat)
    return audit

