"""Repairs to the markup Material writes around every page, so each page is valid HTML and
every control has a name (WCAG 2.1 AA, checked by vnu and axe-core in the browser tests).

Material's base template writes its drawer and search toggles as checkboxes with
``autocomplete="off"`` (not allowed on a checkbox), a ``<label for="__toc">`` on pages whose
table-of-contents toggle it leaves out (a label for nothing), and the search dialog with
``role="dialog"`` but no name. These sit outside any template block an override can replace,
so the finished page is repaired here: one pass over its start tags, changing only those.
"""

from __future__ import annotations

import re

_START_TAG = re.compile(r"<(input|label|div)\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r'\s([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*("[^"]*"|\'[^\']*\'|[^\s"\'>]+))?')
_ID = re.compile(r'\sid\s*=\s*["\']?([^"\'\s>]+)')
SEARCH_NAME = "搜索本站"


def _attributes(tag: str) -> dict[str, str]:
    return {name.lower(): (value or "").strip("\"'") for name, value in _ATTRIBUTE.findall(tag)}


def _without(tag: str, attribute: str) -> str:
    return re.sub(rf'\s{attribute}\s*=\s*("[^"]*"|\'[^\']*\'|[^\s"\'>]+)', "", tag, count=1, flags=re.IGNORECASE)


def repair_theme_markup(html: str) -> str:
    ids: set[str] | None = None  # found when a label first needs them

    def repair(match: re.Match[str]) -> str:
        nonlocal ids
        tag, name = match.group(0), match.group(1).lower()
        lowered = tag.lower()
        # A page has dozens of these tags; only the words a repair needs make one worth parsing.
        if name == "input" and "autocomplete" in lowered:
            attributes = _attributes(tag)
            if attributes.get("type", "").lower() == "checkbox" and "autocomplete" in attributes:
                return _without(tag, "autocomplete")
        elif name == "label" and "for" in lowered:
            attributes = _attributes(tag)
            if ids is None:
                ids = set(_ID.findall(html))
            if "for" in attributes and attributes["for"] not in ids:
                return _without(tag, "for")
        elif name == "div" and "dialog" in tag:
            attributes = _attributes(tag)
            if attributes.get("role") == "dialog" and "aria-label" not in attributes \
                    and "aria-labelledby" not in attributes and "md-search" in attributes.get("class", "").split():
                return tag[:-1] + f' aria-label="{SEARCH_NAME}">'
        return tag

    return _START_TAG.sub(repair, html)
