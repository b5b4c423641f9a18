"""`mkdocs serve` is the editors' preview: drafts and scheduled articles show, with a banner."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request

from conftest import MKDOCS


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch_when_up(url: str, process: subprocess.Popen, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stdout.read())
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8")
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def test_serve_previews_drafts_and_scheduled_articles_with_a_banner_and_marks_its_feeds(project):
    project.article("ketang/2023/yi-fa-bu.md", issue=1, date="2023-03-01")
    draft = project.article("ketang/2023/cao-gao.md", issue=2, date="2023-03-02", extra="draft: true")
    draft.write_text(draft.read_text(encoding="utf-8").replace("review: {reviewer: 王某, date: 2023-03-02}\n", ""), "utf-8")
    project.article("ketang/2023/ding-shi.md", issue=3, date="2023-09-01")
    port = free_port()
    env = {**os.environ, "PUFA_TODAY": "2023-06-01", "NO_MKDOCS_2_WARNING": "1"}
    process = subprocess.Popen(
        [*MKDOCS, "serve", "--no-livereload", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        draft_html = fetch_when_up(f"{base}/ketang/2023/cao-gao/", process)
        scheduled_html = fetch_when_up(f"{base}/ketang/2023/ding-shi/", process)
        column_html = fetch_when_up(f"{base}/ketang/", process)
        feed_xml = fetch_when_up(f"{base}/feed.xml", process)
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert "草稿" in draft_html and "不会发布" in draft_html and "发布前须经法制审核" in draft_html
    assert "定时发布" in scheduled_html and "定于 2023年9月1日 发布" in scheduled_html
    assert '<span class="pufa-badge">草稿</span>' in column_html
    assert '<span class="pufa-badge">定时发布</span>' in column_html
    # A feed from the preview says so, points at this machine, and still carries only what is published.
    assert "<title>【本地预览，请勿转发】示例区人社普法</title>" in feed_xml
    assert f"<link>{base}/ketang/2023/yi-fa-bu/</link>" in feed_xml
    assert "pufa.example.gov.cn" not in feed_xml
    assert "cao-gao" not in feed_xml and "ding-shi" not in feed_xml


def test_a_preview_saves_its_caches_after_the_reload_and_before_it_ends(project):
    """`mkdocs serve` saves a build's caches in a thread once MkDocs says it is built; stopped
    with Ctrl-C, it still ends with them saved whole: the next preview takes every page's
    theme rendering from them."""
    import signal

    project.article("ketang/2023/yi-fa-bu.md", issue=1, date="2023-03-01")
    env = {**os.environ, "PUFA_TODAY": "2023-06-01", "NO_MKDOCS_2_WARNING": "1"}
    logs, port = [], free_port()  # the same address: the preview's pages hold it
    for _ in range(2):
        process = subprocess.Popen([*MKDOCS, "serve", "-v", "--no-livereload", "--dev-addr", f"127.0.0.1:{port}"],
                                   cwd=project.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            fetch_when_up(f"http://127.0.0.1:{port}/ketang/2023/yi-fa-bu/", process)
        finally:
            process.send_signal(signal.SIGINT)
            logs.append(process.communicate(timeout=60)[0])
    taken = [int(found) for found in re.findall(r"主题模板渲染取自缓存的页面：(\d+) 个", logs[1])]
    pages = len(re.findall(r"Building page ", logs[1]))
    assert taken and pages > 10 and taken[0] == pages, logs[1][-3000:]
    assert not list((project.root / ".cache").glob(".*.tmp"))
