"""RSS 2.0, Atom 1.0 and JSON Feed 1.1 for the whole site, each column and each topic.

Feeds are how aggregators and the bureau's other channels pick up new articles, so they
must be stable: an item's id is its canonical URL (retitling an article does not make it
"new"), and two builds of the same content give the same bytes — no "now" anywhere, every
date comes from the articles. Only published articles appear, even in the editors'
preview, and a feed built by `mkdocs serve` says it is a local preview.

The full article HTML comes from MkDocs' own rendering (so it matches the page); this
module cuts the article body out of it and makes every link absolute.
This module alone imports feedgen.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Literal
from urllib.parse import urljoin

from feedgen.feed import FeedGenerator

from pufa.content.corpus import Site
from pufa.content.models import Article, Topic
from pufa.shared.clock import SHANGHAI
from pufa.shared.errors import PufaError

DEFAULT_ITEMS = 50
BODY_START = "<!-- pufa:body -->"
BODY_END = "<!-- pufa:body-end -->"
PREVIEW_PREFIX = "【本地预览，请勿转发】"


@dataclass(frozen=True)
class FeedFormat:
    filename: str
    label: str
    media_type: str


RSS = FeedFormat("feed.xml", "RSS", "application/rss+xml")
ATOM = FeedFormat("atom.xml", "Atom", "application/atom+xml")
JSON_FEED = FeedFormat("feed.json", "JSON Feed", "application/feed+json")
FORMATS = (RSS, ATOM, JSON_FEED)


@dataclass(frozen=True)
class FeedSettings:
    """What every feed shares: the canonical address and who publishes."""

    site_url: str
    site_name: str
    description: str
    publisher: str
    items: int = DEFAULT_ITEMS
    preview: bool = False

    def absolute(self, path: str) -> str:
        return urljoin(self.site_url, path)


@dataclass(frozen=True)
class Entry:
    """What a feed says about one page: an article, or a disclosed penalty decision."""

    src_uri: str  # the page's source, whose rendered body the feed carries
    path: str  # the page's URL path from the site root
    title: str
    published: date
    updated: date | None
    author: str
    summary: str
    tags: tuple[str, ...] = ()
    image: str | None = None  # site path of a cover image
    full_text: bool = True  # False: the feed carries the summary, not the page's body


def article_entry(article: Article) -> Entry:
    meta = article.meta
    image = None
    if meta.cover:  # named relative to the article's folder
        image = posixpath.normpath(f"{posixpath.dirname(article.src_uri)}/{meta.cover}")
    return Entry(
        article.src_uri, article.url, meta.title, meta.date, article.last_updated, meta.author, meta.summary,
        tuple(meta.topics), image,
    )


@dataclass(frozen=True)
class Feed:
    """One subject (the site, a column, a topic, the disclosures), offered in every format.

    ``path`` is the folder of both the feed files and the HTML page they mirror:
    "" for the site, "ketang/", "topics/gongzi-zhifu/"."""

    path: str
    kind: Literal["site", "column", "topic", "disclosure"]
    label: str  # short, for lists: "全站", "人社小课堂", "工资支付"
    name: str  # the feed's own title
    description: str
    entries: tuple[Entry, ...]

    def file_path(self, format: FeedFormat) -> str:
        return self.path + format.filename


class FeedError(PufaError):
    """Feeds cannot be built as configured; the message says what to fix."""


class Syndication:
    """The feeds of one build: planned before MkDocs renders, written after.

    MkDocs renders each page in between; ``collect`` keeps the bodies the feeds will carry."""

    def __init__(self, feeds: list[Feed], settings: FeedSettings, today: date):
        self.settings = settings
        self.today = today
        self.feeds = feeds
        self._sources = {entry.src_uri for feed in feeds for entry in feed.entries if entry.full_text}
        self._bodies: dict[str, str] = {}

    def add(self, feed: Feed) -> None:
        """A feed planned later than the others (the disclosure feed: its texts are masked
        meanwhile), listed last."""
        self.feeds.append(feed)
        self._sources |= {entry.src_uri for entry in feed.entries if entry.full_text}

    def file_paths(self) -> list[str]:
        return [feed.file_path(format) for feed in self.feeds for format in FORMATS]

    def collect(self, src_uri: str, page_html: str) -> None:
        if src_uri in self._sources:
            self._bodies[src_uri] = article_body(page_html, src_uri)

    def render(self) -> dict[str, str]:
        """Every feed file's text, keyed by its path in the built site."""
        files: dict[str, str] = {}
        newest = [entry.updated or entry.published for feed in self.feeds for entry in feed.entries]
        fallback = max(newest, default=self.today)  # only a site with nothing published uses today
        for feed in self.feeds:
            files.update(render_feed(feed, self.settings, self._bodies, fallback))
        return files

    def feeds_for_page(self, src_uri: str) -> list[Feed]:
        """The feeds a page offers for autodiscovery: the site's, plus its column's
        (any page under ``ketang/``) or its topic's (``topics/<slug>.md``)."""
        site_feed, *others = self.feeds
        own = [f for f in others if src_uri.startswith(f.path) or src_uri == f.path.rstrip("/") + ".md"]
        return [site_feed, *own]


