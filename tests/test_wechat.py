"""`pufa wechat export` and `pufa wechat link`: the WeChat copy keeps every word of the article
and nothing the WeChat editor drops or runs, lists external links once as references, refuses
what the official account would refuse before writing anything, and `link` changes one line."""

from __future__ import annotations

import csv
import json
import random
import re
from pathlib import Path

import jsonschema
import lxml.html
import pytest
from click.testing import CliRunner
from conftest import REPO

from pufa.cli import main
from pufa.content.corpus import load_site
from pufa.site.settings import markdown_settings, read_mkdocs_yml

DRAFT_SCHEMA = json.loads((REPO / "schema" / "wechat-draft.schema.json").read_text(encoding="utf-8"))
TODAY = {"PUFA_TODAY": "2026-11-27"}


def export(root: Path, *args: str):
    return CliRunner().invoke(main, ["wechat", "export", "--root", str(root), *args], env=TODAY)


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    """The fixture corpus as a project, every article exported once."""
    from conftest import copy_sample_project

    root = copy_sample_project(tmp_path_factory.mktemp("wechat") / "project")
    result = export(root, "--since", "2000-01-01", "-o", str(root / "out"))
    assert result.exit_code == 0, result.output
    return root


def texts(html: str, tags: str) -> list[str]:
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for permalink in root.find_class("headerlink"):
        permalink.drop_tree()
    return [" ".join(element.text_content().split()) for element in root.iter(*tags.split())
            if element.text_content().strip()]


def test_every_sample_article_keeps_its_words_and_nothing_the_editor_drops(sample):
    site = load_site(sample)
    converter = markdown_settings(read_mkdocs_yml(sample)).converter()
    assert len(site.articles) >= 20
    for article in site.articles:
        content = (sample / "out" / article.slug / "content.html").read_text(encoding="utf-8")
        for forbidden in ("<style", "<script", "class=", " id=", "<link", "javascript:"):
            assert forbidden not in content, (article.slug, forbidden)
        for href in re.findall(r'href="([^"]*)"', content):
            assert href.startswith("https://mp.weixin.qq.com/"), (article.slug, href)
        converter.reset()
        site_html = converter.convert(article.body)
        shown = lxml.html.fragment_fromstring(content, create_parent="div").text_content()
        plain = " ".join(re.sub(r"\[\d+\]", "", shown).split())  # less the reference marks added after links
        for text in texts(site_html, "p li td th h1 h2 h3 h4 caption"):
            words = re.sub(r"\s+", " ", text)
            assert words in plain or words.replace(" ", "") in plain.replace(" ", ""), (article.slug, words)
        assert "style=" in content and "font-size: 16px" in content and "line-height: 1.75" in content


def test_external_links_become_numbered_references_once_in_order(project):
    path = project.article("ketang/2023/yi.md")
    path.write_text(path.read_text(encoding="utf-8") + (
        "\n详见[人社部网站](https://www.mohrss.gov.cn/a?x=1&y=2)和[国务院](https://www.gov.cn/)，"
        "再看[人社部网站](https://www.mohrss.gov.cn/a?x=1&y=2)、[往期](https://mp.weixin.qq.com/s/abc)"
        "和[本站栏目](../../../topics/)。\n"), encoding="utf-8")
    result = export(project.root, "yi", "-o", str(project.root / "out"))
    assert result.exit_code == 0, result.output
    content = (project.root / "out/yi/content.html").read_text(encoding="utf-8")
    assert content.count("[1]") == 3 and content.count("[2]") == 2 and content.count("[3]") == 2
    refs = content[content.index("参考链接"):]
    assert refs.index("[1] 人社部网站：https://www.mohrss.gov.cn/a?x=1&amp;y=2") < refs.index("[2] 国务院：https://www.gov.cn/")
    assert "[3] 本站栏目：https://pufa.example.gov.cn/topics/" in refs
    assert re.search(r'<a href="https://mp.weixin.qq.com/s/abc"[^>]*>往期</a>', content)
    assert "https://pufa.example.gov.cn/ketang/2023/yi/" in content  # 阅读原文


