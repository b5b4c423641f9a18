"""MkDocs adapter: forwards MkDocs' events to pufa's SiteBuild, which decides everything; a
PufaError is bad input, reported without a traceback."""

import logging
from contextlib import contextmanager

from mkdocs.exceptions import PluginError
from mkdocs.structure import pages
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.toc import get_toc

from pufa.shared.errors import PufaError
from pufa.site.build import SiteBuild
from pufa.site.conversions import Converted, warnings_logged

_command, _build = "build", None  # not re-imported between `mkdocs serve` rebuilds: on_config builds anew
on_post_page = on_post_template = SiteBuild.finish_page  # every page as written (404.html too), repaired


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
    search = config.plugins.get("material/search")
    if search is not None and getattr(search, "search_index", None) is not None:
        _build.remember_search_entries(search.search_index)
    return config


def on_files(files: Files, config) -> Files:
    with _reported():
        generated = _build.generated_files(file.src_uri for file in files)
    for item in generated:  # pages outside the nav: 2,000 articles listed on every page once made 1.3 GB
        inclusion = InclusionLevel.UNDEFINED if item.in_nav else InclusionLevel.NOT_IN_NAV
        files.append(File.generated(config, item.src_uri, content=item.content, inclusion=inclusion,
                                    abs_src_path=str(item.source) if item.source else None))
    _build.start_conversions(((file.src_uri, file.url) for file in files), config["config_file_path"])
    return files


def _toc_tokens(items) -> list[dict]:
    return [{"level": i.level, "id": i.id, "name": i.title, "children": _toc_tokens(i.children)} for i in items]


class _RememberedPage(pages.Page):
    """A page that takes the HTML an earlier build converted from the same Markdown, with the
    same files and settings (SiteBuild.conversions), and keeps what it converts anew."""

    def render(self, config, files):
        found = _build.conversions.find(self.file.src_uri, self.markdown)
        if found is None:
            with warnings_logged() as warnings:
                super().render(config, files)
            if not warnings.count:  # a warning must show (and fail a strict build) every time
                links = {file.src_uri: dict(anchors) for file, anchors in (self.links_to_anchors or {}).items()}
                _build.conversions.keep(self.file.src_uri, self.markdown, Converted(
                    content=self.content, toc=_toc_tokens(self.toc), title=self._title_from_render,
                    anchors=sorted(self.present_anchor_ids or ()), links=links))
            return
        self.content, self.toc, self._title_from_render = found["content"], get_toc(found["toc"]), found["title"]
        self.present_anchor_ids = set(found["anchors"])
        if pages.log.getEffectiveLevel() > logging.DEBUG:  # as Page.render does
            self.links_to_anchors = {files.get_file_from_path(src): anchors for src, anchors in found["links"].items()}


def on_nav(nav, config, files):
    for file in files.documentation_pages():
        file.page.__class__ = _RememberedPage  # every page is made (nav or not) and none converted yet
    return nav


def on_page_markdown(markdown: str, page, config, files) -> str:
    page.meta = _build.page_meta(page.meta)  # Material prints title and description unescaped
    return _build.fill_markers(markdown, page.file.src_uri)


def on_page_content(html: str, page, config, files) -> str:
    return _build.collect_html(page.file.src_uri, html)


def on_env(env, config, files):  # every page is rendered and nothing written yet: fill in the feeds
    with _reported():
        for path, text in _build.finish_rendering().items():
            files.get_file_from_path(path).content_string = text
    return env


def on_page_context(context, page, config, nav):
    return _build.page_context(page.file.src_uri, context)


def on_post_build(config) -> None:  # after Material's search plugin wrote its index
    with _reported():
        _build.finish(config.site_dir)
