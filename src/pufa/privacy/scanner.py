"""The build-time detector: personal numbers that are certainly real, in any file of the built site.

It must not cry wolf, so it checks: an ID number needs a valid birth date and check digit,
a card number must pass Luhn and not be a valid 统一社会信用代码, and the credit codes of
the organisations the site is required to name are accepted.
"""

from __future__ import annotations

import atexit
import gzip
import hashlib
import io
import multiprocessing
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from pufa.privacy.identifiers import (
    DIGIT_STRETCH, ID_ANYWHERE, WRITTEN_NUMBER, credit_code_problem, digits_of, is_id_number, is_old_id_number,
    passes_luhn, plain_digits,
)
from pufa.shared.cache import Memo, content_hash, stamp
from pufa.shared.formats import unescape_html

THEME_FOLDERS = ("assets",)
"""Top-level folders of the theme's own scripts and styles, whose long numbers are nobody's."""
_INLINE_TAG = re.compile(
    r"</?(?:a|b|strong|em|i|span|code|mark|small|sub|sup|u|s|del|ins|abbr|kbd|time|q|cite|dfn|var|samp|"
    r"label|bdi|bdo|wbr|font|tt|big|data|output)\b[^>]*>", re.I
)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_ANY_TAG = re.compile(r"<[^>]+>")


def readable_text(text: str) -> str:
    """Text as a reader sees it: entities decoded, inline tags gone (138<b>1234</b>5678 is a
    number), other tags a line break (numbers in two table cells are not one number)."""
    return _readable_without_comments(_COMMENT.sub("", text))  # 138<!-- -->12345678 reads as one number (and sanitising joins it)


def _readable_without_comments(text: str) -> str:
    return plain_digits(unescape_html(_ANY_TAG.sub("\n", _INLINE_TAG.sub("", text))))


def markup_text(text: str) -> str:
    """The file as written, entities and percent-escapes decoded: what is inside tags counts
    too (an ID number in alt="…", a tel:%31%33%38… link, an image's file name, a comment)."""
    if "%" in text:
        text = unquote(text)
    return plain_digits(unescape_html(text))


def number_candidates(view: str) -> Iterable[re.Match[str]]:
    """Every match of the written-number and ID patterns in ``view``. Each such number has at
    least 11 digits with at most one separator between two of them, so the full patterns
    run only around such a stretch: ten times faster than running them over every page
    from end to end, with the same matches (their look-behinds still see the text before)."""
    for run in DIGIT_STRETCH.finditer(view):
        start, end = max(0, run.start() - 2), min(len(view), run.end() + 4)
        yield from WRITTEN_NUMBER.finditer(view, start, end)
        yield from ID_ANYWHERE.finditer(view, start, end)


@dataclass(frozen=True)
class Leak:
    page: str
    kind: str
    masked: str
    digits: str = field(default="", compare=False, repr=False)
    """The number itself, to find its source by; never printed."""

    def __str__(self) -> str:
        return f"{self.page}: {self.kind} {self.masked}"


def _hide(value: str, head: int, tail: int) -> str:
    return value[:head] + "*" * (len(value) - head - tail) + value[len(value) - tail :]


def personal_number(digits: str) -> tuple[str, str] | None:
    """(kind, masked) when ``digits`` is certainly a natural person's number: an ID number with
    a real birth date (and check digit, for 18 digits), a mainland mobile number, or a card
    number passing Luhn that is not a valid 统一社会信用代码."""
    if digits.startswith("86") and len(digits) == 13 and digits[2] == "1":
        digits = digits[2:]  # +86 138…
    elif digits.startswith("0086") and len(digits) == 15 and digits[4] == "1":
        digits = digits[4:]  # 0086 138…
    if is_id_number(digits) or is_old_id_number(digits):
        return "身份证号", _hide(digits, 6, 4)
    if len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789":
        return "手机号", _hide(digits, 3, 4)
    if 16 <= len(digits) <= 19 and digits.isdigit() and passes_luhn(digits):
        if len(digits) != 18 or credit_code_problem(digits) is not None:  # an all-digit credit code is 18 long
            return "银行卡号", _hide(digits, 4, 4)
    return None


