"""One site build, computed once from the content, with the small interface the MkDocs hook uses.

The hook forwards MkDocs' events and knows nothing deeper; what to add, what to fill in and
what to refuse is decided here, so the rules stay testable without MkDocs. The interface:
``from_mkdocs`` (read the settings), ``generated_files``, ``fill_markers``, ``collect_html``,
``finish_rendering``, ``page_meta``, ``page_context``, ``search_words`` and ``finish``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from markupsafe import escape

from pufa.content import search
from pufa.content.body import (
    are_check_lists,
    body_checks,
    checks_as_lists,
    checks_from_lists,
    located_problems,
    resolve_images,
    sanitize,
    site_path,
)
from pufa.content.corpus import Site, load_site
from pufa.disclosure.loading import load_disclosure
from pufa.disclosure.pages import DisclosurePages, disclosure_feed
from pufa.privacy import scanner
from pufa.privacy.masking import masking_memo
from pufa.privacy.sources import load_allowed_numbers, where_written
from pufa.shared import clock
from pufa.shared.ahead import Ahead, stop_all
from pufa.shared.cache import Memo, content_hash, folder_stamp, library_versions
from pufa.shared.errors import ContentError, Problem, PufaError
from pufa.shared.files import WriteError, unfinished_change
from pufa.shared.output import Page
from pufa.shared.segmenter import release_stock_tagger
from pufa.shared.timing import log, timed
from pufa.site import feeds
from pufa.site.addresses import output_path, page_address  # noqa: F401 (page_address: part of this module's interface)
from pufa.site.conversions import Conversions
from pufa.site.pages import STATUS_LABELS, PageRenderer
from pufa.site.render import ISLAND_START, Renderer
from pufa.site.partials import SharedPartials
from pufa.site import places
from pufa.site.renderings import RememberedRenderings
from pufa.site.theme_markup import repair_theme_markup
from pufa.stats.pages import StatsPages
from pufa.stats.report import build_report
from pufa.stats.store import read_store

SOURCE_FOLDERS = ("articles", "data")
"""Everything the generated pages are made from, besides the settings, the day and the code."""
MARKERS = {"<!-- pufa:latest -->": "home_latest", "<!-- pufa:feeds -->": "subscribe_list"}
"""Where hand-written pages (the home page, /subscribe/) ask for a generated list."""
TEXT_META = ("title", "description", "author", "subtitle")
"""Front matter the theme prints as text (in <head>, the header, the navigation)."""
IDENTIFIER_META = ("template",)
"""Front matter the theme uses as a name, never prints: left as written."""


@dataclass(frozen=True)
class SiteConfig:
    """The parts of mkdocs.yml the core needs."""

    site_url: str | None
    site_name: str
    description: str | None
    publisher: str
    feed_items: object = feeds.DEFAULT_ITEMS
    directory_urls: bool = True
    search_dictionaries: bool = False
    """Whether Material's search loads a jieba dictionary of its own (jieba_dict, jieba_dict_user)."""

    @classmethod
    def from_mkdocs(cls, config: Mapping[str, Any]) -> SiteConfig:
        """From MkDocs' configuration (a mapping); the footer's 主办单位 publishes the feeds."""
        extra = config.get("extra") or {}
        return cls(
            config.get("site_url"),  # `mkdocs serve` has rewritten it to the local address; feeds say so
            config["site_name"],
            config.get("site_description"),
            (extra.get("government") or {}).get("sponsor", config["site_name"]),
            (extra.get("feeds") or {}).get("items", feeds.DEFAULT_ITEMS),
            bool(config.get("use_directory_urls", True)),
            _search_loads_dictionaries(config),
        )


def _search_loads_dictionaries(config: Mapping[str, Any]) -> bool:
    """Whether Material's search is set to load jieba dictionaries of its own: in MkDocs' loaded
    configuration (plugin objects by name), or in mkdocs.yml as written (`pufa check`: a list)."""
    plugins = config.get("plugins") or {}
    if isinstance(plugins, Mapping):
        settings = getattr(plugins.get("material/search"), "config", None) or {}
    else:
        found = [entry for entry in plugins if isinstance(entry, Mapping) and ({"search", "material/search"} & entry.keys())]
        settings = next(iter(found[0].values()), None) if found else None
    settings = settings if isinstance(settings, Mapping) else {}
    return bool(settings.get("jieba_dict") or settings.get("jieba_dict_user"))


