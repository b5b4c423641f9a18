"""The `pufa` command: what editors and engineers do at the command line.

It goes through the same loaders as the build, so the CLI and the site never disagree
about what is valid. Errors go to stderr, in Chinese, and the exit code is non-zero.
Commands other than `pufa check` import their feature packages when they run: the check
runs on every pull request and in editors' hooks, and importing every feature cost it a
third of a second.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import click

from pufa.content.corpus import Site, load_site
from pufa.content.schema import SCHEMA_PATH, render_schema
from pufa.disclosure.loading import load_disclosure
from pufa.review.bodies import body_problems_and_links
from pufa.review.data import DataReview, personal_numbers, review_data
from pufa.review.findings import (
    FORMATS,
    Finding,
    count_line,
    findings_of,
    render_github,
    render_json,
    render_text,
)
from pufa.review.rules import (
    editorial_problems,
    future_date_problems,
    image_limit_kb,
    law_change_warnings,
)
from pufa.review.scope import (
    changed_files,
    in_scope,
    relative_to_root,
    review_summary,
    touches_everything,
)
from pufa.shared import clock
from pufa.shared.ahead import Ahead
from pufa.shared.clock import parse_iso_date
from pufa.shared.errors import ContentError, Problem, PufaError
from pufa.shared.files import data_lock, finish_interrupted, write_atomic
from pufa.site.settings import markdown_settings, read_mkdocs_yml
from pufa.stats import importer as stats_import
from pufa.stats.store import ArticleMatcher, article_key, load_aliases

STATUS_NAMES = {"published": "已发布", "draft": "草稿", "scheduled": "定时发布"}

root_option = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="项目根目录（含 articles/ 和 data/）",
)


class _Commands(click.Group):
    """Bad input (any PufaError) is reported in one message with a non-zero exit; every other
    exception is a bug and keeps its traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except clock.ClockError as exc:
            click.echo(str(exc), err=True)
            sys.exit(2)
        except PufaError as exc:
            click.echo(str(exc), err=True)
            sys.exit(1)


@click.group(cls=_Commands, help="人社普法网站的发布工具。")
def main() -> None:
    pass


