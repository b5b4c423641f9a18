"""Pages an earlier build converted from Markdown, kept by everything the conversion reads.

MkDocs converts every page's Markdown on every build; at 2,000 articles that is a fifth of a
build that changed nothing, and of each `mkdocs serve` rebuild after one edit. A page's HTML
depends on its Markdown, its own place, the place of every other file (links are rewritten
relative to them), the Markdown extensions and their settings (in mkdocs.yml) and the code
of all of them: every one of these is in the key or the versions. A conversion that logged a
warning is never kept, so a strict build fails on it again next time.

``Conversions.render`` stands in for MkDocs' ``Page.render`` (the hook puts it in front of
each page): it reads and sets the attributes that method sets, and keeps them as plain data
(see ``Converted``). What no earlier build kept, a helper process converts for three pages in five
on the machine's other core (``convert_ahead``), reading and preparing each page as MkDocs
does; a page whose conversion warned there is converted again here, so the warning shows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypedDict

from pufa.shared.ahead import Ahead, Recorder, replay
from pufa.shared.cache import Memo, content_hash, file_stamp, library_versions

LIBRARIES = ("mkdocs", "markdown", "pymdown-extensions")
"""The libraries that turn a page's Markdown into HTML (Material's templates come later)."""


class Converted(TypedDict):
    """What converting one page gave: its HTML, its table of contents (MkDocs' toc tokens:
    level, id, name, children), the title of its first heading, the ids it holds, the
    anchors it links to in other pages (by their source path) and the lines it logged below
    a warning (logged again whenever it is taken: MkDocs notes links it cannot check)."""

    content: str
    toc: list[dict[str, Any]]
    title: str | None
    anchors: list[str]
    links: dict[str, dict[str, str]]
    log: list[list[Any]]


def _is_converted(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("content"), str)
        and isinstance(value.get("toc"), list)
        and (value.get("title") is None or isinstance(value.get("title"), str))
        and isinstance(value.get("anchors"), list)
        and isinstance(value.get("links"), dict)
        and isinstance(value.get("log"), list)
        and all(isinstance(line, list) and len(line) == 3 and isinstance(line[0], str) and isinstance(line[1], int)
                and isinstance(line[2], str) for line in value["log"])
    )


class Conversions:
    """The conversions of one build: ``render`` each page."""

    def __init__(self, config_file: Path, files: Iterable[tuple[str, str]]):
        """``files``: every file of the site as (source path, address)."""
        self.memo = Memo(
            "conversions",
            {**library_versions(*LIBRARIES), "mkdocs.yml": file_stamp(config_file)},
            _is_converted,
        )
        self._files = content_hash(*(f"{src}\n{url}" for src, url in sorted(files)))
        self._mode = _validation_mode()
        self._ahead: Ahead | None = None

    def _key(self, src_uri: str, markdown: str) -> str:
        return content_hash(self._files, self._mode, src_uri, markdown)

    def convert_ahead(self, pages: Iterable[Any], config: Any, files: Any) -> None:
        """Convert three of every five pages of ``pages`` (MkDocs' pages, in the order it reads
        them) in a helper process, with MkDocs' ``config`` and ``files``: the build also checks
        and sanitises every page's body as it comes to it, and reads what the helper sends.
        Half each left the helper idle for a third of the time; two in three left the build
        waiting for the helper for 0.4 s at 2,000 articles."""
        shared = {page.file.src_uri: page for number, page in enumerate(pages) if number % 5 >= 2}
        self.close()
        self._ahead = Ahead(shared, lambda name: self._converted_in_helper(shared[name], config, files),
                            "pufa: 辅助进程转换了 %d 个页面")

    def finish(self, root: Path) -> None:
        """Once every page is converted: stop the helper and save the memo now, letting go of
        what it holds (the original HTML of each page Material's search rewrites, say)."""
        self.close()
        self.memo.save_and_release(root)

    def close(self) -> None:
        """Stop the helper, if one is working (once every page is converted)."""
        if self._ahead is not None:
            self._ahead.close()
            self._ahead = None

    def render(self, page: Any, make_toc: Callable[[list[dict[str, Any]]], Any], config: Any, files: Any) -> None:
        """What MkDocs' ``Page.render(config, files)`` does to ``page``, from what an earlier
        build kept or the helper converted when it can be (``make_toc``: MkDocs' get_toc, a
        table of contents from toc tokens), else by that method itself, keeping its result
        unless it warned."""
        key = self._key(page.file.src_uri, page.markdown)
        found = self.memo.lookup(key)
        # Only the conversion's own lines are logged again (in found["log"], below): the helper's
        # other lines came from reading the page, which the build did itself.
        sent = self._ahead.take_matching(page.file.src_uri, key, log_lines=False) if found is None and self._ahead else None
        if sent is not None:
            found = sent[0]
            self.memo.put(key, found)
        if found is None:
            with Recorder() as recorder:
                type(page).render(page, config, files)
            if not recorder.warnings:  # a warning must show (and fail a strict build) every time
                self.memo.put(key, _converted(page, recorder.lines))
            return
        replay(found["log"])
        page.content, page.toc, page._title_from_render = found["content"], make_toc(found["toc"]), found["title"]
        page.present_anchor_ids = set(found["anchors"])
        if logging.getLogger("mkdocs.structure.pages").getEffectiveLevel() > logging.DEBUG:  # as Page.render does
            page.links_to_anchors = {files.get_file_from_path(src): anchors for src, anchors in found["links"].items()}


    def _converted_in_helper(self, page: Any, config: Any, files: Any) -> list[Any] | None:
        """In the helper: ``page`` read and prepared as MkDocs' _populate_page does, and its
        key and conversion; nothing when known already or when converting it warned."""
        config._current_page = page
        page = config.plugins.on_pre_page(page, config=config, files=files)
        page.read_source(config)
        page.markdown = config.plugins.on_page_markdown(page.markdown, page=page, config=config, files=files)
        key = self._key(page.file.src_uri, page.markdown)
        if self.memo.lookup(key) is not None:
            return None
        with Recorder() as recorder:
            type(page).render(page, config, files)
        converted = None if recorder.warnings else [key, _converted(page, recorder.lines)]
        page.content = None  # the helper keeps no page it has sent
        return converted


def _toc_tokens(items: Iterable[Any]) -> list[dict[str, Any]]:
    return [{"level": i.level, "id": i.id, "name": i.title, "children": _toc_tokens(i.children)} for i in items]


def _converted(page: Any, log: list[list[Any]]) -> Converted:
    links = {file.src_uri: dict(anchors) for file, anchors in (page.links_to_anchors or {}).items()}
    return Converted(content=page.content, toc=_toc_tokens(page.toc), title=page._title_from_render,
                     anchors=sorted(page.present_anchor_ids or ()), links=links, log=log)


def _validation_mode() -> str:
    """How much MkDocs checks at its present log level: at DEBUG (`mkdocs build -v`) it notes
    no links to anchors, so checks none; above WARNING (`-q`) it reports no broken link. What
    was converted in one mode is taken only in the same mode, so a `-v` or `-q` build cannot
    hide a warning from the next ordinary one."""
    level = logging.getLogger("mkdocs.structure.pages").getEffectiveLevel()
    return "debug" if level <= logging.DEBUG else "quiet" if level > logging.WARNING else "checked"
