"""Pages as Material's templates rendered them, kept by everything the templates read.

Rendering the theme (navigation, header, tabs, footer) is over half of a build that changed
nothing, and of every `mkdocs serve` rebuild after one edit, though almost every page comes
out as it did last time. A page's rendering depends on the page (its address, title, HTML,
table of contents, front matter and neighbours), the navigation (titles, addresses and front
matter of the pages in it, and which items are marked active: the current page's place in
it), the settings as the build holds them, the log level, what plugins and hooks add to the
template's context and to the Jinja environment, the theme's own templates (``custom_dir``)
and the code of the hooks, MkDocs, Material and Jinja: every one of these is in the key or
the versions. A page whose context holds anything
else (an object the key cannot spell out) is rendered every time, and so is one whose
rendering logged a line.

The renderings are kept in one file (``PackedMemo``), tens of megabytes at 2,000 articles, read only
for the page being written.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from pufa.shared.ahead import Recorder
from pufa.shared.cache import PackedMemo, content_hash, file_stamp, folder_stamp, library_versions, remove_earlier_folder

LIBRARIES = ("mkdocs", "mkdocs-material", "Jinja2", "MarkupSafe")
MKDOCS_CONTEXT = frozenset({"nav", "pages", "base_url", "extra_css", "extra_javascript", "mkdocs_version",
                            "build_date_utc", "config", "page"})
"""What MkDocs puts in every page's context. ``pages`` (every page's file) and
``build_date_utc`` are not in the key: no template of Material or of this site reads them
(a test keeps it so); ``mkdocs_version`` is in the versions, the rest below."""
UNREAD_SETTINGS = frozenset({"site_dir"})
"""Settings no template reads: a build into another folder renders the same pages."""


_NAMES: dict[type, str] = {}
"""Each type's module and name, as ``plain`` writes it."""


class Unkeyed(Exception):
    """A value the key cannot spell out: the page it belongs to is rendered anew."""


def plain(value: Any, strict: bool = True) -> Any:
    """``value`` as JSON data that tells apart whatever a template could print apart: a
    string from a date or from Markup with the same text, 1 from "1", a list from a tuple,
    one order of a mapping from another. An object that is not plain data raises Unkeyed, or
    with ``strict`` off stands as its type's name (for the settings: their objects are
    plugins and functions, which the settings file and the versions account for)."""
    kind = type(value)
    if value is None or kind in (bool, int, float, str):
        return value
    name = _NAMES.get(kind) or _NAMES.setdefault(kind, f"{kind.__module__}.{kind.__qualname__}")
    if kind is list or kind is tuple:  # as below, without asking the other types first (every page's key)
        return [name, [plain(item, strict) for item in value]]
    if kind is dict:
        return [name, [[plain(key, strict), plain(item, strict)] for key, item in value.items()]]
    for base in (bool, int, float, str):
        if isinstance(value, base):  # Markup, an enumeration: their type and plain value
            return [name, base(value)]
    if isinstance(value, date):  # and datetime
        return [name, value.isoformat()]
    if isinstance(value, Mapping):
        return [name, [[plain(key, strict), plain(item, strict)] for key, item in value.items()]]
    if isinstance(value, (list, tuple)):
        return [name, [plain(item, strict) for item in value]]
    if isinstance(value, (set, frozenset)):  # printed in an order that changes from run to run anyway
        return [name, sorted(json.dumps(plain(item, strict), ensure_ascii=False) for item in value)]
    if strict:
        raise Unkeyed(name)
    return f"<{name}>"


def _toc(items: Iterable[Any]) -> list[Any]:
    return [[item.title, item.id, item.level, _toc(item.children)] for item in items]


def _neighbour(page: Any) -> list[Any] | None:
    return None if page is None else [page.url, page.title]


def _navigation(items: Iterable[Any]) -> list[Any]:
    """The navigation as the theme can see it: each item's kind, title and address, and the
    front matter of the pages in it (the theme shows their icons and status)."""
    shown: list[Any] = []
    for item in items:
        entry = [type(item).__name__, item.title, getattr(item, "url", None)]
        if getattr(item, "is_page", False):
            entry += [item.file.src_uri, item.meta]
        shown.append(entry + [_navigation(item.children or ())])
    return shown


