"""The build cache (.cache/): a build that uses it writes exactly what a cold build writes."""

from __future__ import annotations

import json
import os
import logging
from pathlib import Path

import re
import shutil
from datetime import date, datetime
from types import SimpleNamespace

import jieba
import jinja2
from markupsafe import Markup
import material
import mkdocs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from conftest import copy_sample_project, run_build

from click.testing import CliRunner

from pufa.cli import main
from pufa.site import build as build_module
from pufa.privacy.scanner import clean_files_memo, find_leaks
from pufa.shared.frontmatter import YamlSyntaxError, split_document, yaml_memo
from pufa.shared.cache import Memo, PackedMemo, content_hash
from pufa.site.renderings import RememberedRenderings, Unkeyed, plain

CACHES = ["article-pages.json", "conversions.json", "front-matter.json", "generated-pages.json", "masked-text.json", "privacy-clean.json", "published-bodies.json",
          "rendered-pages.pack", "search-entries.json", "search-segments.json", "text-citations.json"]


def files_of(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


def test_a_build_with_its_caches_is_byte_identical_to_a_cold_one(tmp_path: Path):
    project = copy_sample_project(tmp_path / "project")
    cut = jieba.cut
    cold = run_build(project, site=tmp_path / "cold")
    assert cold.returncode == 0, cold.output
    assert sorted(path.name for path in (project / ".cache").iterdir()) == CACHES
    assert jieba.cut is cut, "after a build jieba answers for itself again"
    warm = run_build(project, site=tmp_path / "warm")
    assert warm.returncode == 0, warm.output
    assert files_of(warm.site) == files_of(cold.site)

    pack = project / ".cache" / "rendered-pages.pack"
    records = _records(pack.read_bytes())
    assert len(records) == len([name for name in files_of(cold.site) if name.endswith(".html")]) - 1  # all but 404.html
    tampered = []
    for number, (header, page) in enumerate(records):  # planted, cut short, or moved to another page's key
        key, signature, _ = header.split(b" ")
        if number % 3 == 0:
            page = page.replace(b"</body>", b"<script>alert(1)</script></body>")
        elif number % 3 == 1:
            page = page[: len(page) // 2]
        else:
            key = records[number - 1][0].split(b" ")[0]
        tampered.append(b"%s %s %d\n" % (key, signature, len(page)) + page)
    pack.write_bytes(b"".join(tampered))
    for cache in (project / ".cache").glob("*.json"):  # damaged, from another version of pufa, or planted
        stored = json.loads(cache.read_text(encoding="utf-8").split("\n", 1)[1])
        if "segments" in cache.name:
            cache.write_text(json.dumps({"versions": {"pufa": "0"}, "entries": stored["entries"]}), encoding="utf-8")
        elif "masked" in cache.name:
            stored["entries"] = {key: ["<script>alert(1)</script>", "x"] for key in stored["entries"]}
            cache.write_text(json.dumps(stored), encoding="utf-8")
        else:
            cache.write_text("{not json", encoding="utf-8")
    damaged = run_build(project, site=tmp_path / "damaged")
    assert damaged.returncode == 0, damaged.output
    assert files_of(damaged.site) == files_of(cold.site)


def test_an_edited_article_is_built_anew_whatever_the_cache_holds(tmp_path: Path):
    project = copy_sample_project(tmp_path / "project")
    assert run_build(project, site=tmp_path / "first").returncode == 0
    article = next((project / "articles" / "ketang").rglob("*.md"))
    article.write_text(article.read_text(encoding="utf-8") + "\n新写的一段话：工伤认定申请时限。\n", encoding="utf-8")
    penalty = next((project / "data" / "penalties").glob("*.yml"))
    penalty.write_text(penalty.read_text(encoding="utf-8").replace("facts: 经查，", "facts: 经查，工人王小明反映，"),
                       encoding="utf-8")
    warm = run_build(project, site=tmp_path / "warm")
    (project / ".cache").rename(tmp_path / "old-cache")
    cold = run_build(project, site=tmp_path / "cold")
    assert warm.returncode == cold.returncode == 0, warm.output + cold.output
    assert files_of(warm.site) == files_of(cold.site)
    index = (warm.site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "新写" in index and "王小明" not in (warm.site / "disclosure" / "feed.xml").read_text(encoding="utf-8")


def test_after_an_edit_only_the_article_pages_showing_it_are_made_anew(tmp_path: Path, monkeypatch):
    """An edited article misses the kept generated pages as a whole; its page, its neighbours'
    and those of the articles relating to it (they show its title) are rendered anew, every
    other article page is taken as kept, and the site is what a cold build makes."""
    from pufa.site.pages import PageRenderer

    rendered: list[str] = []
    render = PageRenderer._render

    def counted(self, template: str, page: str, **context):
        rendered.append(page) if template == "article.md.j2" else None
        return render(self, template, page, **context)

    monkeypatch.setattr(PageRenderer, "_render", counted)
    project = copy_sample_project(tmp_path / "project")
    assert run_build(project, site=tmp_path / "first").returncode == 0
    every, rendered[:] = len(rendered), []
    article = sorted((project / "articles" / "anli").rglob("*.md"))[-1]
    text = article.read_text(encoding="utf-8").replace("title: ", "title: 修订：", 1)  # the neighbours show it
    article.write_text(text.replace("\n---\n", "\n---\n\n编辑补充的第一段。\n", 1), encoding="utf-8")
    warm = run_build(project, site=tmp_path / "warm")
    assert rendered and len(rendered) < every and any(article.stem in page for page in rendered)
    (project / ".cache").rename(tmp_path / "old-cache")
    rendered[:] = []
    cold = run_build(project, site=tmp_path / "cold")
    assert len(rendered) == every
    assert warm.returncode == cold.returncode == 0, warm.output + cold.output
    assert files_of(warm.site) == files_of(cold.site)
    assert any("编辑补充的第一段".encode() in data for data in files_of(warm.site).values())


def _more_reads(project: Path) -> str:
    """Every snapshot of the store's first article read 90,000 times more."""
    store = project / "data" / "stats" / "reads.csv"
    head, *rows = store.read_text(encoding="utf-8").splitlines()
    first = rows[0].split(",")[0]
    for number, row in enumerate(rows):
        article, source, as_of, reads, readers = row.split(",")
        if article == first:
            rows[number] = f"{article},{source},{as_of},{int(reads) + 90000},{readers}"
    store.write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
    return "2024-06-30"


def _described_topic(project: Path) -> str:
    topics = project / "data" / "topics.yml"
    text = topics.read_text(encoding="utf-8")
    topics.write_text(text.replace("description: 工资应当以货币形式", "description: 用人单位应当以货币形式"), encoding="utf-8")
    return "2024-06-30"


def _the_sample_day(project: Path) -> str:
    return "2024-06-30"  # the first build was on 2024-02-29: the article of 2024-03-13 comes out


@pytest.mark.parametrize(("first_day", "change"), [
    ("2024-06-30", _more_reads), ("2024-06-30", _described_topic), ("2024-02-29", _the_sample_day),
], ids=["reads", "topic", "day"])
def test_generated_pages_are_made_anew_when_what_they_show_changes(tmp_path: Path, first_day: str, change):
    """The article, column and index pages are kept whole by everything they are made from:
    read counts (data/stats/), a registry, the build day. None of these edits an article's
    text, yet each changes pages; the warm build must show it as a cold one does."""
    project = copy_sample_project(tmp_path / "project")
    assert run_build(project, today=first_day, site=tmp_path / "first").returncode == 0
    before = files_of(tmp_path / "first")
    today = change(project)
    warm = run_build(project, today=today, site=tmp_path / "warm")
    (project / ".cache").rename(tmp_path / "old-cache")
    cold = run_build(project, today=today, site=tmp_path / "cold")
    assert warm.returncode == cold.returncode == 0, warm.output + cold.output
    after = files_of(warm.site)
    assert after == files_of(cold.site)
    assert {name for name in after if after[name] != before.get(name) and name.endswith(".html")} - {"404.html"}


def test_generated_pages_follow_a_linked_data_folder(tmp_path: Path):
    """data/stats as a link to a folder elsewhere: the loaders read through it, so the key
    the generated pages are kept by cannot leave it out (it counts as changed each time)."""
    project = copy_sample_project(tmp_path / "project")
    (project / "data" / "stats").rename(tmp_path / "stats-elsewhere")
    (project / "data" / "stats").symlink_to(tmp_path / "stats-elsewhere", target_is_directory=True)
    assert run_build(project, today="2024-06-30", site=tmp_path / "first").returncode == 0
    today = _more_reads(project)
    warm = run_build(project, today=today, site=tmp_path / "warm")
    (project / ".cache").rename(tmp_path / "old-cache")
    cold = run_build(project, today=today, site=tmp_path / "cold")
    assert warm.returncode == cold.returncode == 0, warm.output + cold.output
    assert files_of(warm.site) == files_of(cold.site) != files_of(tmp_path / "first")


def test_pages_of_a_build_that_an_editor_saved_into_are_not_kept(tmp_path: Path, monkeypatch):
    """An article saved while a build loads (mkdocs serve, an editor typing): that build shows
    what it read, but must not keep it as the pages of the files as they are now."""
    project = copy_sample_project(tmp_path / "project")
    article = project / "articles" / "ketang" / "2023" / "dianzi-laodong-hetong-xiaoli.md"
    loaded = build_module.load_site

    def load_then_save(root: Path):
        site = loaded(root)
        article.write_text(article.read_text(encoding="utf-8").replace("title: 电子劳动合同，", "title: 新标题：电子劳动合同，"),
                           encoding="utf-8")
        return site

    monkeypatch.setattr(build_module, "load_site", load_then_save)
    racing = run_build(project, site=tmp_path / "racing")
    monkeypatch.undo()
    assert racing.returncode == 0, racing.output
    warm = run_build(project, site=tmp_path / "warm")
    (project / ".cache").rename(tmp_path / "old-cache")
    cold = run_build(project, site=tmp_path / "cold")
    assert warm.returncode == cold.returncode == 0, warm.output + cold.output
    assert "新标题" in (warm.site / "ketang" / "index.html").read_text(encoding="utf-8")
    assert files_of(warm.site) == files_of(cold.site)


def test_a_page_is_converted_anew_when_a_page_it_links_to_is_gone(tmp_path: Path):
    """The about page does not change, but its link does not resolve any more: the strict
    build fails on it, and fails again, as a page whose conversion warned is never kept."""
    project = copy_sample_project(tmp_path / "project")
    about = project / "docs" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n另见[一个案例](/anli/2023/chaoguo-zhongcai-shixiao-qingqiu-bohui.md)。\n",
                     encoding="utf-8")
    first = run_build(project, site=tmp_path / "first")
    assert first.returncode == 0, first.output
    assert 'href="../anli/2023/chaoguo-zhongcai-shixiao-qingqiu-bohui/"' in (first.site / "about" / "index.html").read_text(encoding="utf-8")
    (project / "articles" / "anli" / "2023" / "chaoguo-zhongcai-shixiao-qingqiu-bohui.md").unlink()
    for attempt in ("second", "third"):
        result = run_build(project, site=tmp_path / attempt)
        assert result.returncode == 1, attempt
        assert "about.md" in result.output and "chaoguo-zhongcai-shixiao-qingqiu-bohui.md" in result.output, result.output


@pytest.mark.parametrize(("level", "target", "later"), [
    (logging.DEBUG, "chaoguo-zhongcai-shixiao-qingqiu-bohui.md#案情简介", ("## 案情简介", "## 案情概要")),
    (logging.ERROR, "meiyou-zhe-pian.md", None),
], ids=["mkdocs build -v, then an anchor goes", "mkdocs build -q over a broken link"])
def test_a_build_at_another_log_level_leaves_nothing_that_hides_a_warning_later(tmp_path: Path, level, target, later):
    """At DEBUG MkDocs notes no links to anchors, and above WARNING it reports no broken link:
    what such a build converted must not stand in for an ordinary build's conversion."""
    project = copy_sample_project(tmp_path / "project")
    linking = project / "articles" / "ketang" / "2023" / "laodong-zhongcai-shenqing.md"
    linking.write_text(linking.read_text(encoding="utf-8").replace("chaoguo-zhongcai-shixiao-qingqiu-bohui.md)", f"{target})"),
                       encoding="utf-8")
    pages_log = logging.getLogger("mkdocs.structure.pages")
    pages_log.setLevel(level)
    try:
        run_build(project, site=tmp_path / "first")
    finally:
        pages_log.setLevel(logging.NOTSET)
    if later:
        linked = project / "articles" / "anli" / "2023" / "chaoguo-zhongcai-shixiao-qingqiu-bohui.md"
        linked.write_text(linked.read_text(encoding="utf-8").replace(*later), encoding="utf-8")
    result = run_build(project, site=tmp_path / "second")
    assert result.returncode == 1 and target.split("#")[-1] in result.output, result.output


def test_the_cache_holds_nothing_personal(tmp_path: Path):
    """Masked text and hashes only: no worker's name, no ID or phone number."""
    project = copy_sample_project(tmp_path / "project")
    assert run_build(project, site=tmp_path / "site").returncode == 0
    workers = {"马小兵", "郑大海", "刘春花"}
    for cache in (project / ".cache").rglob("*"):
        if cache.is_dir():
            continue
        text = cache.read_text(encoding="utf-8")
        if cache.suffix == ".json":
            assert not workers & set(json.loads(text.split("\n", 1)[1])["entries"]), cache.name
        assert not any(name in text for name in workers), cache.name
        assert not find_leaks(text, cache.name)


def test_a_cache_not_signed_on_this_machine_is_not_trusted(tmp_path: Path, monkeypatch):
    """A .cache/ that came with a pull request or a copied folder could claim that a page
    holding an ID number is clean: only files signed with this machine's key count."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "this-machine"))
    memo = clean_files_memo(["91000000MA000001XH"])
    memo.put("a-page-with-an-id-number", 1)
    memo.save(tmp_path)
    assert clean_files_memo(["91000000MA000001XH"]).load(tmp_path).has("a-page-with-an-id-number")
    assert not clean_files_memo(["91000000MA000002XH"]).load(tmp_path).has("a-page-with-an-id-number")

    saved = tmp_path / ".cache" / "privacy-clean.json"
    signature, payload = saved.read_text(encoding="utf-8").split("\n", 1)
    saved.write_text(signature + "\n" + payload.replace("a-page-with", "b-page-with"), encoding="utf-8")
    assert not clean_files_memo(["91000000MA000001XH"]).load(tmp_path).has("b-page-with-an-id-number")

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-machine"))
    memo.save(tmp_path / "elsewhere")
    (tmp_path / "elsewhere" / ".cache" / "privacy-clean.json").replace(saved)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "this-machine"))
    assert not clean_files_memo(["91000000MA000001XH"]).load(tmp_path).has("a-page-with-an-id-number")


def test_parts_hash_apart_however_they_are_cut():
    assert content_hash("a\x00b") != content_hash("a", "b") != content_hash("ab")
    assert content_hash("工人马小兵", "马小兵") != content_hash("工人马小兵\x00马小兵")


def test_a_preview_and_a_build_taking_turns_keep_both_and_old_entries_drop_out(tmp_path: Path):
    def build(keys: range) -> Memo:
        memo = Memo("test", {}).load(tmp_path)
        for key in keys:
            memo.get(str(key), lambda: 1)
        memo.save(tmp_path)
        return memo

    build(range(0, 100))  # `make site`
    build(range(50, 150))  # `mkdocs serve`, drafts shown
    assert all(Memo("test", {}).load(tmp_path).has(str(key)) for key in range(0, 150))
    build(range(1000, 1010))  # most articles gone: what only earlier builds used is dropped
    stored = json.loads((tmp_path / ".cache" / "test.json").read_text(encoding="utf-8").split("\n", 1)[1])["entries"]
    assert sorted(stored, key=int) == [str(key) for key in range(1000, 1010)]


HOSTILE = """
正文里有一个电话 13912345678，一段脚本<script>alert(1)</script>，一张不存在的图片 ![图](images/none.png)，
还有《劳动合同法》第八十二条。
"""
UNKNOWN_LAW = "\n依照《中华人民共和国劳动保险条例》第八条处理。\n"


def _check(project: Path, *options: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", "--root", str(project), "--format", "json", *options])
    return result.exit_code, result.output


def test_a_check_with_its_caches_finds_exactly_what_a_cold_one_finds(tmp_path: Path, monkeypatch):
    """Front matter, citations, renderings with what the body policy found, and sources found
    clean are kept: a second `pufa check` must report the same, and what changed anew."""
    monkeypatch.setenv("PUFA_TODAY", "2024-06-30")
    project = copy_sample_project(tmp_path / "project")
    article = project / "articles" / "ketang" / "2023" / "jiabanfei-zenme-suan.md"
    article.write_text(article.read_text(encoding="utf-8") + HOSTILE, encoding="utf-8")
    cold = _check(project)
    assert cold[0] == 1 and all(found in cold[1] for found in ("139****5678", "<script>", "images/none.png")), cold
    assert {"text-citations.json", "check-renderings.json", "source-clean.json"} <= {
        path.name for path in (project / ".cache").iterdir()}
    assert _check(project) == cold

    clean = article.read_text(encoding="utf-8").replace(HOSTILE, "")
    article.write_text(clean, encoding="utf-8")
    assert _check(project)[0] == 0
    article.write_text(clean + HOSTILE, encoding="utf-8")
    assert _check(project) == cold
    article.write_text(clean.replace("title:", "title: 改过的标题\nsummary_x: 1\n#", 1), encoding="utf-8")
    unknown = _check(project)
    assert unknown[0] == 1 and "summary_x" in unknown[1], unknown
    article.write_text(clean + HOSTILE, encoding="utf-8")
    assert _check(project) == cold
    article.write_text(clean + UNKNOWN_LAW, encoding="utf-8")
    unknown_law = _check(project)
    assert unknown_law[0] == 1 and "劳动保险条例" in unknown_law[1] and _check(project) == unknown_law

    article.write_text(clean, encoding="utf-8")
    store = project / "data" / "stats" / "reads.csv"
    store.write_text(store.read_text(encoding="utf-8") + "ketang/2023/x,web,2024-13-01,5,\n", encoding="utf-8")
    damaged = _check(project)
    assert damaged[0] == 1 and "阅读数据存档格式错误" in damaged[1] and _check(project) == damaged


@pytest.mark.parametrize("front_matter", [
    "title: 标题\nlaws: [劳动法]\n",
    "title: 标题\n1: 数字作键\n",
    "title: !!set {甲, 乙}\n",
    "title: !!binary aGVsbG8=\n",
    "title: .nan\nissue: 1.0\nok: true\n",
])
def test_front_matter_parsed_through_the_memo_is_what_yaml_gives(tmp_path: Path, front_matter):
    text = f"---\n{front_matter}---\n正文\n"
    expected = split_document(text, Path("a.md"))
    memo = yaml_memo("test")
    first = split_document(text, Path("a.md"), memo)
    memo.save(tmp_path)
    again = split_document(text, Path("a.md"), yaml_memo("test").load(tmp_path))
    for document in (first, again):
        assert repr(document.meta) == repr(expected.meta) and document.key_lines == expected.key_lines
        assert [type(value) for value in document.meta.values()] == [type(value) for value in expected.meta.values()]
    assert again.meta is not first.meta


def test_front_matter_with_anchors_is_not_kept_and_a_number_too_long_is_a_syntax_error(tmp_path: Path):
    """Aliases share what they point to; kept as JSON they would be copied out in full (a
    few hundred bytes of YAML made 33 MB of cache)."""
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join(['*' + chr(97 + n)] * 10)}]\n" for n in range(6))
    memo = yaml_memo("test")
    document = split_document(f"---\ntitle: 标题\n{bomb}---\n正文\n", Path("a.md"), memo)
    assert document.meta["title"] == "标题"
    memo.save(tmp_path)
    assert not (tmp_path / ".cache" / "test.json").exists()
    with pytest.raises(YamlSyntaxError) as caught:
        split_document(f"---\nissue: {'9' * 5000}\n---\n正文\n", Path("a.md"), memo)
    assert "数字过长" in caught.value.problem.message


def _edited_footer(project: Path) -> None:
    footer = project / "docs" / "overrides" / "partials" / "copyright.html"
    footer.write_text(footer.read_text(encoding="utf-8").replace("{{ gov.sponsor }}", "主办：{{ gov.sponsor }}"),
                      encoding="utf-8")


def _described_page_outside_the_nav(project: Path) -> None:
    page = project / "docs" / "accessibility.md"
    text = page.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    page.write_text("---\ndescription: 本站无障碍的说明\n" + text[4:], encoding="utf-8")


@pytest.mark.parametrize(("change", "changed"), [
    (_edited_footer, lambda name: name.endswith(".html")), (_described_page_outside_the_nav, {"accessibility/index.html"}.__contains__),
], ids=["theme", "head"])
def test_a_change_to_the_theme_or_to_a_page_head_reaches_the_pages_it_touches(tmp_path: Path, change, changed):
    """Theme renderings are kept by everything the templates read: an edited override (the
    footer of every page) and front matter only <head> shows must come out as a cold build
    makes them, on exactly the pages they touch."""
    project = copy_sample_project(tmp_path / "project")
    assert run_build(project, site=tmp_path / "first").returncode == 0
    before = files_of(tmp_path / "first")
    change(project)
    warm = run_build(project, site=tmp_path / "warm")
    (project / ".cache").rename(tmp_path / "old-cache")
    cold = run_build(project, site=tmp_path / "cold")
    assert warm.returncode == cold.returncode == 0, warm.output + cold.output
    after = files_of(warm.site)
    assert after == files_of(cold.site)
    assert {name for name in after if after[name] != before[name]} == {name for name in after if changed(name)}


TEMPLATE_FOLDERS = [Path(material.__file__).parent / "templates", Path(mkdocs.__file__).parent / "templates",
                    Path(__file__).parent.parent / "docs" / "overrides"]


def test_no_template_reads_what_the_rendering_key_leaves_out():
    """The kept renderings' key leaves out the build time, the list of every page and the
    output folder (renderings.py): a template reading one would be kept stale."""
    unread = re.compile(r"build_date_utc|(?<![.\w])pages\b|site_dir")
    reading = [path.name for folder in TEMPLATE_FOLDERS for path in folder.rglob("*.html")
               if any(unread.search(tag) for tag in re.findall(r"{[{%].*?[}%]}", path.read_text(encoding="utf-8"), re.S))]
    assert reading == []
    assert "sitemap.xml" not in [path.name for folder in TEMPLATE_FOLDERS for path in folder.rglob("*.html")]


def _environment(tmp_path: Path, template: str):
    environment = jinja2.Environment(loader=jinja2.DictLoader({"main.html": template}))
    page = SimpleNamespace(
        file=SimpleNamespace(src_uri="a.md", dest_uri="a/index.html"), url="a/", canonical_url=None, abs_url="/a/",
        edit_url=None, title="甲", is_homepage=False, toc=[], meta={"description": "说明"}, previous_page=None,
        next_page=None, content="<p>正文</p>")
    nav = SimpleNamespace(items=[SimpleNamespace(title="甲", url="a/", is_page=True, file=page.file, meta={}, children=None)])
    context = {"page": page, "nav": nav, "config": {"site_name": "站", "site_dir": str(tmp_path)}, "base_url": "..",
               "extra_css": [], "extra_javascript": [], "pages": [], "build_date_utc": None, "mkdocs_version": "1"}
    return environment, context


def _renderings(project: Path, environment) -> RememberedRenderings:
    renderings = RememberedRenderings(project, project / "mkdocs.yml", None, lambda html: html.replace("b>", "strong>"))
    renderings.remember(environment, ["main.html"])
    return renderings


def test_a_rendering_is_kept_by_what_the_template_reads_and_only_when_it_can_be_told(tmp_path: Path, caplog):
    environment, context = _environment(tmp_path, "<b>{{ page.title }}</b>{{ page.content }}{{ extra | default('') }}")
    renderings = _renderings(tmp_path, environment)
    assert environment.get_template("main.html").render(context) == "<strong>甲</strong><p>正文</p>"
    assert renderings.finished == {"a/index.html"} and renderings.taken == 0
    renderings.close()
    environment, _ = _environment(tmp_path, "{{ page.content }}")  # the same versions, another build
    again = _renderings(tmp_path, environment)
    assert environment.get_template("main.html").render(context) == "<strong>甲</strong><p>正文</p>" and again.taken == 1
    again.close()
    for change in ({"page": SimpleNamespace(**{**vars(context["page"]), "content": "<p>改了</p>"})},
                   {"page": SimpleNamespace(**{**vars(context["page"]), "meta": {"description": "另一个"}})},
                   {"config": {"site_name": "另一个站"}}, {"extra": "多一项"},
                   {"nav": SimpleNamespace(items=[SimpleNamespace(**{**vars(context["nav"].items[0]), "active": True})])}):
        environment, _ = _environment(tmp_path, "{{ page.content }}")
        changed = _renderings(tmp_path, environment)
        environment.get_template("main.html").render({**context, **change})
        assert changed.taken == 0, change  # not closed: what it rendered is not kept
    environment, _ = _environment(tmp_path, "{{ page.content }}")
    same = _renderings(tmp_path, environment)
    environment.get_template("main.html").render({**context, "config": {**context["config"], "site_dir": "elsewhere"}, "build_date_utc": 1})
    assert same.taken == 1

    for unkeyed in ({"extra": object()}, {"page": SimpleNamespace(**{**vars(context["page"]), "meta": {"x": object()}})}):
        for build in range(2):
            environment, _ = _environment(tmp_path, "{{ page.content }}")
            renderings = _renderings(tmp_path, environment)
            environment.get_template("main.html").render({**context, **unkeyed})
            assert renderings.taken == 0 and renderings.finished == {"a/index.html"}
            renderings.close()
    warned = jinja2.Environment(loader=jinja2.DictLoader({"main.html": "{{ warn() }}"}))
    warned.globals["warn"] = lambda: logging.getLogger("mkdocs.test").warning("一条警告") or "x"
    for build in range(2):
        renderings = _renderings(tmp_path / "warned", warned)
        assert warned.get_template("main.html").render(context) == "x" and renderings.taken == 0
        renderings.close()
    assert caplog.text.count("一条警告") == 2


def _records(pack: bytes) -> list[tuple[bytes, bytes]]:
    """The records of a PackedMemo's file: (header, value)."""
    records = []
    while pack:
        header, _, rest = pack.partition(b"\n")
        length = int(header.split(b" ")[2])
        records.append((header, rest[:length]))
        pack = rest[length:]
    return records


def test_a_kept_rendering_counts_only_under_its_own_key_versions_and_signature(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "this-machine"))
    memo = PackedMemo(tmp_path, "test", {"lib": "1"})
    memo.put("a" * 32, b"<p>one</p>\n")
    memo.put("b" * 32, b"<p>two</p>")
    memo.close()
    pack = tmp_path / ".cache" / "test.pack"
    assert [header.split(b" ")[0] for header, _ in _records(pack.read_bytes())] == [b"a" * 32, b"b" * 32]

    def kept(key: str, versions: str = "1") -> bytes | None:
        return PackedMemo(tmp_path, "test", {"lib": versions}).get(key)  # not closed: pruning nothing

    assert kept("a" * 32) == b"<p>one</p>\n" and kept("b" * 32) == b"<p>two</p>"
    assert kept("a" * 32, versions="2") is None
    pack.write_bytes(pack.read_bytes().replace(b"b" * 32, b"c" * 32))  # a value moved to another key
    assert kept("c" * 32) is None
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-machine"))
    assert kept("a" * 32) is None

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "this-machine"))
    many = PackedMemo(tmp_path, "test", {"lib": "1"})
    for number in range(10):
        many.put(f"{number:032}", b"x")
    many.close()  # it used its 10, and keeps the 2 before (no more than twice as many)
    later = PackedMemo(tmp_path, "test", {"lib": "1"})
    assert later.get("a" * 32) == b"<p>one</p>\n" and later.get(f"{0:032}") == b"x"
    later.close()  # 12 records, 2 used: the other 10 go
    assert sorted(header.split(b" ")[0] for header, _ in _records(pack.read_bytes())) == [b"0" * 32, b"a" * 32]
    assert kept(f"{0:032}") == b"x"
    PackedMemo(tmp_path, "test", {"lib": "1"}).close()  # one that used nothing keeps nothing
    assert pack.read_bytes() == b""
    assert list((tmp_path / ".cache").iterdir()) == [pack], "no file of a write left behind"


