"""Each page's folder and file made ahead, empty, by a child process on the machine's other core.

MkDocs deletes the last build's site and then makes a folder and a file for every page as it
writes it. On ext4 without a journal (as on this project's machines) making an inode passes
over every inode freed in the last half minute, so the build process spent 2-3 s of system
time making 2,922 pages' folders and files right after deleting the last ones (perf: the
kernel's ``recently_deleted`` and ``find_inode_bit``; bare Material, with 2,002 pages, under
one). A child process makes them first, in the order MkDocs writes them; MkDocs then opens a
file that is there and writes it as it would have. The child never truncates: a page MkDocs
wrote before the child came to it stays as written. A file MkDocs did not write (a page it
skipped for empty output) is removed at the end, so the site holds exactly the files it would
have held. Not in a ``--dirty`` build, where a file's presence and time tell MkDocs what to skip.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

_MAKER = """
import ctypes, os, signal, sys
try:  # end with the build: a build killed must not leave pages made after it
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
except (OSError, AttributeError):
    pass
if os.getppid() != int(sys.argv[1]):
    sys.exit()
for path in sys.stdin.buffer.read().split(b"\\0"):
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666))
    except OSError:
        pass  # the build makes it itself, and reports what it cannot
"""
"""Folders as os.makedirs makes them and files as open(path, "wb") does (the same modes under
the same umask), never truncated; a path that fails is left to MkDocs."""


class PlacesAhead:
    """The child making ``paths`` (absolute paths of the pages' files under ``site_dir``)."""

    def __init__(self, site_dir: str | Path, paths: Iterable[str | Path]):
        self._site_dir = Path(site_dir)
        self._paths = [os.fsencode(path) for path in paths]
        self._child: subprocess.Popen[bytes] | None = None
        if not self._paths:
            return
        try:
            with tempfile.TemporaryFile() as listing:  # read by the child, so the build never waits on a pipe
                listing.write(b"\0".join(self._paths))
                listing.seek(0)
                self._child = subprocess.Popen([sys.executable, "-c", _MAKER, str(os.getpid())], stdin=listing,
                                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except OSError:  # no child: MkDocs makes every place itself
            self._child = None

    def finish(self) -> None:
        """Once MkDocs wrote the pages (or the build failed): wait for the child, and remove every
        file it made that MkDocs left empty (it writes a page only when it has something to say),
        with the folders that held only that."""
        if self._child is None:
            return
        self._child.wait()
        self._child = None
        for path in map(Path, map(os.fsdecode, self._paths)):
            try:
                found = path.lstat()
            except OSError:
                continue
            if stat.S_ISREG(found.st_mode) and found.st_size == 0:
                path.unlink()
                self._remove_empty_folders(path.parent)

    def _remove_empty_folders(self, folder: Path) -> None:
        while folder != self._site_dir and self._site_dir in folder.parents:
            try:
                folder.rmdir()  # only when empty
            except OSError:
                return
            folder = folder.parent
