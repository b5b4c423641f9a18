"""What a build can keep for the next one: results of slow, pure steps, by their input.

They live in one folder of the project, ``.cache/`` (ignored by git), as JSON: a file
holds the versions it was made with (pufa's own code, the libraries involved) and is
ignored whole when any differs, so a cached build writes exactly what a cold one writes.
Deleting the folder is always safe. JSON, not pickle: a file planted in the folder can
at worst be ignored, never run. And ignored it is: every file is signed with a key kept
outside the project (``~/.cache/pufa/cache-key``, made on first use), because what the
cache says decides what is published (masked text; pages found free of ID numbers), and a
.cache/ that came with a pull request or a copied folder must not decide it.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import re
import secrets
import stat
import sys
import tempfile
import time
import weakref
from importlib.metadata import version
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from pufa.shared.files import atomic_file

CACHE_FOLDER = ".cache"
_PACKAGE = Path(__file__).resolve().parent.parent

Value = TypeVar("Value")


@functools.cache
def code_version() -> str:
    """A hash of pufa's own code and templates: any change to them makes old results unusable."""
    digest = hashlib.sha256(f"{sys.version_info[:2]}".encode())
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in (".py", ".j2", ".css") and path.is_file():
            digest.update(path.relative_to(_PACKAGE).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def signing_key() -> bytes | None:
    """This machine's key for signing cache files, outside any project (made on first use;
    when two builds make it at once, the first one's wins). None, and no cache, when it
    can be neither read nor made."""
    path = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pufa" / "cache-key"
    try:
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            temp = path.with_name(f".cache-key.{os.getpid()}")
            with os.fdopen(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as handle:
                handle.write(secrets.token_bytes(32))
            try:
                os.link(temp, path)
            except FileExistsError:
                pass
            finally:
                temp.unlink(missing_ok=True)
        key = path.read_bytes()
    except OSError:
        return None
    return key if len(key) == 32 else None


def _signature(key: bytes, payload: bytes) -> str:
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def content_hash(*parts: str | bytes) -> str:
    """A hash of ``parts`` in order; each is prefixed with its length, so no two different
    lists of parts hash alike (("a\\x00b",) and ("a", "b") differ)."""
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


class Memo:
    """Results of one pure function by input, loaded from and saved to ``.cache/<name>.json``
    (see ``save`` for what is kept)."""

    def __init__(self, name: str, versions: Mapping[str, str], valid: Callable[[Any], bool] = lambda value: True,
                 large: bool = False):
        """``valid`` tells a stored value of the right shape; others are computed anew.
        ``large``: a value may be megabytes of text, written in pieces (a memo of many small
        values is faster written a value at a time)."""
        self.name = name
        self.valid = valid
        self.large = large
        self.versions = {"pufa": code_version(), **versions}
        self._known: dict[str, Any] = {}
        self._used: dict[str, Any] = {}

    def get(self, key: str, compute: Callable[[], Value]) -> Value:
        try:
            return self._used[key]
        except KeyError:
            value = self._known[key] if key in self._known else compute()
            self._used[key] = value
            return value

    def lookup(self, key: str) -> Any | None:
        """The value known for ``key`` (then kept for the next build), or None."""
        if key in self._known:
            self._used[key] = self._known[key]
        return self._used.get(key)

    def has(self, key: str) -> bool:
        """Whether ``key`` is known (and then kept for the next build); for a memo of facts."""
        return self.lookup(key) is not None

    def keep_known(self) -> None:
        """Keep everything known for the next build, used or not (for a memo that another
        memo made unnecessary this time: what it knows is still what it would be asked)."""
        self._used = {**self._known, **self._used}

    def forget_known(self) -> None:
        """Keep only what this build puts (for a memo of one large result: the last one)."""
        self._known = {}

    def put(self, key: str, value: Any) -> None:
        self._used[key] = value

    def used(self) -> dict[str, Any]:
        """The keys this build used, with their values (what a helper process used, to be put
        into the build's own memo)."""
        return dict(self._used)

    def save_and_release(self, root: Path) -> None:
        """``save`` now, and let go of every value (a later ``save`` then writes nothing): for
        a memo complete before the build ends, whose values would sit in memory until then."""
        self.save(root)
        self._known, self._used = {}, {}

    def load(self, root: Path, wanted: str | None = None) -> Memo:
        """Take what an earlier build on this machine saved under ``root``, if made with the
        same versions; a file without this machine's signature is ignored. ``wanted``: the
        one key this build will ask for; a file that does not hold it is not read further (the
        generated pages, tens of megabytes of JSON, change with every edit)."""
        key = signing_key()
        try:
            signature, _, payload = (root / CACHE_FOLDER / f"{self.name}.json").read_bytes().partition(b"\n")
        except OSError:
            return self
        if wanted is not None and json.dumps(wanted, ensure_ascii=False).encode() + b":" not in payload:
            return self
        if key is None or not hmac.compare_digest(signature, _signature(key, payload).encode()):
            return self
        try:
            stored = json.loads(payload)
        except ValueError:
            return self
        if isinstance(stored, dict) and stored.get("versions") == self.versions and isinstance(stored.get("entries"), dict):
            self._known = {name: value for name, value in stored["entries"].items() if self.valid(value)}
        return self

    def save(self, root: Path) -> None:
        """Keep what this build used for the next one, and what earlier builds used as long as
        that is not more than twice as much: `mkdocs serve` (drafts shown) and `make site`
        take turns without undoing each other's work, and deleted articles still drop out."""
        entries = self._used
        if _keeps_earlier(len(self._known) + len(self._used), len(self._used)):
            entries = {**self._known, **self._used}
        if entries.keys() == self._known.keys():
            return
        key = signing_key()
        if key is None or _linked(root, CACHE_FOLDER):
            return
        path = root / CACHE_FOLDER / f"{self.name}.json"
        _remove_leftovers(path)
        try:
            _write_signed(path, key, _encoded(self.versions, entries, self.large))
        except OSError:
            pass  # a read-only checkout builds as well, only not faster next time


def _encoded(versions: Mapping[str, str], entries: Mapping[str, Any], large: bool) -> Iterator[bytes]:
    """``{"versions": ..., "entries": ...}`` as compact JSON in pieces, each entry whole or,
    when ``large``, in pieces too: the generated pages kept are tens of megabytes, and their
    text in one piece (then encoded, then signed) was the peak of a build's memory."""
    encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
    yield b'{"versions":' + encoder.encode(versions).encode() + b',"entries":{'
    separator = b""
    for name, value in entries.items():
        if not isinstance(name, str):
            raise TypeError(f"a memo's keys are text, not {type(name).__name__}")
        yield separator + encoder.encode(name).encode() + b":"
        if large:
            yield from _in_pieces(encoder, value)
        else:
            yield encoder.encode(value).encode()
        separator = b","
    yield b"}}"


def _in_pieces(encoder: json.JSONEncoder, value: Any, depth: int = 3) -> Iterator[bytes]:
    """``encoder.encode(value)``, a list's or a mapping's items one at a time, down to ``depth``
    levels: a page at a time is little memory, and each item is encoded in C (the encoder's
    ``iterencode`` runs in Python, token by token: 0.1 s more a cold build at 2,000 articles)."""
    if depth and isinstance(value, list):
        yield b"["
        for number, item in enumerate(value):
            if number:
                yield b","
            yield from _in_pieces(encoder, item, depth - 1)
        yield b"]"
    elif depth and isinstance(value, dict) and all(type(key) is str for key in value):
        yield b"{"
        for number, (key, item) in enumerate(value.items()):
            yield (b"," if number else b"") + encoder.encode(key).encode() + b":"
            yield from _in_pieces(encoder, item, depth - 1)
        yield b"}"
    else:
        yield encoder.encode(value).encode()


LEFTOVER_AGE = 3600
"""Seconds after which a temp file of a save is taken as left by a build that was killed
while saving (not one another build is writing now)."""


def _remove_leftovers(path: Path) -> None:
    """Delete the temp files killed saves of ``path`` left (tens of megabytes each)."""
    old = time.time() - LEFTOVER_AGE
    try:
        for leftover in path.parent.glob(f".{path.name}.*.tmp"):
            if leftover.stat().st_mtime < old:
                leftover.unlink()
    except OSError:
        pass


def _write_signed(path: Path, key: bytes, payload: Iterable[bytes]) -> None:
    """The signature of ``payload`` on the first line, then the payload, written as it comes."""
    signing = hmac.new(key, digestmod=hashlib.sha256)
    with atomic_file(path) as handle:
        handle.write(b"0" * signing.digest_size * 2 + b"\n")  # the signature's place
        for piece in payload:
            signing.update(piece)
            handle.write(piece)
        handle.seek(0)
        handle.write(signing.hexdigest().encode())


def library_versions(*names: str) -> dict[str, str]:
    """The installed versions of ``names`` (distributions), for a memo's versions."""
    return {name: version(name) for name in names}


def file_stamp(path: Path) -> str:
    """A hash of a settings file's bytes (empty when it cannot be read), for a memo's versions."""
    try:
        return content_hash(path.read_bytes())
    except OSError:
        return ""


def folder_stamp(root: Path, *folders: str) -> str:
    """A hash of the path and bytes of every file under ``folders`` of ``root``, for a result
    made from everything in them. A linked folder, which the loaders may read through but
    which could lead anywhere (a loop, the whole disk), and a file that cannot be read count
    as changed each time: the result is then never found again, only made anew."""
    parts: list[str | bytes] = []
    for folder in folders:
        for directory, subfolders, files in os.walk(root / folder):
            subfolders.sort()
            for name in subfolders:
                if os.path.islink(os.path.join(directory, name)):
                    parts += [(Path(directory) / name).relative_to(root).as_posix(), secrets.token_hex(16)]
            for name in sorted(files):
                path = Path(directory) / name
                shown = path.relative_to(root).as_posix()
                try:
                    if path.is_file():
                        parts += [shown, content_hash(path.read_bytes())]
                except OSError:
                    parts += [shown, secrets.token_hex(16)]
    return content_hash(*parts)


def stamp(*values: Hashable) -> str:
    """A short version string for settings a result depends on (a word list, a rule set)."""
    return content_hash(json.dumps(values, ensure_ascii=False, default=str))


def _keeps_earlier(total: int, used: int) -> bool:
    """Whether what earlier builds used is kept beside what this one used (``total`` of
    both): as long as it is not more than twice as much (see ``Memo.save``)."""
    return total <= 3 * used


def _linked(root: Path, *parts: str) -> bool:
    """Whether the cache folder, or a folder in it, is a link: one a pull request could bring,
    leading what is written (or pruned) there anywhere. Such a folder is not used."""
    folder = root
    for part in parts:
        folder = folder / part
        if folder.is_symlink():
            return True
    return False


class PackedMemo:
    """Large results by input (pages of tens of kilobytes), all in one file,
    ``.cache/<name>.pack``, and read only when asked for, so a build does not hold every one
    in memory as a ``Memo`` would. One file, not one per result: creating a file costs the
    build machine about 0.8 ms of system time, more than writing 30 KB to an open one, and a
    build kept 3,000 of them. A build writes what it made to a new file as it goes and, at
    ``close``, copies in what it keeps of the old one and renames it into place: a build that
    is killed, or runs beside another, leaves a whole file. Each value is signed like a
    ``Memo`` file, over its key and the versions as well, so a value moved to another key or
    left by another version of the code is ignored.

    A record is ``<key> <signature> <length>\n`` then the value's bytes."""

    def __init__(self, root: Path, name: str, versions: Mapping[str, str]):
        self.path = root / CACHE_FOLDER / f"{name}.pack"
        self._versions = stamp(code_version(), sorted(versions.items()))
        usable = hasattr(os, "pread") and hasattr(os, "O_NOFOLLOW") and not _linked(root, CACHE_FOLDER)
        self._signing_key = signing_key() if usable else None
        self._old: int | None = None  # the earlier build's file, opened at the first get
        self._opened = False
        self._records: dict[str, tuple[int, int]] = {}  # its records: key -> (start, end), header included
        self._new: BinaryIO | None = None  # this build's file, made at the first put
        self._new_path: Path | None = None
        self._written: set[str] = set()
        self._used: set[str] = set()

    def _signed(self, key: str, value: bytes) -> bytes:
        assert self._signing_key is not None
        return _signature(self._signing_key, f"{self._versions}\n{key}\n".encode() + value).encode()

    def _open_old(self) -> None:
        """Open the earlier file and note where each record is. Only a regular file that is
        not a link is read (a link or a pipe could come with a pull request); the records are
        read up to the first that is cut short or is not one."""
        if self._opened or self._signing_key is None:
            return
        self._opened = True  # once: a cold build has no pack, and asks for every page
        try:
            self._old = os.open(self.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            self._close_old = weakref.finalize(self, os.close, self._old)  # a failed build never reaches close
            size = os.fstat(self._old).st_size if stat.S_ISREG(os.fstat(self._old).st_mode) else 0
            start = 0
            while start < size:
                header, newline, _ = os.pread(self._old, _HEADER_MAX, start).partition(b"\n")
                found = _RECORD_HEADER.fullmatch(header)
                if not (found and newline) or start + len(header) + 1 + int(found[3]) > size:
                    break
                end = start + len(header) + 1 + int(found[3])
                self._records[found[1].decode()] = (start, end)
                start = end
        except OSError:
            self._records = {}

    def get(self, key: str) -> bytes | None:
        """The value kept for ``key`` (a content hash), or None."""
        self._open_old()
        if key not in self._records or self._old is None:
            return None
        start, end = self._records[key]
        try:
            header, _, value = os.pread(self._old, end - start, start).partition(b"\n")
        except OSError:
            return None
        found = _RECORD_HEADER.fullmatch(header)
        if found is None or found[1] != key.encode() or not hmac.compare_digest(found[2], self._signed(key, value)):
            return None
        self._used.add(key)
        return value

    def put(self, key: str, value: bytes) -> None:
        """Keep ``value`` for ``key`` (a content hash)."""
        if self._signing_key is None or key in self._used or not _KEY.fullmatch(key):
            return
        try:
            if self._new is None:
                self._start_new()
            assert self._new is not None
            self._new.write(b"%s %s %d\n" % (key.encode(), self._signed(key, value), len(value)) + value)
        except OSError:
            self._abandon()  # a read-only checkout builds as well, only not faster next time
            return
        self._written.add(key)
        self._used.add(key)

    def close(self) -> None:
        """After the build: put the new file in place if this build made anything, or if the
        old file holds too much it did not use (kept as ``Memo.save`` keeps entries, for
        `mkdocs serve` and `make site` taking turns); else leave the old file as it is."""
        self._open_old()
        keep_all = _keeps_earlier(len(self._records.keys() | self._used), len(self._used))
        kept = [span for key, span in self._records.items() if (keep_all or key in self._used) and key not in self._written]
        try:
            if self._new is None and len(kept) < len(self._records) and self._signing_key is not None:
                self._start_new()
            if self._new is not None and self._new_path is not None:
                if kept and self._old is not None:
                    self._new.flush()
                    for start, end in _joined(kept):
                        _copy(self._old, self._new.fileno(), start, end)
                self._new.close()
                os.replace(self._new_path, self.path)
                self._drop_new.detach()
                self._new = self._new_path = None
        except OSError:
            self._abandon()
        finally:
            self._abandon()  # after a rename: nothing left to drop
            if self._old is not None:
                self._close_old()
            self._old, self._records, self._opened = None, {}, False

    def _start_new(self) -> None:
        """Make this build's new file; a build that fails before ``close`` (a `mkdocs serve`
        rebuild goes on to the next) has it deleted once the memo is let go of, or at exit."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(self.path)
        handle, name = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
        self._new, self._new_path = os.fdopen(handle, "wb"), Path(name)
        self._drop_new = weakref.finalize(self, _close_and_delete, self._new, self._new_path)

    def _abandon(self) -> None:
        """Close and delete this build's new file, if it has one not yet in place."""
        if self._new is not None and self._new_path is not None:
            self._drop_new()
        self._new = self._new_path = None


_EARLIER_NAME = re.compile(r"\.?[0-9a-f]{32}(\.[0-9]+)?")
"""A file of ``.cache/<name>/``, where pufa kept such results one file each until December 2026."""


def remove_earlier_folder(root: Path, name: str) -> None:
    """Delete ``.cache/<name>/`` as earlier versions of pufa left it (3,000 files, 80 MB):
    only files named as they named them, and the folder once empty; never through a link."""
    folder = root / CACHE_FOLDER / name
    if _linked(root, CACHE_FOLDER, name) or not folder.is_dir():
        return
    try:
        for entry in os.scandir(folder):
            if _EARLIER_NAME.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
        folder.rmdir()
    except OSError:
        pass  # something else is in it: left as it is


def _joined(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` of a file in order, each run of adjacent ones as one."""
    joined: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if joined and joined[-1][1] == start:
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def _copy(source: int, target: int, start: int, end: int) -> None:
    """Append bytes ``start`` to ``end`` of file ``source`` to file ``target``, in the kernel
    where it can (a `mkdocs serve` rebuild keeps a pack of 150 MB)."""
    while start < end:
        try:
            copied = os.copy_file_range(source, target, end - start, start)
        except (AttributeError, OSError):
            copied = os.write(target, os.pread(source, min(end - start, 1 << 20), start))
        if copied <= 0:
            raise OSError("the pack ended early")
        start += copied


def _close_and_delete(handle: BinaryIO, path: Path) -> None:
    try:
        handle.close()
    except OSError:
        pass
    path.unlink(missing_ok=True)


_KEY = re.compile(r"[0-9a-f]{32}")
_RECORD_HEADER = re.compile(rb"([0-9a-f]{32}) ([0-9a-f]{64}) ([0-9]{1,12})")
_HEADER_MAX = 32 + 1 + 64 + 1 + 12 + 1
