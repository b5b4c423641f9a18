"""Everything one site build needs from the core, computed once, for the MkDocs hook.

The hook only passes MkDocs' events through; what to add, what to fill in and what to
refuse is decided here, so the rules stay testable without MkDocs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pufa.content.corpus import Site, load_site
from pufa.disclosure.loading import load_disclosure
from pufa.disclosure.pages import DataFile, DisclosureRenderer, disclosure_feed
from pufa.privacy import scanner
from pufa.shared.errors import PufaError
from pufa.site import feeds
from pufa.site.pages import Page, PageRenderer
from pufa.stats.pages import StatsRenderer
from pufa.stats.report import build_report
from pufa.stats.store import read_store


@dataclass(frozen=True)
class SiteConfig:
    """The parts of mkdocs.yml the core needs."""

    site_url: str | None
    site_name: str
    description: str | None
    publisher: str
    feed_items: object = feeds.DEFAULT_ITEMS


class PrivacyError(PufaError):
    """The built site holds personal data; the message lists where (masked)."""


class SiteBuild:
    """One build: the loaded content, the pages to add, the feeds to fill in and the reads.

    ``preview`` is `mkdocs serve`: drafts and scheduled articles show, and the feeds say
    they come from a local preview. Raises ContentError, ClockError or FeedError."""

    def __init__(self, root: Path, today: date, preview: bool, config: SiteConfig):
        self.site: Site = load_site(root)
        self.today = today
        self.disclosure = load_disclosure(root / "data", root, today)
        settings = feeds.settings_from(
            config.site_url, config.site_name, config.description, config.publisher, config.feed_items, preview
        )
        planned = feeds.plan_feeds(self.site, today, settings.site_name, settings.description)
        planned.append(disclosure_feed(self.disclosure, settings.site_name))
        self.syndication = feeds.Syndication(planned, settings, today)
        columns = list(self.site.registries.columns)
        snapshots = read_store(root / "data" / "stats" / "reads.csv").values()
        self.reading = build_report(snapshots, self.site.visible(today, preview), columns, today)
        self.renderer = PageRenderer(self.site, today, preview, self.syndication, self.reading)
        self.disclosure_renderer = DisclosureRenderer(self.disclosure)
        self.stats_renderer = StatsRenderer(self.reading, columns)

    def pages(self) -> list[Page]:
        return self.renderer.pages() + self.disclosure_renderer.pages() + self.stats_renderer.pages()

    def data_files(self) -> list[DataFile]:
        return self.disclosure_renderer.data_files()

    def check_privacy(self, site_dir: Path) -> None:
        """Fail if any page, feed or data file of the built site holds an ID, mobile or card number."""
        leaks = scanner.scan_site(site_dir, allowed=self.disclosure.public_codes())
        if leaks:
            for page in {leak.page for leak in leaks}:  # never leave them where a deploy could pick them up
                (site_dir / page).unlink(missing_ok=True)
            listed = "\n".join(f"  {leak}" for leak in leaks)
            raise PrivacyError(
                f"构建结果中发现 {len(leaks)} 处疑似个人信息，已停止发布（号码已部分遮盖）：\n{listed}\n"
                "这些文件已从构建结果中删除。请删除或改写原文中的这些号码；12333 等服务热线不受影响。"
            )
