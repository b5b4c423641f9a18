"""How long each step of a build takes, logged at debug level (`mkdocs build -v`); the
benchmark (bench/run.py) reads these lines to show where pufa's part of a build goes."""

from __future__ import annotations

import logging
import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger("mkdocs.plugins.pufa")
"""Under MkDocs' logger, so `-v` shows it; only debug lines, never a warning."""


@contextmanager
def timed(step: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # KiB on Linux
        log.debug("pufa: %s %.2f s (peak memory so far %d MiB)", step, time.perf_counter() - start, peak)
