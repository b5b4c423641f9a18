"""Writes under data/: one writer at a time, all or nothing even under kill -9, and a write
error changes nothing and says so."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CORPUS

from pufa.cli import main
from pufa.shared.files import JOURNAL_NAME, LOCK_NAME, WriteError, data_lock, write_all

SAMPLES = CORPUS / "samples" / "stats"
PUFA = [sys.executable, "-c", "import sys; from pufa.cli import main; sys.exit(main())"]


def data_state(root: Path) -> dict[str, bytes]:
    data = root / "data"
    return {str(p.relative_to(data)): p.read_bytes() for p in sorted(data.rglob("*"))
            if p.is_file() and p.name != LOCK_NAME}


def test_two_imports_at_once_both_land(project):
    """Each import reads the store, works out the change and writes it: run together without
    a lock, the second write undid the first (6 of 6 trials)."""
    shutil.copytree(CORPUS / "articles", project.root / "articles", dirs_exist_ok=True)
    stats = project.root / "data" / "stats"
    for name in ("reads.csv", "unmatched.csv"):
        (stats / name).unlink(missing_ok=True)
    exports = [SAMPLES / "plausible_pages_20240331.csv", SAMPLES / "matomo_page_urls_20240630.csv"]
    runs = [subprocess.Popen([*PUFA, "stats", "import", str(path), "--root", str(project.root)],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for path in exports]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    store = (stats / "reads.csv").read_text(encoding="utf-8")
    assert ",web,2024-03-31," in store and ",web,2024-06-30," in store, store


def test_a_writer_waits_for_the_lock_then_says_why_it_gave_up(project):
    source = penalty_export(project.root, 2)
    before = data_state(project.root)
    script = ("import sys, pufa.shared.files as f; f.LOCK_WAIT_SECONDS = 0.5; from pufa.cli import main; "
              "sys.argv = ['pufa'] + sys.argv[1:]; main()")
    with data_lock(project.root / "data"):
        result = subprocess.run([sys.executable, "-c", script, "penalties", "import", str(source), "--root",
                                 str(project.root)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "另一个 pufa 命令正在写入 data/" in result.stderr and "请等它完成后再试" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert data_state(project.root) == before


def kill_on_rename(number: int) -> str:
    """A python -c script: run pufa, and SIGKILL the process at its ``number``-th rename."""
    return (
        "import os, signal, sys\n"
        "import pufa.shared.files as f\n"
        "real = os.replace\n"
        "count = [0]\n"
        "def replace(a, b):\n"
        "    count[0] += 1\n"
        f"    if count[0] == {number}: os.kill(os.getpid(), signal.SIGKILL)\n"
        "    return real(a, b)\n"
        "f.os.replace = replace\n"
        "from pufa.cli import main\n"
        "sys.argv = ['pufa'] + sys.argv[1:]\n"
        "main()\n"
    )


def penalty_export(root: Path, rows: int) -> Path:
    from test_penalty_import import row, write_csv

    return write_csv(root / "export.csv", [row(number) for number in range(1, rows + 1)])


@pytest.mark.parametrize(("rename", "landed"), [(1, False), (4, True)])
def test_a_killed_import_changes_nothing_or_everything(project, rename, landed):
    """Rename 1 is the manifest (killed before it: the change never happened); rename 4 is the
    third record moved into place (killed after the manifest: the next command finishes it)."""
    before = data_state(project.root)
    source = penalty_export(project.root, 12)
    killed = subprocess.run([sys.executable, "-c", kill_on_rename(rename), "penalties", "import", str(source),
                             "--root", str(project.root)], capture_output=True, text=True, timeout=300)
    assert killed.returncode == -9, killed.stdout + killed.stderr
    penalties = project.root / "data" / "penalties"
    assert not any(p.name.endswith(".tmp") or p.name.startswith(".") for p in penalties.iterdir())
    if landed:
        build = project.build()
        assert build.returncode != 0 and "被中断的导入尚未完成" in build.output
    checked = CliRunner().invoke(main, ["check", "--root", str(project.root)])
    assert checked.exit_code == 0, checked.output
    assert not (project.root / "data" / JOURNAL_NAME).exists()
    after = data_state(project.root)
    added = sorted(set(after) - set(before))
    if landed:
        assert len(added) == 12 and all(name.startswith("penalties/2024-1") for name in added)
    else:
        assert after == before


def test_a_write_error_changes_nothing_and_says_what_went_wrong(project, monkeypatch):
    data = project.root / "data"
    before = data_state(project.root)
    real_open = open
    calls = [0]

    def full_disk(path, *args, **kwargs):
        if str(path).endswith(".staged"):
            calls[0] += 1
            if calls[0] == 2:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", full_disk)
    with data_lock(data), pytest.raises(WriteError) as caught:
        write_all(data, {data / "stats" / "reads.csv": "article,source\n", data / "stats" / "unmatched.csv": "x\n"})
    assert "No space left on device" in str(caught.value) and "没有改动任何文件" in str(caught.value)
    monkeypatch.undo()
    assert data_state(project.root) == before
    assert not (data / JOURNAL_NAME).exists()
