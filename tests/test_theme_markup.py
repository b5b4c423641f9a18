"""The repairs to Material's markup: what they change, and that looking only at the tags that
hold a repair's word changes exactly what looking at every tag would."""

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from pufa.site.theme_markup import SEARCH_NAME, _attributes, _without, repair_theme_markup

THEME = (
    '<input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer" autocomplete="off">'
    '<label class="md-header__button md-icon" for="__drawer"></label>'
    '<label class="md-header__button md-icon" for="__toc"></label>'
    '<div class="md-search" data-md-component="search" role="dialog">'
)


def test_the_theme_markup_is_repaired_and_nothing_else_changes():
    repaired = repair_theme_markup(THEME + "<p>正文</p>")
    assert repaired == (
        '<input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer">'
        '<label class="md-header__button md-icon" for="__drawer"></label>'
        '<label class="md-header__button md-icon"></label>'
        f'<div class="md-search" data-md-component="search" role="dialog" aria-label="{SEARCH_NAME}">'
        "<p>正文</p>"
    )
    assert repair_theme_markup(repaired) == repaired


def test_a_tag_written_inside_another_tags_attribute_is_left_alone():
    html = '<div title="<label for=nowhere>">x</div><label for="nowhere">y</label>'
    assert repair_theme_markup(html) == '<div title="<label for=nowhere>">x</div><label>y</label>'


_EVERY_TAG = re.compile(r"<(input|label|div)\b[^>]*>", re.IGNORECASE)


def _repaired_tag_by_tag(html: str) -> str:
    """The repairs as specified: every start tag looked at in turn, from the page's start."""
    ids = set(re.findall(r'\sid\s*=\s*["\']?([^"\'\s>]+)', html))

    def repair(match: re.Match[str]) -> str:
        tag, name = match.group(0), match.group(1).lower()
        attributes = _attributes(tag)
        if name == "input" and attributes.get("type", "").lower() == "checkbox" and "autocomplete" in attributes:
            return _without(tag, "autocomplete")
        if name == "label" and "for" in attributes and attributes["for"] not in ids:
            return _without(tag, "for")
        if (name == "div" and attributes.get("role") == "dialog" and "aria-label" not in attributes
                and "aria-labelledby" not in attributes and "md-search" in attributes.get("class", "").split()):
            return tag[:-1] + f' aria-label="{SEARCH_NAME}">'
        return tag

    return _EVERY_TAG.sub(repair, html)


_PIECES = st.sampled_from([
    "<input", "<INPUT", "<label", "<Label", "<div", "<DIV", "<divx", "<p", ">", "/>", " ", '"', "'", "=",
    ' type="checkbox"', " type=CHECKBOX", ' autocomplete="off"', " AutoComplete", ' for="a"', " for=b", " FOR='a'",
    ' id="a"', " id=b", ' role="dialog"', " role=dialog", ' class="md-search x"', " class=md-search",
    ' aria-label="名"', " aria-labelledby=a", "dialog", "for", "autocomplete", "文", "\n",
    "id", "id=", ' id="', '"a"', "\tid=a", " id ='a'", "data-id=", "\u3000", " id=\"a'b\"", ' id="a b"', ' id="a>"', ' id=""',
    " for='a\"b'", ' id="a"b"', ' id="ab"', " for='a b'", ' for="a>b"', " for=''", ' id="a', "a",
])


@settings(max_examples=1000, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
@example('<label for="a"></label><p\u3000id="a">')  # an id after a space HTML does not know as one
@example('<label for="a"></label><p id="a b">')
@example('<label for="a"></label><p id="a\u3000b">')
@example('<label for="a"></label><p id="x" data-id=a>')
@example('<label for="a"></label><p id ="a">')
@example('<label for=\'a"b\'></label><p id="a"b">')  # a value holding a quote is no id
@example('<label for="a"></label><p id="ab">')  # nor is the start of a longer one
@example('<label for="a"></label><p id="a')  # an id may run to the page's end
def test_the_repairs_change_what_looking_at_every_tag_would(html):
    assert repair_theme_markup(html) == _repaired_tag_by_tag(html)