@dataclass(frozen=True)
class GeneratedFile:
    """A file the build adds to the site: a page or data file (``content``) or a file copied
    from beside the articles (``source``). ``origin`` says where it comes from, for messages."""

    src_uri: str
    content: str | None = None
    source: Path | None = None
    in_nav: bool = False
    origin: str = "pufa 生成"


def _escaped(value: Any) -> Any:
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, list):
        return [_escaped(item) for item in value]
    if isinstance(value, dict):
        return {key: _escaped(item) for key, item in value.items()}
    return value


def _is_kept_pages(value: Any) -> bool:
    """The shape ``_rendered_site_pages`` keeps: [[source path, Markdown, in nav], ...] and
    the islands by name."""
    return (isinstance(value, list) and len(value) == 2 and isinstance(value[0], list) and isinstance(value[1], dict)
            and all(isinstance(page, list) and len(page) == 3 and isinstance(page[0], str) and isinstance(page[1], str)
                    and isinstance(page[2], bool) for page in value[0])
            and all(isinstance(html, str) for html in value[1].values()))


def _forget_markdown(pages: Iterable[Any]) -> None:
    """Let go of each page's Markdown, and of a generated page's source text, once every page
    is converted: MkDocs and Material read neither after that, and every generated page's
    text would otherwise sit in memory to the end of the build. ("", not None: MkDocs' Page.title
    stays as it was; a page `mkdocs serve --dirty` did not read keeps its None.)"""
    for page in pages:
        if page.markdown is not None:
            page.markdown = ""
            if page.file.generated_by:
                page.file.content_string = ""


_keeping: threading.Thread | None = None
"""`mkdocs serve`: the caches of the last build being saved, after MkDocs said it was built."""


def keep_in_background(work: Callable[[], None]) -> None:
    """Run ``work`` (saving a `mkdocs serve` build's caches) in a thread: the browser reloads the
    page without waiting the second it takes. The next build waits for it before it reads a
    cache (``wait_for_caches``), and so does the end of the program (the thread is not a daemon)."""
    global _keeping
    wait_for_caches()
    _keeping = threading.Thread(target=work, name="pufa-keep-caches")
    _keeping.start()


def wait_for_caches() -> None:
    """Until the last build's caches are saved, if they are being saved."""
    global _keeping
    if _keeping is not None:
        _keeping.join()
        _keeping = None


class PrivacyError(PufaError):
    """The built site holds personal data; the message lists where (masked)."""


class CollisionError(PufaError):
    """A generated file would silently replace a hand-written one."""


