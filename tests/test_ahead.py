"""Work done ahead by a forked helper: the build takes what it sent, or computes for itself,
and the site is the same either way."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from click.testing import CliRunner
from conftest import MKDOCS, SAMPLE_TODAY, copy_sample_project, environment, plain_report, run_cli_build

from pufa.cli import main
from pufa.shared.ahead import Ahead


def children() -> set[int]:
    """This process's living child processes (Linux)."""
    pid = os.getpid()
    return {int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}


def test_the_helper_sends_each_result_from_a_process_of_its_own():
    before = children()
    ahead = Ahead(["一", "二", "三", "四"], lambda name: {"名": name, "pid": os.getpid()})
    assert children() - before, "a helper process runs"
    assert ahead.take("不在其中") is None  # never waits for what the helper was not given
    got = [ahead.take(name).result for name in ["一", "三", "二", "四"]]  # out of order: kept until asked
    assert [item["名"] for item in got] == ["一", "三", "二", "四"]
    assert {item["pid"] for item in got} != {os.getpid()} and len({item["pid"] for item in got}) == 1
    assert ahead.take("一") is None, "a result is taken once"
    ahead.close()
    assert children() == before, "the helper is stopped and reaped"


def test_an_item_the_helper_fails_on_or_dies_on_is_left_to_the_build():
    def work(name: str) -> str:
        if name == "坏":
            raise ValueError(name)
        if name == "死":
            os._exit(3)  # killed, say
        return name * 2

    before = children()
    ahead = Ahead(["好", "坏", "还好", "死", "之后"], work)
    taken = [ahead.take(name) for name in ["好", "坏", "还好", "死", "之后"]]
    assert [sent.result if sent else None for sent in taken] == ["好好", None, "还好还好", None, None]
    ahead.close()
    assert children() == before



def test_what_the_helper_does_last_is_done_once_the_build_took_every_result(tmp_path: Path):
    kept = tmp_path / "kept.txt"
    before = children()
    ahead = Ahead(["一", "二"], lambda name: name, last=lambda: kept.write_text(f"{os.getpid()}"))
    assert [ahead.take(name).result for name in ["一", "二"]] == ["一", "二"]
    assert ahead.finish() is True
    assert int(kept.read_text()) not in (os.getpid(), *before), "done in the helper"
    assert children() == before



def test_what_the_helper_lets_go_of_first_is_gone_in_the_helper_only():
    held = {"页面": "正文" * 1000}
    ahead = Ahead(["一", "二"], lambda name: sorted(held), first=held.clear)
    assert [ahead.take(name).result for name in ["一", "二"]] == [[], []]
    assert ahead.finish() is True
    assert held == {"页面": "正文" * 1000}, "the build keeps its own"


def test_a_helper_that_lets_go_of_another_helper_does_not_stop_it():
    """Letting go of an Ahead in a helper (its copy of the build) must not run that Ahead's
    finalizer there, which would kill the build's other helper."""
    holder = {"other": Ahead(["一", "二"], lambda name: time.sleep(0.5) or name)}
    second = Ahead(["三"], lambda name: name, first=holder.clear)
    assert second.take("三").result == "三"
    assert second.finish() is True
    other = holder["other"]
    assert [other.take(name).result for name in ["一", "二"]] == ["一", "二"]
    other.close()

def test_a_helper_whose_last_step_fails_is_not_taken_as_finished(tmp_path: Path):
    def fail() -> None:
        raise OSError("磁盘已满")

    before = children()
    failing = Ahead(["一"], lambda name: name, last=fail)
    assert failing.take("一").result == "一"
    assert failing.finish() is False
    kept = tmp_path / "kept.txt"
    untaken = Ahead(["一", "二"], lambda name: name, last=lambda: kept.write_text("x"))
    assert untaken.take("一").result == "一"
    assert untaken.finish() is True and kept.read_text() == "x", "a result the build had from a memo is not waited for"
    assert children() == before
    assert Ahead([], lambda name: name).finish() is False, "no helper at all"


def test_a_helper_stuck_after_its_last_result_delays_the_end_only_briefly(monkeypatch):
    from pufa.shared import ahead as module

    monkeypatch.setattr(module, "PATIENCE_AT_END", 1.0)
    before = children()
    stuck = Ahead(["一"], lambda name: name, last=lambda: time.sleep(60))
    assert stuck.take("一").result == "一"
    started = time.monotonic()
    assert stuck.finish() is False
    assert time.monotonic() - started < 10
    assert children() == before

def test_a_helper_that_stops_answering_is_left_behind(monkeypatch):
    import signal
    import time

    from pufa.shared import ahead as module

    monkeypatch.setattr(module, "PATIENCE", 1.0)
    before = children()
    ahead = Ahead(["一", "二"], lambda name: time.sleep(0.2) or name)
    (helper,) = children() - before
    os.kill(helper, signal.SIGSTOP)  # stopped, not dead: the pipe stays open
    started = time.monotonic()
    assert ahead.take("二") is None and time.monotonic() - started < 10
    ahead.close()
    assert children() == before


