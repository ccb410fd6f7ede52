"""End-to-end ingest benchmark for `collect hf`: JSON pages served locally -> rows committed in DuckDB.

A fake Hub in a separate process serves N synthetic models (sorted by downloads, 1,000 per page,
Link pagination, RateLimit headers with a quota high enough not to throttle); this process runs the
collector's own job code (`collector.sources.hf.job.collect_hf`, the Hub-wide top-N scope) and reports:

- rows/s end to end (first request to committed transaction), and the fetch and commit phases apart;
- peak RSS of the collector process;
- requests made against the minimum possible (ceil(N / page size)).

Usage:  .venv/bin/python bench/hf_ingest.py [--models 1000000] [--page-size 1000]
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.fakehub import fake_hub  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=1_000_000)
    parser.add_argument("--page-size", type=int, default=1000)
    args = parser.parse_args()

    with fake_hub("--synthetic", str(args.models), "--quota", "1000000000", "--prerender"):
        # after HF_ENDPOINT: huggingface_hub reads it at import
        from collector.sources.hf import client as hf_client
        from collector.sources.hf import commit as hf_commit
        from collector.sources.hf.job import collect_hf
        from collector.store import Store

        with tempfile.TemporaryDirectory(prefix="bench-hf-") as tmp:
            db = Path(tmp) / "bench.duckdb"
            Store(db).prepare()  # schema and views created outside the timed part
            runs = []
            for day in ("2026-05-01T06:00:00Z", "2026-05-02T06:00:00Z"):
                # Day 1 fills an empty store; day 2 is the daily steady state (same models, new counts).
                os.environ["COLLECTOR_NOW"] = day
                client = hf_client.HubClient()
                phases: dict[str, float] = {}
                original_commit = hf_commit.commit

                def timed_commit(*a, _orig=original_commit, _phases=phases, **kw):
                    started = time.perf_counter()
                    try:
                        return _orig(*a, **kw)
                    finally:
                        _phases["commit"] = time.perf_counter() - started

                hf_commit.commit = timed_commit
                started = time.perf_counter()
                result = collect_hf(Store(db), top=args.models, namespaces=[], page_size=args.page_size, client=client)
                elapsed = time.perf_counter() - started
                hf_commit.commit = original_commit
                runs.append(
                    (
                        day[:10],
                        result.row_counts["hf_model_downloads"],
                        elapsed,
                        phases.get("commit", 0.0),
                        client.stats.requests,
                        client.stats.retries,
                    )
                )
            size = db.stat().st_size
        peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        minimum = math.ceil(args.models / args.page_size)
        print(f"models served            {args.models:,} (page size {args.page_size})")
        for label, (_day, rows, elapsed, commit, requests, retries) in zip(
            ("first run, empty store", "next day, steady state"), runs, strict=False
        ):
            fetch = elapsed - commit
            print(f"{label}:")
            print(f"  rows committed         {rows:,}")
            print(f"  end to end             {elapsed:.1f} s  ->  {rows / elapsed:,.0f} rows/s")
            print(f"  fetch + parse + stage  {fetch:.1f} s  ->  {rows / fetch:,.0f} rows/s")
            print(f"  commit (one txn)       {commit:.1f} s")
            print(f"  requests               {requests:,} (minimum possible {minimum:,}; retries {retries})")
        print(f"peak RSS (collector)     {peak_rss_mb:,.0f} MB")
        print(f"database size            {size / 1e6:,.0f} MB after two daily snapshots")


if __name__ == "__main__":
    main()
