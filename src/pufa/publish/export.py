"""`pufa wechat export` and `pufa wechat link`: which articles, the limits the official account
sets (checked before anything is written), the files an operator needs, and the `wechat:` link
written back once the article is posted.

Per article, under DIR/<slug>/: content.html (paste or post), images/ and images.csv (what to
upload, and the placeholder each replaces), draft.json (the body of a draft/add request) and
preview.html (a phone-width preview with a button that copies the fragment as rich text).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urljoin

from pufa.content.corpus import Site
from pufa.content.models import Article
from pufa.publish.wechat import WechatCopy, dimensions, image_bytes, render_copy
from pufa.shared.errors import Problem, PufaError
from pufa.shared.output import trusted_markup
from pufa.site.render import Renderer
from pufa.site.settings import MarkdownSettings

TITLE_MAX = 32
DIGEST_MAX = 128
CONTENT_MAX_CHARS = 20_000
CONTENT_MAX_BYTES = 1_000_000
IMAGE_MAX_BYTES = 10_000_000
THUMB_PLACEHOLDER = "THUMB_MEDIA_ID"
WECHAT_URL = re.compile(r"^https://mp\.weixin\.qq\.com/\S+$")


class ExportError(PufaError):
    """What stops an export: every problem of every article asked for, none written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = [f"无法导出（{len(problems)} 处问题），没有写入任何文件："] + [f"  {problem}" for problem in problems]
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Selection:
    names: tuple[str, ...] = ()
    since: date | None = None
    unposted: bool = False


def _matches(article: Article, name: str, root: Path) -> bool:
    wanted = name.strip().replace("\\", "/").strip("/").removesuffix(".md")
    path = Path(name)
    if path.suffix == ".md" and (path if path.is_absolute() else Path.cwd() / path).resolve() == (root / article.source).resolve():
        return True
    return wanted in (article.slug, article.src_uri.removesuffix(".md"), article.url.strip("/"),
                      article.source.as_posix().removesuffix(".md"))


def select_articles(site: Site, root: Path, selection: Selection, today: date) -> list[Article]:
    """The articles named (by path or slug), plus with --since those published since a day and
    with --unposted those published without a `wechat:` link; an unknown name is an error."""
    chosen: dict[str, Article] = {}
    unknown = []
    for name in selection.names:
        found = [a for a in site.articles if _matches(a, name, root)]
        if not found:
            unknown.append(name)
        for article in found:
            chosen[article.src_uri] = article
    if unknown:
        raise ExportError([Problem(Path(name), "找不到这篇文章：请写 articles/ 下的文件路径，或文件名（如 jiabanfei-zenme-suan）")
                           for name in unknown])
    for article in site.articles:
        published = article.status(today) == "published"
        if selection.since is not None and published and article.meta.date >= selection.since:
            chosen[article.src_uri] = article
        if selection.unposted and published and article.meta.wechat is None:
            chosen[article.src_uri] = article
    return sorted(chosen.values(), key=lambda a: (a.meta.date, a.src_uri))


@dataclass(frozen=True)
class Exported:
    copy: WechatCopy
    images: list[tuple[str, bytes, int, int]]
    """(placeholder, file, width, height) of each image to upload."""


def _problems(article: Article, title: str, copy: WechatCopy | None, images: list, given_title: bool) -> list[Problem]:
    where = article.source
    problems = []
    if article.meta.draft:
        problems.append(Problem(where, "是草稿（draft: true），不能同步到公众号", field="draft"))
    if article.meta.review is None:
        problems.append(Problem(where, "未经法制审核，不能同步到公众号", article.key_lines.get("review"), "review"))
    if len(title) > TITLE_MAX:
        hint = "请缩短 --title" if given_title else "请用 --title 另拟一个不超过 32 字的公众号标题"
        problems.append(Problem(where, f"标题 {len(title)} 字，超过公众号的 {TITLE_MAX} 字：{hint}", article.key_lines.get("title"), "title"))
    if len(article.meta.summary) > DIGEST_MAX:
        problems.append(Problem(where, f"摘要 {len(article.meta.summary)} 字，超过公众号摘要的 {DIGEST_MAX} 字",
                                article.key_lines.get("summary"), "summary"))
    if copy is not None:
        if len(copy.content) >= CONTENT_MAX_CHARS:
            problems.append(Problem(where, f"公众号正文有 {len(copy.content)} 个字符（含排版），应少于 {CONTENT_MAX_CHARS}：请分成两篇"))
        if len(copy.content.encode("utf-8")) >= CONTENT_MAX_BYTES:
            problems.append(Problem(where, "公众号正文超过 1 MB：请分成两篇"))
    for image, size in images:
        if size is None:
            problems.append(Problem(where, f"找不到图片 {image.source.name}：图片应放在文章旁边，路径相对于文章所在目录"))
        elif size > IMAGE_MAX_BYTES:
            problems.append(Problem(where, f"图片 {image.source.name} 有 {size / 1_000_000:.1f} MB，超过公众号的 10 MB：请压缩"))
    return problems


