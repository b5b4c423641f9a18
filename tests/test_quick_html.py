"""QuickFeed gives an HTMLParser subclass exactly the calls HTMLParser itself would, whatever
the document; and it reads the HTML MkDocs writes for this site's pages by itself."""

from html.parser import HTMLParser
from pathlib import Path

import markdown
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pufa.shared.quick_html import QuickFeed, _events

ROOT = Path(__file__).resolve().parent.parent


class Recorder:
    """Every call a parser's handlers get, in order."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.calls = []

    def handle_starttag(self, tag, attrs):
        self.calls.append(("start", tag, attrs))

    def handle_endtag(self, tag):
        self.calls.append(("end", tag))

    def handle_data(self, data):
        self.calls.append(("data", data))

    def handle_comment(self, data):
        self.calls.append(("comment", data))

    def handle_decl(self, decl):
        self.calls.append(("decl", decl))

    def handle_pi(self, data):
        self.calls.append(("pi", data))


class Slow(Recorder, HTMLParser):
    pass


class Quick(QuickFeed, Slow):
    pass


def calls(parser_class, *parts):
    parser = parser_class()
    for part in parts:
        parser.feed(part)
    parser.close()
    return parser.calls


_PIECES = st.sampled_from([
    "劳动合同", "text", " ", "\n", "\t", "\v", "\f", "\u3000", "\x00", "&amp;", "&lt;", "&", "&#x41;", "&#65", "&copy",
    "&nbsp;", "<", ">", "/", "/>", "=", '"', "'", "-", "--", "<!--", "-->", "<!", "<?", "<![CDATA[", "<!DOCTYPE html>",
    "<p", "<P", "<p>", "</p>", "</P >", "</ p>", "</>", "<br", "<br/>", "<br />", "<h2", "</h2>", "<a", "</a>",
    "<my-tag", "<script", "<script>", "</script>", "<style>", "</style>", "<textarea>", "<title>",
    ' class="a b"', " id='x'", ' title="&amp;&lt;&quot;"', ' title="a>b"', " data-x", " a=b", " A=\"B\"", ' x=""',
    ' x==""', " :y='1'", ' id="h&#x31;"', "\u200b", "一 二",
])


@settings(max_examples=1500, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
@example('<p\vclass="a">x</p\v>')  # HTML's spaces are five; Python's \s knows more
@example('<a x="1"\u3000y="2">&amp;</a>')
@example("<br\f/><hr\n\t/>")
@example("<!-- a -- > b -->")  # a comment ends at the first "--" before a ">"
@example("<!-- a --->")
@example("<!---->")
def test_quick_feed_makes_the_calls_html_parser_makes(document):
    assert calls(Quick, document) == calls(Slow, document)


RICH_MARKDOWN = """\
# 劳动合同 & 工资

第一段，含 **粗体**、*斜体*、`代码 <b>` 与 [链接](https://example.org/?a=1&b=2 "标题")。

!!! note "温馨提示"
    可拨打 12333。

| 事项 | 期限 |
| --- | --- |
| 申请仲裁 | 一年 |

- 第一项
- 第二项

```python
print("<script>&amp;")
```

<!-- pufa:body-end -->

## 第二节 {: #second .wide data-search-exclude }

1. 甲
2. 乙

???+ info "展开"
    内容
"""


def test_the_html_mkdocs_writes_for_a_page_is_read_without_html_parser():
    html = markdown.markdown(RICH_MARKDOWN, extensions=["toc", "admonition", "attr_list", "md_in_html", "tables",
                                                        "pymdownx.details", "pymdownx.superfences"])
    assert _events(html) is not None
    assert calls(Quick, html) == calls(Slow, html)


@settings(max_examples=800, deadline=None)
@given(st.lists(_PIECES, max_size=20).map("".join), st.lists(_PIECES, max_size=20).map("".join))
def test_a_document_fed_in_two_parts_is_read_as_html_parser_reads_it(first, second):
    assert calls(Quick, first, second) == calls(Slow, first, second)


def test_a_character_reference_cut_by_the_end_of_a_part_is_read_whole():
    assert calls(Quick, "<p>a&am", "p;b</p>") == calls(Slow, "<p>a&amp;b</p>")


_BODY_PIECES = st.sampled_from([
    "<p>", "</p>", "<div>", "</div>", "<table>", "<br/>", "<img", "<script>", "</script>", "<iframe", "<style>", "<svg",
    "<a", "</a>", ">", "/>", ' href="javascript:alert(1)"', ' href="/x/"', " href=javascript:x", ' src="a.png"',
    ' src="https://x.example/a.png"', ' onclick="x()"', " onerror=x", ' style="color:red"', ' style="text-align:center"',
    ' class="a"', ' title="&quot;&lt;"', " ", "\n", "\u3000", "正文", "&amp;", "&", "<!-- x -->", "<!--", "-->", "<",
])


@settings(max_examples=800, deadline=None)
@given(st.lists(_BODY_PIECES, max_size=25).map("".join))
def test_a_body_read_quickly_is_refused_and_allowed_as_html_parser_reads_it(html):
    """The body policy's inspector with QuickFeed before it finds what it finds without."""
    from pufa.content import body

    def checks(inspector_class):
        inspector = inspector_class()
        inspector.feed(html)
        inspector.close()
        return inspector.problems

    assert body.body_checks(html) == checks(body._QuickInspector) == checks(body._Inspector)
