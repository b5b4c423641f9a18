"""SiteBuild, the one object the MkDocs hook talks to: its small interface, tested without MkDocs."""

from __future__ import annotations

import re
from datetime import date

import pytest
from markupsafe import Markup

from pufa.site.build import CollisionError, PrivacyError, SiteBuild, SiteConfig, output_path

CONFIG = SiteConfig("https://pufa.example.gov.cn/", "示例区人社普法", "说明", "示例区人力资源和社会保障局")


@pytest.fixture
def build(project) -> SiteBuild:
    project.article("ketang/2023/yi.md")
    return SiteBuild(project.root, date(2026, 11, 27), preview=False, config=CONFIG)


def test_settings_come_from_mkdocs_config_with_defaults():
    config = {"site_url": "https://x.gov.cn/", "site_name": "站", "site_description": None, "extra": {}}
    assert SiteConfig.from_mkdocs(config) == SiteConfig("https://x.gov.cn/", "站", None, "站", 50)
    config["extra"] = {"government": {"sponsor": "主办单位"}, "feeds": {"items": 10}}
    assert SiteConfig.from_mkdocs(config) == SiteConfig("https://x.gov.cn/", "站", None, "主办单位", 10)
    config["use_directory_urls"] = False
    assert not SiteConfig.from_mkdocs(config).directory_urls


@pytest.mark.parametrize(("plugins", "own"), [
    (["search", "tags"], False), ([{"search": {"lang": "zh"}}], False), ([{"search": None}], False),
    ([{"search": {"jieba_dict_user": "data/words.txt"}}], True), ([{"material/search": {"jieba_dict": "d.txt"}}], True),
])
def test_whether_materials_search_loads_its_own_dictionary_is_read_from_mkdocs_yml_as_written(plugins, own):
    """`pufa check` reads mkdocs.yml itself, where plugins are a list; the build gets MkDocs' objects."""
    config = {"site_url": "https://x.gov.cn/", "site_name": "站", "plugins": plugins}
    assert SiteConfig.from_mkdocs(config).search_dictionaries is own


def test_generated_files_cover_pages_data_feeds_and_images(build: SiteBuild):
    files = {f.src_uri: f for f in build.generated_files()}
    assert files["ketang/2023/yi.md"].origin == "articles/ketang/2023/yi.md"
    assert files["ketang/index.md"].in_nav and not files["ketang/2023/yi.md"].in_nav
    assert files["disclosure/penalties.csv"].content.startswith("\ufeff")
    assert files["feed.xml"].content == ""  # filled in once pages are rendered
    assert all((f.content is None) != (f.source is None) for f in files.values())


@pytest.mark.parametrize(
    ("hand_written", "named"),
    [
        ("ketang/index.md", "docs/ketang/index.md 与 pufa 生成的页面"),
        ("ketang/2023/yi.md", "docs/ketang/2023/yi.md 与 articles/ketang/2023/yi.md"),
        ("feed.xml", "docs/feed.xml 与 pufa 生成的订阅源"),
        ("disclosure/penalties.json", "docs/disclosure/penalties.json 与 pufa 生成的开放数据"),
        ("ketang/2023/yi/index.md", "docs/ketang/2023/yi/index.md 与 articles/ketang/2023/yi.md（网站中的 ketang/2023/yi/index.html）"),
        ("topics.md", "docs/topics.md 与 pufa 生成的页面（网站中的 topics/index.html）"),
        ("archive/README.md", "docs/archive/README.md 与 pufa 生成的页面（网站中的 archive/index.html）"),
    ],
)
def test_a_generated_file_never_silently_replaces_a_hand_written_one(build: SiteBuild, hand_written, named):
    with pytest.raises(CollisionError) as caught:
        build.generated_files(["index.md", hand_written])
    assert named in str(caught.value)
    assert "index.md 与" not in str(caught.value).replace(hand_written, "")


def test_the_build_fails_naming_both_files_when_docs_holds_a_generated_path(project):
    project.article("ketang/2023/yi.md")
    (project.root / "docs" / "archive.md").write_text("# 手写的归档\n", encoding="utf-8")
    result = project.build()
    assert result.returncode != 0
    assert "docs/archive.md 与 pufa 生成的页面" in result.output


