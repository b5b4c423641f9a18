"""The build benchmark: pufa beside bare Material, on a synthetic site of a city bureau's size.

Both sites are written by bench/synthetic.py into a temporary folder. Builds alternate
(bare, pufa cold, pufa warm; the order flips each round) so that the machine's drift hits
both, and every figure is a ratio measured in this one run. Peak memory is each build
process's own maximum resident set (wait4). The table goes to stdout; the exit status is
non-zero when a target is missed, so a slower change shows.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import TODAY, make_sites  # noqa: E402

BIN = Path(sys.executable).parent
MKDOCS, PUFA = str(BIN / "mkdocs"), str(BIN / "pufa")
CACHE = ".cache"
PHASE = re.compile(r"pufa: (.+?) (\d+\.\d+) s \(")
QUERIES = ("工伤认定", "拖欠工资", "劳动仲裁", "二倍工资", "经济补偿")
"""The browser tests' queries and two more of the trade's words."""


@dataclass
class Run:
    seconds: float
    peak_mib: float
    phases: dict[str, float]


def _environment() -> dict[str, str]:
    return {**os.environ, "PUFA_TODAY": TODAY.isoformat(), "NO_MKDOCS_2_WARNING": "1"}


def measure(command: list[str], folder: Path, log: Path) -> Run:
    """Run ``command`` in ``folder``; its time, its own peak memory and pufa's phase timings."""
    with log.open("w") as out:
        start = time.monotonic()
        process = subprocess.Popen(command, cwd=folder, stdout=out, stderr=subprocess.STDOUT, env=_environment())
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.monotonic() - start
        process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} 失败（{process.returncode}），见 {log}:\n{log.read_text()[-3000:]}")
    phases = {}
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        found = PHASE.search(line)
        if found:
            phases[found[1]] = phases.get(found[1], 0.0) + float(found[2])
    return Run(seconds, usage.ru_maxrss / 1024, phases)


def build(folder: Path, out: Path, logs: Path, name: str, cold: bool) -> Run:
    if cold:
        shutil.rmtree(folder / CACHE, ignore_errors=True)
    return measure([MKDOCS, "build", "-v", "-d", str(out)], folder, logs / f"{name}.log")


