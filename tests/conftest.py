"""Shared fixtures: a fixed `today`, mini projects in a temp folder, and real MkDocs builds.

The tests run on the fixture corpus in tests/fixtures/corpus/ (a frozen copy of the sample
articles/, data/ and samples/stats/), never on the live content at the repository root, so a
bureau that replaces the sample articles with its own still gets a green run. The code of a
site (mkdocs.yml, docs/, hooks/) is always taken from the repository root. Only
test_sample_site.py looks at the shipped content. After a deliberate change to the samples the
corpus may be refreshed with `cp -r articles data tests/fixtures/corpus/` (and samples/stats to
tests/fixtures/corpus/samples/), but it does not have to follow the samples.
"""

from __future__ import annotations

import functools
import http.server
import io
import logging
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from mkdocs.commands.build import build

from pufa.content.search import forget_segmentation
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "fixtures" / "corpus"
"""Content for the tests: articles/, data/ and samples/stats/ as the sample site had them."""
CODE = ("mkdocs.yml", "docs", "hooks")
"""What a project takes from the repository root: always the code under test."""
SAMPLE_TODAY = "2026-11-27"
MKDOCS = [sys.executable, "-m", "mkdocs"]


REPORT_POSITION = re.compile(r"(:\d+)(?::\d+)?: (?:(?:错误|警告): )?|: (?:错误|警告): ")


def plain_report(text: str) -> str:
    """`pufa check`'s report without columns and severity labels (`file:line: message`), for
    tests about what is found; the layout itself is tested in test_check_formats.py."""
    return REPORT_POSITION.sub(lambda m: f"{m.group(1) or ''}: ", text)


@dataclass
class BuildResult:
    returncode: int
    output: str
    site: Path


@contextmanager
def environment(**values: str) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def mkdocs_log() -> Iterator[io.StringIO]:
    """The `mkdocs` logger's messages as the command line prints them ("ERROR   -  ...")."""
    logger = logging.getLogger("mkdocs")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)-8s-  %(message)s"))
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


_jieba_as_loaded: tuple[dict[str, int], int, dict[str, str], set[str]] | None = None


def jieba_as_loaded() -> tuple[dict[str, int], int, dict[str, str], set[str]]:
    """jieba's shared dictionary as the process loaded it, before any build or test added words."""
    global _jieba_as_loaded
    if _jieba_as_loaded is None:
        import jieba
        from jieba import finalseg

        jieba.dt.check_initialized()
        tokenizer = jieba.dt
        _jieba_as_loaded = (dict(tokenizer.FREQ), tokenizer.total, dict(tokenizer.user_word_tag_tab),
                            set(finalseg.Force_Split_Words))
    return _jieba_as_loaded


def restore_jieba() -> None:
    """Undo the words added to jieba's shared dictionary since it was loaded, as if each build
    and test ran in a process of its own. A build adds the site's search words (工伤认定 becomes
    one word); left in place they change how later tests segment text, pinyin slugs among them."""
    import jieba
    from jieba import finalseg

    forget_segmentation()  # a failed build leaves its memo in front of jieba.cut
    freq, total, tags, force_split = jieba_as_loaded()
    tokenizer = jieba.dt
    now = (tokenizer.total, len(tokenizer.FREQ), len(tokenizer.user_word_tag_tab), len(finalseg.Force_Split_Words))
    if now == (total, len(freq), len(tags), len(force_split)):
        return  # add_word always moves one of these (del_word adds a forced split)
    tokenizer.FREQ.clear()
    tokenizer.FREQ.update(freq)
    tokenizer.total = total
    tokenizer.user_word_tag_tab = dict(tags)
    finalseg.Force_Split_Words.clear()
    finalseg.Force_Split_Words.update(force_split)


def run_build(project: Path, today: str = SAMPLE_TODAY, site: Path | None = None) -> BuildResult:
    """`mkdocs build --strict` in ``project``, in this process: what `make site` does, without
    starting Python and loading jieba again for every build. Strict as the command line is (a
    warning aborts the build); a failure gives returncode 1 and its messages in ``output``.
    MkDocs loads the hook once per mkdocs.yml path and the hook resets its state in on_config."""
    site = site or project / "site"
    returncode = 0
    jieba_as_loaded()
    with mkdocs_log() as log, environment(PUFA_TODAY=today, NO_MKDOCS_2_WARNING="1"):
        try:
            config = load_config(str(project / "mkdocs.yml"), site_dir=str(site), strict=True)
            assert config.strict
            config.plugins.on_startup(command="build", dirty=False)
            try:
                build(config)
            finally:
                config.plugins.on_shutdown()
        except MkDocsException as exc:  # Abort, ConfigurationError: what the command line reports
            returncode = 1
            log.write(f"\n{exc.format_message()}\n")
        finally:
            restore_jieba()
    return BuildResult(returncode, log.getvalue(), site)


