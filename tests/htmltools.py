"""Small readers of built HTML for the tests (the standard library's parser, no new dependency)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path


class LinkCollector(HTMLParser):
    """hrefs inside elements whose class contains ``within`` (all hrefs when None), and resource URLs."""

    def __init__(self, within: str | None = None):
        super().__init__()
        self.within = within
        self.depth = 0
        self.stack: list[bool] = []
        self.hrefs: list[str] = []
        self.resources: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        inside = self.within is not None and self.within in (attrs.get("class") or "")
        if tag not in ("img", "link", "meta", "input", "br", "hr", "source"):
            self.stack.append(inside)
            self.depth += inside
        if tag == "a" and "href" in attrs and (self.within is None or self.depth > 0 or inside):
            self.hrefs.append(attrs["href"])
        if tag in ("script", "img", "iframe", "source", "audio", "video") and attrs.get("src"):
            self.resources.append(attrs["src"])
        if tag == "link" and attrs.get("href") and attrs.get("rel") in ("stylesheet", "preload", "icon", "manifest"):
            self.resources.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag not in ("img", "link", "meta", "input", "br", "hr", "source") and self.stack:
            self.depth -= self.stack.pop()


def links(html: str, within: str | None = None) -> list[str]:
    """Links to other pages (heading permalinks such as '#section' left out)."""
    parser = LinkCollector(within)
    parser.feed(html)
    return [href for href in parser.hrefs if not href.startswith("#")]


def resources(html: str) -> list[str]:
    parser = LinkCollector()
    parser.feed(html)
    return parser.resources


def read(site: Path, url: str) -> str:
    return (site / url.strip("/") / "index.html").read_text(encoding="utf-8")
