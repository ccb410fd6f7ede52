"""A simulated week of unattended operation: the jobs of schedules.yaml fired at their cron times over
seven days of simulated UTC time, through the scheduler's own `run_job`, against the fake Hub and the
fake OpenRouter on 127.0.0.1 (Hub counts move every day). Prints each job run (time, rows, requests,
duration) and the exports written.

Usage:  .venv/bin/python bench/simulate_week.py [--start 2026-05-04] [--days 8] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--start", default="2026-05-04", help="first simulated day (UTC)")
    parser.add_argument("--days", type=int, default=8)
    parser.add_argument("--keep", default=None, help="keep the database and exports in this folder")
    args = parser.parse_args()

    os.environ.setdefault("HF_HOME", tempfile.mkdtemp(prefix="sim-hf-home-"))
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    os.environ["OPENROUTER_REQUESTS_PER_MINUTE"] = "0"  # the fake does not rate-limit this run
    from tests.fakes.hub import FakeHub, demo_models
    from tests.fakes.openrouter import KEY, FakeOpenRouter, sample_data
    from tests.fakes.openrouter import demo_models as or_models

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="sim-week-"))
    work.mkdir(parents=True, exist_ok=True)
    models = demo_models()
    with (
        FakeHub(models) as hub,
        FakeOpenRouter(models=or_models(), top=3, per_minute=100_000, **sample_data()) as router,
    ):
        os.environ["HF_ENDPOINT"] = hub.url
        os.environ["OPENROUTER_BASE_URL"] = router.api_url
        os.environ["OPENROUTER_API_KEY"] = KEY
        from collector import store
        from collector.app import schedule, schedules_config

        plan = schedules_config.load(ROOT / "schedules.yaml")
        db = work / "adoption.duckdb"
        store.Store(db).prepare()
        start = datetime.fromisoformat(args.start).replace(tzinfo=UTC)
        end = start + timedelta(days=args.days)
        fires = []
        for spec in plan.jobs:
            trigger = spec.trigger()
            fire = trigger.get_next_fire_time(None, start)
            while fire and fire < end:
                fires.append((fire, spec))
                fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
        fires.sort(key=lambda f: f[0])
        print(f"simulating {args.start} + {args.days} days: {len(fires)} scheduled runs, store {db}")
        print(f"{'when (UTC)':<17} {'job':<11} {'status':<7} {'secs':>5} {'reqs':>5}  rows")
        last_day = None
        for fire, spec in fires:
            os.environ["COLLECTOR_NOW"] = fire.isoformat()
            if fire.date() != last_day:  # the Hub's counters move every day
                for i, model in enumerate(models):
                    model["downloads"] += 1000 * (i + 1)
                    model["downloadsAllTime"] += 1000 * (i + 1)
                last_day = fire.date()
            settings = dict(spec.settings)
            if spec.name == "export":
                settings["out"] = str(work / settings.get("out", "exports"))
            started = time.monotonic()
            try:
                result = schedule.run_job(store.Store(db), spec.name, settings)
                rows = ", ".join(f"{k} {v:,}" for k, v in result.row_counts.items() if isinstance(v, int))
                line = (
                    f"{fire:%a %m-%d %H:%M}   {spec.name:<11} {result.status:<7} {time.monotonic() - started:5.1f} "
                    f"{result.requests:5d}  {rows}"
                )
                print(line + "".join(f"; {n}" for n in result.notes if "written to" in n))
            except Exception as exc:  # noqa: BLE001 - a simulation reports failures and goes on, like the scheduler
                print(f"{fire:%a %m-%d %H:%M}   {spec.name:<11} FAILED  {' '.join(str(exc).split())}")
        with store.reader(db) as con:
            runs = con.execute("SELECT job, status, count(*) FROM runs GROUP BY ALL ORDER BY ALL").fetchall()
            snapshots = con.execute("SELECT count(DISTINCT snapshot_date), count(*) FROM hf_snapshots").fetchone()
            pulls = con.execute("SELECT count(*) FROM or_pulls").fetchone()[0]
            claims = con.execute("SELECT verdict, count(*) FROM claims GROUP BY 1 ORDER BY 1").fetchall()
        print("runs:", ", ".join(f"{job} {status} x{n}" for job, status, n in runs))
        print(f"hf snapshots: {snapshots[1]} over {snapshots[0]} days; openrouter pulls: {pulls}")
        print("claims verdicts now:", ", ".join(f"{v} {n}" for v, n in claims))
        exports = sorted((work / "exports").glob("*/manifest.json")) if (work / "exports").exists() else []
        for manifest in exports:
            files = sorted(p.name for p in manifest.parent.iterdir())
            print(f"export {manifest.parent.name}: {len(files)} files ({', '.join(files)})")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