def find_leaks(text: str, page: str, allowed: frozenset[str] = frozenset(), seen: SeenPieces | None = None) -> list[Leak]:
    """Personal numbers in ``text``, as read (inline tags joined) and as written (attributes
    and comments included), each once. ``allowed`` lists numbers known not to be personal.
    ``seen`` scans the page piece by piece, each piece once for all pages (see SeenPieces);
    it finds the same numbers in the same order."""
    leaks: dict[str, Leak] = {}
    for digits in _candidates(text) if seen is None else seen.candidates(text):
        if digits in allowed or digits[-11:] in allowed or digits in leaks:
            continue
        found = personal_number(digits)
        if found:
            leaks[digits] = Leak(page, found[0], found[1], digits)
    return list(leaks.values())


def _candidates(text: str) -> Iterator[str]:
    for seen_as in (readable_text, markup_text):  # one view at a time: the search index is megabytes
        for match in number_candidates(seen_as(text)):
            yield digits_of(match.group(0))


_PIECE_START = re.compile(r"\n(?=[ \t]*<(?:header|nav|main|footer|script|form|label|aside|section|article)\b)")
"""The line breaks before a landmark or form element: where the theme's parts start."""


class SeenPieces:
    """The numbers found in each piece of page text, by the piece's digest, for one build's
    scan: 88% of a page is the theme's header, tabs, navigation and footer, which every page
    at the same depth shares, so each such piece is scanned once instead of 2,922 times.
    Pieces end at a line break before a landmark (_PIECE_START). For the view as written
    (markup_text) any line break will do: entities, percent-escapes and odd characters never
    span one, and no number does. For the view as read, the text without comments is cut only
    where every tag before the line break is closed (_closed_before): then the line break stays
    in the view, and each piece's view is that part of the page's. A property test compares
    the two ways on hostile mixes of tags, comments, escapes and numbers."""

    LIMIT = 200_000
    """Pieces kept at most (their digests and numbers); forgotten all at once beyond it."""

    def __init__(self) -> None:
        self._found: dict[bytes, tuple[str, ...]] = {}

    def candidates(self, text: str) -> Iterator[str]:
        """The digits of every number candidate in ``text``, as _candidates gives them."""
        for piece in _pieces(_COMMENT.sub("", text), _closed_before):
            yield from self._found_in(b"read", _readable_without_comments, piece)
        for piece in _pieces(text):
            yield from self._found_in(b"written", markup_text, piece)

    def _found_in(self, view: bytes, seen_as: Callable[[str], str], piece: str) -> tuple[str, ...]:
        key = hashlib.blake2b(piece.encode("utf-8", "surrogatepass"), digest_size=16, person=view).digest()
        found = self._found.get(key)
        if found is None:
            if len(self._found) >= self.LIMIT:
                self._found.clear()
            found = self._found[key] = tuple(digits_of(match.group(0)) for match in number_candidates(seen_as(piece)))
        return found


def _pieces(text: str, may_end: Callable[[str, int], bool] | None = None) -> Iterator[str]:
    """``text`` cut after each line break _PIECE_START finds where ``may_end`` (text, position) allows."""
    start = 0
    for found in _PIECE_START.finditer(text):
        end = found.start() + 1
        if may_end is None or may_end(text, found.start()):
            yield text[start:end]
            start = end
    yield text[start:]


def _closed_before(text: str, at: int) -> bool:
    """Whether no tag in ``text`` (without comments) reaches over position ``at``, for
    readable_text's patterns, which read a tag from a < to the first > after it: the last <
    before ``at`` is closed before it, the < before that is closed before the last one (else
    the last is inside it), and the last is no inline tag, so its > stays once those are gone
    (and closes whatever < they leave open)."""
    last = text.rfind("<", 0, at)
    if last == -1:
        return True
    if text.find(">", last, at) == -1 or text.rfind("<", 0, last) > text.rfind(">", 0, last):
        return False
    return _INLINE_TAG.match(text, last) is None


