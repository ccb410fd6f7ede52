"""End-to-end ingest benchmark for `collect hf`: JSON pages served locally -> rows committed in DuckDB.

A fake Hub in a separate process serves N synthetic models (sorted by downloads, 1,000 per page,
Link pagination, RateLimit headers with a quota high enough not to throttle); this process runs the
collector's own job code (`collector.sources.hf.job.collect_hf`, the Hub-wide top-N scope) and reports:

- rows/s end to end (first request to the store closed), and the fetch (the pages written to the
  staging folder as they arrive, and read into Parquet in the background meanwhile), stage (DuckDB
  reads and checks the rest), commit, roll-up and close (the store's checkpoint) phases apart; within
  the roll-ups, the ids numbered, the models (re-)attributed and the days rolled up (or replayed);
- each phase's highest resident set, sampled every 10 ms, and the peak;
- CPU time (user+sys) of the collector process per phase and per row: the fake server shares the
  machine's cores, so on a busy machine wall time measures the neighbours as much as the collector;
  the server's own CPU time is shown beside it;
- peak RSS of the collector process;
- requests made against the minimum possible (ceil(N / page size)).

Usage:  .venv/bin/python -m bench.hf_ingest [--models 1000000] [--page-size 1000] [--latency SECONDS] [--no-read-ahead]
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.fakehub import cpu_seconds, fake_hub_process  # noqa: E402


def cpu_now() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)  # every thread of this process (DuckDB's too)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Phase:
    wall: float = 0.0
    cpu: float = 0.0
    rss_mb: float = 0.0  # the highest resident set seen while it ran (sampled every 10 ms)


class RssSampler:
    """Samples this process's resident set (Linux /proc) in a thread, keeping the highest per phase:
    which part of a run sets the peak RSS (the DuckDB writer's memory limit, the staging read, Python)."""

    def __init__(self) -> None:
        self.phase: Phase | None = None
        self._stop = threading.Event()
        self._page_mb = os.sysconf("SC_PAGE_SIZE") / 2**20
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with open("/proc/self/statm") as statm:
            while not self._stop.wait(0.01):
                statm.seek(0)
                rss = int(statm.read().split()[1]) * self._page_mb
                phase = self.phase
                if phase is not None and rss > phase.rss_mb:
                    phase.rss_mb = rss

    def __enter__(self) -> RssSampler:
        if Path("/proc/self/statm").exists():
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()


@dataclass
class Measured:
    rows: int = 0
    requests: int = 0
    retries: int = 0
    total: Phase = field(default_factory=Phase)
    stage: Phase = field(default_factory=Phase)
    commit: Phase = field(default_factory=Phase)
    rollups: Phase = field(default_factory=Phase)
    close: Phase = field(default_factory=Phase)  # the store closed: its checkpoint and detach
    outside: Phase = field(default_factory=Phase)  # the fetch's RSS: what runs outside the three phases
    # the roll-ups' steps apart: the ids numbered, the models (re-)attributed, the days rolled up or replayed
    steps: dict[str, Phase] = field(default_factory=dict)
    server_cpu: float = 0.0

    @property
    def fetch(self) -> Phase:
        rest = (self.stage, self.commit, self.rollups, self.close)
        return Phase(
            self.total.wall - sum(p.wall for p in rest),
            self.total.cpu - sum(p.cpu for p in rest),
            self.outside.rss_mb,
        )


def timed(fn: Callable, into: Phase, sampler: RssSampler, outer: Phase) -> Callable:
    """`fn` timed into `into`, unless it runs inside another timed phase (a connection released
    within the roll-ups), which keeps it: each second is counted once."""

    def wrapper(*args, **kwargs):
        if sampler.phase is not outer:
            return fn(*args, **kwargs)
        wall, cpu = time.perf_counter(), cpu_now()
        sampler.phase = into
        try:
            return fn(*args, **kwargs)
        finally:
            sampler.phase = outer
            into.wall += time.perf_counter() - wall
            into.cpu += cpu_now() - cpu

    return wrapper


def step_timed(fn: Callable, name: str, m: Measured) -> Callable:
    """`fn` timed into m.steps[name] (its wall and CPU time; no RSS: the roll-ups phase has it)."""

    def wrapper(*args, **kwargs):
        into = m.steps.setdefault(name, Phase())
        wall, cpu = time.perf_counter(), cpu_now()
        try:
            return fn(*args, **kwargs)
        finally:
            into.wall += time.perf_counter() - wall
            into.cpu += cpu_now() - cpu

    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=1_000_000)
    parser.add_argument("--page-size", type=int, default=1000)
    parser.add_argument(
        "--latency",
        type=float,
        default=0.0,
        help="seconds the fake Hub waits before each reply, as a network would (the real Hub's pages take longer)",
    )
    parser.add_argument(
        "--no-read-ahead",
        action="store_true",
        help="read every page when the crawl ends, as before the background reader (to compare)",
    )
    args = parser.parse_args()

    server_args = (
        "--synthetic",
        str(args.models),
        "--quota",
        "1000000000",
        "--prerender",
        "--latency",
        str(args.latency),
    )
    with fake_hub_process(*server_args) as server:
        # after HF_ENDPOINT: huggingface_hub reads it at import
        from collector.sources.hf import client as hf_client
        from collector.sources.hf import commit as hf_commit
        from collector.sources.hf import pages as hf_pages
        from collector.sources.hf import rollups
        from collector.sources.hf.job import collect_hf
        from collector.store import Store, connect

        if args.no_read_ahead:
            hf_pages.AHEAD_PAGES = math.ceil(args.models / args.page_size) + 1

        with tempfile.TemporaryDirectory(prefix="bench-hf-") as tmp, RssSampler() as sampler:
            db = Path(tmp) / "bench.duckdb"
            Store(db).prepare()  # schema and views created outside the timed part
            runs = []
            for day in ("2026-05-01T06:00:00Z", "2026-05-02T06:00:00Z"):
                # Day 1 fills an empty store; day 2 is the daily steady state (same models, new counts).
                os.environ["COLLECTOR_NOW"] = day
                client = hf_client.HubClient()
                m = Measured()
                # taken before the patches below, so that nothing that can raise comes between them and `try`
                server_before = cpu_seconds(server.pid)
                original = hf_commit.commit, rollups.after_commit, hf_pages.stage_pages
                steps = {
                    "ids numbered": (rollups, "refresh_ids"),
                    "models attributed": (rollups, "refresh_attribution"),
                    "days rolled up": (rollups, "roll_up"),
                    "days replayed": (rollups.Replay, "batch"),
                }
                unpatched = {name: getattr(owner, attr) for name, (owner, attr) in steps.items()}
                for name, (owner, attr) in steps.items():
                    setattr(owner, attr, step_timed(unpatched[name], name, m))
                release = connect._Host._release
                connect._Host._release = timed(release, m.close, sampler, m.outside)  # type: ignore[method-assign]
                hf_commit.commit = timed(original[0], m.commit, sampler, m.outside)
                rollups.after_commit = timed(original[1], m.rollups, sampler, m.outside)
                hf_pages.stage_pages = timed(original[2], m.stage, sampler, m.outside)
                sampler.phase = m.outside
                wall, cpu = time.perf_counter(), cpu_now()
                try:
                    result = collect_hf(
                        Store(db), top=args.models, namespaces=[], page_size=args.page_size, client=client
                    )
                finally:
                    hf_commit.commit, rollups.after_commit, hf_pages.stage_pages = original
                    for name, (owner, attr) in steps.items():
                        setattr(owner, attr, unpatched[name])
                    connect._Host._release = release  # type: ignore[method-assign]
                    sampler.phase = None
                m.total = Phase(time.perf_counter() - wall, cpu_now() - cpu)
                m.server_cpu = cpu_seconds(server.pid) - server_before
                m.rows = result.row_counts["hf_model_downloads"]
                m.requests, m.retries = client.stats.requests, client.stats.retries
                runs.append(m)
            size = db.stat().st_size
        peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        minimum = math.ceil(args.models / args.page_size)

        def line(name: str, p: Phase, rows: int) -> str:
            rate = f"{rows / p.wall:>9,.0f} rows/s" if p.wall else ""
            rss = f"   RSS {p.rss_mb:6,.0f} MB" if p.rss_mb else ""
            cpu = f"CPU {p.cpu:6.1f} s = {1e6 * p.cpu / rows:5.2f} µs/row"
            return f"  {name:<25} {p.wall:6.1f} s wall {rate}   {cpu}{rss}"

        print(f"models served            {args.models:,} (page size {args.page_size})")
        for label, m in zip(("first run, empty store", "next day, steady state"), runs, strict=True):
            print(f"{label}: {m.rows:,} rows committed")
            print(line("end to end", m.total, m.rows))
            print(line("fetch (pages to disk)", m.fetch, m.rows))
            print(line("stage (DuckDB reads)", m.stage, m.rows))
            print(line("commit (one txn)", m.commit, m.rows))
            print(line("roll-ups", m.rollups, m.rows))
            for name, step in m.steps.items():
                print(line(f"  {name}", step, m.rows))
            print(line("store closed (checkpoint)", m.close, m.rows))
            print(f"  fake server CPU           {m.server_cpu:6.1f} s = {1e6 * m.server_cpu / m.rows:5.2f} µs/row")
            print(f"  requests                  {m.requests:,} (minimum possible {minimum:,}; retries {m.retries})")
        print(f"peak RSS (collector)     {peak_rss_mb:,.0f} MB (each phase's highest sampled RSS is beside it)")
        print(f"database size            {size / 1e6:,.0f} MB after two daily snapshots")


if __name__ == "__main__":
    main()
