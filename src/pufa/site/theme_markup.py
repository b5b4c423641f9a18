"""Repairs to the markup Material writes around every page, so each page is valid HTML and
every control has a name (WCAG 2.1 AA, checked by vnu and axe-core in the browser tests).

Material's base template writes its drawer and search toggles as checkboxes with
``autocomplete="off"`` (not allowed on a checkbox), a ``<label for="__toc">`` on pages whose
table-of-contents toggle it leaves out (a label for nothing), and the search dialog with
``role="dialog"`` but no name. These sit outside any template block an override can replace,
so the finished page is repaired here: only those start tags change.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

_START_TAG_OPEN = re.compile(r"<(?:input|label|div)\b", re.IGNORECASE)
"""Where a start tag a repair may change opens; it runs to the first ``>``."""
_MAY_NEED_REPAIR = re.compile(r"<(?:(input)\b[^>]*autocomplete|(label)\b[^>]*for|(div)\b[^>]*dialog)[^>]*>", re.IGNORECASE)
"""The few of those holding the word their repair needs: a page has over forty of the
others, each a call into Python when every one is looked at."""
_ATTRIBUTE = re.compile(r'\s([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*("[^"]*"|\'[^\']*\'|[^\s"\'>]+))?')
_ID = re.compile(r'\sid\s*=\s*["\']?([^"\'\s>]+)')
_SPACED_ID = re.compile(r"id\s+=")
_NOT_IN_ID = re.compile(r"""["'\s>]""")
SEARCH_NAME = "搜索本站"


@functools.lru_cache(maxsize=4096)  # the theme writes the same tags on every page; read only
def _attributes(tag: str) -> dict[str, str]:
    return {name.lower(): (value or "").strip("\"'") for name, value in _ATTRIBUTE.findall(tag)}


def _without(tag: str, attribute: str) -> str:
    return re.sub(rf'\s{attribute}\s*=\s*("[^"]*"|\'[^\']*\'|[^\s"\'>]+)', "", tag, count=1, flags=re.IGNORECASE)


def _id_test(html: str) -> Callable[[str], bool]:
    """Whether a value is one of the ids _ID finds in ``html``. Where every ``id=`` is written
    `` id="`` (Material's pages), a value is one when `` id="value`` is followed by what ends
    an id (a quote, a space, ``>`` or the page's end): a search for a few words of text, not a
    reading of the page's hundreds of ids."""
    if html.count("id=") == html.count(' id="') and not _SPACED_ID.search(html):
        @functools.cache  # a page's labels name two or three ids, each several times
        def is_id(value: str) -> bool:
            if not value or _NOT_IN_ID.search(value):
                return False
            return re.search(f' id="{re.escape(value)}' + r"""(?:["'\s>]|\Z)""", html) is not None
        return is_id
    return set(_ID.findall(html)).__contains__


def repair_theme_markup(html: str) -> str:
    """``html`` with each such start tag that needs it repaired. Tags are read from the start
    of the page: ``<label for=x>`` inside an attribute value of a ``<div>`` is part of that
    tag, and stays as it is."""
    is_id: Callable[[str], bool] | None = None  # made when a label first needs it
    pieces, done = [], 0
    for match in _MAY_NEED_REPAIR.finditer(html):
        start = match.start()
        if _START_TAG_OPEN.search(html, html.rfind(">", 0, start) + 1, start):
            continue  # inside an earlier start tag, which runs to the same ">"
        tag = match.group(0)
        name = (match.group(1) or match.group(2) or match.group(3)).lower()
        attributes = _attributes(tag)
        repaired = tag
        if name == "input":
            if attributes.get("type", "").lower() == "checkbox" and "autocomplete" in attributes:
                repaired = _without(tag, "autocomplete")
        elif name == "label":
            if is_id is None:
                is_id = _id_test(html)
            if "for" in attributes and not is_id(attributes["for"]):
                repaired = _without(tag, "for")
        elif "dialog" in tag and attributes.get("role") == "dialog" and "aria-label" not in attributes \
                and "aria-labelledby" not in attributes and "md-search" in attributes.get("class", "").split():
            repaired = tag[:-1] + f' aria-label="{SEARCH_NAME}">'
        pieces += [html[done:start], repaired]
        done = match.end()
    return "".join(pieces) + html[done:] if pieces else html
