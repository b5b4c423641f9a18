"""The one Jinja environment that turns models into generated pages, escaping by default.

Autoescape is on, and every string a template prints first goes through ``page_text``: the
generated pages are Markdown with raw HTML in places and md_in_html blocks in others, and
a value must stay text in all of them. So besides HTML's characters it turns the characters
Markdown acts on (emphasis, links, tables, ``{: attr_list }``, a ``#`` or ``-`` that starts
a block) into character references, which both Markdown and HTML show as the character and
never act on, and a line break into a space (a blank line would end an HTML block and start
new Markdown). Text in YAML front matter is quoted with ``| yaml``. Raw markup is marked
explicitly, in Python, with ``pufa.shared.output.trusted_markup`` and a reason; templates
never use ``safe``.

Raw HTML blocks are kept out of Markdown's way as *islands*: ``{% filter island %}`` puts
a placeholder paragraph in the Markdown and keeps the HTML, which ``restore_islands`` puts
back into the converted page. Python-Markdown's HTML parser took three quarters of the
time of converting an article page; a placeholder costs nothing to convert.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re

import jinja2
from markupsafe import Markup, escape

from pufa.shared.formats import cn_date, format_yuan, number

ISLAND_START, ISLAND_END = "\ue000", "\ue001"
"""Private-use characters around an island's name; page text never holds them literally."""
_ISLAND = re.compile(f"<p>{ISLAND_START}([0-9a-f]{{24}}){ISLAND_END}</p>")
_ISLAND_NAME = re.compile(f"{ISLAND_START}([0-9a-f]{{24}}){ISLAND_END}")
_MARKDOWN_ANYWHERE = str.maketrans({char: f"&#{ord(char)};" for char in "\\`*_[]|{}~^" + ISLAND_START + ISLAND_END})
_BLOCK_START = re.compile(r"(?:[+\-=!:>]|\d+(?=[.)]))")
_INDENT = re.compile(r"^[ \t]*")
_HASH = re.compile(r"(?<!&)#")  # every # but those of the character references made here
_LINE_BREAKS = re.compile(r"\s*[\r\n\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029]+\s*")


def one_line(value: str) -> str:
    """Line breaks and control characters, with the spaces around them, become one space."""
    return _LINE_BREAKS.sub(" ", value)


@functools.lru_cache(maxsize=1 << 16)
def page_text(value: str) -> Markup:
    """Text that stays text wherever a generated page puts it: in Markdown, in raw HTML,
    in an attribute or in an md_in_html block. Kept for values met again (names of topics,
    columns, laws and dates recur on thousands of pages)."""
    text = _HASH.sub("&#35;", str(escape(one_line(value))).translate(_MARKDOWN_ANYWHERE))
    indent = _INDENT.match(text).group(0)
    text = (" " if indent else "") + text[len(indent) :]  # four spaces or a tab make code
    block = _BLOCK_START.match(text, len(text) - len(text.lstrip(" ")))
    if block:  # 1. or - at the start of a paragraph would make a list
        marker = block.group(0)
        start, end = block.start(), block.end()
        if marker[0].isdigit():
            start, end = end, end + 1
        text = text[:start] + f"&#{ord(text[start])};" + text[end:]
    return Markup(text)


def _finalize(value: object) -> object:
    """Every printed value: strings become page text, markup and numbers pass."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return page_text(value)
    return value


def yaml_value(value: str) -> Markup:
    """A string as a quoted YAML scalar for front matter (JSON strings are valid YAML).
    What Material prints from front matter is escaped when the page is rendered."""
    return Markup(json.dumps(one_line(value), ensure_ascii=False))


class Renderer:
    """Renders the templates under pufa/site/templates/ for one build."""

    def __init__(self, **globals: object):
        self._env = jinja2.Environment(
            loader=jinja2.PackageLoader("pufa.site", "templates"),
            autoescape=True,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
            finalize=_finalize,
            auto_reload=False,  # each build has its own Renderer: a template is read once per build, not checked per page
        )
        self._env.filters.update(cn_date=cn_date, number=number, yaml=yaml_value, yuan=format_yuan, island=self._island)
        self._env.globals.update(globals)
        self._islands: dict[str, str] = {}

    def _island(self, html: str) -> Markup:
        """The placeholder paragraph for a block of raw HTML, named by a hash of it: a page's
        Markdown depends on nothing but the page (a build that converted it may have kept it)."""
        html = str(html).strip("\n") + "\n"  # as Markdown writes a raw HTML block: a blank line after it
        name = hashlib.blake2b(html.encode(), digest_size=12).hexdigest()
        self._islands[name] = html
        return Markup(f"\n{ISLAND_START}{name}{ISLAND_END}\n")  # a paragraph of its own

    def islands_in(self, markdown: str) -> dict[str, str]:
        """The raw HTML of each island ``markdown`` holds, to keep beside it."""
        islands = {}
        for name in _ISLAND_NAME.findall(markdown):
            if name in self._islands:  # not a look-alike an editor typed into a body
                islands[name] = self._islands[name]
        return islands

    def add_islands(self, islands: dict[str, str]) -> None:
        """Islands kept with Markdown an earlier build rendered (see ``islands_in``)."""
        self._islands.update(islands)

    def forget_islands(self) -> None:
        """Let go of the islands once every page is converted (they are megabytes of HTML)."""
        self._islands.clear()

    def restore_islands(self, html: str) -> str:
        """A converted page with every island placeholder replaced by its raw HTML."""
        if ISLAND_START not in html:
            return html
        return _ISLAND.sub(lambda match: self._islands.get(match.group(1), match.group(0)), html)

    def render(self, template: str, **context: object) -> str:
        return self._env.get_template(template).render(**context)

    def render_source(self, source: str, **context: object) -> str:
        """A template given as text, under the same rules (for snippets and their tests)."""
        return self._env.from_string(source).render(**context)
