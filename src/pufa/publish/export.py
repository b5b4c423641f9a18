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

from pufa.content.body import article_problems
from pufa.content.corpus import Site
from pufa.content.models import Article
from pufa.privacy.scanner import find_leaks
from pufa.privacy.sources import load_allowed_numbers
from pufa.publish.wechat import (
    ImageError,
    WechatCopy,
    dimensions,
    image_bytes,
    render_copy,
)
from pufa.shared.errors import Problem, PufaError
from pufa.shared.frontmatter import split_document
from pufa.shared.output import trusted_markup
from pufa.site.render import Renderer
from pufa.site.settings import MarkdownSettings

TITLE_MAX = 32
DIGEST_MAX = 128
CONTENT_MAX_CHARS = 20_000
CONTENT_MAX_BYTES = 1_000_000
IMAGE_MAX_BYTES = 10_000_000
THUMB_PLACEHOLDER = "THUMB_MEDIA_ID"
WECHAT_URL = re.compile(r"https://mp\.weixin\.qq\.com/[^\s\\\"']+")


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


def _problems(article: Article, title: str, copy: WechatCopy, given_title: bool) -> list[Problem]:
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
    if len(copy.content) >= CONTENT_MAX_CHARS:
        problems.append(Problem(where, f"公众号正文有 {len(copy.content)} 个字符（含排版），应少于 {CONTENT_MAX_CHARS}：请分成两篇"))
    if len(copy.content.encode("utf-8")) >= CONTENT_MAX_BYTES:
        problems.append(Problem(where, "公众号正文超过 1 MB：请分成两篇"))
    problems += [Problem(where, f"图片 {src} 不是本站文章旁边的图片：请放在文章旁边，路径相对于文章所在目录")
                 for src in copy.missing_images]
    return problems


def _image_files(article: Article, copy: WechatCopy, problems: list[Problem]) -> list[tuple[str, bytes, int, int]]:
    files = []
    for image in copy.images:
        try:
            data = image_bytes(image)
            width, height = dimensions(data)
        except (ImageError, OSError) as exc:
            problems.append(Problem(article.source, f"图片 {image.source.name} 无法使用：{exc}"))
            continue
        if len(data) > IMAGE_MAX_BYTES:
            problems.append(Problem(article.source, f"图片 {image.source.name} 有 {len(data) / 1_000_000:.1f} MB，超过公众号的 10 MB：请压缩"))
        files.append((image.placeholder, data, width, height))
    return files


def prepare(articles: Iterable[Article], site: Site, root: Path, settings: MarkdownSettings, site_url: str,
            site_name: str, title: str | None = None) -> list[Exported]:
    """Every copy, or an ExportError listing all that stops any of them: the account's limits,
    and what `pufa check` would refuse in the body (the copy is published too), personal
    numbers included."""
    converter = settings.converter()
    assets = {asset.src_uri: asset.path for asset in site.assets}
    prepared: list[Exported] = []
    problems: list[Problem] = []
    allowed = frozenset(load_allowed_numbers(root / "data", root, problems))
    articles = list(articles)
    if title is not None and len(articles) != 1:
        raise ExportError([Problem(Path("--title"), "--title 只能用于导出一篇文章")])
    for article in articles:
        wechat_title = title or article.meta.title
        copy = WechatCopy(article, wechat_title, article.meta.summary, urljoin(site_url, article.url))
        converter.reset()
        html = converter.convert(article.body)
        problems += article_problems(article, set(assets), html)
        render_copy(copy, html, site_url, site_name, assets)
        problems += _problems(article, wechat_title, copy, title is not None)
        for text in (copy.content, wechat_title, copy.digest, article.meta.author):
            problems += [Problem(article.source, f"公众号版本中有疑似{leak.kind} {leak.masked}：请先从文章中删除")
                         for leak in find_leaks(text, article.source.as_posix(), allowed)]
        prepared.append(Exported(copy, _image_files(article, copy, problems)))
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


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """A CSV cell Excel shows as text: one that starts like a formula gets a leading '."""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _images_csv(exported: Exported, root: Path) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["placeholder", "upload_file", "source", "bytes", "width", "height", "alt"])
    by_placeholder = {image.placeholder: image for image in exported.copy.images}
    for placeholder, data, width, height in exported.images:
        image = by_placeholder[placeholder]
        source = image.source.relative_to(root) if image.source.is_relative_to(root) else image.source
        writer.writerow([_cell(v) for v in (placeholder, placeholder, source.as_posix(), len(data), width, height, image.alt)])
    return out.getvalue()


