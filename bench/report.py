"""Benchmark of the HTML report (`collector report`) over a large store: the time to write the page,
its weight and the peak memory, in fresh processes (what a user waits for), the chart JavaScript
already cached.

    .venv/bin/python -m bench.report STORE [--runs 3]
    .venv/bin/python -m bench.report --build /tmp/year-2k.duckdb --models 2000 [--days 365] [--runs 3]

STORE is any store, e.g. the year of daily Hub snapshots that bench/hf_year.py --keep or
bench/hub_stats_year.py --keep build (it is copied first: a store of another collector version is
upgraded on the copy, which is not timed). --build makes one first, at PATH (kept): `--days` daily
snapshots of every model of bench/hf_year.py's synthetic Hub of `--models` models, rolled up day by
day as `collect hf` does, plus bench/claims_year.py's year of OpenRouter rankings (daily top 50, weekly
and weekly programming pulls) over the same days. A year of 300,000 models takes hours to build; the
page reads the per-day roll-up tables (a few rows per family, country and day), so its time and size
follow the number of days, not of models: building the year at two model counts shows it.
Targets (issue 13): at most 5 s and 5 MB for a year of daily full-Hub history.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build(path: Path, models: int, days: int) -> None:
    """A year (`days`) of daily Hub snapshots of `models` models, then OpenRouter rankings of the same days."""
    if path.exists():
        raise SystemExit(f"{path} exists: pass a new path to --build, or measure it: python -m bench.report {path}")
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "bench.hf_year", "--models", str(models), "--days", str(days), "--keep", str(path)],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    from bench.claims_year import add_openrouter_year

    add_openrouter_year(path)
    print(f"built {path}: {models:,} models x {days} Hub days + OpenRouter, in {time.monotonic() - started:.0f} s")


def timed(command: list[str], env: dict) -> tuple[float, float, float]:
    """Run `command` in a fresh process: its wall time, its own peak RSS (MB) and the CPU time it used
    (user + system, all threads: on a machine others are using, steadier than the wall time)."""
    started = time.monotonic()
    process = subprocess.Popen(command, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed ({os.waitstatus_to_exitcode(status)})")
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path, nargs="?", help="the store to measure (copied first)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--build", type=Path, metavar="PATH", help="first build a store at PATH (kept)")
    parser.add_argument("--models", type=int, default=2_000, help="with --build: models of the synthetic Hub")
    parser.add_argument("--days", type=int, default=365, help="with --build: daily Hub snapshots")
    args = parser.parse_args()
    if args.build:
        build(args.build, args.models, args.days)
    source = args.build or args.store
    if source is None:
        parser.error("give a STORE, or --build PATH")
    if not source.exists():
        raise SystemExit(f"{source} does not exist")
    collector = str(Path(sys.executable).parent / "collector")
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        db = Path(tmp) / "store.duckdb"
        shutil.copyfile(source, db)
        env = {**os.environ, "COLLECTOR_CACHE_DIR": str(Path(tmp) / "cache")}
        env.pop("COLLECTOR_DB", None)
        started = time.monotonic()
        subprocess.run([collector, "--db", str(db), "refresh"], env=env, check=True, capture_output=True)
        print(f"prepare (views on the copy, not timed as the report): {time.monotonic() - started:.1f} s")
        page = Path(tmp) / "report.html"
        seconds, _, _ = timed([collector, "--db", str(db), "--quiet", "report", "--out", str(page)], env)
        print(f"first report, building the chart JavaScript cache: {seconds:.2f} s")
        figures = (
            subprocess.run(
                [
                    collector,
                    "--db",
                    str(db),
                    "sql",
                    "--format",
                    "csv",
                    "SELECT (SELECT count(DISTINCT snapshot_date) FROM hf_snapshots) AS hub_days, "
                    "(SELECT max(model_count) FROM hf_snapshots) AS models, "
                    "(SELECT count(*) FROM or_pulls) AS openrouter_pulls, "
                    "(SELECT count(*) FROM or_rankings) AS ranking_rows",
                ],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        print(
            f"store: {source} ({source.stat().st_size / 1e6:,.0f} MB; "
            f"Hub days, largest listing, OpenRouter pulls, ranking rows: {figures})"
        )
        runs = []
        for n in range(args.runs):
            seconds, rss, cpu = timed([collector, "--db", str(db), "--quiet", "report", "--out", str(page)], env)
            runs.append(seconds)
            print(
                f"run {n + 1}: {seconds:.2f} s wall (process start included), {cpu:.2f} s CPU, "
                f"page {page.stat().st_size:,} bytes ({page.stat().st_size / 1e6:.2f} MB), peak RSS {rss:,.0f} MB"
            )
        load = os.getloadavg()[0]
        print(
            f"load average {load:.1f} on {os.cpu_count()} cores (above the core count, the wall times include waiting)"
        )
        html = page.read_text(encoding="utf-8")
        data = html[html.index("const specs = ") :]
        print(
            f"median {sorted(runs)[len(runs) // 2]:.2f} s (target <= 5 s); page {len(html.encode()) / 1e6:.2f} MB "
            f"(target <= 5 MB), of which the charts' specs and data {len(data.encode()) / 1e6:.2f} MB"
        )


if __name__ == "__main__":
    main()
