"""Pages an earlier build converted from Markdown, kept by everything the conversion reads.

MkDocs converts every page's Markdown on every build; at 2,000 articles that is a fifth of a
build that changed nothing, and of each `mkdocs serve` rebuild after one edit. A page's HTML
depends on its Markdown, its own place, the place of every other file (links are rewritten
relative to them), the Markdown extensions and their settings (in mkdocs.yml) and the code
of all of them: every one of these is in the key or the versions. A conversion that logged a
warning is never kept, so a strict build fails on it again next time.

The result is kept as plain data (see ``Converted``); the hook maps it to and from MkDocs' page.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import Any, TypedDict

from pufa.shared.cache import Memo, content_hash, stamp

LIBRARIES = ("mkdocs", "markdown", "pymdown-extensions")
"""The libraries that turn a page's Markdown into HTML (Material's templates come later)."""


class Converted(TypedDict):
    """What converting one page gave: its HTML, its table of contents (MkDocs' toc tokens:
    level, id, name, children), the title of its first heading, the ids it holds and the
    anchors it links to in other pages (by their source path)."""

    content: str
    toc: list[dict[str, Any]]
    title: str | None
    anchors: list[str]
    links: dict[str, dict[str, str]]


def _is_converted(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("content"), str)
        and isinstance(value.get("toc"), list)
        and (value.get("title") is None or isinstance(value.get("title"), str))
        and isinstance(value.get("anchors"), list)
        and isinstance(value.get("links"), dict)
    )


class Conversions:
    """The conversions of one build: ``find`` before converting a page, ``keep`` after."""

    def __init__(self, config_file: Path, files: Iterable[tuple[str, str]]):
        """``files``: every file of the site as (source path, address)."""
        self.memo = Memo(
            "conversions",
            {**{name: version(name) for name in LIBRARIES}, "mkdocs.yml": stamp(config_file.read_bytes().hex())},
            _is_converted,
        )
        self._files = content_hash(*(f"{src}\n{url}" for src, url in sorted(files)))

    def _key(self, src_uri: str, markdown: str) -> str:
        return content_hash(self._files, src_uri, markdown)

    def find(self, src_uri: str, markdown: str) -> Converted | None:
        return self.memo.lookup(self._key(src_uri, markdown))

    def keep(self, src_uri: str, markdown: str, converted: Converted) -> None:
        self.memo.put(self._key(src_uri, markdown), converted)


class _Count(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


@contextmanager
def warnings_logged() -> Iterator[_Count]:
    """Counts the warnings any logger reports inside the block (``.count``): MkDocs' own
    logger, which does not pass its records on, and every other (Markdown's, an extension's)."""
    counter = _Count()
    loggers = (logging.getLogger(), logging.getLogger("mkdocs"))
    for logger in loggers:
        logger.addHandler(counter)
    try:
        yield counter
    finally:
        for logger in loggers:
            logger.removeHandler(counter)
