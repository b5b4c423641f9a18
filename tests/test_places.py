"""Pages' folders and files made ahead by a child process, or the last build's reused
(site/places.py): the site holds exactly what MkDocs wrote, whether the child came first,
MkDocs did, or MkDocs wrote nothing, and nothing of the last build that this one did not write."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from conftest import copy_sample_project, run_build

from pufa.site import places
from pufa.site.places import LAST_BUILD, PlacesAhead, set_aside


def _tree(folder: Path) -> dict[str, tuple[str, int, bytes]]:
    """Every entry under ``folder``: its kind, mode and (for a file) bytes."""
    found = {}
    for path in sorted(folder.rglob("*")):
        mode = path.lstat().st_mode
        kind = "link" if path.is_symlink() else "dir" if path.is_dir() else "file"
        found[path.relative_to(folder).as_posix()] = (kind, mode, path.read_bytes() if kind == "file" else b"")
    return found


def test_what_mkdocs_writes_stays_and_what_it_never_wrote_goes(tmp_path: Path):
    site = tmp_path / "site"
    written_first = site / "ketang" / "index.html"
    written_first.parent.mkdir(parents=True)
    written_first.write_text("<p>MkDocs 先写了</p>", encoding="utf-8")
    written_later = site / "ketang" / "2023" / "yi" / "index.html"
    never_written = site / "anli" / "2023" / "er" / "index.html"
    places = PlacesAhead(site, [written_first, written_later, never_written])
    written_later.parent.mkdir(parents=True, exist_ok=True)  # as MkDocs' write_file does, beside the child
    written_later.write_text("<p>后写的</p>", encoding="utf-8")
    places.finish()
    assert written_first.read_text(encoding="utf-8") == "<p>MkDocs 先写了</p>"  # never truncated
    assert written_later.read_text(encoding="utf-8") == "<p>后写的</p>"
    assert not (site / "anli").exists()  # neither the empty file nor the folders made for it
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*")) == [
        "ketang", "ketang/2023", "ketang/2023/yi", "ketang/2023/yi/index.html", "ketang/index.html"]


def test_the_child_makes_the_places_with_the_modes_mkdocs_would(tmp_path: Path):
    site = tmp_path / "site"
    page = site / "a" / "b" / "index.html"
    places = PlacesAhead(site, [page])
    places._child.wait()
    assert page.is_file() and page.stat().st_size == 0
    made_by_hand = tmp_path / "hand" / "a" / "b"
    made_by_hand.mkdir(parents=True)
    (made_by_hand / "index.html").open("wb").close()
    assert (page.stat().st_mode, page.parent.stat().st_mode) == (
        (made_by_hand / "index.html").stat().st_mode, made_by_hand.stat().st_mode)
    places.finish()
    assert list(site.iterdir()) == []


def test_a_build_that_fails_before_writing_pages_leaves_no_empty_page(tmp_path: Path):
    """The body check refuses the build once every page is converted, before any is written:
    the pages made ahead for it are gone again."""
    project = copy_sample_project(tmp_path / "project")
    article = next((project / "articles" / "ketang").rglob("*.md"))
    article.write_text(article.read_text(encoding="utf-8") + "\n<script>alert(1)</script>\n", encoding="utf-8")
    result = run_build(project, site=tmp_path / "site")
    assert result.returncode == 1, result.output
    left = [p for p in result.site.rglob("*") if p.is_file() and p.stat().st_size == 0] if result.site.exists() else []
    assert left == [] and not (result.site / "ketang" / "index.html").exists()


def test_a_dirty_build_makes_nothing_ahead(tmp_path: Path, project):
    """MkDocs' --dirty writes a page only when its file is older than its source: a file made
    ahead would look new, and the page would never be written."""
    from types import SimpleNamespace

    from pufa.site.build import SiteBuild

    project.article("ketang/2023/yi.md")
    page = tmp_path / "site" / "ketang" / "index.html"
    file = SimpleNamespace(src_uri="ketang/index.md", url="ketang/", abs_dest_path=str(page))
    config = {"config_file_path": str(project.root / "mkdocs.yml"), "site_dir": str(tmp_path / "site")}
    for dirty in (True, False):
        build = SiteBuild.from_mkdocs({**config, "site_name": "站", "site_url": "https://x.gov.cn/"}, "build", dirty)
        build.start_pages(_Files([file]), config)
        if not dirty:
            build._places._child.wait()
        assert page.exists() is not dirty
        build.build_failed()
        assert not page.exists()


class _Files(list):
    def documentation_pages(self):
        return list(self)


def _last_build(tmp_path: Path) -> tuple[Path, Path]:
    """A site folder as a last build (and things done to it by hand) left it."""
    site, outside = tmp_path / "site", tmp_path / "outside"
    outside.mkdir()
    (outside / "backup.html").write_bytes(b"<p>\xe5\xa4\x87\xe4\xbb\xbd</p>")
    (outside / "secret.txt").write_text("不可清空")
    for page in ("index.html", "ketang/index.html", "ketang/2023/yi/index.html", "anli/2020/withdrawn/index.html"):
        (site / page).parent.mkdir(parents=True, exist_ok=True)
        (site / page).write_text(f"<p>上次的 {page}</p>", encoding="utf-8")
    (site / "assets").mkdir()
    (site / "assets" / "pufa.css").write_text("body{}")
    (site / "empty-folder").mkdir()
    (site / ".git").mkdir()
    (site / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages")
    (site / "ketang" / "2023" / "er").mkdir()
    os.link(outside / "backup.html", site / "ketang" / "2023" / "er" / "index.html")  # a copy made with cp -al
    os.symlink(outside / "secret.txt", site / "anli" / "index.html")
    (site / "private.html").write_text("只给自己看")
    (site / "private.html").chmod(0o600)
    return site, outside


def test_the_last_build_is_reused_and_nothing_of_it_stays_unwritten(tmp_path: Path):
    """A page of this build found in the last one is emptied and written again; a page it no
    longer has (a record taken down), its other files, a hard-linked copy, a link and a file of
    another mode are removed, so a site reused holds what a clean one would; what is hidden
    (.git) stays and a file outside is never touched."""
    site, outside = _last_build(tmp_path)
    new_pages = ["index.html", "ketang/index.html", "ketang/2023/er/index.html", "anli/index.html",
                 "private.html", "ketang/2024/san/index.html", "skipped/index.html"]
    holding = set_aside(site)
    assert holding == site / LAST_BUILD and sorted(p.name for p in site.iterdir()) == [".git", LAST_BUILD]
    places_ahead = PlacesAhead(site, [site / page for page in new_pages], holding)
    places_ahead.ready()
    assert not holding.exists()
    assert [p for p in site.rglob("*") if p.is_file() and p.stat().st_size and ".git" not in p.parts] == []
    assert (site / "index.html").stat().st_nlink == 1 and not (site / "anli" / "index.html").is_symlink()
    for page in new_pages[:-1]:  # as MkDocs writes them; it skips a page with nothing to say
        (site / page).parent.mkdir(parents=True, exist_ok=True)
        with (site / page).open("wb") as out:
            out.write(f"<p>这次的 {page}</p>".encode())
    places_ahead.finish()
    fresh = tmp_path / "fresh"
    (fresh / ".git").mkdir(parents=True)
    (fresh / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages")
    for page in new_pages[:-1]:
        (fresh / page).parent.mkdir(parents=True, exist_ok=True)
        (fresh / page).write_text(f"<p>这次的 {page}</p>", encoding="utf-8")
    assert _tree(site) == _tree(fresh)
    assert (outside / "backup.html").read_text(encoding="utf-8") == "<p>备份</p>"
    assert (outside / "secret.txt").read_text() == "不可清空"


@pytest.mark.parametrize("child", ["dies", "cannot start"])
def test_the_build_reuses_the_last_build_itself_when_the_child_does_not(tmp_path: Path, monkeypatch, child: str):
    site, _ = _last_build(tmp_path)
    holding = set_aside(site)
    monkeypatch.setattr(sys, "executable", "/bin/false" if child == "dies" else str(tmp_path / "no-python"))
    places_ahead = PlacesAhead(site, [site / "index.html"], holding)
    places_ahead.ready()
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if ".git" not in p.parts) == ["index.html"]
    assert (site / "index.html").read_bytes() == b""
    places_ahead.finish()
    assert sorted(p.name for p in site.iterdir()) == [".git"]


def test_reusing_again_after_stopping_half_way_gives_the_same_site(tmp_path: Path):
    site, _ = _last_build(tmp_path)
    holding = set_aside(site)
    pages = [site / "index.html", site / "ketang" / "2023" / "yi" / "index.html"]
    os.rename(holding / "ketang", site / "ketang")  # the child moved one folder back and was killed
    places.reuse_last_build(holding, pages)
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and ".git" not in p.parts) == [
        "index.html", "ketang/2023/yi/index.html"] and not holding.exists()
    assert {page.read_bytes() for page in pages} == {b""}
    before = _tree(site)
    places.reuse_last_build(holding, pages)
    assert _tree(site) == before


def test_a_killed_builds_last_build_folder_never_reaches_the_site(tmp_path: Path):
    project = copy_sample_project(tmp_path / "project")
    site = tmp_path / "site"
    left = site / LAST_BUILD / "anli" / "old" / "index.html"
    left.parent.mkdir(parents=True)
    left.write_text("<p>已撤下的公示</p>", encoding="utf-8")
    (site / "stale.html").write_text("<p>旧页面</p>", encoding="utf-8")
    result = run_build(project, site=site)
    assert result.returncode == 0, result.output
    assert not (site / LAST_BUILD).exists() and not (site / "stale.html").exists()
    assert not [p for p in site.rglob("*") if p.is_file() and "已撤下" in p.read_text(encoding="utf-8", errors="replace")]


def test_a_build_that_fails_before_its_pages_are_known_leaves_no_last_build(tmp_path: Path, project):
    from pufa.site.build import SiteBuild

    project.article("ketang/2023/yi.md")
    site = tmp_path / "site"
    (site / "ketang").mkdir(parents=True)
    (site / "ketang" / "index.html").write_text("<p>上次的</p>", encoding="utf-8")
    config = {"config_file_path": str(project.root / "mkdocs.yml"), "site_dir": str(site),
              "site_name": "站", "site_url": "https://x.gov.cn/"}
    build = SiteBuild.from_mkdocs(config, "build", False)
    assert [p.name for p in site.iterdir()] == [LAST_BUILD]
    build.build_failed()
    assert list(site.iterdir()) == []


def test_entries_that_would_be_made_otherwise_are_not_reused(tmp_path: Path):
    """What a new file or folder takes from where it is made besides the umask's mode: an
    extended attribute (an ACL, say) on an old page is not kept; a site folder that hands its
    group on (set-group-ID) is cleaned by MkDocs as before, nothing set aside."""
    site, _ = _last_build(tmp_path)
    os.setxattr(site / "index.html", "user.pufa-test", b"old")
    holding = set_aside(site)
    places_ahead = PlacesAhead(site, [site / "index.html", site / "ketang" / "index.html"], holding)
    places_ahead.ready()
    if places_ahead._child is not None:  # it makes the files it did not reuse after ready() (a race on a busy machine)
        places_ahead._child.wait()
    assert os.listxattr(site / "index.html") == [] and os.listxattr(site / "ketang" / "index.html") == []
    places_ahead.finish()
    site.chmod(site.stat().st_mode | 0o2000)
    (site / "index.html").write_text("<p>上次的</p>", encoding="utf-8")
    assert set_aside(site) is None and (site / "index.html").exists() and not (site / LAST_BUILD).exists()


def test_a_last_build_left_set_aside_is_removed_by_any_next_build(tmp_path: Path, project):
    """A build killed (or stopped with Ctrl-C, which MkDocs does not report) after setting the
    last build aside leaves it in the site folder: the next build, --dirty too, removes it."""
    from pufa.site.build import SiteBuild

    project.article("ketang/2023/yi.md")
    left = tmp_path / "site" / LAST_BUILD / "disclosure" / "2023-001" / "index.html"
    left.parent.mkdir(parents=True)
    left.write_text("<p>已撤下的公示</p>", encoding="utf-8")
    config = {"config_file_path": str(project.root / "mkdocs.yml"), "site_dir": str(tmp_path / "site"),
              "site_name": "站", "site_url": "https://x.gov.cn/"}
    SiteBuild.from_mkdocs(config, "build", dirty=True).build_failed()
    assert list((tmp_path / "site").iterdir()) == []
