"""What a review covers: the paths given, or what changed since a git ref, and the reviewer's
summary of the articles that changed (where they will be, their state, what they cite)."""

from __future__ import annotations

import subprocess
from collections.abc import Collection
from datetime import date
from pathlib import Path

from pufa.content.corpus import Site
from pufa.shared.errors import PufaError

STATUS_NAMES = {"published": "发布", "draft": "草稿", "scheduled": "定时发布"}
SHARED_DATA = ("data/columns.yml", "data/topics.yml", "data/audiences.yml", "data/laws.yml", "data/search_terms.txt",
               "data/privacy_allow.yml", "mkdocs.yml", "docs/", "hooks/", "src/")
"""Files every article depends on: a change to one of them is a change to all."""


class ReviewError(PufaError):
    """The review's scope cannot be worked out (no git, an unknown ref)."""


def relative_to_root(path: Path, root: Path) -> str:
    absolute = path if path.is_absolute() else Path.cwd() / path
    try:
        return absolute.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def changed_files(root: Path, since: str) -> list[str]:
    """Files that differ from ``since`` in the working tree, new files included."""
    def git(*args: str) -> list[str]:
        try:
            result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ReviewError(f"--changed-since 需要 git：{exc}") from None
        if result.returncode != 0:
            raise ReviewError(f"--changed-since {since}：git 找不到这个提交或分支（{result.stderr.strip()[:120]}）")
        return [line for line in result.stdout.splitlines() if line]

    changed = git("diff", "--name-only", "--no-renames", since, "--", ".")
    return sorted(set(changed + git("ls-files", "--others", "--exclude-standard")))


def touches_everything(scope: list[str]) -> bool:
    return any(path == shared.rstrip("/") or path.startswith(shared) for path in scope for shared in SHARED_DATA)


def in_scope(file: str, scope: list[str]) -> bool:
    return any(file == path or file.startswith(path.rstrip("/") + "/") for path in scope)


def review_summary(site: Site | None, changed: list[str], today: date, stale: Collection[str] = ()) -> list[str]:
    """For the reviewer: each changed article's future address, state, 法制审核 (需复核 when a
    cited law changed after it: the files in ``stale``) and citations (nothing when the site
    could not be loaded: the findings say why)."""
    if site is None:
        return []
    lines = []
    for article in site.articles:
        if article.source.as_posix() not in changed:
            continue
        review = article.meta.review
        reviewed = f"已审核（{review.reviewer}，{review.date}）" if review else "未审核"
        if article.source.as_posix() in stale:
            reviewed += "，需复核"
        laws = "、".join(dict.fromkeys(f"《{c.law.short}》{c.article.label if c.article else ''}" for c in site.citations[article.slug]))
        lines.append(f"  {article.source.as_posix()} → /{article.url}（{STATUS_NAMES[article.status(today)]}，{reviewed}）"
                     f"{'，引用 ' + laws if laws else ''}")
    return [f"本次改动的文章（{len(lines)} 篇）："] + lines if lines else []
