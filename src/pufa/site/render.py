"""The one Jinja environment that turns models into generated pages, escaping by default.

Autoescape is on, so every value a template prints is HTML-escaped unless Python marked
it as markup. Text that lands in Markdown also needs Markdown's own markup escaped
(``| md``), and text in YAML front matter is quoted (``| yaml``). Raw markup is marked
explicitly, in Python, with ``pufa.shared.output.trusted_markup`` and a reason; templates never use ``safe``.
"""

from __future__ import annotations

import json
import re

import jinja2
from markupsafe import Markup, escape

from pufa.shared.formats import cn_date, format_yuan, number

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|])")


def md_text(value: str) -> Markup:
    """Text safe to place in Markdown: HTML-escaped and with Markdown's markup escaped."""
    return Markup(_MARKDOWN_SPECIAL.sub(r"\\\1", str(escape(value))))


def yaml_value(value: str) -> Markup:
    """A string as a quoted YAML scalar for front matter (JSON strings are valid YAML).
    What Material prints from front matter is escaped when the page is rendered."""
    return Markup(json.dumps(value, ensure_ascii=False))


class Renderer:
    """Renders the templates under pufa/site/templates/ for one build."""

    def __init__(self, **globals: object):
        self._env = jinja2.Environment(
            loader=jinja2.PackageLoader("pufa.site", "templates"),
            autoescape=True,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
        )
        self._env.filters.update(cn_date=cn_date, md=md_text, number=number, yaml=yaml_value, yuan=format_yuan)
        self._env.globals.update(globals)

    def render(self, template: str, **context: object) -> str:
        return self._env.get_template(template).render(**context)