def test_an_svg_goes_up_as_png_with_its_size_and_placeholder(sample):
    folder = sample / "out" / "laodong-zhongcai-shenqing"
    [row] = list(csv.DictReader((folder / "images.csv").open(encoding="utf-8-sig")))
    assert row["source"] == "articles/ketang/2023/images/laodong-zhongcai-liucheng.svg"
    upload = folder / row["upload_file"]
    assert upload.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and int(row["bytes"]) == upload.stat().st_size
    assert int(row["width"]) > 400 and int(row["height"]) > 400
    assert f'src="{row["placeholder"]}"' in (folder / "content.html").read_text(encoding="utf-8")


def test_draft_json_is_a_draft_add_request(sample):
    for draft in (sample / "out").glob("*/draft.json"):
        document = json.loads(draft.read_text(encoding="utf-8"))
        jsonschema.validate(document, DRAFT_SCHEMA)
        [article] = document["articles"]
        assert article["content"] == (draft.parent / "content.html").read_text(encoding="utf-8").rstrip("\n")
        assert article["content_source_url"].startswith("https://pufa.example.gov.cn/")
        assert article["thumb_media_id"] == "THUMB_MEDIA_ID"


def write_article(project, **front) -> Path:
    path = project.article("ketang/2023/yi.md", title=front.pop("title", "工资应当按月足额支付"), extra=front.pop("extra", ""))
    text = path.read_text(encoding="utf-8")
    for old, new in front.items():
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("edit", "message"), [
    ({"title": "工资" * 17}, "标题 34 字，超过公众号的 32 字：请用 --title 另拟"),
    ({"summary: 一段摘要。": "summary: " + "摘" * 129}, "摘要 129 字，超过公众号摘要的 128 字"),
    ({"extra": "draft: true"}, "是草稿"),
    ({"review: {reviewer: 王某, date: 2023-03-15}\n": "", "extra": "draft: true"}, "未经法制审核"),
    ({"正文第二段。": "正文第二段。\n\n" + "很长的正文。" * 3400}, "应少于 20000：请分成两篇"),
])
def test_what_the_official_account_refuses_is_refused_before_writing(project, edit, message):
    write_article(project, **edit)
    out = project.root / "out"
    result = export(project.root, "yi", "-o", str(out))
    assert result.exit_code == 1 and message in result.output, result.output
    assert "没有写入任何文件" in result.output and not out.exists()
    assert "Traceback" not in result.output


def test_a_long_title_passes_with_a_shorter_wechat_title(project):
    write_article(project, title="工资" * 17)
    result = export(project.root, "yi", "-o", str(project.root / "out"), "--title", "工资按月足额支付")
    assert result.exit_code == 0, result.output
    draft = json.loads((project.root / "out/yi/draft.json").read_text(encoding="utf-8"))
    assert draft["articles"][0]["title"] == "工资按月足额支付"
    assert export(project.root, "yi", "--title", "长" * 33).exit_code == 1


def test_a_heavy_or_broken_image_is_refused(project):
    from PIL import Image

    path = write_article(project)
    folder = project.root / "articles/ketang/2023/images"
    folder.mkdir(parents=True)
    Image.frombytes("RGB", (2000, 1800), random.Random(1).randbytes(2000 * 1800 * 3)).save(folder / "da.png")  # noise: incompressible
    (folder / "huai.png").write_bytes(b"not an image")
    assert (folder / "da.png").stat().st_size > 10_000_000 or pytest.fail("the noise image is too small")
    path.write_text(path.read_text(encoding="utf-8") + "\n![大图](images/da.png)\n\n![坏图](images/huai.png)\n", encoding="utf-8")
    result = export(project.root, "yi", "-o", str(project.root / "out"))
    assert result.exit_code == 1, result.output
    assert "图片 da.png 有" in result.output and "超过公众号的 10 MB" in result.output
    assert "图片 huai.png 无法使用：不是有效的图片" in result.output  # (a broken SVG is refused when the articles load)


