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
import sys
import time
from importlib.metadata import version
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

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

    def load(self, root: Path) -> Memo:
        """Take what an earlier build on this machine saved under ``root``, if made with the
        same versions; a file without this machine's signature is ignored."""
        key = signing_key()
        try:
            signature, _, payload = (root / CACHE_FOLDER / f"{self.name}.json").read_bytes().partition(b"\n")
        except OSError:
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
            yield from (piece.encode() for piece in encoder.iterencode(value))
        else:
            yield encoder.encode(value).encode()
        separator = b","
    yield b"}}"


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


_KEPT_NAME = re.compile(r"\.?[0-9a-f]{32}(\.[0-9]+)?")
"""A file of a FolderMemo: a key (content_hash), or a key being written (.key.pid)."""


class FolderMemo:
    """Large results by input, one file each in ``.cache/<name>/``: read only when asked
    for, so a build does not hold every one in memory as a ``Memo`` would. Each file is
    signed like a ``Memo``'s, over its key and the versions as well, so a file renamed to
    another key or left by another version of the code is ignored."""

    def __init__(self, root: Path, name: str, versions: Mapping[str, str]):
        self.folder = root / CACHE_FOLDER / name
        self._versions = stamp(code_version(), sorted(versions.items()))
        self._signing_key = None if _linked(root, CACHE_FOLDER, name) else signing_key()  # prune deletes files
        self._used: set[str] = set()

    def _signed(self, key: str, value: bytes) -> bytes:
        assert self._signing_key is not None
        return _signature(self._signing_key, f"{self._versions}\n{key}\n".encode() + value).encode()

    def get(self, key: str) -> bytes | None:
        """The value kept for ``key`` (a content hash), or None."""
        if self._signing_key is None:
            return None
        try:
            signature, _, value = (self.folder / key).read_bytes().partition(b"\n")
        except OSError:
            return None
        if not hmac.compare_digest(signature, self._signed(key, value)):
            return None
        self._used.add(key)
        return value

    def put(self, key: str, value: bytes) -> None:
        """Keep ``value`` for ``key``; not durably (a file cut short is ignored for its signature)."""
        if self._signing_key is None:
            return
        self._used.add(key)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temp = self.folder / f".{key}.{os.getpid()}"
            temp.write_bytes(self._signed(key, value) + b"\n" + value)
            os.replace(temp, self.folder / key)
        except OSError:
            pass  # a read-only checkout builds as well, only not faster next time

    def prune(self) -> None:
        """Delete what this build did not use once that is more than twice what it used, as
        ``Memo.save`` keeps entries (`mkdocs serve` and `make site` take turns): files named
        as this memo names them, and nothing else."""
        if self._signing_key is None:
            return
        try:
            names = [entry.name for entry in os.scandir(self.folder) if _KEPT_NAME.fullmatch(entry.name)]
        except OSError:
            return
        if not _keeps_earlier(len(names), len(self._used)):
            for name in (name for name in names if name not in self._used):
                try:
                    (self.folder / name).unlink(missing_ok=True)
                except OSError:
                    pass
