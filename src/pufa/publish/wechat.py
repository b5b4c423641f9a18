"""An article as the WeChat editor keeps it: one HTML fragment with every style inline.

The WeChat editor drops <style>, <script>, class and id, and makes no link outside
mp.weixin.qq.com clickable (not even the bureau's own site). So the article is rendered with
the site's Markdown, cleaned by the site's body policy, reshaped (links become numbered
references listed under 参考链接, images become the files to upload, admonitions and tables
get a shape the editor keeps), given the site's theme inline by css-inline, and stripped of
every class and id.
"""

from __future__ import annotations

import io
import posixpath
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import css_inline
import lxml.html
from lxml.html import HtmlElement

from pufa.content.body import is_local, sanitize
from pufa.content.models import Article
from pufa.shared.formats import cn_date
from pufa.site.build import output_path

WECHAT_HOST = "mp.weixin.qq.com"
THEME = files("pufa.publish").joinpath("wechat.css").read_text(encoding="utf-8")
CONVERTED_TO_PNG = (".svg", ".webp")
"""WeChat takes neither SVG nor WebP in an article: these go up as PNG."""


@dataclass(frozen=True)
class Reference:
    number: int
    text: str
    url: str


@dataclass(frozen=True)
class Image:
    """An image of the article: ``placeholder`` is its src in content.html and the path of the
    file to upload, relative to the export folder."""

    placeholder: str
    source: Path
    alt: str


@dataclass
class WechatCopy:
    article: Article
    title: str
    digest: str
    source_url: str
    content: str = ""
    images: list[Image] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)