def test_a_fork_that_fails_leaves_the_work_to_the_build(monkeypatch):
    import gc

    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    ahead = Ahead(["一"], lambda name: name)
    assert ahead.take("一") is None and gc.isenabled() and gc.get_freeze_count() == 0


def test_no_helper_is_forked_when_turned_off_or_when_threads_run():
    before = children()
    with environment(PUFA_SINGLE_PROCESS="1"):
        ahead = Ahead(["一"], lambda name: name)
    assert children() == before and ahead.take("一") is None

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        ahead = Ahead(["一"], lambda name: name)
        assert children() == before and ahead.take("一") is None
    finally:
        stop.set()
        thread.join()


def test_what_the_helper_logged_is_logged_by_the_build_when_it_takes_the_result(capfd):
    import logging

    logger = logging.getLogger("mkdocs.structure.pages.ahead-test")
    heard: list[str] = []

    class Ear(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            heard.append(f"{record.levelname} {record.getMessage()}")

    def work(name: str) -> str:
        logger.info("第%s页的链接无法检查", name)
        os.write(1, "帮手不应在终端上说话".encode())
        return name

    ear = Ear()
    logger.addHandler(ear)
    logger.setLevel(logging.INFO)
    try:
        ahead = Ahead(["一", "二"], work)
        sent = ahead.take("二")
        assert heard == []  # the build logs it when it uses the result, not before
        sent.replay()
        ahead.close()
    finally:
        logger.removeHandler(ear)
    assert heard == ["INFO 第二页的链接无法检查"]
    assert "帮手" not in capfd.readouterr().out


def test_a_build_with_helpers_is_byte_identical_to_one_without(tmp_path: Path):
    project = copy_sample_project(tmp_path / "project")
    env = {**os.environ, "PUFA_TODAY": SAMPLE_TODAY, "NO_MKDOCS_2_WARNING": "1"}
    built = subprocess.run([*MKDOCS, "build", "--strict", "-v", "--site-dir", str(tmp_path / "helped")],
                           cwd=project, env=env, capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-3000:]
    converted = int(re.search(r"辅助进程转换了 (\d+) 个页面", built.stderr)[1])
    indexed = int(re.search(r"辅助进程为搜索索引了 (\d+) 个页面", built.stderr)[1])
    masked = int(re.search(r"辅助进程遮盖了 (\d+) 段文字", built.stderr)[1])
    pages = len(re.findall(r"Building page ", built.stderr))
    assert converted >= pages // 2 - 1 and indexed == pages and masked > 0, (converted, indexed, masked, pages)

    def segments_of(project: Path) -> dict[str, str]:
        saved = json.loads((project / ".cache" / "search-segments.json").read_bytes().partition(b"\n")[2])
        return saved["entries"]

    segments = {"helped": segments_of(project)}
    assert segments["helped"], "something was segmented"
    shutil.rmtree(project / ".cache")
    single = subprocess.run([*MKDOCS, "build", "--strict", "--site-dir", str(tmp_path / "single")],
                            cwd=project, env={**env, "PUFA_SINGLE_PROCESS": "1"}, capture_output=True, text=True, timeout=600)
    assert single.returncode == 0, single.stderr[-3000:]

    def files_of(site: Path) -> dict[str, bytes]:
        return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}

    assert files_of(tmp_path / "helped") == files_of(tmp_path / "single")
    assert segments["helped"] == segments_of(project), "the search helper kept what jieba found, as the build does"


def test_a_warning_in_a_page_the_helper_converted_still_fails_a_strict_build(tmp_path: Path):
    """The helper converts every other page, says nothing and sends nothing for a page that
    warned: the build converts that page again and the warning shows, as without helpers."""
    project = copy_sample_project(tmp_path / "project")
    articles = sorted((project / "articles").rglob("*.md"))
    for article in articles:
        article.write_text(article.read_text(encoding="utf-8") + "\n另见[旧文](../不存在的页面.md)。\n", encoding="utf-8")
    helped = run_cli_build(project, site=tmp_path / "helped")
    shutil.rmtree(project / ".cache")
    with environment(PUFA_SINGLE_PROCESS="1"):
        single = run_cli_build(project, site=tmp_path / "single")
    assert helped.returncode == single.returncode == 1

    def warnings(output: str) -> list[str]:
        return sorted(line for line in output.splitlines() if line.startswith("WARNING") and "不存在的页面" in line)

    assert len(warnings(helped.output)) >= len(articles) // 2 and warnings(helped.output) == warnings(single.output)