@main.command(help="检查全部文章和数据文件，报告所有问题（错误阻止发布，警告提醒审核人注意）。")
@root_option
@click.option("--format", "output", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text：给人看；github：GitHub Actions 的标注；json：见 schema/check-findings.schema.json")
@click.option("--strict", is_flag=True, help="有警告也以非零状态退出")
@click.option("--changed-since", "since", metavar="REF", help="只报告自 git 提交 REF 以来改动的文件（如 origin/main），并列出改动的文章")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def check(root: Path, output: str, strict: bool, since: str | None, paths: tuple[Path, ...]) -> None:
    findings, summary, site = _review(root)
    scope = [relative_to_root(path, root) for path in paths]
    reviewer: list[str] = []
    if since:
        changed = changed_files(root, since)
        scope += changed
        stale = {f.file for f in findings if f.field == "review" and f.severity == "warning"}  # 需复核
        reviewer = review_summary(site, changed, clock.today(), stale)
    if scope and not touches_everything(scope):
        findings = [f for f in findings if in_scope(f.file, scope) or any(in_scope(r, scope) for r in f.related)]
    errors = [f for f in findings if f.severity == "error"]
    if output == "json":
        click.echo(render_json(findings), nl=False)
    elif output == "github":
        click.echo(render_github(findings), nl=False)
    else:
        colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        if findings:
            click.echo(render_text(findings, colour), nl=False)
            click.echo(count_line(findings), err=bool(errors))
        if not errors:
            for line in summary:
                click.echo(line)
    if reviewer and output != "json":
        click.echo("\n".join(reviewer))
    if errors or (strict and findings):
        sys.exit(1)


def _review(root: Path) -> tuple[list[Finding], list[str], Site | None]:
    """Everything `pufa check` finds, the summary it prints when nothing stops publication,
    and the loaded site (None when it could not be loaded). On a machine with two cores, a
    helper reviews data/ while the articles load (see review.data), and another applies the
    editorial rules while the bodies are reviewed; each is done here when no helper is."""
    finish_interrupted(root / "data")
    today = clock.today()
    data_helper = Ahead(["data"], lambda _: review_data(root, today).to_json())
    try:
        site = load_site(root)
    except ContentError as exc:  # personal numbers are found in the files as written all the same
        data_helper.close()
        return findings_of(exc.problems + personal_numbers(root), "error"), [], None
    config = read_mkdocs_yml(root)
    rules_helper = Ahead(["rules"], lambda _: [[p.to_json() for p in part] for part in _rule_problems(site, root, config)])
    problems = body_problems_and_links(root, site, today, config)
    dates_and_laws = future_date_problems(site, today) + law_change_warnings(site, today)
    sent = _sent(data_helper, "data")
    data = DataReview.from_json(sent) if sent else review_data(root, today)
    problems += data.problems
    if not data.loaded:
        rules_helper.close()
        return findings_of(problems, "error"), [], site
    sent = _sent(rules_helper, "rules")
    editorial_errors, notes = ([Problem.from_json(p) for p in part] for part in sent) if sent else _rule_problems(site, root, config)
    notes += dates_and_laws
    problems += editorial_errors
    counts = Counter(article.status(today) for article in site.articles)
    parts = "，".join(f"{STATUS_NAMES[s]} {counts[s]} 篇" for s in STATUS_NAMES)
    summary = [f"检查通过：共 {len(site.articles)} 篇文章（{parts}），今天按 {today} 计。", *data.summary]
    orphans = sorted(set(data.store_articles) - {article_key(a) for a in site.articles})
    if orphans:  # not an error: the figures are kept in case the article comes back
        notes.append(Problem(Path("data/stats/reads.csv"), f"有 {len(orphans)} 篇文章已不存在（改了文件名或已删除？），"
                             f"其阅读数不会显示：{'、'.join(orphans)}"))
    try:
        load_aliases(root / "data" / "stats" / "aliases.yml", site.articles, root)
    except ContentError as exc:  # only `pufa stats import` relies on it, and refuses then
        notes += exc.problems
    ordered = sorted(problems, key=lambda p: (str(p.path), p.line or 0))
    return findings_of(ordered, "error") + findings_of(notes, "warning"), summary, site


def _rule_problems(site: Site, root: Path, config: dict[str, Any]) -> tuple[list[Problem], list[Problem]]:
    return editorial_problems(site, root, image_limit_kb(config))


def _sent(helper: Ahead, name: str) -> Any:
    """What a helper sent for ``name`` (None if nothing came), and the helper let go."""
    sent = helper.take(name)
    helper.close()
    return sent.result if sent else None


@main.command(help="新建一篇文章（草稿），文件名由标题的拼音生成。")
@click.option("--column", "column_name", required=True, help="栏目名称，如 人社小课堂 或 以案释法")
@click.option("--title", required=True, help="文章标题")
@root_option
def new(column_name: str, title: str, root: Path) -> None:
    from pufa.content.scaffold import create_article
    site = load_site(root)
    column = site.registries.column_named(column_name)
    if column is None:
        names = "、".join(c.name for c in site.registries.columns)
        click.echo(f"--column: 未知的栏目“{column_name}”，可用：{names}", err=True)
        sys.exit(2)
    title = title.strip()
    if not title:
        click.echo("--title: 标题不能为空", err=True)
        sys.exit(2)
    path = create_article(root / "articles", list(site.articles), column, title, clock.today())
    click.echo(f"已新建草稿：{path.relative_to(root)}")
    click.echo("填写摘要、主题和正文，经法制审核后填写 review 并删除 draft: true 即可发布。")


@main.command(help=f"生成文章头信息的 JSON Schema（{SCHEMA_PATH}），供编辑器自动补全和检查。")
@root_option
def schema(root: Path) -> None:
    site = load_site(root)
    write_atomic(root / SCHEMA_PATH, render_schema(site.registries))
    click.echo(f"已写入 {SCHEMA_PATH}")


@main.group(help="行政处罚公示数据（data/penalties/）。")
def penalties() -> None:
    pass


@penalties.command("import", help="导入劳动保障监察的处罚决定导出文件（.xlsx，或 UTF-8 / GB18030 编码的 .csv）。")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="只显示将要新增和更新的记录，不写入任何文件")
@root_option
def import_penalties(source: Path, dry_run: bool, root: Path) -> None:
    from pufa.disclosure.importer import apply_import, plan_import
    with data_lock(root / "data"):  # read, plan and write as one: a second import waits
        plan = plan_import(source, root)
        for change in plan.changes:
            if change.kind != "未变":
                click.echo(f"{change.kind}：{change.decision_number} → {change.path.relative_to(root)}")
        for note in plan.notes + plan.skipped + plan.masked:
            click.echo(note)
        if dry_run:
            click.echo(plan.summary() + "。（试运行，没有写入任何文件）")
            return
        apply_import(plan, root / "data")
    click.echo(plan.summary() + "。")
    load_disclosure(root / "data", root, clock.today())  # a hand-edited record elsewhere may still need fixing


@main.group(help="阅读数据（data/stats/）。")
def stats() -> None:
    pass


