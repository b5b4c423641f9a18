"""A faster ``feed`` for Python's HTMLParser, giving the same calls for the HTML MkDocs writes.

Material's search reads every page's HTML with a subclass of ``html.parser.HTMLParser``; at
2,000 articles half of indexing is that parser's own Python code, stepping tag by tag and
attribute by attribute. The HTML Python-Markdown writes is plain: start tags with quoted
attributes, end tags, comments and text. ``QuickFeed.feed`` reads such a document with two
regular expressions and calls the handlers exactly as HTMLParser would. A document holding
anything else (a comment with "--" inside, a declaration, a script or style element, an
unquoted attribute value, a ``<`` that opens no tag, a space character other than the five
HTML knows) is handed to HTMLParser whole, so what the handlers get never depends on which
way it was read. A property test compares the calls of both on hostile mixes of these.

Not kept: the position of each call (``getpos``), which the search parser never asks.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from typing import Any

_SPACE = "[ \t\n\r\f]"
_NAME = "[a-zA-Z][a-zA-Z0-9]*"
_ATTRIBUTE = rf"""{_SPACE}+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:{_SPACE}*={_SPACE}*(?:"[^"]*"|'[^']*'))?"""
_TOKEN = re.compile(rf"([^<]+)|(<({_NAME})((?:{_ATTRIBUTE})*){_SPACE}*(/?)>)|(</({_NAME}){_SPACE}*>)|(<!--((?:[^-]|-(?!-))*)-->)")
"""Text, a start tag (whole; name, attributes, a closing slash), an end tag (whole; name) or
a comment holding no "--" (whole; what it says): together they must cover the document."""
_ATTRIBUTES = re.compile(
    rf"""{_SPACE}+([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:{_SPACE}*(=){_SPACE}*(?:"([^"]*)"|'([^']*)'))?""")
_RAW_TEXT = frozenset(HTMLParser.CDATA_CONTENT_ELEMENTS)


def _events(document: str) -> list[tuple[Any, ...]] | None:
    """The handler calls for ``document``, if it is plain HTML as described above; else None."""
    events: list[tuple[Any, ...]] = []
    covered = 0
    for text, start, tag, attributes, slash, end, end_tag, comment, remark in _TOKEN.findall(document):
        covered += len(text or start or end or comment)
        if text:
            events.append(("data", unescape(text)))
        elif start:
            tag = tag.lower()
            if tag in _RAW_TEXT:
                return None
            pairs = [(name.lower(), unescape(double or single) if equals and (double or single) else
                      ("" if equals else None)) for name, equals, double, single in _ATTRIBUTES.findall(attributes)]
            events.append(("startend" if slash else "start", tag, pairs))
        elif end:
            events.append(("end", end_tag.lower()))
        else:
            events.append(("comment", remark))
    if events and events[-1][0] == "data" and "&" in text:
        return None  # HTMLParser holds back a last "&..." until more comes: it may be cut short
    return events if covered == len(document) else None


class QuickFeed(HTMLParser):
    """Put before an HTMLParser subclass (``class P(QuickFeed, Parser)``) whose handlers it
    calls: a document fed whole, from the start, is read quickly when it is plain HTML."""

    def feed(self, data: str) -> None:
        events = None
        if not self.rawdata and self.convert_charrefs and self.cdata_elem is None:
            events = _events(data)
        if events is None:
            super().feed(data)
            return
        for event in events:
            kind = event[0]
            if kind == "data":
                self.handle_data(event[1])
            elif kind == "start":
                self.handle_starttag(event[1], event[2])
            elif kind == "startend":
                self.handle_startendtag(event[1], event[2])
            elif kind == "end":
                self.handle_endtag(event[1])
            else:
                self.handle_comment(event[1])
