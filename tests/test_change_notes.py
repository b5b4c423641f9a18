"""Public change notes (更新记录): shown under the title newest first, dating the page and the
feeds' updated time, escaped like every other value, and only after a fresh 法制审核."""

from __future__ import annotations

import json

from click.testing import CliRunner

from pufa.cli import main

CHANGES = """\
changes:
  - date: 2023-04-01
    note: 补充加班费的计算示例
  - date: 2024-02-10
    note: 根据新司法解释更新第三部分 <script>alert(1)</script>
"""


def changed_article(project, review: str = "2024-02-10"):
    path = project.article("ketang/2023/yi.md")
    text = path.read_text(encoding="utf-8").replace("review: {reviewer: 王某, date: 2023-03-15}\n",
                                                     f"review: {{reviewer: 王某, date: {review}}}\n{CHANGES}")
    path.write_text(text, encoding="utf-8")
    return path


def test_the_page_shows_the_changes_newest_first_and_the_feeds_carry_the_date(project):
    changed_article(project)
    built = project.build()
    assert built.returncode == 0, built.output
    page = (built.site / "ketang/2023/yi/index.html").read_text(encoding="utf-8")
    notes = page[page.index('<details class="pufa-changes"'):page.index("</details>")]
    assert "更新记录（共 2 次，最近一次 2024年2月10日）" in notes
    assert notes.index("2024年2月10日</time>") < notes.index("2023年4月1日</time>")
    assert "补充加班费的计算示例" in notes
    assert "<script>" not in page.split("<body", 1)[1].split("pufa-changes", 1)[1].split("</details>")[0]
    assert "&lt;script&gt;" in notes or "&#60;script&#62;" in notes
    assert '<time datetime="2024-02-10">2024年2月10日</time>更新' in page
    atom = (built.site / "atom.xml").read_text(encoding="utf-8")
    entry = atom[atom.index("<entry>"):atom.index("</entry>")]
    assert "<updated>2024-02-10" in entry and "<published>2023-03-15" in entry
    feed = json.loads((built.site / "feed.json").read_text(encoding="utf-8"))
    assert feed["items"][0]["date_modified"].startswith("2024-02-10")


def test_a_change_after_the_review_stops_publication(project):
    changed_article(project, review="2023-03-15")
    result = CliRunner().invoke(main, ["check", "--root", str(project.root)])
    assert result.exit_code == 1
    assert "review: 更新记录 2024-02-10 晚于法制审核日期 2023-03-15：修改后的文章须重新法制审核" in result.output
    built = project.build()
    assert built.returncode != 0 and "晚于法制审核日期" in built.output


def test_an_article_without_changes_shows_no_record(project):
    project.article("ketang/2023/yi.md")
    built = project.build()
    assert built.returncode == 0, built.output
    page = (built.site / "ketang/2023/yi/index.html").read_text(encoding="utf-8")
    assert "pufa-changes" not in page and "更新</" not in page
