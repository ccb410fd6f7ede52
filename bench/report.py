"""Benchmark of the HTML report (`collector report`) over a large store: the time to write the page
and its weight, in fresh processes (what a user waits for), the chart JavaScript already cached.

    .venv/bin/python -m bench.report STORE [--runs 3]

STORE is any store, e.g. the year of daily Hub snapshots that bench/hf_year.py --keep or
bench/hub_stats_year.py --keep build (it is copied first: a store of another collector version is
upgraded on the copy, which is not timed). Targets (issue 13): at most 5 s and 5 MB for a year of
daily full-Hub history.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    collector = str(Path(sys.executable).parent / "collector")
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        db = Path(tmp) / "store.duckdb"
        shutil.copyfile(args.store, db)
        env = {**os.environ, "COLLECTOR_CACHE_DIR": str(Path(tmp) / "cache")}
        started = time.monotonic()
        subprocess.run([collector, "--db", str(db), "refresh"], env=env, check=True, capture_output=True)
        print(f"prepare (views on the copy, not timed as the report): {time.monotonic() - started:.1f} s")
        page = Path(tmp) / "report.html"
        started = time.monotonic()
        subprocess.run([collector, "--db", str(db), "report", "--out", str(page)], env=env, check=True)
        print(f"first report, building the chart JavaScript cache: {time.monotonic() - started:.2f} s")
        days = (
            subprocess.run(
                [
                    collector,
                    "--db",
                    str(db),
                    "sql",
                    "--format",
                    "csv",
                    "SELECT count(DISTINCT snapshot_date) AS days, max(model_count) AS models FROM hf_snapshots",
                ],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        print(f"store: {args.store} ({args.store.stat().st_size / 1e6:,.0f} MB; Hub days, largest listing: {days})")
        for n in range(args.runs):
            started = time.monotonic()
            subprocess.run([collector, "--db", str(db), "--quiet", "report", "--out", str(page)], env=env, check=True)
            seconds = time.monotonic() - started
            rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(
                f"run {n + 1}: {seconds:.2f} s wall (process start included), page {page.stat().st_size / 1e6:.2f} MB, "
                f"peak RSS so far {rss:,.0f} MB"
            )


if __name__ == "__main__":
    main()