def _text_of(element: HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _absolute(article: Article, href: str, site_url: str) -> str:
    """Where a link of the article goes, as a full address on the site (or as written)."""
    if not is_local(href):
        return href.strip()
    parts = urlsplit(href.strip())
    page = urljoin(site_url, article.url)
    if parts.path.endswith(".md"):
        target = posixpath.normpath(posixpath.join(posixpath.dirname(article.src_uri), parts.path))
        address = urljoin(site_url, output_path(target).removesuffix("index.html"))
        return address + (f"#{parts.fragment}" if parts.fragment else "")
    return urljoin(page, href.strip())


class _Reshaper:
    def __init__(self, copy: WechatCopy, site_url: str, root: Path):
        self.copy = copy
        self.folder = (root / copy.article.source).parent
        self.site_url = site_url
        self._numbers: dict[str, int] = {}
        self._images: dict[Path, Image] = {}

    def reshape(self, root: HtmlElement) -> None:
        for anchor in list(root.iter("a")):
            self._link(anchor)
        for image in list(root.iter("img")):
            self._image(image)
        for admonition in root.find_class("admonition"):
            admonition.tag = "section"
        for details in list(root.iter("details")):
            details.tag = "section"
            details.set("class", "pufa-wx-details")
            details.attrib.pop("open", None)
            for summary in details.findall("summary"):
                summary.tag = "p"
                summary.set("class", "pufa-wx-summary")
        for table in list(root.iter("table")):
            wrapper = lxml.html.Element("section", {"class": "pufa-wx-table"})
            table.addprevious(wrapper)
            wrapper.tail, table.tail = table.tail, None
            wrapper.append(table)

    def _link(self, anchor: HtmlElement) -> None:
        if "headerlink" in (anchor.get("class") or "").split():  # the ¶ after a heading
            anchor.drop_tree()
            return
        href = anchor.get("href") or ""
        if not href or href.startswith("#"):  # an anchor on this page: ids do not survive
            anchor.drop_tag()
            return
        url = _absolute(self.copy.article, href, self.site_url)
        if urlsplit(url).scheme == "https" and urlsplit(url).hostname == WECHAT_HOST:
            anchor.attrib.clear()
            anchor.set("href", url)
            return
        number = self._numbers.get(url)
        if number is None:
            number = self._numbers[url] = len(self._numbers) + 1
            self.copy.references.append(Reference(number, _text_of(anchor) or url, url))
        mark = lxml.html.Element("sup", {"class": "pufa-wx-ref"})
        mark.text = f"[{number}]"
        anchor.addnext(mark)
        mark.tail, anchor.tail = anchor.tail, None
        anchor.drop_tag()

    def _image(self, image: HtmlElement) -> None:
        src = image.get("src") or ""
        source = (self.folder / unquote(urlsplit(src).path)).resolve() if is_local(src) else None
        if source is None:  # the body policy allows only local images; nothing else reaches here
            image.drop_tree()
            return
        found = self._images.get(source)
        if found is None:
            suffix = ".png" if source.suffix.lower() in CONVERTED_TO_PNG else source.suffix.lower()
            name = f"images/{len(self._images) + 1:02d}-{source.stem}{suffix}"
            found = self._images[source] = Image(name, source, image.get("alt") or "")
            self.copy.images.append(found)
        alt = image.get("alt") or ""
        image.attrib.clear()
        image.set("src", found.placeholder)
        image.set("alt", alt)


def _paragraph(css_class: str, text: str) -> HtmlElement:
    element = lxml.html.Element("p", {"class": css_class})
    element.text = text
    return element


def render_copy(copy: WechatCopy, body_html: str, site_url: str, site_name: str, project: Path) -> None:
    """Fills in ``copy.content`` (and its images and references) from the article's HTML as
    the site's Markdown renders it; ``project`` is the folder holding articles/."""
    article = copy.article
    root = lxml.html.fragment_fromstring(sanitize(body_html) or "<p></p>", create_parent="section")
    root.set("class", "pufa-wx")
    _Reshaper(copy, site_url, project).reshape(root)
    head = f"{article.column.name}" + (f" · 第{article.meta.issue}期" if article.meta.issue else "")
    root.insert(0, _paragraph("pufa-wx-head", f"{head} · {cn_date(article.meta.date)}"))
    review = article.meta.review
    if review is not None:
        root.append(_paragraph("pufa-wx-review", f"本文已经法制审核（审核人：{review.reviewer}，审核日期：{cn_date(review.date)}）。"))
    if copy.references:
        section = lxml.html.Element("section", {"class": "pufa-wx-refs"})
        section.append(_paragraph("pufa-wx-refs-title", "参考链接"))
        for reference in copy.references:
            section.append(_paragraph("pufa-wx-ref-item", f"[{reference.number}] {reference.text}：{reference.url}"))
        root.append(section)
    root.append(_paragraph("pufa-wx-closing", f"点击“阅读原文”，在{site_name}网站阅读本文：{copy.source_url}"))
    html = lxml.html.tostring(root, encoding="unicode")
    inlined = css_inline.inline_fragment(html, THEME, load_remote_stylesheets=False, inline_style_tags=False)
    final = lxml.html.fragment_fromstring(inlined)
    for element in final.iter():
        for name in ("class", "id"):
            element.attrib.pop(name, None)
    copy.content = lxml.html.tostring(final, encoding="unicode")


def image_bytes(image: Image) -> bytes:
    """The file to upload: the image itself, or a PNG of an SVG or WebP (rendered by resvg or
    Pillow, twice the size for sharp text on a phone)."""
    suffix = image.source.suffix.lower()
    if suffix == ".svg":
        import resvg_py

        return bytes(resvg_py.svg_to_bytes(svg_string=image.source.read_text(encoding="utf-8-sig"), zoom=2,
                                           background="#ffffff", sans_serif_family="Noto Sans CJK SC"))
    if suffix == ".webp":
        from PIL import Image as Picture

        with Picture.open(image.source) as picture:
            out = io.BytesIO()
            picture.save(out, format="PNG")
            return out.getvalue()
    return image.source.read_bytes()


def dimensions(data: bytes) -> tuple[int, int]:
    from PIL import Image as Picture

    with Picture.open(io.BytesIO(data)) as picture:
        return picture.size
