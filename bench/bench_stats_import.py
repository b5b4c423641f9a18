"""How long `pufa stats import` takes on a 1,000,000-row web analytics export.

The goal (issue 6) is under 10 seconds on the 2-core machine, from reading the file to
the store written. The export is synthetic but shaped like a year of Plausible pages.csv
for a busy site: every row a distinct URL (query strings, tracking parameters), a third
of them article pages, half other pages, the rest old article addresses that match
nothing. Run with `make bench`; it prints the timings and exits non-zero over the goal.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from pufa.content.corpus import load_site  # noqa: E402
from pufa.stats.store import ArticleMatcher, article_key, load_aliases  # noqa: E402
from pufa.stats.importer import apply, import_files  # noqa: E402

ROWS = 1_000_000
GOAL_SECONDS = 10.0


def write_export(path: Path, article_paths: list[str]) -> None:
    rng = random.Random(6)
    lines = ["name,visitors,pageviews,bounce_rate,time_on_page\n"]
    for n in range(ROWS):
        kind = n % 6
        if kind < 2:
            page = f"/{rng.choice(article_paths)}/?from=share{n}"
        elif kind < 5:
            page = f"/search/?q=term{n}"
        else:
            page = f"/ketang/2019/old-address-{n}/"
        views = rng.randint(1, 500)
        lines.append(f"{page},{views * 3 // 4},{views},61,74\n")
    path.write_text("".join(lines), encoding="utf-8")


def main() -> int:
    site = load_site(ROOT)
    aliases = load_aliases(ROOT / "data" / "stats" / "aliases.yml", site.articles)  # as the CLI does
    matcher = ArticleMatcher(site.articles, aliases)
    with tempfile.TemporaryDirectory() as temp:
        export = Path(temp) / "plausible_pages_20241231.csv"
        write_export(export, [article_key(a) for a in site.articles])
        size = export.stat().st_size / 1e6
        stats_dir = Path(temp) / "stats"
        start = time.perf_counter()
        results = import_files([export], matcher, stats_dir)
        read = time.perf_counter()
        apply(stats_dir, results)
        done = time.perf_counter()
    result = results[0]
    print(f"{ROWS:,} rows ({size:.0f} MB): read and matched in {read - start:.2f} s, store written in "
          f"{done - read:.2f} s, {done - start:.2f} s in all, {ROWS / (done - start):,.0f} rows/s "
          f"(goal < {GOAL_SECONDS:.0f} s, {ROWS / GOAL_SECONDS:,.0f} rows/s)")
    print(f"  matched {result.matched:,}, unmatched {len(result.unmatched):,}, skipped {sum(result.skipped.values()):,}")
    assert result.read == ROWS == result.matched + len(result.unmatched) + sum(result.skipped.values())
    assert len(result.snapshots) == 28, "every sample article's rows were added up into one snapshot"
    return 0 if done - start < GOAL_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
