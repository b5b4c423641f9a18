"""Work done ahead of the build by a forked copy of it, on the machine's other core.

MkDocs builds one page after another on one core. A copy of the build process made with
``fork`` holds the same pages, settings, plugins and memos, so what it computes for a page is
what the build would compute at that point. It goes through the pages in the order the build
will ask for them and sends each result back through a pipe, with what it logged meanwhile;
the build takes a result when it comes to the page (and logs those lines then, as if it had
computed the page itself), and computes the page itself when none came: no ``fork`` here,
more than one thread running, the fork failed, the helper failed, was killed or stopped
answering. Either way the output is the same; only the time differs.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import select
import signal
import threading
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pufa.shared.timing import log

PIPE_BYTES = 1 << 20
"""How far ahead the helper may get, in bytes of results the build has not read yet."""

PATIENCE = 60.0
"""Seconds the build waits for the helper's next line before it goes on without it."""

PATIENCE_AT_END = 15.0
"""Seconds the build waits, once it has every result it needs, for each of the helper's last
lines and for its end (``finish``): a helper stuck then only delays the build this long."""


def can_fork() -> bool:
    """Only a single-threaded process is copied: a lock another thread held at the moment
    of the fork (`mkdocs serve` rebuilds in a thread beside its web server) would stay held
    in the copy. PUFA_SINGLE_PROCESS=1 builds without helpers (to compare, or to profile)."""
    return hasattr(os, "fork") and threading.active_count() == 1 and os.environ.get("PUFA_SINGLE_PROCESS") != "1"


@dataclass(frozen=True)
class Sent:
    """A helper's result, and the lines it logged while computing it ([logger, level, text])."""

    result: Any
    log: list[list[Any]]

    def replay(self) -> None:
        """Log the helper's lines here, where the build's handlers are."""
        replay(self.log)


def replay(lines: Iterable[list[Any]]) -> None:
    """Log ``lines`` ([logger, level, text], see ``Recorder``) through the build's handlers."""
    for name, level, text in lines:
        record = logging.makeLogRecord({"name": name, "levelno": level, "levelname": logging.getLevelName(level), "msg": text})
        logging.getLogger(name).handle(record)


