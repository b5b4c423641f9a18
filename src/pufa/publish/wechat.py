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
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import css_inline
import lxml.html
from lxml.html import HtmlElement

from pufa.content.body import is_local, sanitize
from pufa.content.models import Article
from pufa.shared.errors import PufaError
from pufa.shared.formats import cn_date
from pufa.site.addresses import page_address

WECHAT_LINK = re.compile(r"https://mp\.weixin\.qq\.com/[^\s\\]*", re.IGNORECASE)
"""The only links the WeChat editor keeps: the official account's own articles. Matched on the
text as written, so that no reading of userinfo, ports or backslashes can smuggle in a host."""
SVG_WIDTH = 1080
"""Pixels an SVG is drawn at: three times a 360 px phone column."""
SVG_MOST_TALL = 20
"""An SVG at most this many times taller than wide: a drawing, not a memory bomb."""
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
    missing_images: list[str] = field(default_factory=list)


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
        address = urljoin(site_url, page_address(target))
        return address + (f"#{parts.fragment}" if parts.fragment else "")
    return urljoin(page, href.strip())


class ImageError(PufaError):
    """An image that cannot become a file to upload (unreadable, absurd size)."""


class _Reshaper:
    def __init__(self, copy: WechatCopy, site_url: str, assets: Mapping[str, Path]):
        self.copy = copy
        self.assets = assets
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
        parent = anchor.getparent()
        if "headerlink" in (anchor.get("class") or "").split() and parent is not None and parent.tag in HEADINGS:
            anchor.drop_tree()  # the ¶ the table of contents puts after a heading
            return
        href = anchor.get("href") or ""
        if not href or href.startswith("#"):  # an anchor on this page: ids do not survive
            anchor.drop_tag()
            return
        url = _absolute(self.copy.article, href, self.site_url)
        if WECHAT_LINK.fullmatch(url):
            anchor.attrib.clear()
            anchor.set("href", url)
            return
        number = self._numbers.get(url)
        if number is None:
            number = self._numbers[url] = len(self._numbers) + 1
            label = _text_of(anchor) or " ".join(img.get("alt") or "" for img in anchor.iter("img")).strip() or "链接"
            self.copy.references.append(Reference(number, label, url))
        mark = lxml.html.Element("sup", {"class": "pufa-wx-ref"})
        mark.text = f"[{number}]"
        anchor.addnext(mark)
        mark.tail, anchor.tail = anchor.tail, None
        anchor.drop_tag()

    def _image(self, image: HtmlElement) -> None:
        """An image of the site (beside the article) becomes a file to upload; the body
        policy and `pufa check` refuse any other, so here it is only dropped."""
        src = unquote(urlsplit(image.get("src") or "").path)
        site_path = posixpath.normpath(posixpath.join(posixpath.dirname(self.copy.article.src_uri), src)) if src else ""
        source = self.assets.get(site_path) if is_local(image.get("src") or "") else None
        if source is None:
            self.copy.missing_images.append(image.get("src") or "（没有地址）")
            image.drop_tree()
            return
        found = self._images.get(source)
        if found is None:
            suffix = ".png" if source.suffix.lower() in CONVERTED_TO_PNG else source.suffix.lower()
            found = self._images[source] = Image(f"images/{len(self._images) + 1:02d}{suffix}", source, image.get("alt") or "")
            self.copy.images.append(found)
        alt = image.get("alt") or ""
        image.attrib.clear()
        image.set("src", found.placeholder)
        image.set("alt", alt)


HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def _paragraph(css_class: str, text: str) -> HtmlElement:
    element = lxml.html.Element("p", {"class": css_class})
    element.text = text
    return element


def render_copy(copy: WechatCopy, body_html: str, site_url: str, site_name: str, assets: Mapping[str, Path]) -> None:
    """Fills in ``copy.content`` (and its images and references) from the article's HTML as
    the site's Markdown renders it; ``assets`` are the site's images (site path → file)."""
    article = copy.article
    root = lxml.html.fragment_fromstring(sanitize(body_html) or "<p></p>", create_parent="section")
    root.set("class", "pufa-wx")
    _Reshaper(copy, site_url, assets).reshape(root)
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
    """The file to upload: the image itself, or a PNG of an SVG (drawn by resvg, 1080 px wide
    for sharp text on a phone) or of a WebP (Pillow). Raises ImageError."""
    suffix = image.source.suffix.lower()
    if suffix == ".svg":
        import resvg_py

        text = image.source.read_text(encoding="utf-8-sig")
        width, height = _svg_size(text)
        if width <= 0 or height <= 0 or height > width * SVG_MOST_TALL or width > height * SVG_MOST_TALL:
            raise ImageError(f"尺寸异常（{width:g}×{height:g}）")
        try:
            return bytes(resvg_py.svg_to_bytes(svg_string=text, width=SVG_WIDTH, background="#ffffff",
                                               sans_serif_family="Noto Sans CJK SC"))
        except ValueError as exc:
            raise ImageError(str(exc)) from None
    data = image.source.read_bytes()
    _open(data).close()  # refuse what is not an image, or too large to open
    if suffix == ".webp":
        with _open(data) as picture:
            out = io.BytesIO()
            picture.save(out, format="PNG")
            return out.getvalue()
    return data


def _svg_size(text: str) -> tuple[float, float]:
    """The drawing's size from viewBox, else width and height (percentages count as unknown)."""
    from xml.etree import ElementTree

    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        raise ImageError(f"不是有效的 SVG（{exc}）") from None
    box = (root.get("viewBox") or "").replace(",", " ").split()
    try:
        if len(box) == 4:
            return float(box[2]), float(box[3])
        return float((root.get("width") or "").removesuffix("px")), float((root.get("height") or "").removesuffix("px"))
    except ValueError:
        raise ImageError("没有 viewBox，也没有以像素写明的宽和高") from None


def _open(data: bytes):
    from PIL import Image as Picture

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Picture.DecompressionBombWarning)
            picture = Picture.open(io.BytesIO(data))
            picture.load()
            return picture
    except (Picture.DecompressionBombError, Picture.DecompressionBombWarning):
        raise ImageError("像素过多（超过 8900 万像素），请缩小后再用") from None
    except (OSError, ValueError, SyntaxError):
        raise ImageError("不是有效的图片") from None


def dimensions(data: bytes) -> tuple[int, int]:
    with _open(data) as picture:
        return picture.size