def test_a_page_that_logs_a_note_logs_it_whether_a_helper_or_the_cache_converted_it(tmp_path: Path):
    """MkDocs notes (INFO) a link it cannot check; a page the helper converted, or an earlier
    build kept, notes it as one converted here does."""
    project = copy_sample_project(tmp_path / "project")
    articles = sorted((project / "articles").rglob("*.md"))
    for article in articles:
        article.write_text(article.read_text(encoding="utf-8") + "\n参见[目录](foo/)。\n", encoding="utf-8")

    def notes(output: str) -> list[str]:
        return sorted(line for line in output.splitlines() if line.startswith("INFO") and "foo/" in line)

    helped = run_cli_build(project, site=tmp_path / "helped")
    warm = run_cli_build(project, site=tmp_path / "warm")
    shutil.rmtree(project / ".cache")
    with environment(PUFA_SINGLE_PROCESS="1"):
        single = run_cli_build(project, site=tmp_path / "single")
    assert helped.returncode == warm.returncode == single.returncode == 0, helped.output[-2000:]
    assert len(notes(single.output)) >= len(articles)
    assert notes(helped.output) == notes(single.output) == notes(warm.output)


def test_a_build_that_fails_leaves_no_helper_behind(tmp_path: Path):
    """A build that stops on a body it may not publish, run twice in this process as a test
    run or an editor's tool would: no helper of either is left running or unreaped."""
    from conftest import run_build

    project = copy_sample_project(tmp_path / "project")
    article = sorted((project / "articles").rglob("*.md"))[0]
    article.write_text(article.read_text(encoding="utf-8") + "\n<script>alert(1)</script>\n", encoding="utf-8")
    before = children()
    for attempt in range(2):
        failed = run_build(project, site=tmp_path / f"site{attempt}")
        assert failed.returncode == 1 and "script" in failed.output
    assert children() == before


def _check_both_ways(root: Path, monkeypatch) -> tuple[str, int]:
    """`pufa check` with its helpers and without: the same report and exit code, the helper's
    part done in the helper, and no helper left running."""
    from pufa import cli

    done_here: list[int] = []
    review_data = cli.review_data
    monkeypatch.setattr(cli, "review_data", lambda *args: done_here.append(os.getpid()) or review_data(*args))
    before = children()
    with_helpers = CliRunner().invoke(main, ["check", "--root", str(root)])
    assert children() == before and done_here == [], "data/ was reviewed by the helper, which is gone"
    with environment(PUFA_SINGLE_PROCESS="1"):
        alone = CliRunner().invoke(main, ["check", "--root", str(root)])
    assert done_here == [os.getpid()]
    assert (with_helpers.output, with_helpers.exit_code) == (alone.output, alone.exit_code)
    return plain_report(with_helpers.output), with_helpers.exit_code


def test_check_reports_the_same_with_its_helpers_as_without(project, monkeypatch):
    long_title = "用人单位拖欠工资时劳动者可以通过哪些途径依法维护自己的合法权益和利益呢"
    path = project.article("ketang/2023/yi.md", title=long_title)
    path.write_text(path.read_text(encoding="utf-8").replace("一段摘要。", "摘要" * 70) + "\n电话 13912345678。\n", encoding="utf-8")
    (project.root / "data" / "privacy_allow.yml").write_text("- number: 13020230512\n", encoding="utf-8")
    report, code = _check_both_ways(project.root, monkeypatch)
    assert code == 1
    assert "data/privacy_allow.yml:1: reason: 缺少必填项" in report  # from the data helper
    assert "疑似手机号 139****5678" in report
    assert "摘要 140 字" in report and "超过公众号标题的 32 字" in report  # from the rules helper
    assert "行政处罚决定" not in report  # errors: no summary


def test_check_reports_a_broken_allow_list_even_when_the_disclosure_records_do_not_load(project, monkeypatch):
    project.article("ketang/2023/yi.md")
    (project.root / "data" / "privacy_allow.yml").write_text("- number: 13020230512\n", encoding="utf-8")
    (project.root / "data" / "penalties" / "2023-001.yml").write_text("case_number: [\n", encoding="utf-8")
    report, code = _check_both_ways(project.root, monkeypatch)
    assert code == 1 and "data/penalties/2023-001.yml" in report and "data/privacy_allow.yml:1: reason: 缺少必填项" in report


def test_a_helper_ends_when_the_process_that_forked_it_is_killed(tmp_path: Path):
    """SIGKILL or SIGTERM runs no exit handler: the kernel stops the helper all the same, so
    nothing goes on writing to .cache/ after a cancelled build or check."""
    script = tmp_path / "parent.py"
    script.write_text(
        "import os, signal, sys, time\n"
        "from pufa.shared.ahead import Ahead\n"
        "ahead = Ahead(['慢'], lambda name: time.sleep(60))\n"
        "time.sleep(0.5)\n"
        "print(open(f'/proc/{os.getpid()}/task/{os.getpid()}/children').read().split()[0], flush=True)\n"
        "os.kill(os.getpid(), signal.SIGTERM)\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src")}
    parent = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=60)
    helper = int(parent.stdout.split()[0])
    deadline = time.monotonic() + 10
    while _alive(helper) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(helper), "the helper outlived the process that forked it"


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting to be reaped by init does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False
