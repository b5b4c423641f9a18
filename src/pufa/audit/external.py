"""Links to other sites: listed for the report, and tried only when asked (--online), since
a build or a check must never depend on the network."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pufa.content.body import position_of
from pufa.review.links import LinkingPage

TIMEOUT_SECONDS = 10
USER_AGENT = "pufa-audit (government website self-check)"  # header values must be Latin-1


@dataclass(frozen=True)
class ExternalLink:
    url: str
    source: Path
    line: int | None


def external_links(pages: Iterable[LinkingPage]) -> list[ExternalLink]:
    """Every http(s) link of the pages, once per page and address, in order."""
    found: list[ExternalLink] = []
    for page in pages:
        for url in dict.fromkeys(link for link in page.links if urlsplit(link.strip()).scheme.lower() in ("http", "https")):
            where = position_of(url, page.body, page.first_line)
            found.append(ExternalLink(url, page.source, where[0] if where else None))
    return found


def try_link(url: str) -> str | None:
    """Why ``url`` does not open (None when it does): HEAD first, GET when a server refuses HEAD."""
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS):
                return None
        except urllib.error.HTTPError as exc:
            if method == "HEAD" and exc.code in (403, 405, 501):
                continue
            return f"服务器返回 {exc.code}"
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            return f"无法打开（{reason}）"
    return None


def try_links(links: Iterable[ExternalLink]) -> dict[str, str | None]:
    """Each address tried once, a few at a time: address → why it fails, or None."""
    urls = list(dict.fromkeys(link.url for link in links))
    with ThreadPoolExecutor(max_workers=8) as pool:
        return dict(zip(urls, pool.map(try_link, urls)))
