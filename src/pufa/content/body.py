"""What an article body may contain once rendered: the allowed HTML, links and images.

Editors write Markdown; raw HTML is allowed only for what Markdown cannot say (a table cell
that spans columns, <details>, <sup>, <mark>, <abbr>...). Nothing that runs (<script>, event
handlers such as onclick, javascript: and data: addresses), embeds another page or program
(<iframe>, <object>, <embed>, <form>) or loads anything from another host (an image, a
stylesheet) may be published: the site speaks for a government body and makes no request
to a third party. ``body_problems`` names each such thing so that `pufa check` and the build
can point at the file and line; ``sanitize`` passes every published body through nh3
(ammonia, a browser-grade HTML parser) with the same allow-list, so a trick the check's
parser reads differently from a browser is removed all the same.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

import nh3

from pufa.content.models import Article
from pufa.shared.errors import Problem
from pufa.shared.formats import OVERLONG_REFERENCE
from pufa.shared.frontmatter import CONTROL_CHARACTERS
from pufa.shared.quick_html import QuickFeed

ALLOWED_TAGS = frozenset(
    "a abbr b blockquote br caption code col colgroup dd del details div dl dt em figcaption figure "
    "h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre s small span strong sub summary sup "
    "table tbody td tfoot th thead time tr u ul".split()
)
GLOBAL_ATTRIBUTES = frozenset({"id", "class", "title", "lang", "dir"})
TAG_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "rel"}),
    "img": frozenset({"src", "alt", "width", "height", "loading"}),
    "td": frozenset({"colspan", "rowspan", "align", "style"}),
    "th": frozenset({"colspan", "rowspan", "align", "scope", "style"}),
    "ol": frozenset({"start", "type", "reversed"}),
    "li": frozenset({"value"}),
    "details": frozenset({"open"}),
    "time": frozenset({"datetime"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
}
VOID_TAGS = frozenset("area base br col embed hr img input link meta source track wbr".split())
"""Tags that have no end tag."""
LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
STYLE_PROPERTIES = frozenset({"text-align"})  # what Markdown tables write for column alignment
RUNNING_TAGS = frozenset({"script", "style", "iframe", "frame", "frameset", "object", "embed", "applet",
                          "form", "input", "button", "textarea", "select", "link", "meta", "base", "svg",
                          "math", "video", "audio", "source", "track", "portal", "template"})


@dataclass(frozen=True)
class BodyProblem:
    """Something a body may not publish; ``needle`` is text to find it by in the source."""

    message: str
    needle: str


@dataclass(frozen=True)
class LocalImage:
    """An image the body loads from this site: a problem only when no such file is published,
    which the body alone cannot tell (see resolve_images)."""

    src: str


BodyCheck = BodyProblem | LocalImage
"""What reading a body finds, before the images are looked for."""


def _as_browser_reads(url: str) -> str:
    """A URL as a browser reads it: tabs, line breaks and surrounding spaces ignored."""
    return "".join(ch for ch in url if ch not in "\t\n\r").strip()


def _scheme(url: str) -> str | None:
    """The scheme a browser would see."""
    cleaned = _as_browser_reads(url).lower()
    head = cleaned.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return head.split(":", 1)[0] if ":" in head else None


def is_local(url: str) -> bool:
    """A path on this site: no scheme and no host (//host/x is another host)."""
    cleaned = _as_browser_reads(url)
    return _scheme(cleaned) is None and not cleaned.startswith(("//", "\\\\", "/\\", "\\/")) and not urlsplit(cleaned).netloc


def site_path(base: str, url: str) -> str | None:
    """The site path a local ``url`` on a page in folder ``base`` points to, or None when
    it climbs out of the site (../../../etc/passwd)."""
    path = unquote(urlsplit(url.strip()).path)
    joined = path.lstrip("/") if path.startswith("/") else posixpath.join(base, path)
    normal = posixpath.normpath(joined) if joined else ""
    return None if normal == ".." or normal.startswith("../") else normal


class _Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[BodyCheck] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_startendtag(tag, attrs)
        if tag not in VOID_TAGS:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:  # as Markdown reads raw HTML: an end tag closes what it encloses
            while self.open.pop() != tag:
                pass

    def close(self) -> None:
        """Also a tag the body leaves open: Markdown would take everything after it, to the end
        of the page, as raw HTML (the review note, cited laws and related articles too)."""
        super().close()
        if self.open:
            tag = self.open[0]
            self.problems.append(BodyProblem(
                f"<{tag}> 没有对应的 </{tag}>：它之后直到文末的内容（包括正文后的审核信息、引用的法规和相关文章）"
                f"都会显示错乱，请补上 </{tag}>", f"<{tag}"))
        self.open.clear()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in RUNNING_TAGS:
            self.problems.append(BodyProblem(f"不允许的 HTML 标签 <{tag}>（可能运行脚本、嵌入或加载其他网站的内容）", f"<{tag}"))
        elif tag not in ALLOWED_TAGS:
            self.problems.append(BodyProblem(f"不允许的 HTML 标签 <{tag}>，正文可用的 HTML 见 README“文章中的 HTML”", f"<{tag}"))
        allowed = GLOBAL_ATTRIBUTES | TAG_ATTRIBUTES.get(tag, frozenset())
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(BodyProblem(f"不允许事件属性 {name}（会在读者的浏览器中运行脚本）", name))
            elif name not in allowed:
                self.problems.append(BodyProblem(f"<{tag}> 不允许属性 {name}", name))
            elif name == "style" and not _style_is_alignment(value):
                self.problems.append(BodyProblem(f"style 只能设置 text-align（实际为“{value}”）", value or name))
            elif name == "href" and _scheme(value) not in LINK_SCHEMES | {None}:
                self.problems.append(BodyProblem(f"链接地址不能以 {_scheme(value)}: 开头（只能是本站路径、http(s)、mailto 或 tel）", value))
            elif name == "src" and not is_local(value):
                self.problems.append(BodyProblem(f"图片不能从其他网站或 {_scheme(value) or '外部'} 地址加载（{value[:60]}）：请把图片放在文章旁边", value))
            elif name == "src":
                self.problems.append(LocalImage(value))


class _QuickInspector(QuickFeed, _Inspector):
    """_Inspector reading plain HTML quickly: the same calls (see quick_html), so the same checks."""


def _style_is_alignment(style: str) -> bool:
    declarations = [d.strip() for d in style.split(";") if d.strip()]
    for declaration in declarations:
        name, _, value = declaration.partition(":")
        if name.strip().lower() not in STYLE_PROPERTIES or value.strip().lower() not in ("left", "right", "center"):
            return False
    return True


_CHARACTER_REFERENCE = re.compile(r"&#(?:[xX][0-9a-fA-F]{1,8}|[0-9]{1,10});?")  # a longer one is flagged by its start


def body_checks(html: str) -> list[BodyCheck]:
    """Everything in a rendered body that may not be published, and every local image it
    shows, in order: a result of the HTML alone, so `pufa check` can keep it by the HTML."""
    inspector = _QuickInspector()
    inspector.feed(OVERLONG_REFERENCE.sub("", html))  # Python cannot read one (see unwritable_references)
    inspector.close()
    return inspector.problems


def unwritable_references(text: str) -> list[BodyProblem]:
    """Character references to an invisible control character (&#x1c;), which the file itself
    may not hold (see frontmatter.read_text) and no feed or valid page can carry, or to no
    character at all (&#xD800;, a half of a UTF-16 pair; &#99999999999…, which crashes the
    Markdown conversion), each once, with where it is written."""
    found: list[BodyProblem] = []
    for reference in dict.fromkeys(match.group(0) for match in _CHARACTER_REFERENCE.finditer(text)):
        digits = reference.strip("&#;")
        number = int(digits[1:], 16) if digits[:1] in "xX" else int(digits)
        if number > 0x10FFFF or 0xD800 <= number <= 0xDFFF:
            found.append(BodyProblem(f"{reference} 不是有效的字符，请删除", reference))
        elif CONTROL_CHARACTERS.fullmatch(chr(number)):
            found.append(BodyProblem(f"{reference} 是不可见的控制字符（U+{number:04X}），请删除", reference))
    return found


def checks_as_lists(checks: list[BodyCheck]) -> list[list[str]]:
    """Body checks as JSON can keep them: ["problem", message, needle] or ["image", src]."""
    return [["problem", c.message, c.needle] if isinstance(c, BodyProblem) else ["image", c.src] for c in checks]


def checks_from_lists(stored: list[list[str]]) -> list[BodyCheck]:
    return [BodyProblem(item[1], item[2]) if item[0] == "problem" else LocalImage(item[1]) for item in stored]


def are_check_lists(value: object) -> bool:
    """Whether ``value`` is what checks_as_lists makes (a cache holding anything else is ignored)."""
    return isinstance(value, list) and all(
        isinstance(item, list) and len(item) == (3 if item[:1] == ["problem"] else 2) and item[:1] in (["problem"], ["image"])
        and all(isinstance(part, str) for part in item) for item in value)


def resolve_images(checks: list[BodyCheck], image_exists: Callable[[str], bool] | None) -> list[BodyProblem]:
    """The problems of ``checks``; with ``image_exists``, also every local image it cannot find."""
    return [
        check if isinstance(check, BodyProblem) else
        BodyProblem(f"找不到图片 {check.src}：图片应放在 articles/ 下文章旁边，路径相对于文章所在目录", check.src)
        for check in checks
        if isinstance(check, BodyProblem) or (image_exists is not None and not image_exists(check.src))
    ]


def body_problems(html: str, image_exists: Callable[[str], bool] | None = None) -> list[BodyProblem]:
    """Everything in a rendered body that may not be published, in order; with
    ``image_exists``, also every local image it cannot find."""
    return resolve_images(body_checks(html), image_exists)


def _local_resource(element: str, attribute: str, value: str) -> str | None:
    if attribute == "src" and not is_local(value):
        return None
    return value


def sanitize(html: str) -> str:
    """The body with anything outside the allow-list removed (nh3), whatever the check saw."""
    attributes = {tag: set(names) for tag, names in TAG_ATTRIBUTES.items()}
    attributes["*"] = set(GLOBAL_ATTRIBUTES)
    return nh3.clean(
        html, tags=set(ALLOWED_TAGS), attributes=attributes, attribute_filter=_local_resource,
        clean_content_tags={"script", "style"}, strip_comments=True, link_rel=None,
        url_schemes=set(LINK_SCHEMES), filter_style_properties=set(STYLE_PROPERTIES),
    )


def position_of(needle: str, source: str, first_line: int) -> tuple[int, int] | None:
    """The line (counting from ``first_line``) and column where ``needle`` first appears in
    the source; the rendered value may have been written with character references
    (java&#x09;script), so shorter and shorter beginnings of it are tried, down to four
    characters."""
    lowered = source.lower()
    for length in range(len(needle), min(len(needle), 4) - 1, -1):
        position = lowered.find(needle[:length].lower())
        if position >= 0:
            line_start = source.rfind("\n", 0, position) + 1
            return first_line + source.count("\n", 0, position), position - line_start + 1
    return None


def line_of(needle: str, source: str, first_line: int) -> int | None:
    found = position_of(needle, source, first_line)
    return found[0] if found else None


MARKDOWN_EXTENSIONS = ["toc", "admonition", "attr_list", "md_in_html", "tables", "pymdownx.details", "pymdownx.superfences"]
"""The Markdown extensions of mkdocs.yml that shape a body's HTML, for checking without a build."""


def article_problems(article: Article, assets: Collection[str], html: str | None = None,
                     checks: list[BodyCheck] | None = None) -> list[Problem]:
    """What `pufa check` finds in an article's body, rendered as the site would (``html``, or
    with the extensions above; or its ``checks`` already read), by line. Images are still
    written relative to the article's folder here (``assets`` are site paths)."""
    if checks is None:
        if html is None:
            import markdown

            html = markdown.markdown(article.body, extensions=MARKDOWN_EXTENSIONS)
        checks = body_checks(html)
    folder = posixpath.dirname(article.src_uri)
    return located_problems(article, resolve_images(checks, lambda src: site_path(folder, src) in assets))


def located_problems(article: Article, found: list[BodyProblem]) -> list[Problem]:
    problems = []
    for problem in found:
        line, column = position_of(problem.needle, article.body, article.body_line) or (None, None)
        problems.append(Problem(article.source, problem.message, line, column=column))
    return problems


SVG_NAMESPACE = "http://www.w3.org/2000/svg"
SVG_ELEMENTS = frozenset(
    "svg g defs title desc metadata rect circle ellipse line polyline polygon path text tspan "
    "lineargradient radialgradient stop clippath mask pattern marker symbol".split()
)
"""Static drawing only: nothing that runs, animates a link, embeds HTML or loads a file."""
SVG_LINK_ATTRIBUTES = frozenset({"href", "src", "xlink:href", "style"})


def svg_problems(text: str) -> list[BodyProblem]:
    """What an SVG beside the articles may not hold. Opened by its own address it is a page of
    this site, so anything but static drawing could run script or call another host there:
    only the SVG elements above, in the SVG namespace, with no processing instruction
    (xml-stylesheet can run XSLT), no DOCTYPE, no <style>, no event handler and no reference
    outside the image itself."""
    head = text.lstrip().removeprefix("\ufeff")
    if head.startswith(("<?xml ", "<?xml\t", "<?xml\n", "<?xml\r")) and "?>" in head:  # the XML declaration only
        head = head[head.find("?>") + 2 :]
    if "<?" in head or "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper():
        return [BodyProblem("SVG 图片中不允许处理指令或 DOCTYPE（<?xml-stylesheet?> 可以运行脚本）", "<?" if "<?" in head else "<!")]
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        return [BodyProblem(f"不是有效的 SVG 图片（第 {exc.position[0]} 行：XML 格式错误）", "")]
    problems = []
    if root.tag != f"{{{SVG_NAMESPACE}}}svg":
        problems.append(BodyProblem(f"不是 SVG 图片：最外层应为 <svg xmlns=\"{SVG_NAMESPACE}\">", "<"))
    for element in root.iter():
        namespace, _, name = str(element.tag)[1:].rpartition("}") if str(element.tag).startswith("{") else ("", "", str(element.tag))
        if namespace != SVG_NAMESPACE or name.lower() not in SVG_ELEMENTS:
            problems.append(BodyProblem(f"SVG 图片中不允许 <{name}>（只能是静态的图形和文字）", f"<{name}"))
        for attribute, value in element.attrib.items():
            local = attribute.rsplit("}", 1)[-1].lower()
            lowered = value.lower()
            if local.startswith("on"):
                problems.append(BodyProblem(f"SVG 图片中不允许事件属性 {local}（会运行脚本）", local))
            elif local in SVG_LINK_ATTRIBUTES and not (local != "style" and value.strip().startswith("#")):
                problems.append(BodyProblem(f"SVG 图片中不允许 {local}=“{value[:40]}”（只能引用图片内部的 #…）", value or local))
            elif "(" in lowered and not all(part.startswith("#") for part in lowered.split("url(")[1:]):
                problems.append(BodyProblem(f"SVG 图片中的 {local} 只能引用图片内部（url(#…)）", value))
            elif "\\" in value or "javascript" in lowered.replace(" ", ""):
                problems.append(BodyProblem(f"SVG 图片中的 {local} 含有不允许的内容", value))
    return problems