def test_a_pack_cut_short_or_damaged_keeps_the_records_before(tmp_path: Path, monkeypatch):
    """A build killed while a file was renamed in cannot happen (it is renamed whole), but a
    disk can fill, and a file can be edited: records are read up to the first that is not one."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "this-machine"))
    memo = PackedMemo(tmp_path, "test", {})
    for number in range(3):
        memo.put(f"{number:032}", f"<p>{number}</p>".encode() * 100)
    memo.close()
    pack = tmp_path / ".cache" / "test.pack"
    whole = pack.read_bytes()
    values = [f"<p>{number}</p>".encode() * 100 for number in range(3)]
    for damaged, readable in ((whole[:-1], values[:2] + [None]), (whole[:-1] + b"\n" + b"9" * 32 + b" x 12\n", values[:2] + [None]),
                              (whole + b"\x00" * 5000, values), (b"\x00" * 5000 + whole, [None] * 3)):
        pack.write_bytes(damaged)
        found = PackedMemo(tmp_path, "test", {})
        assert [found.get(f"{number:032}") for number in range(3)] == readable


def test_a_failed_build_leaves_no_half_written_pack(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "this-machine"))
    memo = PackedMemo(tmp_path, "test", {})
    memo.put("a" * 32, b"<p>one</p>")
    memo.close()
    before = (tmp_path / ".cache" / "test.pack").read_bytes()
    failed = PackedMemo(tmp_path, "test", {})
    assert failed.get("a" * 32) == b"<p>one</p>"
    failed.put("b" * 32, b"<p>two</p>")
    old = failed._old
    assert old is not None
    del failed  # a `mkdocs serve` rebuild that failed: the next build lets go of it
    assert [path.name for path in (tmp_path / ".cache").iterdir()] == ["test.pack"]
    assert (tmp_path / ".cache" / "test.pack").read_bytes() == before
    with pytest.raises(OSError):
        os.fstat(old)  # the old pack is not held open (its disk space would stay taken once replaced)


def test_the_folder_earlier_versions_kept_renderings_in_is_removed_and_nothing_else(tmp_path: Path):
    from pufa.shared.cache import remove_earlier_folder

    folder = tmp_path / ".cache" / "rendered-pages"
    folder.mkdir(parents=True)
    for name in ("a" * 32, "." + "b" * 32 + ".123"):
        (folder / name).write_bytes(b"<p>page</p>")
    remove_earlier_folder(tmp_path, "rendered-pages")
    assert not folder.exists()

    folder.mkdir()
    (folder / ("a" * 32)).write_bytes(b"<p>page</p>")
    (folder / "notes.txt").write_text("an engineer's file", encoding="utf-8")
    remove_earlier_folder(tmp_path, "rendered-pages")
    assert [path.name for path in folder.iterdir()] == ["notes.txt"]

    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / ("c" * 32)).write_text("important", encoding="utf-8")
    (folder / "notes.txt").unlink()
    folder.rmdir()
    folder.symlink_to(victim, target_is_directory=True)
    remove_earlier_folder(tmp_path, "rendered-pages")
    assert (victim / ("c" * 32)).read_text(encoding="utf-8") == "important"


def test_a_key_tells_apart_values_a_template_prints_apart():
    """Front matter reaches templates as YAML made it: a date-time and the same text quoted
    print differently, and so do Markup and text, 1 and "1", a list and a tuple, and the
    orders of a mapping."""
    pairs = [(datetime(2024, 6, 1, 10), "2024-06-01T10:00:00"), (date(2024, 6, 1), "2024-06-01"),
             (Markup("a&amp;b"), "a&amp;b"), (1, "1"), (1, True), (1, 1.0), ([1], (1,)), ({1: "x"}, {"1": "x"}),
             ({"a": 1, "b": 2}, {"b": 2, "a": 1}), ({"x": [1]}, {"x": (1,)})]
    for one, other in pairs:
        assert json.dumps(plain(one)) != json.dumps(plain(other)), (one, other)
    assert plain({"b", "a"}) == plain({"a", "b"})
    with pytest.raises(Unkeyed):
        plain({"x": object()})
    assert plain({"x": object()}, strict=False) == ["builtins.dict", [["x", "<builtins.object>"]]]


def test_a_linked_or_special_pack_is_neither_read_nor_written_through(tmp_path: Path, monkeypatch):
    """A .cache/ or a .cache/rendered-pages.pack that links elsewhere, or a pipe in its place
    (a pull request can bring one): the pack is not read through it (a pipe would hang the
    build), and a new pack replaces the link, never the file it leads to."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "this-machine"))
    victim = tmp_path / "victim.txt"
    victim.write_text("important", encoding="utf-8")
    (tmp_path / ".cache").mkdir()
    pack = tmp_path / ".cache" / "test.pack"
    pack.symlink_to(victim)
    memo = PackedMemo(tmp_path, "test", {})
    assert memo.get("a" * 32) is None
    memo.put("a" * 32, b"<p>page</p>")
    memo.close()
    assert victim.read_text(encoding="utf-8") == "important" and not pack.is_symlink()

    pack.unlink()
    os.mkfifo(pack)
    memo = PackedMemo(tmp_path, "test", {})
    assert memo.get("a" * 32) is None
    memo.close()

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    other = tmp_path / "other"
    other.mkdir()
    (other / ".cache").symlink_to(elsewhere, target_is_directory=True)
    memo = PackedMemo(other, "test", {})
    memo.put("a" * 32, b"<p>page</p>")
    memo.close()
    assert list(elsewhere.iterdir()) == []


