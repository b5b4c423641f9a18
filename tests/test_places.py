"""Pages' folders and files made ahead by a child process (site/places.py): the site holds
exactly what MkDocs wrote, whether the child came first, MkDocs did, or MkDocs wrote nothing."""

from __future__ import annotations

from pathlib import Path

from conftest import copy_sample_project, run_build

from pufa.site.places import PlacesAhead


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
