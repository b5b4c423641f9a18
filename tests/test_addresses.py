"""Links in raw HTML of generated pages are written as MkDocs writes a Markdown link."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.structure.files import File

from pufa.site.addresses import relative_url

PAGES = ["index.md", "ketang/index.md", "ketang/page/2.md", "ketang/2023/yi.md", "anli/2024/er.md", "topics/index.md",
         "topics/gongzi-zhifu.md", "laws/laodong-fa.md", "archive.md", "disclosure/2023-001.md", "subscribe.md"]


@pytest.mark.parametrize("directory_urls", [True, False])
def test_every_link_between_pages_is_the_one_mkdocs_writes(directory_urls):
    files = {uri: File(uri, src_dir="docs", dest_dir="site", use_directory_urls=directory_urls) for uri in PAGES}
    for here in PAGES:
        for there in PAGES:
            expected = files[there].url_relative_to(files[here])
            assert relative_url(here, there, directory_urls) == expected, (here, there)
            assert relative_url(here, there + "#tiao-8", directory_urls) == expected + "#tiao-8"


SEGMENT = st.sampled_from(["ketang", "2023", "yi", "a", "index.md", "index", "page", "topics", "gongzi-zhifu"])
SOURCE = st.lists(SEGMENT, min_size=1, max_size=5).map(lambda parts: "/".join(parts[:-1] + [parts[-1].removesuffix(".md") + ".md"]))


@settings(max_examples=500, deadline=None)
@given(here=SOURCE, there=SOURCE, directory_urls=st.booleans())
def test_any_link_between_two_pages_is_the_one_mkdocs_writes(here, there, directory_urls):
    """The links are worked out from path segments, not by posixpath.relpath: the same as
    MkDocs for any two pages, however deep and however alike their paths."""
    files = {uri: File(uri, src_dir="docs", dest_dir="site", use_directory_urls=directory_urls) for uri in {here, there}}
    assert relative_url(here, there, directory_urls) == files[there].url_relative_to(files[here]), (here, there)
