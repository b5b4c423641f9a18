"""Links in raw HTML of generated pages are written as MkDocs writes a Markdown link."""

from __future__ import annotations

import pytest
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