def test_a_rendering_is_not_taken_after_the_hook_or_the_environment_changed(tmp_path: Path):
    hook = tmp_path / "hooks" / "site.py"
    hook.parent.mkdir()
    hook.write_text("x = 1\n", encoding="utf-8")

    def rendered(globals_: dict[str, object]) -> int:
        environment, context = _environment(tmp_path, "{{ page.content }}")
        environment.globals.update(globals_)
        renderings = RememberedRenderings(tmp_path, tmp_path / "mkdocs.yml", None, str, ["hooks/site.py"])
        renderings.remember(environment, ["main.html"])
        environment.get_template("main.html").render(context)
        renderings.close()
        return renderings.taken

    assert rendered({}) == 0 and rendered({}) == 1
    hook.write_text("x = 2\n", encoding="utf-8")
    assert rendered({}) == 0 and rendered({}) == 1
    assert rendered({"added_by_a_plugin": str}) == 0


def test_a_linked_cache_folder_is_not_written_through(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "this-machine"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "test.json").write_text("someone's file", encoding="utf-8")
    (tmp_path / ".cache").symlink_to(elsewhere, target_is_directory=True)
    memo = Memo("test", {})
    memo.put("key", 1)
    memo.save(tmp_path)
    assert (elsewhere / "test.json").read_text(encoding="utf-8") == "someone's file"


