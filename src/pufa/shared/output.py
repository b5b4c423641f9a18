"""What a feature hands to the site build: Markdown pages and data files, each at its place in the site."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup

Render = Callable[..., str]
"""``render(template, **context)``: what a feature's pages need from the site's renderer
(pufa.site.render, the one Jinja environment, with autoescape on)."""


def trusted_markup(text: str) -> Markup:
    """Mark ``text`` as markup for a template to insert unescaped. Every caller says why it
    is safe: an article's Markdown body (MkDocs renders it), or markup built from numbers."""
    return Markup(text)


@dataclass(frozen=True)
class Page:
    """A page to add to the build: where it pretends to live in docs/, and its Markdown.

    Only section pages go in the navigation; articles never do (2,000 articles listed on
    every page once made a 1.3 GB site)."""

    src_uri: str
    content: str
    in_nav: bool = False


@dataclass(frozen=True)
class DataFile:
    """A file of the built site that is not a page (open data)."""

    src_uri: str
    content: str
