"""What a build can keep for the next one: results of slow, pure steps, by their input.

They live in one folder of the project, ``.cache/`` (ignored by git), as JSON: a file
holds the versions it was made with (pufa's own code, the libraries involved) and is
ignored whole when any differs, so a cached build writes exactly what a cold one writes.
Deleting the folder is always safe. JSON, not pickle: a file planted in the folder can
at worst be ignored, never run.
"""

from __future__ import annotations

import functools
import hashlib
import json
import subprocess
import sys
from collections.abc import Callable, Hashable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from pufa.shared.files import write_atomic

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


def committed_to_git(root: Path) -> bool:
    """Whether any file of ``root``'s cache folder is tracked by git (no git: not tracked)."""
    try:
        listed = subprocess.run(["git", "-C", str(root), "ls-files", "--", CACHE_FOLDER],
                                capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(listed.stdout.strip())


def content_hash(*parts: str | bytes) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part)
        digest.update(b"\x00")
    return digest.hexdigest()


class Memo:
    """Results of one pure function by input, loaded from and saved to ``.cache/<name>.json``.

    Only what a build used is saved, so entries of deleted articles do not pile up."""

    def __init__(self, name: str, versions: Mapping[str, str], valid: Callable[[Any], bool] = lambda value: True):
        """``valid`` tells a stored value of the right shape; others are computed anew."""
        self.name = name
        self.valid = valid
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

    def has(self, key: str) -> bool:
        """Whether ``key`` is known (and then kept for the next build); for a memo of facts."""
        if key in self._known:
            self._used[key] = self._known[key]
        return key in self._used

    def put(self, key: str, value: Any) -> None:
        self._used[key] = value

    def load(self, root: Path) -> Memo:
        """Take what an earlier build saved under ``root``, if made with the same versions
        and not committed to git: a cache that came with a pull request is not this
        machine's work, and its privacy entries could hide a page with an ID number."""
        if committed_to_git(root):
            return self
        try:
            stored = json.loads((root / CACHE_FOLDER / f"{self.name}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return self
        if isinstance(stored, dict) and stored.get("versions") == self.versions and isinstance(stored.get("entries"), dict):
            self._known = {key: value for key, value in stored["entries"].items() if self.valid(value)}
        return self

    def save(self, root: Path) -> None:
        """Keep what this build used for the next one, and what earlier builds used as long as
        that is not more than twice as much: `mkdocs serve` (drafts shown) and `make site`
        take turns without undoing each other's work, and deleted articles still drop out."""
        entries = self._used
        if len(self._known) + len(self._used) <= 3 * len(self._used):
            entries = {**self._known, **self._used}
        if entries.keys() == self._known.keys():
            return
        text = json.dumps({"versions": self.versions, "entries": entries}, ensure_ascii=False, separators=(",", ":"))
        try:
            write_atomic(root / CACHE_FOLDER / f"{self.name}.json", text)
        except OSError:
            pass  # a read-only checkout builds as well, only not faster next time


def stamp(*values: Hashable) -> str:
    """A short version string for settings a result depends on (a word list, a rule set)."""
    return content_hash(json.dumps(values, ensure_ascii=False, default=str))
