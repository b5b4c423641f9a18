"""MkDocs adapter for the pufa core: adds the generated pages, files and feeds.

Thin on purpose: loading, validation, rendering and the privacy check live in src/pufa/
(see pufa.build). MkDocs does not re-import hooks between `mkdocs serve` rebuilds, so
everything built from content is recomputed in on_config; only the command name (fixed
for the process) is kept.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel

from pufa.content import search
from pufa.shared import clock
from pufa.shared.errors import ContentError
from pufa.shared.files import write_atomic
from pufa.site import feeds
from pufa.site.build import PrivacyError, SiteBuild, SiteConfig

MARKERS = {"<!-- pufa:latest -->": "home_latest", "<!-- pufa:feeds -->": "subscribe_list"}
_command = "build"
_build: SiteBuild | None = None


def on_startup(command: str, dirty: bool) -> None:
    global _command
    _command = command


def on_config(config):
    """Load and validate all content; any problem fails the build with one message."""
    global _build
    _build = None
    try:
        import jieba  # Material silently skips Chinese segmentation without it
    except ImportError:
        raise PluginError("缺少 jieba：中文搜索无法分词。请运行 make serve 或 pip install -e . 安装依赖。") from None
    root = Path(config.config_file_path).parent
    site_config = SiteConfig(
        config.site_url,  # `mkdocs serve` has rewritten it to the local address; feeds say so
        config.site_name,
        config.site_description,
        config.extra.get("government", {}).get("sponsor", config.site_name),
        config.extra.get("feeds", {}).get("items", feeds.DEFAULT_ITEMS),
    )
    try:
        _build = SiteBuild(root, clock.today(), preview=_command == "serve", config=site_config)
    except (ContentError, clock.ClockError, feeds.FeedError) as exc:
        raise PluginError(str(exc)) from None
    for word in search.search_terms(_build.site.registries, root / "data" / "search_terms.txt"):
        jieba.add_word(word)  # Material's search segments with this same jieba instance
    return config


def on_files(files: Files, config) -> Files:
    for page in _build.pages():
        inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
        files.append(File.generated(config, page.src_uri, content=page.content, inclusion=inclusion))
    for data in _build.data_files():
        files.append(File.generated(config, data.src_uri, content=data.content))
    for asset in _build.site.assets:
        files.append(File.generated(config, asset.src_uri, abs_src_path=str(asset.path)))
    for path in _build.syndication.file_paths():
        files.append(File.generated(config, path, content=""))  # filled in on_env, once pages are rendered
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    """Hand-written pages mark where generated lists go (the home page, /subscribe/)."""
    for marker, method in MARKERS.items():
        if marker in markdown:
            markdown = markdown.replace(marker, getattr(_build.renderer, method)())
    return markdown


def on_page_content(html: str, page, config, files) -> str:
    _build.syndication.collect(page.file.src_uri, html)
    return html


def on_env(env, config, files):
    """Every page is rendered by now and nothing is written yet: fill in the feeds."""
    try:
        rendered = _build.syndication.render()
    except feeds.FeedError as exc:
        raise PluginError(str(exc)) from None
    for path, text in rendered.items():
        files.get_file_from_path(path).content_string = text
    return env


def on_page_context(context, page, config, nav):
    context["pufa_feeds"] = _build.syndication.feeds_for_page(page.file.src_uri)
    return context


def on_post_build(config) -> None:
    """Runs after Material's search plugin has written its index (hooks come after plugins)."""
    site_dir = Path(config.site_dir)
    index = site_dir / "search" / "search_index.json"
    if index.is_file():
        write_atomic(index, search.compact_index(index.read_text(encoding="utf-8")))
    try:
        _build.check_privacy(site_dir)
    except PrivacyError as exc:
        raise PluginError(str(exc)) from None