class SiteBuild:
    """One build: the loaded content, the pages to add, the feeds to fill in and the reads.

    ``preview`` is `mkdocs serve`: drafts and scheduled articles show, and the feeds say
    they come from a local preview. Raises PufaError subclasses for bad content or settings."""

    def __init__(self, root: Path, today: date, preview: bool, config: SiteConfig):
        self.root = root
        self.preview = preview
        self.directory_urls = config.directory_urls
        if unfinished_change(root / "data"):
            raise WriteError("data/ 中有一次被中断的导入尚未完成，不能构建：请先运行 pufa check，它会完成这次写入。")
        self._sources_stamp = folder_stamp(root, *SOURCE_FOLDERS)  # before anything is read: see _rendered_site_pages
        self.today = today
        self._names = masking_memo().load(root)
        with timed("载入公示记录"):
            self.disclosure = load_disclosure(root / "data", root, today, self._names)
            problems: list[Problem] = []
            self.allowed_numbers = load_allowed_numbers(root / "data", root, problems)
        if problems:
            raise ContentError(problems)
        # Masking names in what the disclosure pages show is the slowest of pufa's steps (jieba's
        # tagger loads 165 MB): a helper does it on the other core until generated_files, from
        # before the articles are loaded.
        self._masking = Ahead(["shown texts"], self._masked_in_helper)
        with timed("载入文章"):
            self.site: Site = load_site(root)
        settings = feeds.settings_from(
            config.site_url, config.site_name, config.description, config.publisher, config.feed_items, preview
        )
        with timed("规划订阅源"):
            planned = feeds.plan_feeds(self.site, today, settings.site_name, settings.description)
            self.syndication = feeds.Syndication(planned, settings, today)  # the disclosure feed: generated_files
        columns = list(self.site.registries.columns)
        with timed("阅读统计"):
            snapshots = read_store(root / "data" / "stats" / "reads.csv", keep=preview).values()
            self.reading = build_report(snapshots, self.site.visible(today, preview), columns, today)
        self._templates = renderer = Renderer(STATUS_LABELS=STATUS_LABELS)
        self.renderer = PageRenderer(self.site, today, preview, self.syndication, self.reading, renderer,
                                     config.directory_urls)
        # The article, column and index pages, kept whole: they are made from nothing but
        # articles/ and data/, the build day, preview or not, the settings, pufa's code and
        # the libraries that shape them (pypinyin orders the topic and audience indexes).
        self._site_pages_settings = content_hash(today.isoformat(), str(preview), repr(config))
        self._site_pages_key = content_hash(self._site_pages_settings, self._sources_stamp)
        self._site_pages = Memo("generated-pages", library_versions("Jinja2", "MarkupSafe", "pydantic", "PyYAML", "pypinyin"),
                                _is_kept_pages, large=True).load(root, wanted=self._site_pages_key)
        # Each article page, kept by everything it shows: for a build after an edit.
        self.article_pages_made = 0
        self._article_pages = Memo("article-pages", library_versions("Jinja2", "MarkupSafe"), lambda value: (
            isinstance(value, list) and len(value) == 2 and isinstance(value[0], str) and isinstance(value[1], dict)
            and all(isinstance(html, str) for html in value[1].values())), large=True)
        self.disclosure_pages = DisclosurePages(self.disclosure, renderer.render)
        self.stats_pages = StatsPages(self.reading, columns, renderer.render)
        self._articles = {article.src_uri: article for article in self.site.visible(today, preview)}
        self._body_problems: list[Problem] = []
        self._asset_paths = {asset.src_uri for asset in self.site.assets}
        self._segments: Memo | None = None
        self._entries: Memo | None = None
        self._search: search.RememberedEntries | None = None
        self._search_dictionaries = config.search_dictionaries
        self._clean_files: Memo | None = None
        # Each article body's checks and sanitised HTML, by the body: the same for the same HTML.
        self._bodies = Memo("published-bodies", library_versions("nh3"), lambda value: (
            isinstance(value, list) and len(value) == 2 and are_check_lists(value[0]) and isinstance(value[1], str))).load(root)
        self._page_scan: scanner.PageScan | None = None
        self.conversions: Conversions | None = None
        self._renderings: RememberedRenderings | None = None
        self._partials: SharedPartials | None = None
        self._dirty = False
        self._last_build: Path | None = None
        self._places = places.PlacesAhead(root, ())

    @classmethod
    def from_mkdocs(cls, config: Mapping[str, Any], command: str, dirty: bool = False) -> SiteBuild:
        """The build for MkDocs' configuration; ``command`` is build, serve or gh-deploy, ``dirty``
        whether MkDocs writes only the pages whose source is newer (``--dirty``)."""
        search.require_segmenter()
        wait_for_caches()
        stop_all()  # an earlier build's helpers, if it failed on the way
        if config.get("site_dir"):
            places.drop_left_over(config["site_dir"])
        root = Path(config["config_file_path"]).parent
        build = cls(root, clock.today(), preview=command == "serve", config=SiteConfig.from_mkdocs(config))
        build._dirty = dirty
        if not dirty and config.get("site_dir"):  # before MkDocs cleans it: its files are reused (see places.py)
            build._last_build = places.set_aside(config["site_dir"])
        return build

    def build_failed(self) -> None:
        """When MkDocs gives up on the build: stop the helpers (once the caches a `mkdocs serve`
        build saves in a thread are saved: that waits for the search helper), and leave no
        empty page behind."""
        wait_for_caches()
        stop_all()
        self._places.finish()
        if self._last_build is not None:  # failed before the pages were known: nothing of it stays
            places.remove(self._last_build)

    def generated_files(self, hand_written: Iterable[str] = ()) -> list[GeneratedFile]:
        """Every page, data file, article image and (empty, filled in later) feed file to add.
        A generated file that would land where a hand-written file of docs/ lands (the same
        source path, or x.md beside x/index.md) is an error naming both."""
        with timed("生成页面"):
            pages = self._rendered_site_pages()
        with timed("公示遮盖"):
            self._take_masked_texts()
            pages += self.disclosure_pages.pages()
        pages += self.stats_pages.pages()
        if not self.preview:  # complete: the pages hold what they need of it (`mkdocs serve` saves after the build)
            self._site_pages.save_and_release(self.root)
            self._article_pages.save_and_release(self.root)
        release_stock_tagger()  # everything published is masked by now
        articles = {article.src_uri: article.source for article in self.site.articles}
        files = [
            GeneratedFile(p.src_uri, p.content, in_nav=p.in_nav, origin=str(articles.get(p.src_uri, "pufa 生成的页面")))
            for p in pages
        ]
        files += [GeneratedFile(d.src_uri, d.content, origin="pufa 生成的开放数据") for d in self.disclosure_pages.data_files()]
        files += [GeneratedFile(a.src_uri, source=a.path, origin=str(a.path.relative_to(self.root))) for a in self.site.assets]
        files += [GeneratedFile(path, "", origin="pufa 生成的订阅源") for path in self.syndication.file_paths()]
        taken = {output_path(uri, self.directory_urls): uri for uri in hand_written}
        clashes = [(taken[output_path(f.src_uri, self.directory_urls)], f) for f in files
                   if output_path(f.src_uri, self.directory_urls) in taken]
        if clashes:
            listed = "\n".join(f"  docs/{uri} 与 {f.origin}（网站中的 {output_path(f.src_uri, self.directory_urls)}）"
                               for uri, f in clashes)
            raise CollisionError(
                f"手写页面与生成的文件路径相同，生成的文件会覆盖手写页面：\n{listed}\n"
                "请给 docs/ 中的文件改名或移走；栏目、主题、法规、公示等页面由 pufa 生成。"
            )
        return files

    def _masked_in_helper(self, _: str) -> dict[str, Any]:
        """In the helper: every text the disclosure pages and feed show, masked (see
        disclosure.lifecycle.shown_text), as the masking memo's entries."""
        self.disclosure.current
        self.disclosure.withdrawn()
        self.disclosure.listed()
        return self._names.used()

    def _take_masked_texts(self) -> None:
        """The helper's masked texts into the masking memo (what it did not send is masked
        here), and the disclosure feed, which shows them, added to the feeds."""
        if self._masking is None:
            return
        sent = self._masking.take("shown texts")
        if sent is not None:
            sent.replay()
        masked_texts = sent.result if sent is not None else {}
        for key, masked in masked_texts.items():
            self._names.put(key, masked)
        log.debug("pufa: 辅助进程遮盖了 %d 段文字", len(masked_texts))
        self._masking.close()
        self._masking = None
        self.syndication.add(disclosure_feed(self.disclosure, self.syndication.settings.site_name))

    def _rendered_site_pages(self) -> list[Page]:
        """The renderer's pages, as an earlier build with the same inputs made them (with
        the islands of raw HTML they hold), or else rendered now."""
        known = self._site_pages.lookup(self._site_pages_key)
        if known is not None:
            pages, islands = known
            self._templates.add_islands(islands)
            return [Page(src_uri, content, in_nav) for src_uri, content, in_nav in pages]
        self._article_pages.load(self.root)
        self.renderer.article_memo = self._article_page
        try:
            pages = self.renderer.pages()
        finally:
            self.renderer.article_memo = None
        log.debug("pufa: 文章页面重新生成了 %d 个，其余取自缓存", self.article_pages_made)
        self._site_pages.forget_known()
        # Kept only if no file changed while this build read them: else the pages may show
        # less than the files the key stands for.
        if folder_stamp(self.root, *SOURCE_FOLDERS) == self._sources_stamp:
            islands = self._templates.islands_in("".join(page.content for page in pages))
            self._site_pages.put(self._site_pages_key, [[[p.src_uri, p.content, p.in_nav] for p in pages], islands])
        return pages

    def _article_page(self, key: str, render: Callable[[], str]) -> str:
        """An article page's Markdown by its key (see PageRenderer.article_memo), with the
        islands of raw HTML it holds."""
        def made() -> list[Any]:
            self.article_pages_made += 1
            content = render()
            return [content, self._templates.islands_in(content)]

        content, islands = self._article_pages.get(content_hash(self._site_pages_settings, key), made)
        self._templates.add_islands(islands)
        return content

    def start_pages(self, files: Any, config: Mapping[str, Any]) -> None:
        """Once MkDocs' ``files`` are all known: take what earlier builds converted for them (see
        conversions.py), and have a child process make each page's folder and empty file before
        MkDocs writes it, reusing the last build's (see places.py; not in a ``--dirty`` build).
        ``config``: MkDocs'."""
        self.conversions = Conversions(Path(config["config_file_path"]), ((file.src_uri, file.url) for file in files))
        self.conversions.memo.load(self.root)
        if not self._dirty:
            self._places = places.PlacesAhead(config["site_dir"], [file.abs_dest_path for file in files.documentation_pages()],
                                              self._last_build)
            self._last_build = None

    def convert_pages(self, pages: Iterable[Any], config: Any, files: Any,
                      make_toc: Callable[[list[dict[str, Any]]], Any]) -> None:
        """Put conversions.Conversions.render in front of each of MkDocs' ``pages`` (before it
        converts any), in place of its ``Page.render``: the HTML an earlier build converted
        from the same Markdown with the same files and settings, or the helper process
        converted, or else Page.render itself (``make_toc``: MkDocs' get_toc)."""
        pages = list(pages)
        for page in pages:
            page.render = partial(self.conversions.render, page, make_toc)
        self.conversions.convert_ahead(pages, config, files)

    def fill_markers(self, markdown: str, src_uri: str = "index.md") -> str:
        """A hand-written page (``src_uri``: its path in docs/, which its links start from)
        with its markers replaced by the generated lists."""
        for marker, method in MARKERS.items():
            if marker in markdown:
                markdown = markdown.replace(marker, getattr(self.renderer, method)(src_uri))
        return markdown

    def collect_html(self, src_uri: str, html: str) -> str:
        """A rendered page as it may be published: an article's body checked against the
        body policy (problems are kept for ``finish_rendering``) and sanitised; the feeds
        that carry the body keep it. The raw HTML the templates kept out of Markdown goes back
        in around the body, never into it."""
        article = self._articles.get(src_uri)
        restore = self._templates.restore_islands
        start, end = html.find(feeds.BODY_START), html.find(feeds.BODY_END)
        found: list[Problem] = []
        if 0 <= start < end:
            head, tail = restore(html[:start]), restore(html[end:])
            html = head + html[start:end] + tail
            start, end = len(head), len(head) + end - start
            if article is not None:
                body = html[start + len(feeds.BODY_START) : end]
                checks, clean = self._bodies.get(content_hash(body), lambda: [checks_as_lists(body_checks(body)), sanitize(body)])
                found = located_problems(article, resolve_images(checks_from_lists(checks),
                                                                 lambda src: site_path(article.url, src) in self._asset_paths))
                html = html[: start + len(feeds.BODY_START)] + clean + html[end:]
        else:
            head = tail = html = restore(html)
        if not found and (ISLAND_START in head or ISLAND_START in tail):  # swallowed by what the body left open
            source = article.source if article is not None else Path("docs") / src_uri
            found = [Problem(source, "页面的生成部分没能放回：正文里可能有没有结束的 HTML 标签或代码块，把正文之后的内容都吞了进去；"
                                     "请检查正文的最后几段")]
        self._body_problems += found
        self.syndication.collect(src_uri, html)
        return html

    def finish_rendering(self, pages: Iterable[Any] = (), env: Any = None, config: Mapping[str, Any] | None = None) -> dict[str, str]:
        """Once every page is converted and nothing is written: refuse the build if a body
        holds what may not be published (naming article and line), else start indexing
        ``pages`` (MkDocs' pages, in the order it writes them) for search in a helper process,
        let the theme's templates (Jinja ``env``, of MkDocs' ``config``) take what earlier
        builds rendered (see renderings.py) and give every feed file's text by its path."""
        pages = list(pages)
        self._places.ready()  # MkDocs writes from now on
        if self._body_problems:
            if self._page_scan is not None:
                self._page_scan.close()
            stop_all()
            raise ContentError(self._body_problems)
        if self.conversions is not None:
            self.conversions.finish(self.root)  # every page is converted
        self._templates.forget_islands()  # every converted page has its islands back
        _forget_markdown(pages)
        if self._search is not None:
            self._search.index_ahead(pages, let_go=self._keep_only_search, keep_segments=self._keep_segments)
        if env is not None and config is not None:
            self._renderings = RememberedRenderings(self.root, Path(config["config_file_path"]),
                                                    getattr(config["theme"], "custom_dir", None), repair_theme_markup,
                                                    config.get("hooks") or ())
            self._renderings.remember(env, [page.meta.get("template", "main.html") for page in pages])
            self._partials = SharedPartials(env)
        with timed("写订阅源"):
            return self.syndication.render()

    @staticmethod
    def page_meta(meta: Mapping[str, Any]) -> dict[str, Any]:
        """Front matter made safe for Material, which prints title, description, subtitle,
        status and more without escaping: every string becomes escaped Markup (a template
        that escapes it again does not escape it twice, and the search index, which takes
        the page title, holds it escaped too); text written as a list or number becomes text."""
        safe: dict[str, Any] = {}
        for key, value in meta.items():
            if key in IDENTIFIER_META:
                safe[key] = value
            elif key in TEXT_META and not isinstance(value, str):
                safe[key] = escape(str(value))
            else:
                safe[key] = _escaped(value)
        return safe

    @staticmethod
    def finish_template(html: str, **_event: Any) -> str:
        """A page written from a theme template (404.html), with Material's invalid or unnamed
        controls repaired (``_event``: what MkDocs passes along, not needed)."""
        return repair_theme_markup(html)

    def finish_page(self, html: str, dest_uri: str) -> str:
        """A page as it will be written at ``dest_uri``, repaired as ``finish_template`` repairs
        one (unless its rendering was, see renderings.py), and given to the privacy scan,
        which runs beside the rest of the build."""
        if self._renderings is None or dest_uri not in self._renderings.finished:
            html = repair_theme_markup(html)
        if self._page_scan is None:
            self._clean_files = scanner.clean_files_memo(self._allowed_codes()).load(self.root)
            self._page_scan = scanner.PageScan(self._allowed_codes(), self._clean_files)
        self._page_scan.add(dest_uri, html.encode("utf-8", "xmlcharrefreplace"))  # as MkDocs writes it
        return html

    def _allowed_codes(self) -> set[str]:
        """Numbers the privacy scan accepts: the credit codes the disclosure pages must show, and
        data/privacy_allow.yml."""
        return self.disclosure.public_codes() | self.allowed_numbers

    def page_context(self, src_uri: str, context: dict[str, Any]) -> dict[str, Any]:
        """``context`` with what the theme overrides need for the page: the feeds it offers
        for autodiscovery."""
        context["pufa_feeds"] = [{"path": feed.path, "name": feed.name} for feed in self.syndication.feeds_for_page(src_uri)]
        return context

    def search_words(self) -> list[str]:
        """Words Chinese search must keep whole (registered with jieba by ``register_search_words``)."""
        return search.search_terms(self.site.registries, self.root / "data" / "search_terms.txt")

    def register_search_words(self) -> None:
        """Register the search words with the jieba dictionary Material's search segments with, and
        let its segmentation come from what earlier builds found (see search.remember_segmentation)."""
        words = self.search_words()
        search.register_words(words, stock_dictionary=not self._search_dictionaries)
        self._segments = search.segmentation_memo(words).load(self.root)
        search.remember_segmentation(self._segments)

    def remember_search_entries(self, index: Any) -> None:
        """Let Material's search ``index`` take each page's entries from what earlier builds
        made of the same page, or from a helper process (see search.RememberedEntries);
        after ``register_search_words``."""
        settings = getattr(index, "config", {})
        self._entries = search.entries_memo(self._segments, settings.get("separator")).load(self.root)
        self._search = search.RememberedEntries(index, self._entries, self._segments)

    def finish(self, site_dir: str | Path) -> None:
        """After MkDocs (and its search plugin) wrote everything: give jieba its own cut
        back, delete any file that holds personal data and fail
        with where it was, or else keep the remaining caches for the next build (those complete
        earlier were saved then: they hold only what the same sources give again, leak or not)."""
        search.forget_segmentation()
        if self.conversions is not None:
            self.conversions.close()
        self._places.finish()
        site_dir = Path(site_dir)
        if self._renderings is not None:
            log.debug("pufa: 主题模板渲染取自缓存的页面：%d 个", self._renderings.taken)
        if self._partials is not None:
            log.debug("pufa: 页头、标签栏和导航取自同一次构建中别的页面：%d 次", self._partials.shared)
        try:
            with timed("扫描个人信息"):
                self.delete_files_with_personal_data(site_dir)
        except BaseException:  # a rendering holds what its page holds: the scan reads every page, kept or not
            self._keep_caches()
            raise
        if self.preview:
            keep_in_background(self._keep_caches)
        else:
            self._keep_caches()

    def _keep_caches(self) -> None:
        """Save what this build adds to the caches (tens of megabytes of JSON, and the rendering
        pack put in place): for `mkdocs serve`, in a thread once the browser has the pages, the
        generated pages too (0.3 s of each rebuild after an edit at 2,000 articles)."""
        if self._renderings is not None:
            self._renderings.close()
        if self._search is None or not self._search.finish():  # else the search helper kept them
            self._keep_segments()
        for memo in (self._site_pages, self._article_pages, self._names, self._entries, self._clean_files, self._bodies):
            if memo is not None:
                memo.save(self.root)

    def _keep_only_search(self) -> None:
        """In the search helper, before it loads jieba's dictionary (60 MB): let go of all the
        build holds but the search memos. The helper starts as a copy of the build; what it
        frees here is room for the dictionary."""
        kept = {name: vars(self)[name] for name in ("root", "_segments", "_entries")}
        vars(self).clear()
        vars(self).update(kept)

    def _keep_segments(self) -> None:
        """Save the segmentation memo: in the build, or in the search helper that filled it."""
        if self._segments is not None:
            if self._entries is not None:
                self._segments.keep_known()  # pages indexed from the entries' memo asked jieba nothing
            self._segments.save(self.root)

    def delete_files_with_personal_data(self, site_dir: Path) -> None:
        """Raise PrivacyError if any page, feed or data file of the built site holds an ID,
        mobile or card number, after deleting those files so no deploy can pick them up."""
        allowed = self._allowed_codes()
        if self._clean_files is None:
            self._clean_files = scanner.clean_files_memo(allowed).load(self.root)
        pages = self._page_scan or scanner.PageScan(allowed, self._clean_files)
        others = scanner.scan_site(site_dir, allowed, clean=self._clean_files, scanned=pages.scanned,
                                   later=pages.add if pages.running else None)
        leaks = sorted(others + pages.leaks(), key=lambda leak: PurePosixPath(leak.page))  # the order of a walk
        if leaks:
            for page in {leak.page for leak in leaks}:
                (site_dir / page).unlink(missing_ok=True)
            sources = {leak.digits: "、".join(where_written(leak.digits, self.root)) or "未找到" for leak in leaks}
            listed = "\n".join(f"  {leak}（来源：{sources[leak.digits]}）" for leak in leaks)
            raise PrivacyError(
                f"构建结果中发现 {len(leaks)} 处疑似个人信息，已停止发布（号码已部分遮盖）：\n{listed}\n"
                "这些文件已从构建结果中删除。请删除或改写原文中的这些号码；12333 等服务热线不受影响。"
            )
