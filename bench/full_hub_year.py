"""A year of daily full-Hub history for the report and claims benchmarks, made from a store of a few
imported full-Hub days by repeating them.

    .venv/bin/python -m bench.full_hub_year SOURCE OUT [--days 365] [--openrouter]

SOURCE is a store of N consecutive full-Hub days, rolled up (bench/hub_stats_year.py --keep, then
`collector --db SOURCE refresh --rollups`); it is not changed. OUT gets a copy with `--days` days: each
day after the N is a copy of one of the imported days 2 to N in turn (the first has every model's
counters, the others the day's changes), under a new snapshot id and date, with that day's listing
(every model), its change-only counter rows, its provenance and its rows in every roll-up table; the models'
and edges' last_seen move to the last day. `--openrouter` adds bench/claims_year.py's synthetic year of
OpenRouter rankings over the same dates.

Why not import 365 dumps: on this machine a full-Hub day's import and roll-ups take about 25 s, so a
year is two to three hours of both cores. The copy has the row counts of a real year (912 million
listing rows at 2.5 million models), which is what the readers' time follows; its values repeat every
N - 1 days (a counter steps back at each repeat), which they do not depend on. It is a stand-in for
measuring, never data: the request of each copied snapshot says so.
"""

from __future__ import annotations

import argparse
import shutil
import time
from datetime import timedelta
from pathlib import Path

import duckdb

from collector.sources.hf.storage import COUNTERS, ROW_ORDER

ROLLUPS = (
    "internal.hf_rollup_sets",
    "internal.hf_rollup_family",
    "internal.hf_rollup_organisation",
    "internal.hf_rollup_country",
    "internal.hf_rollup_top100",
)
BATCH = 30  # copied days per statement (a month of 2.5 million listing rows a day)


def build(source: Path, out: Path, days: int) -> None:
    if out.exists():
        raise SystemExit(f"{out} exists: pass a new path")
    shutil.copy(source, out)
    con = duckdb.connect(str(out), config={"memory_limit": "4GB"})
    con.execute("SET TimeZone = 'UTC'")
    imported = con.execute(
        "SELECT snapshot_id, snapshot_date FROM hf_snapshots WHERE scope = 'full_hub' ORDER BY snapshot_date"
    ).fetchall()
    if len(imported) < 2:
        raise SystemExit(f"{source} has fewer than two full-Hub days: build them with bench/hub_stats_year.py --keep")
    if not con.execute("SELECT count(*) FROM internal.hf_rollup_sets").fetchone()[0]:  # type: ignore[index]
        raise SystemExit(f"{source} is not rolled up: run `collector --db {source} refresh --rollups` first")
    first = imported[0][1]
    n = len(imported)
    top = con.execute("SELECT max(snapshot_id) FROM hf_snapshots").fetchone()[0]  # type: ignore[index]
    con.execute("CREATE TEMP TABLE copies (new_id BIGINT, new_date DATE, src_id BIGINT, src_date DATE)")
    con.executemany(
        "INSERT INTO copies VALUES (?, ?, ?, ?)",
        [[top + t - n + 1, first + timedelta(days=t), *imported[1 + (t - 1) % (n - 1)]] for t in range(n, days)],
    )
    started = time.monotonic()
    con.execute(
        """INSERT INTO hf_snapshots
           SELECT c.new_id, s.scope, c.new_date, s.fetched_at + (c.new_date - c.src_date) * INTERVAL 1 DAY,
                  s.as_of + (c.new_date - c.src_date) * INTERVAL 1 DAY, s.run_id,
                  'bench copy of ' || s.request, s.pages, s.model_count, s.duplicates
           FROM hf_snapshots s JOIN copies c ON s.snapshot_id = c.src_id"""
    )
    con.execute(
        """INSERT INTO hf_imports
           SELECT c.new_id, c.new_date, i.* EXCLUDE (snapshot_id, snapshot_date)
           FROM hf_imports i JOIN copies c ON i.snapshot_id = c.src_id"""
    )
    con.execute(f"SELECT max(nextval('hf_snapshot_seq')) FROM range({days - n})")
    for start in range(n, days, BATCH):
        batch = f"(SELECT * FROM copies WHERE new_date >= DATE '{first + timedelta(days=start)}' "
        batch += f"AND new_date < DATE '{first + timedelta(days=start + BATCH)}')"
        con.execute("BEGIN")
        con.execute(
            f"""INSERT INTO internal.hf_listings
                SELECT c.new_id, l.rank, l.model_no FROM internal.hf_listings l JOIN {batch} c ON l.snapshot_id = c.src_id
                ORDER BY 1, 2"""
        )
        con.execute(
            f"""INSERT INTO internal.hf_counters
                SELECT c.new_id, x.model_no, {", ".join(f"x.{col}" for col in COUNTERS.split(", "))}
                FROM internal.hf_counters x JOIN {batch} c ON x.snapshot_id = c.src_id
                {ROW_ORDER}"""
        )
        for table in ROLLUPS:
            shifted = "r.* REPLACE (c.new_date AS snapshot_date"
            if table != "internal.hf_rollup_top100":
                shifted += ", r.as_of + (c.new_date - c.src_date) * INTERVAL 1 DAY AS as_of"
            con.execute(
                f"INSERT INTO {table} SELECT {shifted}) FROM {table} r JOIN {batch} c ON r.snapshot_date = c.src_date"
            )
        con.execute("COMMIT")
        print(f"  days to {first + timedelta(days=min(start + BATCH, days) - 1)}: {time.monotonic() - started:.0f} s")
    last = first + timedelta(days=days - 1)
    for table in ("hf_models", "hf_lineage"):
        con.execute(f"UPDATE {table} SET last_seen = ? WHERE last_seen = ?", [last, imported[-1][1]])
    con.execute("CHECKPOINT")
    listings = con.execute("SELECT count(*) FROM internal.hf_listings").fetchone()[0]  # type: ignore[index]
    counters = con.execute("SELECT count(*) FROM internal.hf_counters").fetchone()[0]  # type: ignore[index]
    con.close()
    print(
        f"{out}: {days} full-Hub days ({n} imported, repeated) from {first} to {last}: {listings:,} listing rows, "
        f"{counters:,} counter rows, {out.stat().st_size / 1e6:,.0f} MB, built in {time.monotonic() - started:.0f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="a store of imported full-Hub days, rolled up")
    parser.add_argument("out", type=Path, help="the store to write (must not exist)")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--openrouter", action="store_true", help="add a synthetic year of OpenRouter rankings")
    args = parser.parse_args()
    build(args.source, args.out, args.days)
    if args.openrouter:
        from bench.claims_year import add_openrouter_year

        add_openrouter_year(args.out)
        print(f"{args.out}: OpenRouter year added")


if __name__ == "__main__":
    main()
