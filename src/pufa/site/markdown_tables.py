"""Markdown extension: treat <caption> as a block, so generated tables can hold checked links.

Generated tables that link to other pages are parsed with md_in_html (``markdown`` on the
table, body and rows), so their links are Markdown links to docs paths that MkDocs checks
and makes relative. Python-Markdown does not count <caption> as a block element and would
wrap it in <p> (invalid HTML); this extension adds it. Listed in mkdocs.yml.
"""

from __future__ import annotations

from markdown import Markdown
from markdown.extensions import Extension


class TableCaptions(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        if "caption" not in md.block_level_elements:
            md.block_level_elements.append("caption")


def makeExtension(**kwargs: object) -> TableCaptions:
    return TableCaptions(**kwargs)