@stats.command("import", help="导入公众号和网站统计的导出文件，合并到 data/stats/reads.csv。")
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", "format", type=click.Choice(stats_import.FORMATS), help="指定格式（默认按内容自动识别）")
@click.option("--as-of", "as_of", help="数据截至日期 YYYY-MM-DD（导出文件不含日期时必填）")
@click.option("--dry-run", is_flag=True, help="只显示核对结果，不写入任何文件")
@root_option
def import_stats(sources: tuple[Path, ...], format: str | None, as_of: str | None, dry_run: bool, root: Path) -> None:
    site = load_site(root)
    try:
        day = clock.parse_iso_date(as_of) if as_of else None
    except ValueError as exc:
        raise PufaError(f"导入失败，没有写入任何文件：--as-of：{exc}") from None
    with data_lock(root / "data"):  # the store is read and written as one: a second import waits
        _import_stats(site, sources, format, day, dry_run, root)


def _import_stats(site, sources: tuple[Path, ...], format: str | None, day, dry_run: bool, root: Path) -> None:
    try:
        aliases = load_aliases(root / "data" / "stats" / "aliases.yml", site.articles, root)
        matcher = ArticleMatcher(site.articles, aliases)
        results = stats_import.import_files(sources, matcher, root / "data" / "stats", format, day, clock.today())
    except PufaError as exc:
        raise PufaError(f"导入失败，没有写入任何文件：{exc}") from None
    for result in results:
        click.echo(result.report())
    if dry_run:
        click.echo("（试运行，没有写入任何文件）")
        return
    try:
        changed = stats_import.apply(root / "data" / "stats", results)
    except PufaError as exc:  # both files are worked out before either is written
        raise PufaError(f"导入失败，没有写入任何文件：{exc}") from None
    click.echo("已更新 data/stats/reads.csv。" if changed else "数据没有变化，data/stats/reads.csv 未改动。")


if __name__ == "__main__":  # python -m pufa.cli
    main()


@main.group(help="公众号：导出可以直接粘贴或通过草稿接口发送的图文，发表后记下公众号地址。")
def wechat() -> None:
    pass


@wechat.command("export", help="导出文章的公众号版本（content.html、images.csv、draft.json、preview.html）。"
                "ARTICLE 可写 articles/ 下的文件路径或文件名。")
@click.argument("names", metavar="[ARTICLE]...", nargs=-1)
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("build/wechat"),
              show_default=True, help="导出目录，每篇文章一个子目录")
@click.option("--since", "since", metavar="YYYY-MM-DD", help="另加此日以来发布的全部文章")
@click.option("--unposted", is_flag=True, help="另加已发布但还没有 wechat: 地址的文章")
@click.option("--title", help="公众号标题（文章标题超过 32 字时另拟；只能用于一篇文章）")
@root_option
def wechat_export(names: tuple[str, ...], out_dir: Path, since: str | None, unposted: bool, title: str | None,
                  root: Path) -> None:
    from pufa.publish.export import Selection, link_article, prepare, select_articles, write_exports
    site = load_site(root)
    day = None
    if since is not None:
        try:
            day = parse_iso_date(since)
        except ValueError:
            click.echo(f"--since: “{since}”不是有效的日期，应为 YYYY-MM-DD", err=True)
            sys.exit(2)
    if not names and day is None and not unposted:
        click.echo("请指定文章（文件路径或文件名），或用 --since / --unposted 选择", err=True)
        sys.exit(2)
    today = clock.today()
    articles = select_articles(site, root, Selection(names, day, unposted), today)
    if not articles:
        click.echo("没有符合条件的文章，未导出。")
        return
    config = read_mkdocs_yml(root)
    site_url = str(config.get("site_url") or "")
    if not site_url.startswith(("https://", "http://")):
        click.echo("mkdocs.yml 中没有网站地址 site_url：公众号文章的“阅读原文”要指向它", err=True)
        sys.exit(2)
    prepared = prepare(articles, site, root, markdown_settings(config), site_url.rstrip("/") + "/",
                       str(config.get("site_name") or ""), title)
    output = out_dir if out_dir.is_absolute() else Path.cwd() / out_dir
    for exported, folder in zip(prepared, write_exports(prepared, output, root)):
        copy = exported.copy
        if copy.article.status(today) == "scheduled":
            click.echo(f"  注意：{copy.article.source.as_posix()} 定于 {copy.article.meta.date} 发布，"
                       "在此之前“阅读原文”打不开，请在发布之后再发表")
        click.echo(f"已导出：{copy.article.source.as_posix()} → {folder}（{len(copy.content)} 字符，"
                   f"图片 {len(copy.images)} 张，参考链接 {len(copy.references)} 个）")
        for placeholder, data, _, _ in exported.images:
            if len(data) >= 1_000_000 or not placeholder.endswith((".png", ".jpg", ".jpeg")):
                click.echo(f"  注意：{placeholder}（{len(data) / 1_000_000:.1f} MB）可以在编辑器中粘贴；"
                           "通过接口上传须为 jpg/png 且小于 1 MB")
    click.echo("上传图片、替换占位地址、填写封面 thumb_media_id 的步骤见 README“同步到公众号”。")


