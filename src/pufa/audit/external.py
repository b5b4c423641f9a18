"""Links to other sites: listed for the report, and tried only when asked (--online), since
a build or a check must never depend on the network."""

from __future__ import annotations

import http.client
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from pufa.content.body import position_of
from pufa.review.links import LinkingPage

TIMEOUT_SECONDS = 10
"""How long one address may take to answer, from first to last byte (all addresses together:
a minute); a server that answers slowly byte by byte is cut off there."""
TOTAL_SECONDS = 60
AT_ONCE = 8
USER_AGENT = "pufa-audit (government website self-check)"  # header values must be Latin-1
WEB = ("http", "https")


@dataclass(frozen=True)
class ExternalLink:
    url: str
    source: Path
    line: int | None


def external_links(pages: Iterable[LinkingPage]) -> list[ExternalLink]:
    """Every http(s) link of the pages, once per page and address, in order."""
    found: list[ExternalLink] = []
    for page in pages:
        for url in dict.fromkeys(link for link in page.links if urlsplit(link.strip()).scheme.lower() in WEB):
            where = position_of(url, page.body, page.first_line)
            found.append(ExternalLink(url, page.source, where[0] if where else None))
    return found


class _WebOnly(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to another web address (not ftp:, file: or data:)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # urllib's signature
        if urlsplit(urljoin(req.full_url, newurl)).scheme.lower() not in WEB:
            raise urllib.error.HTTPError(newurl, code, f"跳转到了非网页地址 {newurl[:80]}", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_WebOnly)


def try_link(url: str) -> str | None:
    """Why ``url`` does not open (None when it does): HEAD first, GET when a server refuses HEAD."""
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
        try:
            with _OPENER.open(request, timeout=TIMEOUT_SECONDS):
                return None
        except urllib.error.HTTPError as exc:
            if method == "HEAD" and exc.code in (403, 405, 501):
                continue
            return exc.msg if str(exc.msg).startswith("跳转") else f"服务器返回 {exc.code}"
        except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as exc:
            return f"无法打开（{getattr(exc, 'reason', None) or type(exc).__name__}）"
    return None


def try_links(links: Iterable[ExternalLink]) -> dict[str, str | None]:
    """Each address tried once, a few at a time, within TOTAL_SECONDS in all: address → why it
    fails, or None. What has not answered by then is reported as such (its thread is left
    to end by itself; it holds nothing the audit needs)."""
    urls = list(dict.fromkeys(link.url for link in links))
    results: dict[str, str | None] = {}
    slots = threading.Semaphore(AT_ONCE)

    def attempt(url: str) -> None:
        with slots:
            results[url] = try_link(url)

    threads = [threading.Thread(target=attempt, args=(url,), daemon=True) for url in urls]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + TOTAL_SECONDS
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return {url: results[url] if url in results else f"{TOTAL_SECONDS} 秒内没有打开" for url in urls}
