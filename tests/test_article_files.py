"""Only what belongs to an article is read or published from articles/: no links to other files,
no stray kinds of file, no image that climbs out or is missing, no SVG that runs a script."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import plain_report

from pufa.cli import main
from pufa.content.articles import article_files

SVG_OK = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>图</title><rect width="5" height="5"/></svg>'


def check(project) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", "--root", str(project.root)])
    return result.exit_code, plain_report(result.output)


@pytest.mark.parametrize(("name", "content", "message"), [
    ("ketang/2023/caogao.MD", "---\ntitle: 草稿\n---\n", "ketang/2023/caogao.MD: 扩展名应为小写 .md"),
    ("ketang/2023/yemian.htm", "<p>110105194912310025</p>", "ketang/2023/yemian.htm: 文章目录中只能放文章（.md）和图片"),
    ("ketang/2023/biaoge.pdf", "%PDF-1.4", "ketang/2023/biaoge.pdf: 文章目录中只能放文章（.md）和图片（.gif、.jpeg、.jpg、.png、.svg、.webp），此文件不会发布；PDF"),
    ("ketang/2023/jiaoben.js", "alert(1)", "ketang/2023/jiaoben.js: 文章目录中只能放文章"),
    ("ketang/2023/images/bad.svg", SVG_OK.replace("<rect", '<script>alert(1)</script><rect'), "ketang/2023/images/bad.svg:1: SVG 图片中不允许 <script>"),
    ("ketang/2023/images/bad.svg", SVG_OK.replace("<rect", '<rect onclick="alert(1)"'), "ketang/2023/images/bad.svg:1: SVG 图片中不允许事件属性 onclick"),
    ("ketang/2023/images/bad.svg", SVG_OK.replace("<rect", '<image href="https://tracker.example.com/x.png"/><rect'), "ketang/2023/images/bad.svg:1: SVG 图片中不允许 <image>"),
    ("ketang/2023/images/bad.svg", "<svg><rect", "ketang/2023/images/bad.svg: 不是有效的 SVG 图片"),
    ("ketang/2023/images/bad.svg", '<?xml-stylesheet type="text/xsl" href="b.svg"?>' + SVG_OK, "bad.svg:1: SVG 图片中不允许处理指令"),
    ("ketang/2023/images/bad.svg", SVG_OK.replace("<rect", '<a><animate attributeName="href" values="javascript:alert(1)"/></a><rect'),
     "bad.svg:1: SVG 图片中不允许 <a>"),
    ("ketang/2023/images/bad.svg", SVG_OK.replace("<rect", '<h:img xmlns:h="http://www.w3.org/1999/xhtml" src="https://evil.example/x.png"/><rect'),
     "bad.svg: SVG 图片中不允许 <img>"),
    ("ketang/2023/images/bad.svg", SVG_OK.replace("<rect", '<style>@\\69mport "https://evil.example/s.css";</style><rect'),
     "bad.svg:1: SVG 图片中不允许 <style>"),
    ("ketang/2023/images/bad.svg", SVG_OK.replace("<rect", '<rect fill="url(https://evil.example/p.svg#x)"/><rect'),
     "bad.svg:1: SVG 图片中的 fill 只能引用图片内部"),
    ("ketang/2023/images/bad.xsl.svg", '<xsl:stylesheet xmlns:xsl="http://www.w3.org/1999/XSL/Transform" version="1.0"/>',
     "bad.xsl.svg:1: 不是 SVG 图片"),
])
def test_files_that_may_not_be_published_are_named(project, name, content, message):
    project.article("ketang/2023/yi.md")
    project.write(name, content)
    code, output = check(project)
    assert code == 1 and message in output and output.count("articles/ketang/2023/") >= 1, output


@pytest.mark.parametrize("name", ["ketang/2023/yi.md~", "ketang/2023/.yi.md.swp", "ketang/2023/#yi.md#", "ketang/2023/yi.md.bak",
                                  "ketang/2023/images/Thumbs.db", "ketang/2023/.DS_Store", "ketang/2023/~$wendang.docx"])
def test_editor_backups_and_system_files_are_left_alone(project, name):
    project.article("ketang/2023/yi.md")
    project.write(name, "110105194912310025")
    assert check(project)[0] == 0
    files = article_files(project.root / "articles", project.root)
    assert [str(p) for p in files.ignored] == ["articles/" + name]
    assert all(asset.src_uri != name for asset in files.assets)


def test_links_are_refused_whether_to_a_file_or_a_folder(project, tmp_path: Path):
    project.article("ketang/2023/yi.md")
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG")
    (tmp_path / "outside").mkdir()
    os.symlink(secret, project.root / "articles" / "ketang" / "2023" / "tu.png")
    os.symlink(tmp_path / "outside", project.root / "articles" / "ketang" / "2023" / "images")
    code, output = check(project)
    assert code == 1
    assert "articles/ketang/2023/tu.png: 是符号链接" in output and "articles/ketang/2023/images: 是符号链接" in output
    files = article_files(project.root / "articles", project.root)
    assert files.assets == []


@pytest.mark.parametrize(("body", "message"), [
    ("![流程图](images/meiyou.png)", "找不到图片 images/meiyou.png"),
    ("![密码](../../../../../etc/passwd)", "找不到图片 ../../../../../etc/passwd"),
])
def test_an_image_must_be_an_asset_of_the_site(project, body, message):
    path = project.article("ketang/2023/yi.md")
    path.write_text(path.read_text(encoding="utf-8") + "\n" + body + "\n", encoding="utf-8")
    line = path.read_text(encoding="utf-8").count("\n")
    code, output = check(project)
    assert code == 1 and f"articles/ketang/2023/yi.md:{line}: {message}" in output, output
    result = project.build()
    assert result.returncode != 0 and f"articles/ketang/2023/yi.md:{line}: 找不到图片" in plain_report(result.output)


def test_a_cover_may_not_climb_out_of_articles(project):
    project.article("ketang/2023/yi.md", extra="cover: ../../../data/columns.yml")
    code, output = check(project)
    assert code == 1 and "cover: 封面图片 ../../../data/columns.yml 不在 articles/ 目录中" in output


def test_an_image_beside_the_article_is_published(project):
    path = project.article("ketang/2023/yi.md", extra="cover: images/tu.svg")
    project.write("ketang/2023/images/tu.svg", SVG_OK)
    path.write_text(path.read_text(encoding="utf-8") + "\n![图](images/tu.svg)\n", encoding="utf-8")
    assert check(project)[0] == 0
    result = project.build()
    assert result.returncode == 0, result.output
    assert (result.site / "ketang/2023/images/tu.svg").read_text(encoding="utf-8") == SVG_OK
