"""The floor under `collect hf`'s ingest: what the two steps every ingest must take cost on their own,
with nothing of the collector's own work after them (no checks, no commit, no roll-ups).

Against the same fake Hub as bench/hf_ingest.py (N synthetic models, 1,000 a page, in its own
process), it measures:

- **the crawl alone**: the collector's Hub client (`fetch_scope`) following every page, the bodies
  dropped as they arrive: the HTTP floor;
- **the crawl into the staging folder**: the same, each page written to disk (`RawPages.add`), as a
  run does;
- **DuckDB's JSON reader alone** over those pages, every field read with its type and nothing
  checked, written to an uncompressed Parquet file as staging writes its rows, on one thread and on
  as many as staging uses (the cores, at most 4): the floor of reading the pages, below which no
  staging can go while DuckDB reads them (a Python decoder costs more, bench/hf_ingest.py's history);
- **the collector's own staging read** (`pages._ITEMS`: every field as JSON text, typed and checked
  strictly), on one thread, for comparison;
- **those rows stored** in a new DuckDB file (one CREATE TABLE AS, checkpointed on close): what a
  first run's writing of the models costs before any numbering, comparison or roll-up.

Each line gives wall time, rows per second and the CPU time of this process per row (user + sys: the
fake server's own CPU is printed apart). The last lines add the crawl into the staging folder and the
plain read (its lowest CPU, its fastest wall time): what any ingest that reads the pages with DuckDB
starts from, against the issue's targets (5 µs of collector CPU per row, 100,000 rows/s end to end).

Usage:  .venv/bin/python -m bench.ingest_floor [--models 1000000] [--page-size 1000]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.fakehub import cpu_seconds, fake_hub_process  # noqa: E402

# Every field the collector asks the Hub for, with the type DuckDB reads it as (leniently: "12"
# would become 12; the collector reads each as JSON text to check it strictly).
TYPED = {
    "id": "VARCHAR",
    "author": "VARCHAR",
    "downloads": "BIGINT",
    "downloadsAllTime": "BIGINT",
    "likes": "BIGINT",
    "trendingScore": "DOUBLE",
    "createdAt": "VARCHAR",
    "lastModified": "VARCHAR",
    "pipeline_tag": "VARCHAR",
    "library_name": "VARCHAR",
    "tags": "VARCHAR[]",
    "safetensors": "STRUCT(total BIGINT)",
    "gated": "VARCHAR",
}


def cpu_now() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)  # every thread of this process (DuckDB's too)
    return usage.ru_utime + usage.ru_stime


def measured(label: str, rows: int, step: Callable[[], object], server_pid: int | None = None) -> tuple[float, float]:
    """Run `step`, print its line; returns (wall seconds, CPU seconds of this process)."""
    server = cpu_seconds(server_pid) if server_pid else 0.0
    wall, cpu = time.perf_counter(), cpu_now()
    step()
    wall, cpu = time.perf_counter() - wall, cpu_now() - cpu
    line = f"  {label:<56} {wall:6.2f} s wall {rows / wall:>10,.0f} rows/s   CPU {cpu:6.2f} s = {1e6 * cpu / rows:5.2f} µs/row"
    if server_pid:
        line += f"   (fake Hub {1e6 * (cpu_seconds(server_pid) - server) / rows:.2f} µs/row)"
    print(line, flush=True)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=1_000_000)
    parser.add_argument("--page-size", type=int, default=1000)
    args = parser.parse_args()
    n = args.models
    server_args = ("--synthetic", str(n), "--quota", "1000000000", "--prerender", "--latency", "0")
    with fake_hub_process(*server_args) as server, tempfile.TemporaryDirectory(prefix="bench-floor-") as tmp:
        # after HF_ENDPOINT: huggingface_hub reads it at import
        import duckdb

        from collector.sources.hf import client as hf_client
        from collector.sources.hf import pages as hf_pages
        from collector.sources.hf.scopes import Scope

        class Dropped:
            """A stage that keeps nothing: the crawl alone."""

            def add(self, *args: object) -> None:
                pass

        print(f"models served            {n:,} (page size {args.page_size})")
        client = hf_client.HubClient()
        measured(
            "crawl alone (bodies dropped)",
            n,
            lambda: hf_client.fetch_scope(client, Scope.top(n, args.page_size), Dropped(), 0),  # type: ignore[arg-type]
            server.pid,
        )
        raw = hf_pages.RawPages(Path(tmp) / "pages")
        # the floor's crawl: the read below needs the pages on disk
        crawl = measured(
            "crawl into the staging folder",
            n,
            lambda: hf_client.fetch_scope(client, Scope.top(n, args.page_size), raw, 0),
            server.pid,
        )
        files = [str(p.file) for p in raw.pages]
        columns = ", ".join(f"{name}: '{kind}'" for name, kind in TYPED.items())
        plain = f"SELECT * FROM read_json($files, format = 'array', columns = {{{columns}}})"
        out = Path(tmp) / "items.parquet"

        def read(query: str, threads: int) -> Callable[[], None]:
            def step() -> None:
                with duckdb.connect(config={"threads": threads, "preserve_insertion_order": True}) as con:
                    con.execute(
                        f"COPY ({query}) TO '{out}' (FORMAT parquet, COMPRESSION uncompressed)", {"files": files}
                    )

            return step

        reads = {}
        for threads in sorted({1, min(4, os.cpu_count() or 1)}):
            label = f"DuckDB's JSON reader, typed, no checks, {threads} thread{'s' if threads > 1 else ''}"
            reads[threads] = measured(label, n, read(plain, threads))
        measured("the collector's staging read, checked, 1 thread", n, read(hf_pages._ITEMS, 1))
        store = Path(tmp) / "floor.duckdb"

        def stored() -> None:
            with duckdb.connect(str(store)) as db:
                db.execute(f"CREATE TABLE models AS SELECT * FROM read_parquet('{out}')")

        measured("the checked rows stored in a new DuckDB file", n, stored)
        fastest = min(reads.values())  # by wall time
        floor_cpu = 1e6 * (crawl[1] + min(cpu for _, cpu in reads.values())) / n
        floor_wall = crawl[0] + fastest[0]
        print(f"floor: crawl to disk + plain read  {floor_cpu:5.2f} µs of CPU per row (target 5 µs)")
        print(
            f"floor: crawl, then the read        {floor_wall:5.2f} s wall = {n / floor_wall:,.0f} rows/s "
            f"(target 100,000 rows/s: {n / 100_000:.1f} s for everything)"
        )


if __name__ == "__main__":
    main()
