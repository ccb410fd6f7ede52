"""Coverage-mode benchmark: crawl the Hub by 30-day downloads until the tail falls below a threshold,
against a fake Hub that enforces a fixed-window quota (like the Hub's 5-minute API windows, scaled
down so the run takes about a minute).

Prints: models and pages crawled, requests made against the minimum possible, the share of all
downloads the crawl covers, the achieved request rate as a share of the quota, 429s received.

Usage:  .venv/bin/python bench/hf_coverage.py [--models 1000000] [--min-downloads 400] [--quota 50] [--window 15]
"""

from __future__ import annotations

import argparse
import math
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
    parser.add_argument("--min-downloads", type=int, default=400)
    parser.add_argument("--quota", type=int, default=50, help="requests per window")
    parser.add_argument("--window", type=int, default=15, help="window length, seconds")
    args = parser.parse_args()

    # SyntheticModels are sorted by downloads = 50,000,000 / (rank): the exact covered share is known.
    total = sum(int(50_000_000 / (i + 1)) for i in range(args.models))
    above = [int(50_000_000 / (i + 1)) for i in range(args.models) if int(50_000_000 / (i + 1)) >= args.min_downloads]
    # The crawl must see the first model below the threshold to know it may stop.
    minimum = math.ceil(min(len(above) + 1, args.models) / 1000)

    with fake_hub("--synthetic", str(args.models), "--quota", str(args.quota), "--window", str(args.window)) as port:
        from collector.sources.hf.client import HubClient
        from collector.sources.hf.job import collect_hf
        from collector.store import Store

        with tempfile.TemporaryDirectory(prefix="bench-cov-") as tmp:
            db = Path(tmp) / "bench.duckdb"
            Store(db).prepare()
            client = HubClient()
            started = time.perf_counter()
            result = collect_hf(Store(db), top=0, coverage=args.min_downloads, namespaces=[], client=client)
            elapsed = time.perf_counter() - started
            with Store(db).reader() as con:
                covered = con.execute("SELECT sum(downloads_30d) FROM hf_model_downloads").fetchone()[0]
        import httpx

        windows = httpx.get(f"http://127.0.0.1:{port}/_fake/windows").json()
        # Windows the crawl spanned: from the first one it used to the last completed one; the last,
        # partial window (the crawl ended inside it) says nothing about pacing.
        counts = windows["completed"]
        first = next((i for i, c in enumerate(counts) if c), len(counts))
        full = counts[first:]
        utilisation = [c / args.quota for c in full]
        print(
            f"listing                  {args.models:,} synthetic models, threshold {args.min_downloads:,} downloads/30d"
        )
        print(
            f"models crawled           {result.row_counts['hf_model_downloads']:,} ({len(above):,} at or above the threshold)"
        )
        print(
            f"requests                 {client.stats.requests:,} (minimum possible {minimum:,}); 429s received: "
            f"{windows['rejected']}; run status: {result.status}"
        )
        print(f"downloads covered        {covered:,} of {total:,} = {100 * covered / total:.1f}%")
        print(
            f"elapsed                  {elapsed:.1f} s, of which waiting for quota windows {client.pacer.waited:.1f} s"
        )
        print(
            f"requests per window      {full} in the completed windows the crawl spanned, then {windows['current']} "
            f"in the last (partial) one; quota {args.quota} per {args.window} s"
        )
        if utilisation:
            print(
                f"achieved request rate    {100 * sum(utilisation) / len(utilisation):.1f}% of quota "
                f"(mean over {len(utilisation)} completed windows; lowest {100 * min(utilisation):.1f}%)"
            )


if __name__ == "__main__":
    main()