def is_text(data: bytes) -> bool:
    """Whether a file can hold readable numbers: not an image or other binary (NUL bytes)."""
    return b"\x00" not in data[:8192]


def clean_files_memo(allowed: Iterable[str]) -> Memo:
    """The contents found clean before (by hash; never a number itself), with these
    allowed numbers: a build with most pages unchanged reads each, but scans only the rest."""
    return Memo("privacy-clean", {"allowed": stamp(sorted(code.upper() for code in allowed))}, lambda value: value == 1)


def scan_site(site_dir: Path, allowed: Iterable[str] = (), skip: Iterable[str] = THEME_FOLDERS,
              clean: Memo | None = None, scanned: Mapping[str, str] | None = None,
              later: Callable[[str, bytes], None] | None = None) -> list[Leak]:
    """Every leak in any text file of a built site, whatever its name, outside the theme's
    own folders. ``clean`` (see clean_files_memo) skips contents found clean before;
    ``scanned`` gives the hash of what PageScan scanned of a file (by site path): a file
    written with exactly that is not scanned again, one that differs (something changed it
    after the scan saw it) is. ``later`` (PageScan.add) takes the files to scan instead, so
    that the scanning process does it (their leaks are then its)."""
    allowed_set = frozenset(code.upper() for code in allowed)
    skipped, done = set(skip), scanned or {}
    leaks: list[Leak] = []
    seen = SeenPieces()
    for path in sorted(site_dir.rglob("*")):
        relative = path.relative_to(site_dir).as_posix()
        if relative.split("/", 1)[0] in skipped:
            continue
        leaks += find_leaks(relative, relative, allowed_set)  # a file or folder name
        if not path.is_file() or path.is_symlink():
            continue
        data = path.read_bytes()
        if relative in done and content_hash(data) == done[relative]:
            continue
        if later is not None:
            later(relative, data)
        else:
            leaks += scan_contents(relative, data, allowed_set, clean, seen)
    return leaks


def scan_contents(relative: str, data: bytes, allowed: frozenset[str], clean: Memo | None = None,
                  seen: SeenPieces | None = None) -> list[Leak]:
    """The leaks in one file's ``data`` (a compressed file's text too; nothing in a binary),
    unless ``clean`` knows the same contents clean; a clean file is remembered in it.
    ``seen``: the pieces this scan has already read (see SeenPieces)."""
    key = content_hash(data) if clean is not None else ""
    if clean is not None and clean.has(key):
        return []
    text = _gunzip(data) if relative.endswith(".gz") else data
    found = find_leaks(text.decode("utf-8-sig", errors="replace"), relative, allowed, seen) if is_text(text) else []
    if clean is not None and not found:
        clean.put(key, 1)
    return found


BATCH_BYTES = 1 << 20
"""How many bytes of pages go to the scanning process at a time: handing it each page on its
own cost the build a pipe write and a thread switch per page (a tenth of the scan's time); at
the end the build scans the batches the process has not come to, so smaller ones share better."""


_seen_here: SeenPieces | None = None
"""The pieces the scanning process has read: it scans one build's pages, batch after batch."""


def scan_batch(files: list[tuple[str, bytes]], allowed: frozenset[str]) -> list[list[Leak]]:
    """The leaks in each of ``files`` (site path, bytes), in the scanning process."""
    global _seen_here
    if _seen_here is None:
        _seen_here = SeenPieces()
    return _scan_files(files, allowed, _seen_here)


def _scan_files(files: list[tuple[str, bytes]], allowed: frozenset[str], seen: SeenPieces) -> list[list[Leak]]:
    return [scan_contents(relative, data, allowed, seen=seen) for relative, data in files]


@dataclass
class _Batch:
    """Pages sent to the scanning process: their site paths and bytes (until scanned), keys
    (content hashes) and the scan's ``future``, or the ``results`` of the build's own scan."""

    files: list[tuple[str, bytes]]
    keys: list[str]
    future: Future[list[list[Leak]]]
    results: list[list[Leak]] | None = None

    def let_go(self, _: object = None) -> None:
        self.files = []


