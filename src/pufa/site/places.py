"""Each page's folder and file ready before MkDocs writes it: the last build's, emptied, or made
ahead, empty, by a child process on the machine's other core.

MkDocs deletes the last build's site and then makes a folder and a file for every page as it
writes it. On ext4 without a journal (as on this project's machines) making an inode passes
over every inode freed in the last half minute, so the build process spent 2-3 s of system
time making 2,922 pages' folders and files right after deleting the last ones (perf: the
kernel's ``recently_deleted`` and ``find_inode_bit``; bare Material, with 2,002 pages, under
one), besides about a second deleting them.

So the build keeps the last build's files instead: before MkDocs cleans the site folder it
moves what is in it into a hidden folder there (``set_aside``; MkDocs' clean leaves hidden
entries alone, as it keeps ``.git``). A child process moves it back, empties every page file
this build writes again and removes everything else (``reuse_last_build``); the build waits for
that before MkDocs writes anything. The child then makes the folders and empty files of the
pages that are new, in the order MkDocs writes them; it never truncates those, so a page MkDocs
wrote before the child came to it stays as written. MkDocs then opens a file that is there and
writes it whole, as it would have. A page file MkDocs did not write (a page it skipped for
empty output, or every page of a build that failed) is removed at the end with the folders that
held only it, so the site holds exactly the files and folders it would have held, with the same
modes: a file is reused only if it is a plain file of this user with one link (a hard-linked
copy elsewhere stays untouched) and the mode a new one would get. Not in a ``--dirty`` build,
where a file's presence and time tell MkDocs what to skip.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from pufa.shared.ahead import die_with_parent

LAST_BUILD = ".pufa-last-build"
"""The hidden folder inside the site folder that holds the last build while MkDocs cleans."""


def drop_left_over(site_dir: str | Path) -> None:
    """Remove the last build a build that was killed (or stopped with Ctrl-C) left set aside:
    it would be published with the site. Done first by every build, ``--dirty`` too."""
    holding = Path(site_dir) / LAST_BUILD
    if os.path.lexists(holding):
        remove(holding)


def set_aside(site_dir: str | Path) -> Path | None:
    """Before MkDocs cleans ``site_dir``: move its entries (not the hidden ones, which MkDocs
    keeps) into a hidden folder there, and give that folder, or None if nothing was moved. A
    folder left by a build that was killed is removed first; an entry that cannot move is left
    to MkDocs' clean. Nothing is moved when what is made in the site folder takes more from it
    than the mode the umask gives (a set-group-ID bit, a default ACL): reused entries would not."""
    site = Path(site_dir)
    holding = site / LAST_BUILD
    try:
        if not site.is_dir():
            return None
        drop_left_over(site)
        if site.stat().st_mode & stat.S_ISGID or "system.posix_acl_default" in _attributes(site):
            return None
        entries = [name for name in os.listdir(site) if not name.startswith(".")]
        if not entries:
            return None
        holding.mkdir()
    except OSError:
        return None
    for name in entries:
        try:
            os.rename(site / name, holding / name)
        except OSError:
            pass
    return holding


def reuse_last_build(holding: str | Path, pages: Iterable[str | bytes]) -> None:
    """Move the last build back out of ``holding`` into the site folder; there, empty each file
    of ``pages`` (the absolute paths of the pages this build writes) and remove every other
    file, and the folders left empty. Before MkDocs writes, all that is in the site folder but
    hidden entries is the last build's, so this is safe to do again after it stopped half way."""
    holding = os.fsencode(holding)
    site = os.path.dirname(holding)
    wanted = {os.path.normpath(os.fsencode(page)) for page in pages}
    mask = os.umask(0)
    os.umask(mask)
    reusable = (os.geteuid(), os.getegid(), 0o666 & ~mask, 0o777 & ~mask)
    try:
        names = os.listdir(holding)
    except OSError:
        names = []
    for name in names:
        try:
            if os.path.lexists(os.path.join(site, name)):
                raise FileExistsError(name)  # a rename would replace it
            os.rename(os.path.join(holding, name), os.path.join(site, name))
        except OSError:
            remove(os.path.join(holding, name))
    remove(holding)
    for name in os.listdir(site):
        if not name.startswith(b"."):
            _empty(os.path.join(site, name), wanted, reusable)


