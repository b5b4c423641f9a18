"""Work done ahead of the build by a forked copy of it, on the machine's other core.

MkDocs builds one page after another on one core. A copy of the build process made with
``fork`` holds the same pages, settings, plugins and memos, so what it computes for a page is
what the build would compute at that point. It goes through the pages in the order the build
will ask for them and sends each result back through a pipe; the build takes a result when it
comes to the page, and computes the page itself when none came (no ``fork`` on this system,
more than one thread running, the helper failed or was killed). Either way the output is the
same; only the time differs.
"""

from __future__ import annotations

import fcntl
import gc
import json
import os
import signal
import threading
import weakref
from collections.abc import Callable, Iterable
from typing import IO, Any

PIPE_BYTES = 1 << 20
"""How far ahead the helper may get, in bytes of results the build has not read yet."""


def can_fork() -> bool:
    """Only a single-threaded process is copied: a lock another thread held at the moment
    of the fork (`mkdocs serve` runs its web server in threads) would stay held in the copy.
    PUFA_SINGLE_PROCESS=1 builds without helpers (to compare, or to profile the whole build)."""
    return hasattr(os, "fork") and threading.active_count() == 1 and os.environ.get("PUFA_SINGLE_PROCESS") != "1"


class Ahead:
    """``work(name)`` for each of ``names``, done in a forked helper; ``take(name)`` in the
    same order. ``work`` returns a JSON value, or None for nothing to send."""

    def __init__(self, names: Iterable[str], work: Callable[[str], Any]):
        self._names = set()
        self._results: dict[str, Any] = {}
        self._stream: IO[bytes] | None = None
        self._stop: weakref.finalize | None = None
        names = list(names)
        if not names or not can_fork():
            return
        read_end, write_end = os.pipe()
        try:
            fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        except (AttributeError, OSError):
            pass  # a smaller pipe only lets the helper run less far ahead
        gc.freeze()  # the helper then copies fewer of the build's memory pages by collecting
        pid = os.fork()
        if pid == 0:  # the helper: it never returns, and runs none of the build's exit handlers
            os.close(read_end)
            _help(names, work, write_end)
        gc.unfreeze()
        os.close(write_end)
        self._names = set(names)
        self._stream = os.fdopen(read_end, "rb")
        self._stop = weakref.finalize(self, _stop, pid, self._stream)  # also if the build fails, or at exit

    def take(self, name: str) -> Any | None:
        """The helper's result for ``name``, waiting for it if the helper has not got that far;
        None when it sent nothing for it or has stopped."""
        if name in self._results:
            return self._results.pop(name)
        while name in self._names and self._stream is not None:
            line = self._stream.readline()
            if not line.endswith(b"\n"):
                self.close()
                break
            try:
                done, result = json.loads(line)
            except ValueError:
                self.close()
                break
            self._names.discard(done)
            if done == name:
                return result
            if result is not None:
                self._results[done] = result
        return None

    def close(self) -> None:
        """Stop the helper (done or not) and let it go."""
        if self._stop is not None:
            self._stop()
        self._stream, self._names, self._results = None, set(), {}


def _stop(pid: int, stream: IO[bytes]) -> None:
    stream.close()
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)


def _help(names: list[str], work: Callable[[str], Any], write_end: int) -> None:
    """The helper's whole life: a line of JSON [name, result] for each name, then exit. Its
    output goes nowhere (logging still runs, so ``work`` can tell a warning): what it would
    warn about, the build finds again when it computes that item itself."""
    status = 1
    try:
        nowhere = os.open(os.devnull, os.O_WRONLY)
        os.dup2(nowhere, 1)
        os.dup2(nowhere, 2)
        with os.fdopen(write_end, "wb") as out:
            for name in names:
                try:
                    result = work(name)
                except Exception:  # the build meets the same error when it computes the page
                    result = None
                out.write(json.dumps([name, result], ensure_ascii=False, default=str).encode() + b"\n")
                out.flush()
        status = 0
    finally:
        os._exit(status)
