"""Shared fixtures: a fixed `today`, mini projects in a temp folder, and real MkDocs builds."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
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
    """A copy of the site's configuration and data with articles of a test's choosing."""

    def __init__(self, root: Path):
        self.root = root
        root.mkdir(parents=True)
        for name in ("mkdocs.yml", "docs", "data", "hooks"):
            source = REPO / name
            if source.is_dir():
                shutil.copytree(source, root / name)
            else:
                shutil.copy(source, root / name)
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
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The shipped sample content, built once per test session."""
    result = run_build(REPO, site=tmp_path_factory.mktemp("sample") / "site")
    assert result.returncode == 0, result.output
    return result


@pytest.fixture(scope="session")
def sample_site(sample_build: BuildResult) -> Path:
    return sample_build.site