def test_a_memo_with_a_key_that_is_not_text_is_refused_and_nothing_is_written(tmp_path: Path):
    """JSON names are text: a number key would be written as invalid JSON and the memo lost."""
    memo = Memo("test", {})
    memo.put("一", 1)
    memo.put(2, 2)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        memo.save(tmp_path)
    assert not any((tmp_path / ".cache").iterdir())


def test_a_save_cleans_up_what_a_killed_save_left_and_nothing_being_written_now(tmp_path: Path):
    import os
    import time

    from pufa.shared.cache import LEFTOVER_AGE

    folder = tmp_path / ".cache"
    folder.mkdir()
    killed, writing, other = folder / ".test.json.k1ll3d.tmp", folder / ".test.json.n0w.tmp", folder / ".other.json.x.tmp"
    for leftover in (killed, writing, other):
        leftover.write_text("{", encoding="utf-8")
    long_ago = time.time() - LEFTOVER_AGE - 60
    os.utime(killed, (long_ago, long_ago))
    os.utime(other, (long_ago, long_ago))
    memo = Memo("test", {})
    memo.put("一", 1)
    memo.save(tmp_path)
    assert not killed.exists() and writing.exists() and other.exists()
    assert Memo("test", {}).load(tmp_path).has("一")


def test_a_memo_saved_early_keeps_what_it_held_and_a_later_save_writes_nothing(tmp_path: Path):
    memo = Memo("test", {})
    memo.put("一", "甲")
    memo.save_and_release(tmp_path)
    assert memo.lookup("一") is None, "let go of"
    written = (tmp_path / ".cache" / "test.json").read_bytes()
    memo.save(tmp_path)
    assert (tmp_path / ".cache" / "test.json").read_bytes() == written
    assert Memo("test", {}).load(tmp_path).lookup("一") == "甲"


