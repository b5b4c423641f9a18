"""Writing files so that nobody ever sees half of a change: one file, or several at once.

One file is written to a temp file and renamed. Several files under data/ (an import changes
the store and the list of unmatched rows, or dozens of penalty records) are one change: each
new text is staged in data/.pufa-journal/, a manifest written last (and renamed into place)
marks the change as complete, and only then are the staged files renamed over the old ones.
A run killed before the manifest leaves the old files; one killed after it is finished by
the next command that takes the lock (``recover``). Writers take data/.pufa.lock, so two
imports at once run one after the other instead of one silently undoing the other.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from filelock import FileLock, Timeout

from pufa.shared.errors import PufaError

LOCK_NAME = ".pufa.lock"
JOURNAL_NAME = ".pufa-journal"
MANIFEST = "manifest.json"
LOCK_WAIT_SECONDS = 120


class WriteError(PufaError):
    """Files could not be written (read-only, disk full, no permission); nothing was changed."""


class BusyError(PufaError):
    """Another pufa command is writing under data/ and did not finish in time."""


def write_atomic(path: Path, text: str) -> None:
    """``text`` as UTF-8, in place of ``path`` all at once."""
    with atomic_file(path) as binary:
        binary.write(text.encode("utf-8"))


@contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """A binary file written in place of ``path`` only when the block ends without an error
    (then renamed over it; else removed): for a file written in pieces, never whole in memory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(temp, 0o644)  # mkstemp makes it private; a web server must be able to read it
        with os.fdopen(fd, "wb") as binary:
            yield binary
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def create_exclusive(path: Path, text: str) -> None:
    """Write a new file; refuse (FileExistsError) rather than overwrite an editor's work."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


@contextmanager
def data_lock(data_dir: Path, wait: float | None = None) -> Iterator[None]:
    """Hold data/'s writer lock for a whole read-change-write, finishing first whatever an
    interrupted writer left in the journal. A second writer waits up to ``wait`` seconds."""
    wait = LOCK_WAIT_SECONDS if wait is None else wait
    data_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(data_dir / LOCK_NAME, timeout=wait)
    try:
        lock.acquire()
    except Timeout:
        raise BusyError(
            f"另一个 pufa 命令正在写入 {data_dir.name}/，等待 {wait:.0f} 秒仍未结束；请等它完成后再试"
            f"（若确认没有其他命令在运行，可删除 {data_dir.name}/{LOCK_NAME}）"
        ) from None
    except OSError as exc:
        raise WriteError(f"无法在 {data_dir.name}/ 中加锁：{exc.strerror or exc}，没有改动任何文件") from None
    try:
        recover(data_dir)
        yield
    finally:
        lock.release()


def write_all(data_dir: Path, changes: Mapping[Path, str]) -> None:
    """Replace every file in ``changes`` (all under ``data_dir``) or none of them; call it
    holding ``data_lock``. A write error changes nothing and says what went wrong."""
    if not changes:
        return
    journal = data_dir / JOURNAL_NAME
    entries = []
    try:
        journal.mkdir()
        for index, (target, text) in enumerate(changes.items()):
            staged = journal / f"{index}.staged"
            with open(staged, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(staged, 0o644)
            entries.append({"staged": staged.name, "target": os.path.relpath(target, data_dir)})
        write_atomic(journal / MANIFEST, json.dumps(entries, ensure_ascii=False))
    except OSError as exc:
        shutil.rmtree(journal, ignore_errors=True)
        where = getattr(exc, "filename", None) or journal
        raise WriteError(f"无法写入 {where}：{exc.strerror or exc}。没有改动任何文件。") from None
    _roll_forward(data_dir, journal)


def finish_interrupted(data_dir: Path) -> None:
    """Finish (or forget) what an interrupted writer left, taking the lock only when there
    is something to do, so that reading commands work on a read-only checkout."""
    if (data_dir / JOURNAL_NAME).exists():
        with data_lock(data_dir):
            pass


def unfinished_change(data_dir: Path) -> bool:
    """Whether a change to data/ was committed but not yet renamed into place (a killed import)."""
    return (data_dir / JOURNAL_NAME / MANIFEST).is_file()


def recover(data_dir: Path) -> None:
    """Finish a change whose manifest was written; forget one that never got that far."""
    journal = data_dir / JOURNAL_NAME
    if not journal.exists():
        return
    if (journal / MANIFEST).is_file():
        _roll_forward(data_dir, journal)
    else:
        shutil.rmtree(journal, ignore_errors=True)


def _roll_forward(data_dir: Path, journal: Path) -> None:
    entries = json.loads((journal / MANIFEST).read_text(encoding="utf-8"))
    try:
        for entry in entries:
            staged, target = journal / entry["staged"], data_dir / entry["target"]
            if staged.exists():  # gone: renamed already by a run that was killed after it
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staged, target)
    except OSError as exc:
        raise WriteError(f"无法完成写入 {exc.filename or data_dir}：{exc.strerror or exc}。"
                         f"修复后重新运行任一 pufa 命令即可完成这次写入。") from None
    shutil.rmtree(journal, ignore_errors=True)
