"""The benchmarks in bench/ still run: each at a tiny size, in a process of its own, as docs/benchmarks.md
tells a person to run them. Their figures are not checked here (speed targets live in the benchmarks,
not in the suite); what is checked is that a change to the collector did not leave them broken, as
once happened to bench/hf_year.py when the staged form gained a field."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def bench(*args: str) -> str:
    done = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_hub_history_benchmarks_run_at_a_tiny_size(tmp_path):
    year = bench("-m", "bench.hf_year", "--models", "400", "--days", "2")
    assert "commit per day" in year
    imported = tmp_path / "imported.duckdb"
    stats = bench("-m", "bench.hub_stats_year", "--models", "1000", "--days", "3", "--keep", str(imported))
    assert "a year, compacted, extrapolated" in stats
    bench("-m", "collector", "--db", str(imported), "refresh", "--rollups")
    copied = bench("-m", "bench.full_hub_year", str(imported), str(tmp_path / "year.duckdb"), "--days", "10")
    assert "10 full-Hub days (3 imported, repeated)" in copied


def test_the_ingest_floor_benchmark_runs_at_a_tiny_size():
    floor = bench("-m", "bench.ingest_floor", "--models", "2500", "--page-size", "1000")
    # three pages crawled twice, read three ways (one or more threads: as many lines as the machine gives),
    # stored once, then the two floor lines
    steps = [line for line in floor.splitlines() if line.startswith("  ") and "µs/row" in line]
    assert len(steps) in (5, 6), floor
    assert "floor: crawl to disk + plain read" in floor and "rows/s (target" in floor
