"""Material's navigation, tabs, search box and logo, rendered once per build for all the
pages that see them alike.

Every page of the theme holds them, and rendering them anew for each page was a sixth of a
cold build at 2,000 articles, though a page outside the navigation sees the same
navigation as every other: nothing in it is marked active. What differs from page to page
is the addresses, relative to the page: MkDocs' ``url`` filter makes them. So a partial is
rendered once with a placeholder for each address, and each page gets that rendering with
the addresses the filter gives for it.

What these partials read of a page, and so what a rendering is kept by: which items of the
navigation are active. A page that is itself in the navigation (the navigation then holds
its table of contents) is rendered on its own. Everything else they read (the settings,
the navigation, the language, the features) is the same for every page of one build. The
header around the search box and logo holds the page's title: it is rendered for each page.

The theme's translations (``lang.t("search.placeholder")``, dozens on every page) are three
macro calls each, one building the language's whole table: a tenth of rendering a page. They
read nothing but the key and the settings' language, so each key is translated once per build.

A test renders the sample site with and without sharing and compares every byte.
"""

from __future__ import annotations

import functools
import json
import re
import secrets
from collections.abc import Callable, Iterator
from typing import Any

import jinja2

from pufa.site.renderings import active_places

SHARED = ("partials/nav.html", "partials/tabs.html", "partials/search.html", "partials/logo.html")
LANGUAGE = "partials/language.html"


class SharedPartials:
    """Put in front of the shared partials of Jinja environment ``env`` for one build;
    ``shared`` counts the renderings taken instead of made."""

    def __init__(self, env: jinja2.Environment):
        self.shared = 0
        self._url: Callable[..., str] | None = env.filters.get("url")
        if self._url is None or env.autoescape is not False:  # an address would be escaped as it is printed
            return
        mark = f"\ue000{secrets.token_hex(8)}:"  # not in any page: the build picks it
        self._mark = mark
        self._placeholder = re.compile(re.escape(mark) + "([0-9]+)\ue001")
        self._addresses: list[Any] | None = None  # while a partial is rendered with placeholders
        self._kept: dict[str, tuple[str, list[Any]]] = {}
        env.filters["url"] = self._url_filter
        for name in SHARED:
            try:
                template = env.get_template(name)
            except jinja2.TemplateNotFound:
                continue
            template.root_render_func = functools.partial(self._render, name, template.root_render_func)
        self._translations: dict[str, Any] = {}
        try:
            language = env.get_template(LANGUAGE)
        except jinja2.TemplateNotFound:
            return
        language.make_module = functools.partial(self._language_module, language.make_module)

    def _language_module(self, make_module: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """The theme's translations (``lang``), made for each page as the theme makes them, their
        ``t`` answering each key as it did first."""
        module = make_module(*args, **kwargs)
        translate = getattr(module, "t", None)
        if callable(translate):
            module.t = functools.partial(self._translated, translate)
        return module

    def _translated(self, translate: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """What ``translate`` (the theme's macro) gives for one key, as it gave it first."""
        if len(args) != 1 or kwargs or type(args[0]) is not str:
            return translate(*args, **kwargs)
        if args[0] in self._translations:
            self.shared += 1
            return self._translations[args[0]]
        found = self._translations[args[0]] = translate(args[0])
        return found

    @jinja2.pass_context
    def _url_filter(self, context: Any, value: Any) -> str:
        """MkDocs' ``url`` filter, or a placeholder for the address while a partial is kept."""
        assert self._url is not None
        if self._addresses is None:
            return self._url(context, value)
        self._addresses.append(value)
        return f"{self._mark}{len(self._addresses) - 1}\ue001"

    def _render(self, name: str, render: Callable[[Any], Iterator[str]], context: Any) -> Iterator[str]:
        """The partial ``name`` for the page of ``context``: taken from another page that
        sees it alike, with this page's addresses filled in, or rendered and kept."""
        key = None if self._addresses is not None else self._key(name, context)  # not inside another kept one
        if key is None:
            yield from render(context)
            return
        kept = self._kept.get(key)
        if kept is None:
            self._addresses = addresses = []
            try:
                output = "".join(render(context))
            finally:
                self._addresses = None
            kept = self._kept[key] = (output, addresses)
        else:
            self.shared += 1
        output, addresses = kept
        yield self._placeholder.sub(lambda found: self._url_filter(context, addresses[int(found[1])]), output)

    def _key(self, name: str, context: Any) -> str | None:
        page, nav = context.get("page"), context.get("nav")
        if page is None or nav is None or any(item is page for item in getattr(nav, "pages", [page])):
            return None
        return json.dumps([name, active_places(nav.items)])
