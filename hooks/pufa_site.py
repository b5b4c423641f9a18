"""MkDocs adapter: forwards MkDocs' events to pufa's SiteBuild, which decides everything; a
PufaError is bad input, reported without a traceback."""

from contextlib import contextmanager

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.toc import get_toc

from pufa.shared.errors import PufaError
from pufa.site.build import SiteBuild

_startup, _build = {"command": "build", "dirty": False}, None  # not re-imported between `mkdocs serve` rebuilds: on_config builds anew
on_post_template = SiteBuild.finish_template  # 404.html as written, repaired


@contextmanager
def _reported():
    try:
        yield
    except PufaError as exc:
        raise PluginError(str(exc)) from None


def on_startup(command: str, dirty: bool) -> None:
    _startup.update(command=command, dirty=dirty)


def on_config(config):
    global _build
    _build = None
    with _reported():
        _build = SiteBuild.from_mkdocs(config, **_startup)
        _build.register_search_words()
    search_index = getattr(config.plugins.get("material/search"), "search_index", None)
    if search_index is not None:  # Material's search, enabled
        _build.remember_search_entries(search_index)
    return config


def on_files(files: Files, config) -> Files:
    with _reported():
        generated = _build.generated_files(file.src_uri for file in files)
    for item in generated:  # pages outside the nav: 2,000 articles listed on every page once made 1.3 GB
        inclusion = InclusionLevel.UNDEFINED if item.in_nav else InclusionLevel.NOT_IN_NAV
        files.append(File.generated(config, item.src_uri, content=item.content, inclusion=inclusion,
                                    abs_src_path=str(item.source) if item.source else None))
    _build.start_pages(files, config)
    return files


def on_nav(nav, config, files):  # every page is made by now, and none converted yet
    _build.convert_pages((file.page for file in files.documentation_pages()), config, files, get_toc)
    return nav


def on_page_markdown(markdown: str, page, config, files) -> str:
    page.meta = _build.page_meta(page.meta)  # Material prints title and description unescaped
    return _build.fill_markers(markdown, page.file.src_uri)


def on_page_content(html: str, page, config, files) -> str:
    return _build.collect_html(page.file.src_uri, html)


def on_env(env, config, files):  # every page converted, none written: fill in the feeds, reuse renderings
    with _reported():
        for path, text in _build.finish_rendering((f.page for f in files.documentation_pages()), env, config).items():
            files.get_file_from_path(path).content_string = text
    return env


def on_post_page(output: str, page, config) -> str:  # every page as written, repaired and scanned meanwhile
    return _build.finish_page(output, page.file.dest_uri)


def on_page_context(context, page, config, nav):
    return _build.page_context(page.file.src_uri, context)


def on_build_error(error) -> None:
    if _build is not None:
        _build.build_failed()


def on_post_build(config) -> None:  # after Material's search plugin wrote its index
    with _reported():
        _build.finish(config.site_dir)
