"""MkDocs adapter for the pufa core: adds the generated pages and the articles' images.

Thin on purpose: loading, validation and rendering live in src/pufa/. MkDocs does not
re-import hooks between `mkdocs serve` rebuilds, so everything built from content is
recomputed in on_config; only the command name (fixed for the process) is kept.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel

from pufa import clock, search
from pufa.errors import ContentError
from pufa.files import write_atomic
from pufa.pages import PageRenderer
from pufa.site import load_site

HOME_MARKER = "<!-- pufa:latest -->"
_command = "build"
_renderer: PageRenderer | None = None


def on_startup(command: str, dirty: bool) -> None:
    global _command
    _command = command


def on_config(config):
    """Load and validate all content; any problem fails the build with one message."""
    global _renderer
    _renderer = None
    try:
        import jieba  # Material silently skips Chinese segmentation without it
    except ImportError:
        raise PluginError("缺少 jieba：中文搜索无法分词。请运行 make serve 或 pip install -e . 安装依赖。") from None
    root = Path(config.config_file_path).parent
    try:
        site = load_site(root)
        today = clock.today()
    except (ContentError, clock.ClockError) as exc:
        raise PluginError(str(exc)) from None
    for word in search.search_terms(site.registries, root / "data" / "search_terms.txt"):
        jieba.add_word(word)  # Material's search segments with this same jieba instance
    # `mkdocs serve` is the editors' preview: drafts and scheduled articles show, with a banner.
    _renderer = PageRenderer(site, today, preview=_command == "serve")
    return config


def on_files(files: Files, config) -> Files:
    assert _renderer is not None
    for page in _renderer.pages():
        inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
        files.append(File.generated(config, page.src_uri, content=page.content, inclusion=inclusion))
    for asset in _renderer.site.assets:
        files.append(File.generated(config, asset.src_uri, abs_src_path=str(asset.path)))
    return files


def on_post_build(config) -> None:
    """Runs after Material's search plugin has written its index (hooks come after plugins)."""
    index = Path(config.site_dir) / "search" / "search_index.json"
    if index.is_file():
        write_atomic(index, search.compact_index(index.read_text(encoding="utf-8")))


def on_page_markdown(markdown: str, page, config, files) -> str:
    if HOME_MARKER in markdown and _renderer is not None:
        return markdown.replace(HOME_MARKER, _renderer.home_latest())
    return markdown