def test_what_pufa_check_refuses_in_a_body_is_not_exported(project):
    path = write_article(project)
    path.write_text(path.read_text(encoding="utf-8") + (
        '\n<p onclick="alert(1)">点<script>alert(2)</script>击</p>\n\n[坏](javascript:alert(3))\n\n手机 13812345678\n'),
        encoding="utf-8")
    result = export(project.root, "yi", "-o", str(project.root / "out"))
    assert result.exit_code == 1 and not (project.root / "out").exists()
    for expected in ("不允许事件属性 onclick", "<script>", "javascript:", "公众号版本中有疑似手机号 138****5678"):
        assert expected in result.output, result.output


def test_the_copy_is_built_from_the_sanitized_body_whatever_reaches_it(project):
    """Defence in depth: render_copy cleans the HTML itself, so no caller can skip it."""
    from pufa.publish.wechat import WechatCopy, render_copy

    project.article("ketang/2023/yi.md")
    [article] = load_site(project.root).articles
    copy = WechatCopy(article, "标题", "摘要", "https://pufa.example.gov.cn/ketang/2023/yi/")
    hostile = ('<p onclick="alert(1)">点<script>alert(2)</script>击<a href="javascript:alert(3)">坏</a>'
               '<a href="https://evil.example\\@mp.weixin.qq.com/s/x">绕</a><a href="https://mp.weixin.qq.com@evil.example/">绕2</a>'
               '<img src="x.png" onerror="alert(4)"><iframe src="https://evil.example/"></iframe></p>')
    render_copy(copy, hostile, "https://pufa.example.gov.cn/", "示例区人社普法", {})
    lowered = copy.content.lower()
    assert "alert" not in lowered and "onclick" not in lowered and "<iframe" not in lowered
    assert re.findall(r'href="([^"]*)"', copy.content) == []
    assert [r.text for r in copy.references] == ["绕", "绕2"] and copy.missing_images == ["x.png"]


def test_selection_by_path_unposted_and_unknown(sample, tmp_path):
    runner_out = tmp_path / "out"
    result = export(sample, "articles/ketang/2023/jiabanfei-zenme-suan.md", "-o", str(runner_out))
    assert result.exit_code == 0 and (runner_out / "jiabanfei-zenme-suan" / "content.html").is_file()
    unposted = export(sample, "--unposted", "-o", str(tmp_path / "unposted"))
    site = load_site(sample)
    expected = {a.slug for a in site.articles if a.meta.wechat is None}
    assert {p.name for p in (tmp_path / "unposted").iterdir()} == expected, unposted.output
    missing = export(sample, "bucunzai", "-o", str(tmp_path / "x"))
    assert missing.exit_code == 1 and "找不到这篇文章" in missing.output and not (tmp_path / "x").exists()
    nothing = export(sample)
    assert nothing.exit_code == 2 and "请指定文章" in nothing.output


def test_a_second_export_replaces_the_first_whole(project):
    write_article(project)
    out = project.root / "out"
    assert export(project.root, "yi", "-o", str(out)).exit_code == 0
    (out / "yi" / "leftover.txt").write_text("旧文件", encoding="utf-8")
    assert export(project.root, "yi", "-o", str(out)).exit_code == 0
    assert sorted(p.name for p in (out / "yi").iterdir()) == ["content.html", "draft.json", "images", "images.csv", "preview.html"]
    assert [p.name for p in out.iterdir()] == ["yi"]  # no temporary folder left behind


