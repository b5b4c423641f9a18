"""MkDocs adapter: forwards MkDocs' events to pufa's SiteBuild, which decides everything.

MkDocs does not re-import hooks between `mkdocs serve` rebuilds, so the build is made anew
in on_config; only the command name (fixed for the process) is kept. Bad content or settings
(PufaError) fail the build with pufa's message; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from contextlib import contextmanager

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel

from pufa.shared.errors import PufaError
from pufa.site.build import SiteBuild

_command = "build"
_build: SiteBuild | None = None


@contextmanager
def _reported():
    try:
        yield
    except PufaError as exc:
        raise PluginError(str(exc)) from None


def on_startup(command: str, dirty: bool) -> None:
    global _command
    _command = command


def on_config(config):
    global _build
    _build = None
    with _reported():
        _build = SiteBuild.from_mkdocs(config, _command)
        _build.register_search_words()
    return config


def on_files(files: Files, config) -> Files:
    with _reported():
        generated = _build.generated_files(file.src_uri for file in files)
    for item in generated:
        inclusion = InclusionLevel.UNDEFINED if item.in_nav else InclusionLevel.NOT_IN_NAV
        source = str(item.source) if item.source else None
        files.append(File.generated(config, item.src_uri, content=item.content, abs_src_path=source, inclusion=inclusion))
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    page.meta = _build.page_meta(page.meta)  # Material prints title and description unescaped
    return _build.fill_markers(markdown)


def on_page_content(html: str, page, config, files) -> str:
    _build.collect_html(page.file.src_uri, html)
    return html


def on_env(env, config, files):
    """Every page is rendered by now and nothing is written yet: fill in the feeds."""
    with _reported():
        for path, text in _build.feed_files().items():
            files.get_file_from_path(path).content_string = text
    return env


def on_page_context(context, page, config, nav):
    context.update(_build.page_context(page.file.src_uri))
    return context


def on_post_build(config) -> None:
    """Runs after Material's search plugin has written its index (hooks come after plugins)."""
    with _reported():
        _build.finish(config.site_dir)