def test_once_converted_a_page_keeps_its_title_without_its_markdown(tmp_path: Path):
    """The build lets go of every page's Markdown after conversion; MkDocs' Page.title must not
    change for it (a page never read, as in `mkdocs serve --dirty`, stays unread)."""
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.pages import Page

    (tmp_path / "docs").mkdir()
    config = MkDocsConfig(config_file_path=str(tmp_path / "mkdocs.yml"))
    config.load_dict({"site_name": "测试"})
    assert config.validate() == ([], [])
    config.plugins._current_plugin = "hooks/pufa_site.py"  # as when the hook generates them
    texts = {"a.md": "---\ntitle: 头信息标题\n---\n正文", "b.md": "# 第一个标题\n\n正文", "c.md": "# 未读的页面"}
    files = Files([File.generated(config, name, content=text) for name, text in texts.items()])
    pages = [Page(None, file, config) for file in files]
    for page in pages[:2]:
        page.read_source(config)
        page.render(config, files)
    titles = [page.title for page in pages]
    build_module._forget_markdown(pages)
    assert [page.title for page in pages] == titles == ["头信息标题", "第一个标题", None]
    assert [page.markdown for page in pages] == ["", "", None]
    assert [file.content_string for file in files] == ["", "", "# 未读的页面"]