def plan_feeds(site: Site, today: date, site_name: str, description: str) -> list[Feed]:
    """Which feeds exist: the site, every column, and every topic with a published article.

    Feeds never carry drafts or scheduled articles, even in the editors' preview."""
    published = site.visible(today, preview=False)
    feeds = [Feed("", "site", "全站", site_name, description, tuple(map(article_entry, published)))]
    for column in site.registries.columns:
        articles = tuple(map(article_entry, site.in_column(published, column)))
        feeds.append(Feed(
            f"{column.slug}/", "column", column.name, f"{site_name} · {column.name}",
            f"{site_name}“{column.name}”栏目的文章。", articles,
        ))
    for topic in site.registries.topics:
        articles = tuple(article_entry(a) for a in published if topic.name in a.meta.topics)
        if articles:
            feeds.append(Feed(
                topic_feed_path(topic), "topic", topic.name, f"{site_name} · {topic.name}",
                f"{site_name}关于“{topic.name}”的文章。", articles,
            ))
    return feeds


def topic_feed_path(topic: Topic) -> str:
    return f"topics/{topic.slug}/"


def settings_from(site_url: str | None, site_name: str, description: str | None, publisher: str,
                  items: object, preview: bool) -> FeedSettings:
    """Check the configuration the feeds depend on, with messages an editor can act on."""
    if not site_url or not site_url.startswith(("https://", "http://")):
        raise FeedError("mkdocs.yml 缺少 site_url（如 https://pufa.example.gov.cn/）：订阅源中的链接必须是绝对地址。")
    if isinstance(items, bool) or not isinstance(items, int) or items < 1:
        raise FeedError(f"mkdocs.yml 中 extra.feeds.items 应为正整数（每个订阅源的文章数），实际为 {items!r}。")
    if not site_url.endswith("/"):
        site_url += "/"
    return FeedSettings(site_url, site_name, description or site_name, publisher, items, preview)


def article_body(page_html: str, src_uri: str) -> str:
    """The article's own text from its rendered page, without the page's chrome around it."""
    start, end = page_html.find(BODY_START), page_html.find(BODY_END)
    if start < 0 or end < start:
        raise FeedError(f"{src_uri}：渲染结果中找不到正文标记 {BODY_START}，无法生成订阅源。")
    body = page_html[start + len(BODY_START) : end]
    return _HEADERLINK.sub("", body).strip()


_HEADERLINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.S)
# A start tag, with attribute values quoted or not (a quoted value may hold ">").
_TAG = re.compile(r"""<([a-zA-Z][^\s/>]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)(\s*/?)>""")
_ATTRIBUTE = re.compile(r"""(\s+)([^\s"'>/=]+)(?:(\s*=\s*)("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
URL_ATTRIBUTES = {"href", "src", "poster", "cite", "action", "data", "longdesc", "xlink:href"}
_SRCSET_SPLIT = re.compile(r",\s+")  # a comma inside a URL is not followed by a space


def absolutize(fragment: str, base_url: str) -> str:
    """Every link and image in ``fragment`` made absolute against the page it was rendered for.

    Each start tag is taken apart attribute by attribute, so text that merely looks like
    an attribute (in an alt text, a title or the page's text) is left alone. Fragment-only
    references inside inline SVG (``<use href="#icon">``) stay as they are."""

    def join(value: str) -> str:
        return urljoin(base_url, value.strip())

    def rewrite(tag_name: str, name: str, value: str) -> str:
        lowered = name.lower()
        if lowered == "srcset":
            candidates = []
            for candidate in _SRCSET_SPLIT.split(value.strip()):
                url, _, descriptor = candidate.strip().partition(" ")
                candidates.append(f"{join(url)} {descriptor.strip()}".strip())
            return ", ".join(candidates)
        if lowered in URL_ATTRIBUTES and not (value.startswith("#") and tag_name in _SVG_TAGS):
            return join(value)
        return value

    def attribute(tag_name: str, match: re.Match[str]) -> str:
        space, name, equals, raw = match.groups()
        if raw is None:
            return match.group(0)
        quote = raw[0] if raw[0] in "\"'" else ""
        value = raw[1:-1] if quote else raw
        new = rewrite(tag_name, name, value)
        if new == value:
            return match.group(0)
        quote = quote or '"'
        return f"{space}{name}{equals}{quote}{new}{quote}"

    def tag(match: re.Match[str]) -> str:
        name = match.group(1).lower()
        attributes = _ATTRIBUTE.sub(lambda m: attribute(name, m), match.group(2))
        return f"<{match.group(1)}{attributes}{match.group(3)}>"

    return _TAG.sub(tag, fragment)


_SVG_TAGS = {"use", "image", "feimage", "textpath", "mpath"}


def _moment(day: date) -> datetime:
    """Articles carry dates only: publish at the start of the day, Beijing time."""
    return datetime.combine(day, time(0, 0), tzinfo=SHANGHAI)


@dataclass(frozen=True)
class _Item:
    entry: Entry
    url: str
    published: datetime
    updated: datetime
    content_html: str


def _items(feed: Feed, settings: FeedSettings, bodies: Mapping[str, str]) -> list[_Item]:
    items = []
    for entry in feed.entries[: settings.items]:
        url = settings.absolute(entry.path)
        if not entry.full_text:
            content = f"<p>{html.escape(entry.summary)}</p>"
        elif entry.src_uri in bodies:
            content = absolutize(bodies[entry.src_uri], url)
        else:
            raise FeedError(f"{entry.src_uri}：没有渲染结果，无法写入订阅源。")
        published = _moment(entry.published)
        updated = _moment(entry.updated) if entry.updated else published
        items.append(_Item(entry, url, published, updated, content))
    return items


def _feed_updated(items: list[_Item], fallback: date) -> datetime:
    """The newest item's date, so the feed changes only when its content does."""
    return max((item.updated for item in items), default=_moment(fallback))


def _title(feed: Feed, settings: FeedSettings) -> str:
    return PREVIEW_PREFIX + feed.name if settings.preview else feed.name


def _description(feed: Feed, settings: FeedSettings) -> str:
    if settings.preview:
        return f"这是 mkdocs serve 生成的本地预览，链接指向本机，不是正式发布的订阅源。{feed.description}"
    return feed.description


def render_feed(feed: Feed, settings: FeedSettings, bodies: Mapping[str, str], fallback: date) -> dict[str, str]:
    """The feed in every format, keyed by its path in the built site.

    ``bodies`` maps an article's src_uri to its body HTML as MkDocs rendered it;
    ``fallback`` dates a feed with no items (a column before its first article): the
    newest date of the whole site, so the feed still changes only when content does."""
    items = _items(feed, settings, bodies)
    updated = _feed_updated(items, fallback)
    return {
        feed.file_path(RSS): _rss(feed, settings, items, updated),
        feed.file_path(ATOM): _atom(feed, settings, items, updated),
        feed.file_path(JSON_FEED): _json_feed(feed, settings, items),
    }


def _generator(feed: Feed, settings: FeedSettings, items: list[_Item], updated: datetime, self_format: FeedFormat) -> FeedGenerator:
    generator = FeedGenerator()
    generator.load_extension("dc", atom=False, rss=True)
    page_url = settings.absolute(feed.path)
    self_url = settings.absolute(feed.file_path(self_format))
    generator.id(self_url)
    generator.title(_title(feed, settings))
    generator.subtitle(_description(feed, settings))
    generator.link(href=self_url, rel="self", type=self_format.media_type)
    generator.link(href=page_url, rel="alternate", type="text/html")  # last: feedgen's RSS <link>
    generator.language("zh-CN")
    generator.author(name=settings.publisher)
    generator.generator("pufa")
    generator.updated(updated)
    generator.lastBuildDate(updated)
    generator.pubDate(updated)
    generator.docs("https://www.rssboard.org/rss-specification")
    for item in items:
        page = item.entry
        entry = generator.add_entry(order="append")
        entry.id(item.url)
        entry.guid(item.url, permalink=True)
        entry.title(page.title)
        entry.link(href=item.url, rel="alternate", type="text/html")  # feedgen 1.0 writes Atom's without rel (alternate by default)
        entry.published(item.published)
        entry.updated(item.updated)
        entry.author(name=page.author)
        entry.dc.dc_creator(page.author)
        entry.summary(page.summary)  # Atom <summary>: plain text
        entry.description(html.escape(page.summary, quote=False))  # RSS <description> is HTML
        entry.content(item.content_html, type="html")  # replaces the Atom content description() set
        for topic in page.tags:
            entry.category(term=topic, label=topic)
    return generator


def _rss(feed: Feed, settings: FeedSettings, items: list[_Item], updated: datetime) -> str:
    generator = _generator(feed, settings, items, updated, RSS)
    return generator.rss_str(pretty=True).decode("utf-8")


def _atom(feed: Feed, settings: FeedSettings, items: list[_Item], updated: datetime) -> str:
    generator = _generator(feed, settings, items, updated, ATOM)
    return generator.atom_str(pretty=True).decode("utf-8")


def _json_feed(feed: Feed, settings: FeedSettings, items: list[_Item]) -> str:
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": _title(feed, settings),
        "home_page_url": settings.absolute(feed.path),
        "feed_url": settings.absolute(feed.file_path(JSON_FEED)),
        "description": _description(feed, settings),
        "language": "zh-CN",
        "authors": [{"name": settings.publisher}],
        "items": [_json_item(item, settings) for item in items],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _json_item(item: _Item, settings: FeedSettings) -> dict[str, object]:
    page = item.entry
    entry: dict[str, object] = {
        "id": item.url,
        "url": item.url,
        "title": page.title,
        "content_html": item.content_html,
        "summary": page.summary,
        "date_published": item.published.isoformat(),
        "date_modified": item.updated.isoformat(),
        "authors": [{"name": page.author}],
        "tags": list(page.tags),
    }
    if page.image:
        entry["image"] = settings.absolute(page.image)
    return entry