def serve_rebuild(folder: Path, article: Path, logs: Path) -> tuple[float, float]:
    """Seconds from saving an edited article to `mkdocs serve` having rebuilt, and the build
    time MkDocs itself reports for that rebuild."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    built: list[tuple[float, float]] = []
    ready = threading.Event()
    process = subprocess.Popen([MKDOCS, "serve", "-a", f"127.0.0.1:{port}"], cwd=folder, env=_environment(),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)

    def follow() -> None:
        with (logs / "serve.log").open("w") as out:
            for line in process.stdout:
                out.write(line)
                found = re.search(r"Documentation built in (\d+\.\d+) seconds", line)
                if found:
                    built.append((time.monotonic(), float(found[1])))
                if "Serving on" in line:
                    ready.set()

    threading.Thread(target=follow, daemon=True).start()
    try:
        if not ready.wait(900):
            raise SystemExit("mkdocs serve 没有启动，见 serve.log")
        time.sleep(2)
        edited = time.monotonic()
        with article.open("a", encoding="utf-8") as text:
            text.write("\n编辑修改了一个错别字之后保存。\n")
        while len(built) < 2 and time.monotonic() - edited < 900 and process.poll() is None:
            time.sleep(0.05)
        if len(built) < 2:
            raise SystemExit("mkdocs serve 没有重新构建，见 serve.log")
        return built[1][0] - edited, built[1][1]
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)


def folder_size(folder: Path) -> tuple[int, int]:
    """(pages, bytes) of a built site."""
    pages = sum(1 for _ in folder.rglob("*.html"))
    return pages, sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def search_results(site: Path) -> dict[str, set[str]]:
    """For each query, the article pages whose index entries hold it (articles only, so the
    two sites compare: the query's characters in a title or text, segmentation aside)."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    found: dict[str, set[str]] = {query: set() for query in QUERIES}
    for entry in index["docs"]:
        page = entry["location"].split("#")[0]
        if not re.match(r"(ketang|anli)/\d{4}/", page):
            continue
        text = (entry["title"] + entry["text"]).replace("\u200b", "")
        for query in QUERIES:
            if query in text:
                found[query].add(page)
    return found


def timed(command: list[str], folder: Path, logs: Path, name: str) -> float:
    return measure(command, folder, logs / f"{name}.log").seconds


def display_width(text: str) -> int:
    """Columns a terminal gives ``text``: two for each Chinese character."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def print_table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(display_width(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell + " " * (width - display_width(cell)) for cell, width in zip(row, widths)).rstrip())


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f}（{min(values):.2f}–{max(values):.2f}）"


def main() -> int:
    parser = argparse.ArgumentParser(description="pufa 构建性能：与不带钩子的 Material 对照")
    parser.add_argument("--n", type=int, default=2000, help="文章数（默认 2000）")
    parser.add_argument("--m", type=int, default=1000, help="行政处罚决定数（默认 1000）")
    parser.add_argument("--k", type=int, default=100_000, help="阅读统计快照行数（默认 100000）")
    parser.add_argument("--rounds", type=int, default=3, help="交替构建的轮数（默认 3）")
    parser.add_argument("--keep", type=Path, help="把合成网站和日志留在这个目录")
    parser.add_argument("--no-serve", action="store_true", help="不测 mkdocs serve 的重新构建")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="pufa-bench-"))
    try:
        return report(work, args)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def report(work: Path, args: argparse.Namespace) -> int:
    started = time.monotonic()
    site, bare = make_sites(work / "sites", args.n, args.m, args.k)
    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    print(f"合成网站：{args.n:,} 篇文章，{args.m:,} 件处罚决定，{args.k:,} 条阅读快照（{work}）", flush=True)
    runs: dict[str, list[Run]] = {"bare": [], "cold": [], "warm": []}
    for number in range(args.rounds):
        order = ["bare", "cold", "warm"] if number % 2 == 0 else ["cold", "warm", "bare"]
        for kind in order:
            folder = bare if kind == "bare" else site
            runs[kind].append(build(folder, work / f"out-{kind}", logs, f"{kind}-{number}", cold=kind == "cold"))
            print(f"  第 {number + 1} 轮 {kind}: {runs[kind][-1].seconds:.1f} s", flush=True)
    bare_s = [r.seconds for r in runs["bare"]]
    cold_ratio = [c.seconds / b for c, b in zip(runs["cold"], bare_s)]
    warm_ratio = [w.seconds / b for w, b in zip(runs["warm"], bare_s)]
    peak = {kind: max(r.peak_mib for r in found) for kind, found in runs.items()}
    pages = {kind: folder_size(work / f"out-{kind}") for kind in ("bare", "cold")}
    index = {kind: (work / f"out-{kind}" / "search" / "search_index.json").stat().st_size for kind in ("bare", "cold")}
    same = search_results(work / "out-bare") == search_results(work / "out-cold")
    identical = subprocess.run(["diff", "-rq", str(work / "out-cold"), str(work / "out-warm")],
                               capture_output=True).returncode == 0
    (site / CACHE / "check-renderings.json").unlink(missing_ok=True)
    check_cold = timed([PUFA, "check"], site, logs, "check-cold")
    check_warm = timed([PUFA, "check"], site, logs, "check-warm")
    rebuild = serve_rebuild(site, next((site / "articles").rglob("*.md")), logs) if not args.no_serve else None
    cold_median = statistics.median(r.seconds for r in runs["cold"])

    rows = [
        ("完整构建（冷，无缓存）", spread([r.seconds for r in runs["cold"]]) + " s",
         f"{statistics.median(cold_ratio):.2f}×（{min(cold_ratio):.2f}–{max(cold_ratio):.2f}）", "≤ 1.25×"),
        ("再次构建（热，有缓存）", spread([r.seconds for r in runs["warm"]]) + " s",
         f"{statistics.median(warm_ratio):.2f}×（{min(warm_ratio):.2f}–{max(warm_ratio):.2f}）", "≤ 1.00×"),
        ("不带钩子的 Material", spread(bare_s) + " s", "1", ""),
        ("峰值内存", f"pufa {peak['cold']:.0f} MiB / Material {peak['bare']:.0f} MiB",
         f"{peak['cold'] / peak['bare']:.2f}×", "≤ 1.50×"),
        ("页面数", f"pufa {pages['cold'][0]:,} / Material {pages['bare'][0]:,}", "", ""),
        ("网站大小", f"pufa {pages['cold'][1] / 2**20:.0f} MB / Material {pages['bare'][1] / 2**20:.0f} MB",
         f"{pages['cold'][1] / pages['bare'][1]:.2f}×", ""),
        ("搜索索引", f"pufa {index['cold'] / 2**20:.1f} MB / Material {index['bare'] / 2**20:.1f} MB",
         f"{index['cold'] / index['bare']:.1%}", "≤ 50%"),
        ("搜索结果（文章）与 Material 相同", "是" if same else "否", "", "是"),
        ("冷热两次构建的输出逐字节相同", "是" if identical else "否", "", "是"),
        ("pufa check", f"{check_cold:.2f} s（无缓存） / {check_warm:.2f} s（有缓存）", "", ""),
    ]
    if rebuild:
        rows.append(("mkdocs serve 改一篇后重建", f"{rebuild[0]:.1f} s（MkDocs 记 {rebuild[1]:.1f} s）",
                     f"{rebuild[0] / cold_median:.2f}× 冷构建", "≤ 0.50×"))
    phases = runs["cold"][-1].phases
    print()
    print_table([("", "测得", "比值", "目标"), *rows])
    if phases:
        print("\npufa 在冷构建中的各阶段（秒）：" + "，".join(f"{name} {sec:.2f}" for name, sec in phases.items()))
    print(f"\n共用时 {time.monotonic() - started:.0f} s；日志在 {logs}" if args.keep else "")
    missed = [statistics.median(cold_ratio) > 1.25, statistics.median(warm_ratio) > 1.0,
              peak["cold"] / peak["bare"] > 1.5, index["cold"] / index["bare"] > 0.5, not same, not identical,
              bool(rebuild) and rebuild[0] / cold_median > 0.5]
    return 1 if any(missed) else 0


if __name__ == "__main__":
    sys.exit(main())