def run_cli_build(project: Path, today: str = SAMPLE_TODAY, site: Path | None = None) -> BuildResult:
    """`mkdocs build --strict` in ``project`` as a command, exactly as `make site` runs it."""
    site = site or project / "site"
    env = {**os.environ, "PUFA_TODAY": today, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run(
        [*MKDOCS, "build", "--strict", "--site-dir", str(site)],
        cwd=project, env=env, capture_output=True, text=True, timeout=600,
    )
    return BuildResult(proc.returncode, proc.stdout + proc.stderr, site)


def copy_code(root: Path) -> None:
    """The site's code from the repository root into ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for name in CODE:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copy(source, root / name)


def copy_sample_project(root: Path) -> Path:
    """The repository's code with the fixture corpus's articles and data: the sample site."""
    copy_code(root)
    for name in ("articles", "data"):
        shutil.copytree(CORPUS / name, root / name)
    return root


ARTICLE = """\
---
title: {title}
column: {column}
{issue}date: {date}
topics: [工资支付]
audiences: [劳动者]
laws: ["劳动合同法 第三十条"]
summary: 一段摘要。
author: 政策法规科
review: {{reviewer: 王某, date: {date}}}
---

正文第一段，讲工资应当按月足额支付。

## 小标题

正文第二段。
"""


class Project:
    """The site's code, the fixture corpus's data and articles of a test's choosing."""

    def __init__(self, root: Path):
        self.root = root
        root.mkdir(parents=True)
        copy_code(root)
        shutil.copytree(CORPUS / "data", root / "data")
        (root / "articles").mkdir()

    def write(self, relative: str, text: str) -> Path:
        path = self.root / "articles" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def article(self, relative: str, *, title: str = "工资应当按月足额支付", date: str = "2023-03-15",
                issue: int | None = 1, column: str | None = None, extra: str = "") -> Path:
        column = column or ("人社小课堂" if relative.startswith("ketang/") else "以案释法")
        text = ARTICLE.format(
            title=title, column=column, date=date, issue="" if issue is None else f"issue: {issue}\n"
        )
        if extra:
            text = text.replace("author: 政策法规科\n", f"author: 政策法规科\n{extra}\n", 1)
        return self.write(relative, text)

    def build(self, today: str = SAMPLE_TODAY, *, cli: bool = False) -> BuildResult:
        """Built in this process, or with ``cli`` by the `mkdocs` command itself."""
        return (run_cli_build if cli else run_build)(self.root, today)


@pytest.fixture(scope="session", autouse=True)
def _jieba_loaded_once() -> None:
    jieba_as_loaded()


@pytest.fixture(autouse=True)
def _jieba_restored() -> Iterator[None]:
    """Every test starts with jieba's dictionary as loaded, whatever the tests before it added."""
    yield
    restore_jieba()


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path / "project")


@pytest.fixture(scope="session")
def sample_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture corpus as a project of its own; tests that change it work on a copy."""
    return copy_sample_project(tmp_path_factory.mktemp("sample") / "project")


@pytest.fixture(scope="session")
def sample_build(sample_project: Path) -> BuildResult:
    """The fixture corpus, built once per test session."""
    result = run_build(sample_project, site=sample_project.parent / "site")
    assert result.returncode == 0, result.output
    return result


@pytest.fixture(scope="session")
def sample_site(sample_build: BuildResult) -> Path:
    return sample_build.site


CHROMIUM = "/usr/bin/chromium"
"""Debian's Chromium: Playwright cannot download a browser of its own here."""
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic"]
SHOTS = REPO / "build" / "screenshots"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a built site to the browser tests without logging every request."""

    def log_message(self, *args):
        pass


@contextmanager
def serving(directory: Path) -> Iterator[str]:
    """A built site on 127.0.0.1, as its base address."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield launched
        launched.close()