def test_a_new_search_separator_makes_the_warm_index_what_a_cold_build_writes(tmp_path: Path):
    """The kept search entries are compacted for the index's separator: a new one is a new memo."""
    project = copy_sample_project(tmp_path / "project")
    assert run_build(project, site=tmp_path / "before").returncode == 0
    settings = project / "mkdocs.yml"
    text = settings.read_text(encoding="utf-8")
    changed = re.sub(r"(?m)^(\s+separator: ).*$", lambda line: line[1] + r"'[\s\-]+'", text, count=1)
    assert changed != text
    settings.write_text(changed, encoding="utf-8")
    warm = run_build(project, site=tmp_path / "warm")
    shutil.rmtree(project / ".cache")
    cold = run_build(project, site=tmp_path / "cold")
    assert warm.returncode == cold.returncode == 0, warm.output + cold.output
    index = "search/search_index.json"
    assert (warm.site / index).read_bytes() == (cold.site / index).read_bytes()
    assert (cold.site / index).read_bytes() != (tmp_path / "before" / index).read_bytes()


def test_shared_partials_give_every_page_what_rendering_it_alone_gives(tmp_path: Path, monkeypatch):
    """The navigation, tabs, search box and logo are rendered once per build for the pages
    that see them alike, with each page's own addresses filled in, and each translation is
    made once (partials.py): every page
    must come out as it does when each is rendered for that page alone, pages at every depth
    and pages in the navigation included."""
    from pufa.site import partials

    made: list[partials.SharedPartials] = []

    class Counted(partials.SharedPartials):
        def __init__(self, env):
            super().__init__(env)
            made.append(self)

    monkeypatch.setattr(build_module, "SharedPartials", Counted)
    shared_project = copy_sample_project(tmp_path / "shared")
    shared = run_build(shared_project, site=tmp_path / "shared-site")
    assert shared.returncode == 0, shared.output
    assert made and made[0].shared > 3 * 50, "most pages took the partials another page rendered"

    monkeypatch.setattr(partials, "SHARED", ())
    monkeypatch.setattr(partials, "LANGUAGE", "partials/no-such-template.html")  # each translation made anew
    alone_project = copy_sample_project(tmp_path / "alone")
    alone = run_build(alone_project, site=tmp_path / "alone-site")
    assert alone.returncode == 0, alone.output
    assert made[1].shared == 0
    pages = files_of(alone.site)
    assert files_of(shared.site) == pages
    depths = {name.count("/") for name in pages if name.endswith("index.html")}
    assert len(depths) >= 4, depths


