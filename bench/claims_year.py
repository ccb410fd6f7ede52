"""Query benchmark: the full claims report over a year of daily Hub snapshots of 300,000 models (the
store bench/hf_year.py builds) plus a year of OpenRouter rankings, on this machine.

    .venv/bin/python -m bench.hf_year --keep /tmp/year.duckdb      # once: ~35 min, 580 MB
    .venv/bin/python -m bench.claims_year /tmp/year.duckdb [--runs 5]

The store is copied first (it is not changed). The copy gets a synthetic OpenRouter year (a catalog
of 300 models from 14 makers, daily top 50 + 'other' for every day of the Hub year, weekly and weekly
programming pulls), then one write opens it, which builds the views and, when they were built by
another collector version, re-attributes and rolls up every day (timed: that is the cost of an
upgrade). The report is then run --runs times in a fresh process, which prints each time and its
own peak RSS: the report's figures, not the build's.
"""

from __future__ import annotations

import argparse
import logging
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAKERS = [
    "deepseek",
    "qwen",
    "moonshotai",
    "z-ai",
    "minimax",
    "anthropic",
    "openai",
    "google",
    "meta-llama",
    "mistralai",
    "x-ai",
    "amazon",
    "microsoft",
    "cohere",
]


def add_openrouter_year(db: Path) -> None:
    from collector import store
    from tests.seed import Seed

    with store.reader(db) as con:
        first, last = con.execute("SELECT min(snapshot_date), max(snapshot_date) FROM hf_snapshots").fetchone()
    rng = random.Random(6)
    slugs = [f"{MAKERS[i % len(MAKERS)]}/model-{i}" for i in range(300)]
    with store.writer(db) as con:
        con.execute("BEGIN TRANSACTION")
        seed = Seed(con)
        seed.or_catalog(
            first,
            [{"id": s, "canonical_slug": f"{s}-2025", "prompt": "0.000001", "completion": "0.000002"} for s in slugs],
        )
        days = [first + timedelta(days=d) for d in range((last - first).days + 1)]
        rows = []
        for day in days:
            top = rng.sample(slugs, 50)
            tokens = sorted((rng.randint(10**8, 10**11) for _ in top), reverse=True)
            rows += [(day, f"{s}-2025", t) for s, t in zip(top, tokens, strict=False)] + [(day, "other", 10**11)]
        seed.or_pull(period="day", start=days[0], end=days[-1], rows=rows)
        monday = first + timedelta(days=(7 - first.weekday()) % 7)
        while monday + timedelta(days=6) <= last:
            for category in (None, "programming"):
                top = rng.sample(slugs, 50)
                tokens = sorted((rng.randint(10**9, 10**12) for _ in top), reverse=True)
                seed.or_week(
                    monday,
                    [(f"{s}-2025", t) for s, t in zip(top, tokens, strict=False)],
                    category=category,
                    other=10**12,
                )
            monday += timedelta(days=7)
        con.execute("COMMIT")


def time_report(db: Path, runs: int) -> None:
    from collector.outputs import claims
    from collector.store import Store

    times = []
    for _ in range(runs):
        started = time.perf_counter()
        rows = claims.fetch(Store(db))
        times.append(time.perf_counter() - started)
    verdicts = {}
    for row in rows:
        verdicts[row["verdict"]] = verdicts.get(row["verdict"], 0) + 1
    print(f"claims report            {len(rows)} rows ({', '.join(f'{v} {k}' for k, v in sorted(verdicts.items()))})")
    print(f"  each run               {', '.join(f'{t:.2f} s' for t in times)}")
    print(f"  median                 {sorted(times)[len(times) // 2]:.2f} s (target <= 2 s)")
    print(
        f"  peak RSS               {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB (target < 4 GB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path, help="a store written by bench/hf_year.py --keep")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="keep the prepared copy here (for `collector --db PATH claims`)")
    parser.add_argument("--time-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.store.exists():
        raise SystemExit(
            f"{args.store} does not exist: build it with .venv/bin/python -m bench.hf_year --keep {args.store}"
        )
    if args.time_only:
        time_report(args.store, args.runs)
        return
    from collector import store

    logging.basicConfig(level=logging.INFO, format="  %(message)s")
    work = Path(tempfile.mkdtemp(prefix="bench-claims-year-"))
    db = args.keep or work / "year.duckdb"
    if args.keep and args.keep.exists():
        raise SystemExit(f"{args.keep} exists: pass a new path")
    try:
        shutil.copyfile(args.store, db)
        started = time.perf_counter()
        from collector.sources.hf import rollups

        store.Store(db).prepare()
        with store.writer(db) as con:
            if rollups.views.state(con, "rollups_version") != rollups.views.state(con, "views_version"):
                rollups.reattribute(con)
        print(
            f"views and roll-ups built in {time.perf_counter() - started:.1f} s (every day re-attributed if the "
            "store came from another collector version)"
        )
        started = time.perf_counter()
        add_openrouter_year(db)
        print(f"OpenRouter year added in {time.perf_counter() - started:.1f} s")
        with store.reader(db) as con:
            days, model_days = con.execute(
                "SELECT count(DISTINCT snapshot_date), (SELECT count(*) FROM internal.hf_listings) FROM hf_snapshots"
            ).fetchone()
            pulls = con.execute("SELECT count(*), (SELECT count(*) FROM or_rankings) FROM or_pulls").fetchone()
        print(
            f"store                    {db.stat().st_size / 1e6:,.0f} MB: {days} Hub days, {model_days:,} listing rows; "
            f"{pulls[0]} OpenRouter pulls, {pulls[1]:,} ranking rows"
        )
        subprocess.run(
            [sys.executable, "-m", "bench.claims_year", str(db), "--time-only", "--runs", str(args.runs)],
            check=True,
            cwd=ROOT,
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