def _empty(path: bytes, wanted: set[bytes], reusable: tuple[int, int, int, int]) -> None:
    """Empty ``path`` if it is a reusable page file of ``wanted``, else remove it; in a folder
    of the right mode, do so for each entry and remove the folder if nothing is left. Reusable:
    the owner, group and mode a new one gets, and no extended attribute (an ACL, say) beyond
    the security label the system gives every file."""
    owner, group, file_mode, folder_mode = reusable
    try:
        found = os.lstat(path)
    except OSError:
        return
    mine = (found.st_uid == owner and found.st_gid == group and not stat.S_ISLNK(found.st_mode)
            and not any(not name.startswith("security.") for name in _attributes(path)))
    if stat.S_ISDIR(found.st_mode) and mine and stat.S_IMODE(found.st_mode) == folder_mode:
        try:
            names = os.listdir(path)
        except OSError:
            names = []
        for name in names:
            _empty(os.path.join(path, name), wanted, reusable)
        try:
            os.rmdir(path)  # only when empty
        except OSError:
            pass
        return
    if (stat.S_ISREG(found.st_mode) and mine and found.st_nlink == 1 and stat.S_IMODE(found.st_mode) == file_mode
            and path in wanted):
        try:
            if found.st_size:
                os.close(os.open(path, os.O_WRONLY | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC))
            return
        except OSError:
            pass
    remove(path)


def _attributes(path: str | bytes | Path) -> list[str]:
    """The names of the extended attributes of ``path`` itself (none where there are none)."""
    try:
        return os.listxattr(path, follow_symlinks=False)
    except OSError:
        return []


def remove(path: str | bytes | Path) -> None:
    """Remove a file, link or folder tree, whatever it is; what cannot go stays."""
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.unlink(path)
    except OSError:
        pass


def make_places(paths: Iterable[bytes]) -> None:
    """Folders as os.makedirs makes them and files as open(path, "wb") does (the same modes
    under the same umask), never truncated; a path that fails is left to MkDocs."""
    for path in paths:
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666))
        except OSError:
            pass


def _child(parent: int, holding: str) -> None:
    """The child: the listing of page paths on standard input; one line out once the last
    build is reused (MkDocs may write from then on). A build killed must not leave it
    working after it."""
    die_with_parent(parent)
    paths = sys.stdin.buffer.read().split(b"\0")
    if holding:
        reuse_last_build(holding, paths)
    sys.stdout.write("reused\n")
    sys.stdout.close()
    make_places(paths)


class PlacesAhead:
    """The child making ``paths`` (absolute paths of the pages' files under ``site_dir``),
    after reusing the last build ``set_aside`` put in ``holding``."""

    def __init__(self, site_dir: str | Path, paths: Iterable[str | Path], holding: Path | None = None):
        self._site_dir = Path(site_dir)
        self._paths = [os.fsencode(os.path.abspath(path)) for path in paths]
        self._holding = holding
        self._child: subprocess.Popen[bytes] | None = None
        if not self._paths:
            self.ready()
            return
        try:
            with tempfile.TemporaryFile() as listing:  # read by the child, so the build never waits on a pipe
                listing.write(b"\0".join(self._paths))
                listing.seek(0)
                self._child = subprocess.Popen(  # run from where this pufa is, so it is the one imported
                    [sys.executable, "-m", __name__, str(os.getpid()), os.path.abspath(holding) if holding else ""],
                    cwd=Path(__file__).parents[2], stdin=listing, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        except OSError:  # no child: MkDocs makes every place itself
            self._child = None
            self.ready()

    def ready(self) -> None:
        """Before MkDocs writes anything: wait until the last build is reused (done here if the
        child could not), so no file of it is emptied or removed after MkDocs wrote it."""
        said = self._child.stdout if self._child is not None else None
        if said is not None and not said.closed:
            done = said.readline() == b"reused\n"
            said.close()
            if done:
                self._holding = None
        if self._holding is not None:
            if self._child is not None:
                self._child.wait()  # it stopped half way: nothing of it moves any more
            reuse_last_build(self._holding, self._paths)
            self._holding = None

    def finish(self) -> None:
        """Once MkDocs wrote the pages (or the build failed): wait for the child, and remove every
        page file MkDocs left empty (it writes a page only when it has something to say),
        with the folders that held only that."""
        self.ready()
        if self._child is not None:
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


if __name__ == "__main__":
    _child(int(sys.argv[1]), sys.argv[2])