def prepare(articles: Iterable[Article], root: Path, settings: MarkdownSettings, site_url: str, site_name: str,
            title: str | None = None) -> list[Exported]:
    """Every copy, or an ExportError listing all that stops any of them."""
    converter = settings.converter()
    prepared: list[Exported] = []
    problems: list[Problem] = []
    articles = list(articles)
    if title is not None and len(articles) != 1:
        raise ExportError([Problem(Path("--title"), "--title 只能用于导出一篇文章")])
    for article in articles:
        wechat_title = title or article.meta.title
        copy = WechatCopy(article, wechat_title, article.meta.summary, urljoin(site_url, article.url))
        converter.reset()
        render_copy(copy, converter.convert(article.body), site_url, site_name, root)
        images, checked = [], []
        for image in copy.images:
            if not image.source.is_file():
                checked.append((image, None))
                continue
            try:
                data = image_bytes(image)
                size = dimensions(data)
            except (OSError, ValueError) as exc:  # Pillow's UnidentifiedImageError is an OSError; resvg raises ValueError
                problems.append(Problem(article.source, f"图片 {image.source.name} 无法读取，不是有效的图片（{exc}）"))
                continue
            checked.append((image, len(data)))
            images.append((image.placeholder, data, *size))
        problems += _problems(article, wechat_title, copy, checked, title is not None)
        prepared.append(Exported(copy, images))
    if problems:
        raise ExportError(problems)
    return prepared


def draft_request(copy: WechatCopy, open_comment: bool = True) -> dict:
    """The body of POST /cgi-bin/draft/add (schema/wechat-draft.schema.json)."""
    return {"articles": [{
        "article_type": "news",
        "title": copy.title,
        "author": copy.article.meta.author,
        "digest": copy.digest,
        "content": copy.content,
        "content_source_url": copy.source_url,
        "thumb_media_id": THUMB_PLACEHOLDER,
        "need_open_comment": 1 if open_comment else 0,
        "only_fans_can_comment": 0,
    }]}


def _images_csv(exported: Exported, root: Path) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["placeholder", "upload_file", "source", "bytes", "width", "height", "alt"])
    by_placeholder = {image.placeholder: image for image in exported.copy.images}
    for placeholder, data, width, height in exported.images:
        image = by_placeholder[placeholder]
        source = image.source.relative_to(root) if image.source.is_relative_to(root) else image.source
        writer.writerow([placeholder, placeholder, source.as_posix(), len(data), width, height, image.alt])
    return out.getvalue()


def write_export(exported: Exported, out_dir: Path, root: Path) -> Path:
    """DIR/<slug>/ written whole: built in a temporary folder beside it, then swapped in, so a
    failed or interrupted export leaves the previous one as it was."""
    copy = exported.copy
    target = out_dir / copy.article.slug
    out_dir.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(dir=out_dir, prefix=f".{copy.article.slug}."))
    try:
        (temp / "images").mkdir()
        for placeholder, data, _, _ in exported.images:
            (temp / placeholder).write_bytes(data)
        (temp / "content.html").write_text(copy.content + "\n", encoding="utf-8")
        (temp / "images.csv").write_text(_images_csv(exported, root.resolve()), encoding="utf-8")
        (temp / "draft.json").write_text(json.dumps(draft_request(copy), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        (temp / "preview.html").write_text(_preview(copy), encoding="utf-8")
        os.chmod(temp, 0o755)
        old = None
        if target.exists():
            old = out_dir / f".{copy.article.slug}.old"
            shutil.rmtree(old, ignore_errors=True)
            os.replace(target, old)
        os.replace(temp, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return target


def _preview(copy: WechatCopy) -> str:
    renderer = Renderer()
    return renderer.render("wechat_preview.html.j2", title=copy.title, digest=copy.digest,
                           content=trusted_markup(copy.content))  # built from the body nh3 sanitized, then restyled


def link_article(article: Article, root: Path, url: str) -> bool:
    """Writes `wechat: URL` into the article's front matter, every other byte as it was (the
    line's own ending, a BOM, CRLF). Returns False when it already says so."""
    if not WECHAT_URL.match(url):
        raise ExportError([Problem(Path("URL"), f"“{url}”不是公众号文章地址：应以 https://mp.weixin.qq.com/ 开头")])
    path = root / article.source
    data = path.read_bytes()
    newline = b"\r\n" if b"\r\n" in data else b"\n"
    lines = data.split(newline)
    start = 1 if lines and lines[0].lstrip(b"\xef\xbb\xbf").strip() == b"---" else None
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == b"---"), None) if start else None
    if start is None or end is None:
        raise ExportError([Problem(article.source, "找不到头信息（--- 之间的部分）")])
    wanted = b"wechat: " + url.encode("utf-8")
    existing = next((i for i in range(start, end) if lines[i].startswith(b"wechat:")), None)
    if existing is not None and lines[existing].rstrip() == wanted:
        return False
    if existing is not None:
        lines[existing] = wanted
    else:
        lines.insert(end, wanted)
    _write_bytes_atomic(path, newline.join(lines))
    return True


def _write_bytes_atomic(path: Path, data: bytes) -> None:
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(temp, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