def test_page_meta_escapes_what_the_theme_prints_raw_and_only_that():
    meta = {"title": 'A"B<i>&', "description": "<b>", "author": "甲&乙", "hide": ["navigation"], "search": {"exclude": True}}
    safe = SiteBuild.page_meta(meta)
    assert safe["title"] == "A&#34;B&lt;i&gt;&amp;" and isinstance(safe["title"], Markup)
    assert safe["description"] == "&lt;b&gt;" and safe["author"] == "甲&amp;乙"
    assert safe["hide"] == ["navigation"] and safe["search"] == {"exclude": True}
    assert SiteBuild.page_meta(safe) == safe, "escaping twice changes nothing"


def test_page_meta_leaves_no_string_the_theme_could_print_raw():
    meta = {"subtitle": "<img src=x>", "status": 'new" onclick="x', "description": ['"><b>'], "title": 3,
            "template": "custom.html", "tags": ["<i>"]}
    safe = SiteBuild.page_meta(meta)
    assert safe["subtitle"] == "&lt;img src=x&gt;" and safe["status"] == "new&#34; onclick=&#34;x"
    assert safe["description"] == "[&#39;&#34;&gt;&lt;b&gt;&#39;]" and safe["title"] == "3"
    assert safe["template"] == "custom.html" and safe["tags"] == ["&lt;i&gt;"]


@pytest.mark.parametrize(
    ("src_uri", "directory_urls", "output"),
    [("a/b.md", True, "a/b/index.html"), ("a/b.md", False, "a/b.html"), ("a/index.md", True, "a/index.html"),
     ("README.md", True, "index.html"), ("feed.xml", True, "feed.xml"), ("img/a.png", False, "img/a.png")],
)
def test_output_paths_follow_mkdocs(src_uri, directory_urls, output):
    assert output_path(src_uri, directory_urls) == output


def test_markers_are_filled_and_other_text_is_left_alone(build: SiteBuild):
    filled = build.fill_markers("# 首页\n\n<!-- pufa:latest -->\n\n<!-- 其他注释 -->\n")
    assert "<!-- pufa:latest -->" not in filled and "工资应当按月足额支付" in filled
    assert filled.endswith("<!-- 其他注释 -->\n")
    assert "RSS" in build.fill_markers("<!-- pufa:feeds -->")


def test_the_latest_list_links_from_the_page_it_is_on(build: SiteBuild):
    """Found by review: the list is raw HTML, so its links must start where the page is."""
    home = re.findall(r'href="([^"]+)"', build.fill_markers("<!-- pufa:latest -->", "index.md"))
    deeper = re.findall(r'href="([^"]+)"', build.fill_markers("<!-- pufa:latest -->", "help/latest.md"))
    article_links = [link for link in home if link.startswith(("ketang/", "anli/"))]
    assert article_links and all(f"../../{link}" in deeper for link in article_links)


def test_search_words_are_the_terms_file_and_registry_names_once_each(build: SiteBuild):
    words = build.search_words()
    assert "工伤认定" in words and "工资支付" in words and "农民工" in words
    assert len(words) == len(set(words))
    assert all("#" not in word and word.strip() == word and word for word in words)


def test_page_context_offers_the_site_feed_and_the_column_feed(build: SiteBuild):
    context = {"page": "页面"}
    assert build.page_context("ketang/2023/yi.md", context) is context and context["page"] == "页面"
    feeds = context["pufa_feeds"]
    assert [feed["path"] for feed in feeds] == ["", "ketang/"] and feeds[1]["name"] == "示例区人社普法 · 人社小课堂"


def test_finish_deletes_files_with_personal_data(build: SiteBuild, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "ok.html").write_text("<p>12333</p>", encoding="utf-8")
    build.finish(site)
    (site / "leak.html").write_text("<p>联系电话 13812345678</p>", encoding="utf-8")
    with pytest.raises(PrivacyError) as caught:
        build.finish(site)
    assert "leak.html: 手机号 138****5678" in str(caught.value)
    assert not (site / "leak.html").exists() and (site / "ok.html").exists()
