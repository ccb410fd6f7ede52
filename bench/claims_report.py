"""Build a store from the real captures in ../shared/data and time the attribution views and the claims
report on it; prints the figures and the report's verdicts.

    .venv/bin/python -m bench.claims_report [--keep PATH] [--format table|csv|json|markdown]

The Hub sample (4,167 real models) becomes one snapshot (scope 'sample:hub_stats', not a top N: the Hub
claims that need a Hub-wide top 100 stay inconclusive), the OpenRouter catalog one catalog snapshot, and
90 days of rankings-daily one pull. With --keep the database is kept for `collector --db PATH claims`.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

from collector import store
from collector.outputs import claims
from tests.seed import load_hub_sample, load_openrouter_capture, seeded

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="write the database here and keep it")
    parser.add_argument("--format", default="table", choices=claims.FORMATS)
    args = parser.parse_args()
    if not SHARED.is_dir():
        raise SystemExit(f"{SHARED} is absent: nothing to measure")
    db = args.keep or Path(tempfile.mkdtemp(prefix="claims-bench-")) / "bench.duckdb"
    if db.exists():
        raise SystemExit(f"{db} exists: pass a new path")

    started = time.perf_counter()
    with seeded(db) as seed:
        load_hub_sample(seed, SHARED / "hf" / "hub_stats_sample_2026-06.parquet", date(2026, 5, 28))
        load_openrouter_capture(
            seed,
            SHARED / "openrouter" / "models_2025-12-18.json",
            SHARED / "openrouter" / "rankings_daily_2026-05-24_2026-08-21.json",
        )
    print(f"store built from ../shared/data in {time.perf_counter() - started:.1f} s ({db.stat().st_size:,} bytes)")

    with store.reader(db) as con:
        for table in ("hf_model_downloads", "hf_lineage", "or_models", "or_rankings"):
            print(f"  {table:<28} {con.execute(f'SELECT count(*) FROM {table}').fetchone()[0]:>8,} rows")
        for view in (
            "hf_model_family",
            "hf_model_attribution",
            "hf_downloads_by_family",
            "hf_downloads_by_country",
            "or_model_attribution",
            "or_weekly_top_models",
            "or_token_share_by_country",
        ):
            t = time.perf_counter()
            rows = con.execute(f"SELECT count(*) FROM {view}").fetchone()[0]
            print(f"  view {view:<28} {rows:>7,} rows in {time.perf_counter() - t:5.2f} s")
    t = time.perf_counter()
    rows = claims.fetch(store.Store(db))
    print(f"claims report: {len(rows)} rows in {time.perf_counter() - t:.2f} s")
    print()
    print(claims.render(rows, args.format), end="")


if __name__ == "__main__":
    main()
