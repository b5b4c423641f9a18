"""The audit as an HTML page for the web administrator (written outside the published site):
the verdict, every column's last update and the day it falls behind, the official account,
each finding, and the external links to try."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from html import escape

from pufa.audit.freshness import Freshness
from pufa.audit.inspection import Audit
from pufa.review.findings import Finding
from pufa.shared.formats import cn_date

STYLE = """
body{font:18px/1.7 system-ui,"Noto Sans CJK SC",sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid #767676;padding:.4rem .6rem;text-align:left;vertical-align:top}
.fail{color:#a50e0e;font-weight:bold}.ok{color:#0b6b2b;font-weight:bold}.warn{color:#7a4d00}code{word-break:break-all}
"""


def _cell(value: object) -> str:
    return f"<td>{escape(str(value))}</td>"


def _state(item: Freshness) -> str:
    if item.empty:
        return '<td class="warn">空白</td>'
    if item.stale:
        return f'<td class="{"fail" if item.veto else "warn"}">未按期更新</td>'
    return '<td class="ok">按期更新</td>'


def _freshness_rows(items: Iterable[Freshness]) -> str:
    rows = []
    for item in items:
        rows.append("<tr>" + "".join([
            f"<th scope=\"row\">{escape(item.name)}</th>",
            _cell(item.limit or "不限"),
            _cell(cn_date(item.last) if item.last else "—"),
            _cell(item.days if item.days is not None else "—"),
            _cell(cn_date(item.stale_from) if item.stale_from else "—"),
            _cell("是" if item.veto else "否"),
        ]) + _state(item) + "</tr>")
    return "\n".join(rows)


def _finding_item(finding: Finding) -> str:
    hint = f"<br><small>提示：{escape(finding.hint)}</small>" if finding.hint else ""
    kind = "不合格" if finding.severity == "error" else "提醒"
    return (f'<li><span class="{"fail" if finding.severity == "error" else "warn"}">{kind}</span> '
            f"<code>{escape(finding.where)}</code> {escape(finding.field or '')}：{escape(finding.message)}{hint}</li>")


def _page(title: str, body: str) -> str:
    return f"""<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title><style>{STYLE}</style></head>
<body>
<main>
{body}
</main>
</body>
</html>
"""


def render_unfinished(today: date, reason: str) -> str:
    """The report when the audit could not run: an old report must not stand in for it."""
    return _page(f"网站自查报告（{cn_date(today)}）", f"""<h1>网站自查报告</h1>
<p class="fail">未能完成自查（{escape(cn_date(today))}）：内容或设置有错误，请先改正（可运行 <code>pufa check</code> 查看全部问题）。</p>
<pre>{escape(reason)}</pre>""")


def render_report(audit: Audit) -> str:
    errors = [f for f in audit.findings if f.severity == "error"]
    warnings = [f for f in audit.findings if f.severity == "warning"]
    verdict = (f'<p class="fail">不合格：{len(errors)} 项单项否决或必须改正的问题，另有 {len(warnings)} 项提醒。</p>' if errors
               else f'<p class="ok">未发现单项否决的问题；另有 {len(warnings)} 项提醒。</p>')
    wechat = audit.wechat
    post = cn_date(wechat.last_post) if wechat.last_post else "无记录"
    export = cn_date(wechat.last_export) if wechat.last_export else "无"
    wechat_state = ("无法判断（阅读数据不是最近两周导出的）" if not wechat.judged
                    else "最近两周没有更新" if wechat.stale else "最近两周有更新")
    if audit.tried is None:
        links_note = "未检查（运行 <code>pufa audit --online</code> 逐个打开）。"
    else:
        links_note = f"已逐个打开：{sum(1 for reason in audit.tried.values() if reason)} 个打不开。"
    link_rows = "\n".join(
        "<tr>" + _cell(link.url) + _cell(f"{link.source.as_posix()}:{link.line}" if link.line else link.source.as_posix())
        + _cell("未检查" if audit.tried is None else (audit.tried.get(link.url) or "可以打开")) + "</tr>"
        for link in audit.external)
    links_table = "<p>文章和页面中没有外部链接。</p>" if not audit.external else f"""<p>{links_note}</p>
<table>
<caption>文章和页面中的外部链接</caption>
<thead><tr><th scope="col">地址</th><th scope="col">所在文件</th><th scope="col">结果</th></tr></thead>
<tbody>
{link_rows}
</tbody>
</table>"""
    findings = "\n".join(_finding_item(f) for f in errors + warnings) or "<li>没有发现问题。</li>"
    return _page(f"网站自查报告（{cn_date(audit.today)}）", f"""<h1>网站自查报告</h1>
<p>按《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）中静态网站能够检查的项目自查，检查日 {escape(cn_date(audit.today))}。</p>
{verdict}
<h2>更新情况</h2>
<table>
<caption>首页和各栏目最近一次更新</caption>
<thead><tr><th scope="col">页面</th><th scope="col">更新期限</th><th scope="col">最近更新</th><th scope="col">距今天数</th>
<th scope="col">自此日起算作未更新</th><th scope="col">单项否决</th><th scope="col">状态</th></tr></thead>
<tbody>
{_freshness_rows([audit.home, *audit.columns])}
</tbody>
</table>
<h2>政务新媒体（公众号）</h2>
<p>阅读数据中最近一次推送本站文章：{escape(post)}；公众号数据导出日：{escape(export)}；{escape(wechat_state)}。</p>
<h2>发现的问题</h2>
<ul>
{findings}
</ul>
<h2>外部链接（{len(audit.external)} 个）</h2>
{links_table}""")