URL = "https://mp.weixin.qq.com/s/AbCdEf123"


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("bom", ["", "\ufeff"])
def test_link_adds_the_one_line_and_keeps_every_other_byte(project, newline, bom):
    path = write_article(project)
    original = bom + path.read_text(encoding="utf-8").replace("\n", newline)
    path.write_bytes(original.encode("utf-8"))
    result = CliRunner().invoke(main, ["wechat", "link", "--root", str(project.root), "yi", URL], env=TODAY)
    assert result.exit_code == 0, result.output
    before, after = original.split(newline), path.read_bytes().decode("utf-8").split(newline)
    assert len(after) == len(before) + 1
    added = [line for line in after if line not in before]
    assert added == [f"wechat: {URL}"] and [line for line in after if line != added[0]] == before
    assert load_site(project.root).articles[0].meta.wechat == URL


def test_link_replaces_an_old_address_and_refuses_another_host(project):
    path = write_article(project, extra="wechat: https://mp.weixin.qq.com/s/old")
    before = path.read_text(encoding="utf-8")
    result = CliRunner().invoke(main, ["wechat", "link", "--root", str(project.root), "yi", URL], env=TODAY)
    assert result.exit_code == 0
    assert path.read_text(encoding="utf-8") == before.replace("https://mp.weixin.qq.com/s/old", URL)
    again = CliRunner().invoke(main, ["wechat", "link", "--root", str(project.root), "yi", URL], env=TODAY)
    assert again.exit_code == 0 and "未改动" in again.output
    bad = CliRunner().invoke(main, ["wechat", "link", "--root", str(project.root), "yi", "https://evil.example/s/x"], env=TODAY)
    assert bad.exit_code == 1 and "不是公众号文章地址" in bad.output
    assert path.read_text(encoding="utf-8") == before.replace("https://mp.weixin.qq.com/s/old", URL)


@pytest.mark.browser
def test_the_preview_fits_a_phone_and_copies_the_fragment_as_rich_text(sample):
    from conftest import BROWSER_ARGS, CHROMIUM, SHOTS
    from playwright.sync_api import sync_playwright

    folder = sample / "out" / "laodong-zhongcai-shenqing"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        context = browser.new_context(viewport={"width": 375, "height": 800}, locale="zh-CN")
        context.grant_permissions(["clipboard-read", "clipboard-write"])
        page = context.new_page()
        errors: list[str] = []
        requested: list[str] = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("request", lambda request: requested.append(request.url))
        page.goto(folder.joinpath("preview.html").as_uri())
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        assert page.evaluate("document.querySelector('#content img').naturalWidth") > 0  # the PNG made from the SVG
        page.keyboard.press("Tab")  # the copy button is reached by keyboard and works from it
        assert page.evaluate("document.activeElement.id") == "copy"
        page.keyboard.press("Enter")
        page.wait_for_function("document.getElementById('status').textContent.startsWith('已复制')")
        html = page.evaluate("""async () => {
            const [item] = await navigator.clipboard.read();
            return await (await item.getType('text/html')).text();
        }""")
        assert "劳动仲裁" in html and "style=" in html and "参考链接" in html and "<script" not in html
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "wechat-preview-375.png"), full_page=True)
        assert errors == [] and all(url.startswith("file://") for url in requested), (errors, requested)
        browser.close()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge picture."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


