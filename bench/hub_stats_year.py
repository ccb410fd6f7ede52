"""Storage benchmark for imported history: daily full-Hub dumps (the hub-stats format) imported one
day at a time by `collector import hub-stats`'s own code (stage, commit: one run and one transaction a
day), then the store's size per model-day. Target (issue 12): a year of daily full-Hub snapshots in at
most 3 bytes per model-day.

The synthetic Hub is bench/hf_year.py's (power-law downloads, most models near zero, real namespaces
and lineage); from one day to the next ~15% of the models' counters move (every popular model, few in
the tail), some go down, ~0.1% of the models are missing from a day's dump, and a model's
lastModified changes about once a month.

    .venv/bin/python -m bench.hub_stats_year [--models 300000] [--days 60] [--keep PATH]

A year of a 2.5-million-model Hub is 900 million model-days; this bench imports `--days` days of
a Hub of `--models` and extrapolates two ways: the file as the imports leave it (its size after the
last day, plus the days still missing to a year at what each day of the second half added), and the
file compacted (`collector compact`, run on a copy after half the days and after the last: the
second half's growth per day, carried on to a year). Each day's commit writes whole blocks of 256 KB
per table it touches, so at a small Hub the per-model-day figures carry a fixed cost per day that
a full Hub spreads over 25 times more models: measure at `--models 2500000` for the full-Hub figure
(14 days take about 15 minutes). The day's roll-ups (a few hundred rows of figures a day) are not
computed here; they are not part of the counters' storage.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb

from bench.hf_year import next_day
from bench.hub_stats_import import FIRST_DAY, prepare_dump_tables, write_dump


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", type=int, default=300_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--keep", type=Path, default=None, help="keep the store at this path")
    args = parser.parse_args()

    from collector.sources.hubstats import importer
    from collector.store import Store

    work = Path(tempfile.mkdtemp(prefix="bench-hub-stats-year-"))
    db = args.keep or work / "year.duckdb"
    store = Store(db)
    store.prepare()
    gen = duckdb.connect()
    prepare_dump_tables(gen, args.models)
    sizes: list[int] = []
    compacted: dict[int, int] = {}  # days imported -> the size of a compacted copy of the store then
    model_days = 0
    commit_seconds: list[float] = []
    try:
        for d in range(args.days):
            if d:
                next_day(gen, d)
            day: date = FIRST_DAY + timedelta(days=d)
            dump = work / f"models_{day}.parquet"
            write_dump(gen, d, dump)
            started = time.monotonic()
            result = importer.import_file(store, dump, day, importer.Origin(dump.name), roll_up=False)
            commit_seconds.append(time.monotonic() - started)
            with store.writer() as con:  # what the after-commit step (left out here) empties once it has run
                con.execute("DELETE FROM internal.hf_touched")
            dump.unlink()
            model_days += result.row_counts["hf_model_downloads"]
            sizes.append(db.stat().st_size)
            if d + 1 in (args.days // 2, args.days):
                compacted[d + 1] = compacted_size(db, work)
            if d % 10 == 0 or d == args.days - 1:
                print(
                    f"day {d + 1:>3} ({day}): {result.row_counts['hf_counters']:>8,} counter rows, "
                    f"import {commit_seconds[-1]:.1f} s, store {sizes[-1] / 1e6:,.0f} MB, "
                    f"{sizes[-1] / model_days:.2f} bytes per model-day so far",
                    flush=True,
                )
        gen.close()
        half = args.days // 2
        per_day = (sizes[-1] - sizes[half - 1]) / (args.days - half)
        year = sizes[-1] + per_day * (365 - args.days)
        with store.reader() as con:
            rows = {
                t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[index]
                for t in ("internal.hf_listings", "internal.hf_counters", "hf_models", "hf_lineage", "hf_imports")
            }
        print()
        print(f"{args.days} days of {args.models:,} models: {model_days:,} model-days, store {sizes[-1] / 1e6:,.0f} MB")
        print(f"  bytes per model-day over the {args.days} days: {sizes[-1] / model_days:.2f}")
        print(
            f"  each day of the second half added {per_day / 1e6:.1f} MB "
            f"({per_day / (model_days / args.days):.2f} bytes per model-day)"
        )
        print(
            f"  a year, extrapolated: {year / 1e6:,.0f} MB, {year / (args.models * 365):.2f} bytes per model-day "
            "(target: at most 3)"
        )
        first, last = sorted(compacted)
        grown = (compacted[last] - compacted[first]) / (last - first)
        compact_year = compacted[last] + grown * (365 - args.days)
        print(
            f"  compacted (`collector compact`, on a copy) after {first} days {compacted[first] / 1e6:,.0f} MB, after "
            f"{last} days {compacted[last] / 1e6:,.0f} MB: each day added {grown / 1e6:.1f} MB "
            f"({grown / (model_days / args.days):.2f} bytes per model-day)"
        )
        print(
            f"  a year, compacted, extrapolated: {compact_year / 1e6:,.0f} MB, "
            f"{compact_year / (args.models * 365):.2f} bytes per model-day (target: at most 3)"
        )
        print(f"  rows: {', '.join(f'{t} {n:,}' for t, n in rows.items())}")
        commit_seconds.sort()
        print(
            f"  import time per day (stage + commit, no roll-ups): median {commit_seconds[len(commit_seconds) // 2]:.1f} s; "
            f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def compacted_size(db: Path, work: Path) -> int:
    """The size of the store once compacted, measured on a copy (the import goes on with the original)."""
    from collector.store import Store
    from collector.store.compact import compact

    copy = work / "compacted.duckdb"
    shutil.copyfile(db, copy)
    try:
        return compact(Store(copy)).after_bytes
    finally:
        copy.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
