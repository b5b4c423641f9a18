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

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "fixtures" / "corpus"
"""Content for the tests: articles/, data/ and samples/stats/ as the sample site had them."""
CODE = ("mkdocs.yml", "docs", "hooks")
"""What a project takes from the repository root: always the code under test."""
SAMPLE_TODAY = "2026-11-27"
MKDOCS = [sys.executable, "-m", "mkdocs"]


@dataclass
class BuildResult:
    returncode: int
    output: str
    site: Path


def run_build(project: Path, today: str = SAMPLE_TODAY, site: Path | None = None) -> BuildResult:
    """`mkdocs build --strict` in ``project``, exactly as `make site` runs it."""
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

    def build(self, today: str = SAMPLE_TODAY) -> BuildResult:
        return run_build(self.root, today)


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