def test_a_memo_loaded_for_one_key_is_read_only_when_it_holds_that_key(tmp_path: Path):
    """The generated pages are kept as one entry by everything they are made from: a build
    that wants another key need not parse tens of megabytes, and finds what a full load finds."""
    memo = Memo("test", {}, large=True)
    memo.put("a" * 32, ["甲", {"b" * 32: 1}])
    memo.save(tmp_path)
    assert Memo("test", {}, large=True).load(tmp_path, wanted="a" * 32).lookup("a" * 32) == ["甲", {"b" * 32: 1}]
    assert Memo("test", {}, large=True).load(tmp_path, wanted="b" * 32).lookup("b" * 32) is None  # a value's key is not an entry
    unread = Memo("test", {}, large=True).load(tmp_path, wanted="c" * 32)
    assert unread.lookup("a" * 32) is None and unread.lookup("c" * 32) is None


_JSON_LEAVES = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
_JSON_VALUES = st.recursive(_JSON_LEAVES, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
                            | st.dictionaries(st.text(max_size=4) | st.integers(), inner, max_size=4), max_leaves=30)


@settings(max_examples=400, deadline=None)
@given(_JSON_VALUES)
def test_a_large_value_written_in_pieces_is_the_json_written_whole(value):
    """A large memo's values are written a list's or mapping's item at a time: the same text."""
    from pufa.shared.cache import _in_pieces

    encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
    assert b"".join(_in_pieces(encoder, value)) == encoder.encode(value).encode()