class Recorder(logging.Handler):
    """The lines logged while it is attached (to the root logger and MkDocs' own, which
    passes nothing on), as [logger, level, text]: every line the logger let through."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.lines: list[list[Any]] = []
        self._loggers = (logging.getLogger(), logging.getLogger("mkdocs"))
        self._last: logging.LogRecord | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if record is not self._last:  # once, where MkDocs' logger passes its lines on after all
            self.lines.append([record.name, record.levelno, record.getMessage()])
            self._last = record

    @property
    def warnings(self) -> int:
        return sum(1 for _, level, _ in self.lines if level >= logging.WARNING)

    def __enter__(self) -> Recorder:
        for logger in self._loggers:
            logger.addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        for logger in self._loggers:
            logger.removeHandler(self)


_running: weakref.WeakSet[Ahead] = weakref.WeakSet()


def stop_all() -> None:
    """Stop every helper still running: a new build has no use for an earlier one's, such as
    those of a build that failed on the way (in a process that builds again, like a test run)."""
    for ahead in list(_running):
        ahead.close()


class Ahead:
    """``work(name)`` for each of ``names``, done in a forked helper; ``take(name)`` in the
    same order. ``work`` returns a JSON value, or None for nothing to send. ``done``: a debug
    line logged on ``close`` with how many results ``take_matching`` gave (%d). ``first``: run in
    the helper before the first name, to let go of what only the build needs (the helper
    starts as a copy of the build, and what it frees makes room for what it loads). ``last``:
    run in the helper once every result is sent (see ``finish``): what it keeps of its own
    work, such as a memo it saves, need not come back through the pipe into the build."""

    def __init__(self, names: Iterable[str], work: Callable[[str], Any], done: str = "",
                 first: Callable[[], None] | None = None, last: Callable[[], None] | None = None):
        self._done, self._matched = done, 0
        self._names: set[str] = set()
        self._results: dict[str, Sent] = {}
        self._buffer = b""
        self._read_end = self._pid = -1
        self._stop: weakref.finalize | None = None
        names = list(names)
        if names and can_fork():
            self._start(names, work, first, last)

    def _start(self, names: list[str], work: Callable[[str], Any], first: Callable[[], None] | None,
               last: Callable[[], None] | None) -> None:
        read_end, write_end = os.pipe()
        try:
            import fcntl

            fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        except (ImportError, AttributeError, OSError):
            pass  # a smaller pipe only lets the helper run less far ahead
        _return_free_memory()  # the helper starts as large as the build is: not larger
        gc.freeze()  # the helper then copies fewer of the build's memory pages by collecting
        parent = os.getpid()
        try:
            pid = os.fork()
        except OSError:  # too many processes, say: the build computes everything itself
            pid = -1
        if pid == 0:  # the helper: it never returns, and runs none of the build's exit handlers
            try:
                os.close(read_end)
                die_with_parent(parent)
                _help(names, work, write_end, first, last)
            finally:
                os._exit(1)
        gc.unfreeze()
        os.close(write_end)
        if pid < 0:
            os.close(read_end)
            return
        self._names, self._read_end, self._pid = set(names), read_end, pid
        self._stop = weakref.finalize(self, _stop, pid, read_end)  # also if the build fails, or at exit
        _running.add(self)

    @property
    def waiting(self) -> bool:
        """Whether a name is left whose result the build has not taken."""
        return bool(self._names or self._results)

    def take(self, name: str) -> Sent | None:
        """The helper's result for ``name``, waiting for it if the helper has not got that far;
        None when it sent nothing for it or has stopped."""
        if name in self._results:
            return self._results.pop(name)
        while name in self._names:
            line = self._next_line()
            if line is None:
                self.close()
                break
            try:
                done, result, log = json.loads(line)
            except ValueError:
                self.close()
                break
            self._names.discard(done)
            sent = Sent(result, log) if result is not None else None
            if done == name:
                return sent
            if sent is not None:
                self._results[done] = sent
        return None

    def take_matching(self, name: str, key: str, log_lines: bool = True) -> list[Any] | None:
        """For a ``work`` that sends [key, ...]: the rest of the helper's result for ``name``
        (with the lines it logged meanwhile logged here, unless not ``log_lines``) if it was
        made for ``key``; else None (the page changed since the helper read it, or nothing came)."""
        sent = self.take(name)
        if sent is None or sent.result[0] != key:
            return None
        if log_lines:
            sent.replay()
        self._matched += 1
        return sent.result[1:]

    def _next_line(self, patience: float | None = None) -> bytes | None:
        """The helper's next line; None at its end, or when it said nothing for ``patience``
        (PATIENCE) s."""
        while b"\n" not in self._buffer:
            ready, _, _ = select.select([self._read_end], [], [], PATIENCE if patience is None else patience)
            chunk = os.read(self._read_end, 1 << 16) if ready else b""
            if not chunk:
                return None
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line

    def finish(self) -> bool:
        """Once the build has every result it needs: let the helper send the rest (those the
        build had from a memo), run ``last`` and end on its own, and let it go; True if it did,
        each step within PATIENCE_AT_END s, else it is stopped (and ``last`` may not have run,
        or not to the end)."""
        if self._stop is None or not self._stop.alive:
            self.close()
            return False
        while self._next_line(PATIENCE_AT_END) is not None:
            pass  # results the build did not take (it had them from a memo), then the pipe's end
        if not select.select([self._read_end], [], [], 0)[0]:  # silent, not ended
            self.close()
            return False
        self._stop.detach()
        os.close(self._read_end)
        try:
            ended = os.waitpid(self._pid, 0)[1] == 0
        except ChildProcessError:  # reaped for us (SIGCHLD ignored): its status is unknown
            ended = False
        self.close()
        return ended

    def close(self) -> None:
        """Stop the helper (done or not) and let it go."""
        if self._stop is not None:
            self._stop()
        if self._done:
            log.debug(self._done, self._matched)
            self._done = ""
        _running.discard(self)
        self._names, self._results, self._buffer = set(), {}, b""


def _stop(pid: int, read_end: int) -> None:
    os.close(read_end)
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):  # gone already, or reaped for us (SIGCHLD ignored)
        pass


def _return_free_memory() -> None:
    """Give the memory the build has freed back to the system (glibc's malloc_trim): a forked
    helper counts every page the build holds, used or not, and adds its own on top."""
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (ImportError, OSError, AttributeError):
        pass  # not glibc: the helper only starts larger


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this helper (or child) when the build that started it ends, however it ends:
    a build or check stopped with SIGTERM (a cancelled CI job, `timeout`) runs no exit
    handler, and its helper would go on alone and write to .cache/ after it. Linux only
    (prctl); elsewhere a helper still stops when it next writes to the closed pipe."""
    try:
        import ctypes

        set_parent_death_signal = ctypes.CDLL(None, use_errno=True).prctl
    except (ImportError, OSError, AttributeError):
        return
    set_parent_death_signal(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # it ended before the call above
        os._exit(1)


def _help(names: list[str], work: Callable[[str], Any], write_end: int, first: Callable[[], None] | None,
          last: Callable[[], None] | None) -> None:
    """The helper's whole life: ``first``, a line of JSON [name, result, log] for each name,
    then ``last``, then exit. Its log lines go back to the build with the result, and its
    standard output and error go nowhere."""
    nowhere = os.open(os.devnull, os.O_WRONLY)
    os.dup2(nowhere, 1)
    os.dup2(nowhere, 2)
    for logger in [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]:
        if isinstance(logger, logging.Logger):
            logger.handlers = []
    for sibling in list(_running):  # the build's other helpers are the build's to stop: their
        if sibling._stop is not None:  # finalizers, copied here, would kill them if ``first``
            sibling._stop.detach()     # let go of them
    if first is not None:
        first()
        gc.collect()  # what ``first`` let go of in cycles made since the fork (older ones stay frozen)
        _return_free_memory()
    status = 1
    with os.fdopen(write_end, "wb") as out:
        for name in names:
            with Recorder() as recorder:
                try:
                    result = work(name)
                except Exception:  # the build meets the same error when it computes the page
                    result = None
            out.write(json.dumps([name, result, recorder.lines], ensure_ascii=False, default=str).encode() + b"\n")
            out.flush()
        if last is not None:
            last()
        status = 0
    os._exit(status)