@wechat.command("link", help="文章在公众号发表后，把地址写入头信息的 wechat:（阅读数据按它匹配）。")
@click.argument("name", metavar="ARTICLE")
@click.argument("url")
@root_option
def wechat_link(name: str, url: str, root: Path) -> None:
    from pufa.publish.export import Selection, link_article, select_articles
    site = load_site(root)
    found = select_articles(site, root, Selection((name,)), clock.today())
    if len(found) > 1:
        click.echo(f"“{name}”对应多篇文章，请写文件路径：{'、'.join(a.source.as_posix() for a in found)}", err=True)
        sys.exit(2)
    article = found[0]
    if link_article(article, root, url):
        click.echo(f"已写入 {article.source.as_posix()}：wechat: {url}")
    else:
        click.echo(f"{article.source.as_posix()} 已是这个地址，未改动。")


AUDIT_NAMES = {"error": "不合格", "warning": "提醒"}


def _report_target(root: Path, report_path: Path) -> Path:
    """Where the audit report goes: an .html file outside what is published or edited (the
    articles, data, docs_dir and site_dir); anywhere else is a usage error."""
    target = (report_path if report_path.is_absolute() else root / report_path).resolve()
    config = read_mkdocs_yml(root)
    guarded = {"articles", "data", str(config.get("docs_dir") or "docs"), str(config.get("site_dir") or "site")}
    if target.suffix.lower() not in (".html", ".htm"):
        raise click.UsageError(f"--report: 报告应为 .html 文件（实际为 {report_path}）")
    for folder in guarded:
        if target.is_relative_to((root / folder).resolve()):
            raise click.UsageError(f"--report: 报告不能写在 {folder}/ 中（那里的文件会被发布或当作内容读取），请写到 build/ 等目录")
    if target.is_dir():
        raise click.UsageError(f"--report: {report_path} 是一个目录，请给出文件名，如 build/audit.html")
    return target


@main.command(help="按政府网站检查指标（国办秘函〔2019〕19号）自查：更新情况、空白栏目、链接、用词、隐私信息、公众号。"
                   "有单项否决的问题时退出状态为 1，内容或设置有错误、无法自查时为 2。")
@root_option
@click.option("--format", "output", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text：给人看；github：GitHub Actions 的标注；json：与 pufa check 相同的格式")
@click.option("--online", is_flag=True, help="逐个打开外部链接（默认不联网，只列出）")
@click.option("--report", "report_path", type=click.Path(path_type=Path), default=Path("build/audit.html"), show_default=True,
              help="HTML 报告写到这里（相对于项目根目录；不能在 articles/、data/、docs/、site/ 中）")
def audit(root: Path, output: str, online: bool, report_path: Path) -> None:
    from pufa.audit.inspection import run_audit
    from pufa.audit.report import render_report, render_unfinished
    target = _report_target(root, report_path)
    finish_interrupted(root / "data")
    today = clock.today()
    try:
        result = run_audit(root, today, online)
    except PufaError as exc:
        _write_report(target, render_unfinished(today, str(exc)))
        click.echo(f"无法自查：\n{exc}", err=True)
        sys.exit(2)
    findings = result.findings
    if output == "json":
        click.echo(render_json(findings), nl=False)
    elif output == "github":
        click.echo(render_github(findings, tool="pufa audit"), nl=False)
    else:
        colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        if findings:
            click.echo(render_text(findings, colour, AUDIT_NAMES))
        for item in (result.home, *result.columns):
            last = f"最近更新 {item.last}（{item.days} 天前）" if item.last else "没有已发布的文章"
            turn = f"，{item.stale_from} 起算作未更新" if item.stale_from and not item.stale else ""
            click.echo(f"{item.name}：{last}，更新期限 {item.limit or '不限'}{turn}")
        checked = "未检查（加 --online 逐个打开）" if result.tried is None else f"{sum(1 for r in result.tried.values() if r)} 个打不开"
        click.echo(f"外部链接 {len(result.external)} 个，{checked}。")
        errors = sum(1 for f in findings if f.severity == "error")
        verdict = f"不合格：{errors} 项单项否决或必须改正的问题" if errors else "未发现单项否决的问题"
        click.echo(f"{verdict}，{len(findings) - errors} 项提醒（检查日 {today}）。报告：{target}")
    _write_report(target, render_report(result))
    if result.failed:
        sys.exit(1)


def _write_report(target: Path, html: str) -> None:
    try:
        write_atomic(target, html)
    except OSError as exc:
        click.echo(f"无法写入报告 {target}：{exc.strerror or exc}", err=True)
        sys.exit(2)