class PageScan:
    """Pages scanned while MkDocs writes the rest, in a process of its own (the scan of a
    cold build took as long as a tenth of it, on a machine with a second core idle):
    ``add`` each page as written, then ``leaks`` once all are; the files' names and every
    other file are scan_site's."""

    def __init__(self, allowed: Iterable[str], clean: Memo | None):
        self._allowed = frozenset(code.upper() for code in allowed)
        self._clean = clean
        self._pool: ProcessPoolExecutor | None = None
        self._batch: list[tuple[str, bytes]] = []
        self._batch_keys: list[str] = []
        self._batch_bytes = 0
        self._pending: list[_Batch] = []
        self.scanned: dict[str, str] = {}
        """The hash of what was scanned of each file, by site path (for scan_site)."""
        self._seen = SeenPieces()

    def add(self, relative: str, data: bytes) -> None:
        """``data``: the file's bytes as it will be written at ``relative`` (its site path)."""
        key = content_hash(data)
        if self._clean is None or not self._clean.has(key):
            self._batch.append((relative, data))
            self._batch_keys.append(key)
            self._batch_bytes += len(data)
            if self._batch_bytes >= BATCH_BYTES:
                self._send_batch()
        self.scanned[relative] = key

    @property
    def running(self) -> bool:
        """Whether the scanning process has started (it takes a second to start)."""
        return self._pool is not None

    def _send_batch(self) -> None:
        if not self._batch:
            return
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_end_with_parent, initargs=(os.getpid(),))
            atexit.register(self.close)
        batch = _Batch(self._batch, self._batch_keys, self._pool.submit(scan_batch, self._batch, self._allowed))
        batch.future.add_done_callback(batch.let_go)
        self._pending.append(batch)
        self._batch, self._batch_keys, self._batch_bytes = [], [], 0

    def leaks(self) -> list[Leak]:
        found: list[Leak] = []
        try:
            self._send_batch()
            # The build has nothing else to do now: it scans the batches the scanning process
            # has not come to, from the last back, while that process goes on from the first.
            for batch in reversed(self._pending):
                files = batch.files  # let go of once cancelled
                if not batch.future.cancel():
                    break
                batch.results = _scan_files(files, self._allowed, self._seen)
            for batch in self._pending:
                results = batch.results if batch.results is not None else batch.future.result()
                for key, leaks in zip(batch.keys, results, strict=True):
                    if self._clean is not None and not leaks:
                        self._clean.put(key, 1)
                    found += leaks
        except BaseException:
            self.close()
            raise
        self.close(wait=True)
        return found

    def close(self, wait: bool = False) -> None:
        """Stop the scanning process (at the end, or when the build fails or the program exits).
        ``wait``, once it has nothing left to do: until its pool has shut down, or Python 3.11
        can write to the pool's closed wake-up pipe as the program exits, printing a traceback
        though the build succeeded (CPython gh-125451: fixed in 3.12, not in 3.11)."""
        if self._pool is not None:
            atexit.unregister(self.close)
            self._pool.shutdown(wait=wait, cancel_futures=True)
            self._pool = None
        self._pending, self._batch, self._batch_keys, self._batch_bytes = [], [], [], 0


def _end_with_parent(parent: int) -> None:
    """In the scanning process: end it when the build that started it is gone (killed, say),
    which it would not notice while waiting for work. And let the build and the search helper
    go first when the machine has no core free: the scan can wait (the build scans what is
    left at the end itself), the build cannot, and sharing two cores three ways slowed it."""
    try:
        os.nice(10)
    except (AttributeError, OSError):
        pass  # no such thing here: the scan runs as it would

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def _gunzip(data: bytes, limit: int = 50_000_000) -> bytes:
    """A compressed file's text (the sitemap), read no further than ``limit`` bytes."""
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
        try:
            return stream.read(limit)
        except (OSError, EOFError):
            return b""
