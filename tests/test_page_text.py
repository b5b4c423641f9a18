"""Property: whatever text an editor or an import supplies, a generated page shows exactly
that text (on one line) and no element or attribute comes from it, in every kind of place
the templates put values: a Markdown paragraph, link text, a heading, a Markdown table cell,
raw HTML, an attribute, an md_in_html table, and an island (raw HTML kept out of Markdown
and put back after conversion)."""

from __future__ import annotations

from html.parser import HTMLParser

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st

from pufa.site.markdown_tables import TableCaptions
from pufa.site.render import ISLAND_END, ISLAND_START, Renderer, one_line

EXTENSIONS = ["admonition", "attr_list", "md_in_html", "tables", TableCaptions()]
PIECES = list("<>&\"'`*_[]()|{}#:=!+-.~^\\/ \n\r\t") + ["工资", "{:", "onclick=", "&lt;", "&#42;", "1.", "- ", "# ", "!!!",
                                                          ISLAND_START, ISLAND_END, "0" * 24]
MARKUP_HEAVY = st.lists(st.sampled_from(PIECES), max_size=20).map("".join)
TEXT = st.one_of(MARKUP_HEAVY, st.text(max_size=40))
PLACES = {
    "paragraph": ("{{ v }}\n", ["p"]),
    "link": ("[{{ v }}](/a.md)\n", ["p", "a"]),
    "heading": ("## {{ v }}\n", ["h2"]),
    "table cell": ("| 列 |\n| --- |\n| {{ v }} |\n", ["table", "thead", "tr", "th", "tbody", "tr", "td"]),
    "raw html": ('<table>\n<tr><td title="{{ v }}">{{ v }}</td></tr>\n</table>\n', ["table", "tr", "td"]),
    "md_in_html": ('<table markdown>\n<caption>{{ v }}</caption>\n<tbody markdown>\n<tr markdown><td markdown="span">'
                   "[{{ v }}](/a.md)</td><td>{{ v }}</td></tr>\n</tbody>\n</table>\n",
                   ["table", "caption", "tbody", "tr", "td", "a", "td"]),
    "island": ('{% filter island %}\n<div class="x" title="{{ v }}">\n<p>{{ v }}</p>\n</div>\n{% endfilter %}\n',
               ["div", "p"]),
}


class Elements(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[dict[str, str | None]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.append(dict(attrs))

    def handle_data(self, data):
        if data.strip():
            self.text.append(data.strip())


@settings(max_examples=150, deadline=None)
@given(value=TEXT)
def test_any_value_is_shown_as_itself_and_adds_no_markup(value):
    renderer = Renderer()
    expected = one_line(value).strip()
    for place, (source, tags) in PLACES.items():
        page = renderer.render_source(source, v=value)
        assert page.count(ISLAND_START) == (place == "island"), "only an island's placeholder holds the mark"
        html = renderer.restore_islands(markdown.markdown(page, extensions=EXTENSIONS))
        found = Elements(html)
        structure = tags if expected or place != "paragraph" else []
        assert [t for t in found.tags if t not in ("colgroup",)] == structure, (place, html)
        for attrs in found.attrs:
            own = {"class": "x"} if place == "island" and "class" in attrs else {}  # the template's, not the value's
            assert set(attrs) - set(own) <= {"href", "title"} and all(attrs[k] == v for k, v in own.items()), (place, html)
        if expected:
            shown = [" ".join(text.split()) for text in found.text if text != "列"]
            assert shown and all(text == " ".join(expected.split()) for text in shown), (place, html)
        if place in ("raw html", "island"):
            cell = found.attrs[2 if place == "raw html" else 0]
            assert " ".join((cell.get("title") or "").split()) == " ".join(expected.split())