@pytest.mark.parametrize(("name", "content", "message"), [
    ("bomb.png", png_claiming(100_000, 100_000), "像素过多"),
    ("tall.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="100000"><title>高</title></svg>', "尺寸异常"),
])
def test_an_image_that_would_exhaust_memory_is_refused(project, name, content, message):
    path = write_article(project)
    target = project.root / "articles/ketang/2023/images" / name
    target.parent.mkdir(parents=True)
    target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    path.write_text(path.read_text(encoding="utf-8") + f"\n![图](images/{name})\n", encoding="utf-8")
    result = export(project.root, "yi", "-o", str(project.root / "out"))
    assert result.exit_code == 1 and message in result.output, result.output
    assert "Traceback" not in result.output and not (project.root / "out").exists()


def test_a_large_proportional_svg_is_drawn_at_phone_width(project):
    path = write_article(project)
    target = project.root / "articles/ketang/2023/images/da.svg"
    target.parent.mkdir(parents=True)
    target.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100000 50000"><title>大</title>'
                      '<rect width="100000" height="50000" fill="#a8191e"/></svg>', encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8") + "\n![大图](images/da.svg)\n", encoding="utf-8")
    assert export(project.root, "yi", "-o", str(project.root / "out")).exit_code == 0
    [row] = list(csv.DictReader((project.root / "out/yi/images.csv").open(encoding="utf-8-sig")))
    assert (row["width"], row["height"]) == ("1080", "540") and row["placeholder"] == "images/01.png"


def test_one_refused_article_means_none_is_written(project):
    project.article("ketang/2023/er.md", title="第二篇", issue=2)
    path = project.article("ketang/2023/san.md", title="第三篇", issue=3)
    path.write_text(path.read_text(encoding="utf-8").replace("summary: 一段摘要。", "summary: " + "长" * 129), encoding="utf-8")
    result = export(project.root, "er", "san", "-o", str(project.root / "out"))
    assert result.exit_code == 1 and "articles/ketang/2023/san.md" in result.output
    assert not (project.root / "out").exists()


def test_an_output_folder_that_cannot_be_written_is_named(project, tmp_path):
    write_article(project)
    blocker = tmp_path / "afile"
    blocker.write_text("x", encoding="utf-8")
    result = export(project.root, "yi", "-o", str(blocker / "sub"))
    assert result.exit_code == 1 and "无法写入导出目录" in result.output and "Traceback" not in result.output


def test_an_editors_link_styled_like_a_permalink_keeps_its_text(project):
    path = write_article(project)
    path.write_text(path.read_text(encoding="utf-8") + "\n[重要条款原文](https://example.com/law){: .headerlink }\n", encoding="utf-8")
    assert export(project.root, "yi", "-o", str(project.root / "out")).exit_code == 0
    content = (project.root / "out/yi/content.html").read_text(encoding="utf-8")
    assert "重要条款原文<sup" in content and "[1] 重要条款原文：https://example.com/law" in content


def test_link_refuses_a_wechat_value_it_cannot_edit_safely(project):
    path = write_article(project, extra="wechat:\n  https://mp.weixin.qq.com/s/old")
    before = path.read_bytes()
    result = CliRunner().invoke(main, ["wechat", "link", "--root", str(project.root), "yi", URL], env=TODAY)
    assert result.exit_code == 1 and "无法自动修改" in result.output, result.output
    assert path.read_bytes() == before


def test_link_replaces_a_quoted_key_in_place(project):
    path = write_article(project, extra='"wechat": https://mp.weixin.qq.com/s/old')
    before = path.read_text(encoding="utf-8")
    result = CliRunner().invoke(main, ["wechat", "link", "--root", str(project.root), "yi", URL], env=TODAY)
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == before.replace('"wechat": https://mp.weixin.qq.com/s/old', f"wechat: {URL}")


@pytest.mark.parametrize("url", [URL + "\n", URL + " x", URL + '"', "https://mp.weixin.qq.com.evil.example/s/x"])
def test_link_refuses_an_address_that_is_not_one_line_of_the_account(project, url):
    path = write_article(project)
    before = path.read_bytes()
    result = CliRunner().invoke(main, ["wechat", "link", "--root", str(project.root), "yi", url], env=TODAY)
    assert result.exit_code == 1 and "不是公众号文章地址" in result.output and path.read_bytes() == before


def test_link_keeps_a_crlf_body_under_an_lf_front_matter(project):
    path = write_article(project)
    head, _, body = path.read_text(encoding="utf-8").partition("---\n\n")
    path.write_bytes((head + "---\n" + body.replace("\n", "\r\n")).encode("utf-8"))
    before = path.read_bytes()
    result = CliRunner().invoke(main, ["wechat", "link", "--root", str(project.root), "yi", URL], env=TODAY)
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == before.replace(b"\n---\n", f"\nwechat: {URL}\n---\n".encode(), 1)