def active_places(items: Iterable[Any]) -> list[Any]:
    """Where the navigation marks the current page: each active item's place, depth first."""
    return [[number, active_places(item.children or ())] for number, item in enumerate(items) if getattr(item, "active", False)]


class RememberedRenderings:
    """The renderings of one build: put ``remember`` in front of the page templates. Each
    page rendered is also finished (``finish``: a repair of the theme's markup, kept with
    the rendering); ``finished`` holds the output path of every page that was."""

    def __init__(self, root: Path, config_file: Path, custom_dir: str | None, finish: Callable[[str], str],
                 hooks: Iterable[str] = ()):
        """``hooks``: the settings' hook files, whose code may change what the templates get."""
        theme = folder_stamp(Path(custom_dir).parent, Path(custom_dir).name) if custom_dir else ""
        hook_code = [file_stamp(config_file.parent / hook) for hook in hooks]
        self._root = root
        self.store = PackedMemo(root, "rendered-pages", {**library_versions(*LIBRARIES), "mkdocs.yml": file_stamp(config_file),
                                                         "theme": theme, "hooks": ",".join(hook_code)})
        self._site: str | None = None
        self._environment = ""
        self._finish = finish
        self.finished: set[str] = set()
        self.taken = 0

    def remember(self, env: Any, templates: Iterable[str]) -> None:
        """Let every template named in ``templates`` (of Jinja environment ``env``) take its
        rendering of a page from what an earlier build kept, and keep what it renders anew."""
        # What plugins and hooks may have added to the environment (their code: the versions).
        self._environment = json.dumps([sorted(env.globals), sorted(env.filters), sorted(env.tests)])
        for name in {name for name in templates if isinstance(name, str)}:
            try:
                template = env.get_template(name)
            except Exception:  # a page's template is written by hand: MkDocs reports it on that page
                continue
            template.render = functools.partial(self._render, name, functools.partial(type(template).render, template))

    def _render(self, name: str, render: Any, *args: Any, **kwargs: Any) -> str:
        """What ``render(*args, **kwargs)`` gives; given one page's context, finished and kept by its key."""
        context = args[0] if len(args) == 1 and not kwargs and isinstance(args[0], Mapping) else {}
        page = context.get("page")
        if page is None:
            return render(*args, **kwargs)
        self.finished.add(page.file.dest_uri)
        key = self._key(name, context)
        if key is not None:
            kept = self.store.get(key)
            if kept is not None:
                self.taken += 1
                return kept.decode("utf-8", "surrogatepass")
        with Recorder() as recorder:
            output = self._finish(render(context))
        if key is not None and not recorder.lines:
            self.store.put(key, output.encode("utf-8", "surrogatepass"))
        return output

    def _key(self, name: str, context: Mapping[str, Any]) -> str | None:
        page = context["page"]
        if self._site is None:  # the same for every page of the build: taken once
            settings = {name: value for name, value in context["config"].items() if name not in UNREAD_SETTINGS}
            # The log level too: a -q build shows no warning, so it must not keep for an ordinary one.
            level = str(logging.getLogger("mkdocs").getEffectiveLevel())
            self._site = content_hash(level, self._environment, json.dumps(
                plain([settings, _navigation(context["nav"].items)], strict=False), ensure_ascii=False))
        try:
            own = plain([name, page.file.src_uri, page.file.dest_uri, page.url, page.canonical_url, page.abs_url,
                         page.edit_url, page.title, page.is_homepage, _toc(page.toc), page.meta,
                         _neighbour(page.previous_page), _neighbour(page.next_page), active_places(context["nav"].items),
                         context["base_url"], [str(path) for path in context["extra_css"]],
                         [str(path) for path in context["extra_javascript"]],
                         {name: value for name, value in context.items() if name not in MKDOCS_CONTEXT}])
        except Unkeyed:
            return None
        return content_hash(self._site, json.dumps(own, ensure_ascii=False), page.content or "")

    def close(self) -> None:
        """After the build: keep what it rendered, and drop renderings no longer asked for."""
        self.store.close()
        remove_earlier_folder(self._root, "rendered-pages")