def _fill(folder: Path, exported: Exported, root: Path) -> None:
    copy = exported.copy
    (folder / "images").mkdir()
    for placeholder, data, _, _ in exported.images:
        (folder / placeholder).write_bytes(data)
    (folder / "content.html").write_text(copy.content + "\n", encoding="utf-8")
    (folder / "images.csv").write_text(_images_csv(exported, root.resolve()), encoding="utf-8-sig")  # Excel reads the BOM
    (folder / "draft.json").write_text(json.dumps(draft_request(copy), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (folder / "preview.html").write_text(_preview(copy), encoding="utf-8")
    os.chmod(folder, 0o755)


def write_exports(prepared: list[Exported], out_dir: Path, root: Path) -> list[Path]:
    """Every DIR/<slug>/ written whole, or none: each is built in a temporary folder beside
    it, and only when all are built are they swapped in for the previous ones."""
    built: list[tuple[Path, Path]] = []
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for exported in prepared:
            slug = exported.copy.article.slug
            temp = Path(tempfile.mkdtemp(dir=out_dir, prefix=f".{slug}."))
            built.append((temp, out_dir / slug))
            _fill(temp, exported, root)
        for temp, target in built:
            old = target.with_name(f".{target.name}.old")
            if target.exists():
                shutil.rmtree(old, ignore_errors=True)
                os.replace(target, old)
            os.replace(temp, target)
            shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        for temp, _ in built:
            shutil.rmtree(temp, ignore_errors=True)
        raise ExportError([Problem(out_dir, f"无法写入导出目录：{exc.strerror or exc}")]) from None
    return [target for _, target in built]


def _preview(copy: WechatCopy) -> str:
    renderer = Renderer()
    return renderer.render("wechat_preview.html.j2", title=copy.title, digest=copy.digest,
                           content=trusted_markup(copy.content))  # built from the body nh3 sanitized, then restyled


def link_article(article: Article, root: Path, url: str) -> bool:
    """Writes `wechat: URL` into the article's front matter, every other byte as it was (the
    lines' endings, a BOM). Returns False when it already says so. The edited front matter is
    read back and must say the same as before except for `wechat`, or nothing is written."""
    if not WECHAT_URL.fullmatch(url):
        raise ExportError([Problem(Path("URL"), f"“{url.strip()}”不是公众号文章地址：应以 https://mp.weixin.qq.com/ 开头，不含空格和引号")])
    path = root / article.source
    data = path.read_bytes()
    first_line = data.split(b"\n", 1)[0]
    newline = b"\r\n" if first_line.endswith(b"\r") else b"\n"
    lines = data.split(newline)
    start = 1 if lines and lines[0].lstrip(b"\xef\xbb\xbf").strip() == b"---" else None
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in (b"---", b"...")), None) if start else None
    if start is None or end is None:
        raise ExportError([Problem(article.source, "找不到头信息（--- 之间的部分）")])
    before = _front_matter(data, article.source)
    wanted = b"wechat: " + url.encode("utf-8")
    existing = article.key_lines.get("wechat")
    if existing is not None and lines[existing - 1].rstrip() == wanted:
        return False
    if existing is not None:
        lines[existing - 1] = wanted
    else:
        lines.insert(end, wanted)
    edited = newline.join(lines)
    after = _front_matter(edited, article.source)
    if {k: v for k, v in after.items() if k != "wechat"} != {k: v for k, v in before.items() if k != "wechat"} \
            or after.get("wechat") != url:
        raise ExportError([Problem(article.source, "wechat: 写在这里的方式无法自动修改（如跨行或键名加了引号）："
                                   f"请手工改为一行 wechat: {url}", existing, "wechat")])
    _write_bytes_atomic(path, edited)
    return True


def _front_matter(data: bytes, shown: Path) -> dict:
    return split_document(data.decode("utf-8-sig").replace("\r\n", "\n"), shown).meta


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
