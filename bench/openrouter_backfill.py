"""How many requests a full OpenRouter backfill from 2025-01-01 takes, and how long the client waits
under the Data API's rate limit, measured through the real job against the fake OpenRouter; then a
backfill stopped (as by Ctrl-C) at 97.5% of its requests, what it kept and what the next run asks.

    .venv/bin/python bench/openrouter_backfill.py [--today 2026-11-22] [--real-pace]

By default the pacer's sleeps are virtual (its clock is the real clock plus the time it "slept"), so
the run takes seconds while the pacer makes exactly the decisions it would make for real, with the
local fake's response times; the wait it reports is therefore slightly above what a real run waits
(real responses are slower, and time spent in a response is time not waited). `--real-pace` sleeps
for real at the default pace (about four minutes).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from collector.app.runner import JobResult  # noqa: E402
from collector.core import cancel, settings  # noqa: E402
from collector.sources.openrouter.client import OpenRouterClient  # noqa: E402
from collector.sources.openrouter.job import collect_openrouter  # noqa: E402
from collector.store import Store  # noqa: E402

BUDGET = settings.BY_NAME["OPENROUTER_DAILY_BUDGET"].default
from collector.core.http import MinIntervalPacer  # noqa: E402
from tests.fakes.openrouter import (  # noqa: E402
    DATA_START,
    KEY,
    FakeOpenRouter,
    demo_models,
    synthetic_apps,
    synthetic_usage,
)


class VirtualSleep:
    def __init__(self) -> None:
        self.slept = 0.0

    def sleep(self, seconds: float) -> None:
        self.slept += seconds

    def monotonic(self) -> float:
        return time.monotonic() + self.slept


class RecordingPacer(MinIntervalPacer):
    """The client's pacer, noting when (on its own clock) each request was let through."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sent: list[float] = []

    def before_request(self) -> None:
        super().before_request()
        self.sent.append(self.monotonic())


def busiest_minute(sent: list[float]) -> int:
    """The most requests in any 60-second sliding window."""
    best, first = 0, 0
    for last, t in enumerate(sent):
        while t - sent[first] >= 60.0:
            first += 1
        best = max(best, last - first + 1)
    return best


def one_run(db: Path, per_minute: float, real: bool) -> tuple[JobResult, RecordingPacer, float]:
    clock = VirtualSleep()
    pacer = (
        RecordingPacer(per_minute) if real else RecordingPacer(per_minute, sleep=clock.sleep, monotonic=clock.monotonic)
    )
    client = OpenRouterClient(pacer=pacer)
    started = time.monotonic()
    Store(db).prepare()
    result = collect_openrouter(Store(db), client=client)
    return result, pacer, time.monotonic() - started


def interrupted(fake: FakeOpenRouter, requests: int) -> None:
    """A stop requested (what Ctrl-C does) as the request at 97.5% of the backfill arrives: the pulls
    completed before it are kept, and the next run the same day asks only for the rest."""
    stop_at = int(requests * 0.975)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        fake.log.clear()
        fake.keyed_count = 0
        fake.after_keyed(stop_at, then=lambda: cancel.request("a stop requested by the benchmark"))
        try:
            one_run(db, 30.0, False)
        except cancel.Interrupted as exc:
            print(f"\nstopped as Data API request {stop_at} of {requests} arrived: {exc}")
        finally:
            fake._after = None
            cancel.clear()
        fake.log.clear()
        one_run(db, 30.0, False)
        print(f"  the next run (same day): {len(fake.keyed_requests())} Data API requests")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--today", type=date.fromisoformat, default=date(2026, 11, 22), help="the frozen UTC day of the run"
    )
    parser.add_argument("--real-pace", action="store_true", help="sleep for real at the default pace")
    args = parser.parse_args()
    last = args.today - timedelta(days=1)
    os.environ["COLLECTOR_NOW"] = f"{args.today.isoformat()}T06:00:00Z"
    os.environ["OPENROUTER_API_KEY"] = KEY
    os.environ.pop("OPENROUTER_DAILY_BUDGET", None)
    fake = FakeOpenRouter(
        models=demo_models(),
        daily=synthetic_usage(DATA_START, last + timedelta(days=1)),
        categories={"programming": synthetic_usage(DATA_START, last + timedelta(days=1), models=55, seed=11)},
        apps={"coding": synthetic_apps(DATA_START, last + timedelta(days=1))},
        # Paced for real, the fake enforces the documented 30 a minute; with virtual sleeps it cannot
        # (its clock is real), so there the pacer's own timestamps are checked against the limit instead.
        per_minute=30 if args.real_pace else 100_000,
        window_seconds=60.0,
    ).start()
    os.environ["OPENROUTER_BASE_URL"] = fake.api_url
    print(f"full backfill {DATA_START}..{last} (run on {args.today})")
    try:
        default_rate = settings.BY_NAME["OPENROUTER_REQUESTS_PER_MINUTE"].default
        rates = [default_rate] if args.real_pace else [default_rate, 30.0]
        for per_minute in rates:
            with tempfile.TemporaryDirectory() as tmp:
                db = Path(tmp) / "bench.duckdb"
                fake.log.clear()
                fake._recent.clear()
                result, pacer, elapsed = one_run(db, per_minute, args.real_pace)
                keyed = fake.keyed_requests()
                kinds = Counter((r.path.rsplit("/", 1)[1], r.param("period"), r.param("category")) for r in keyed)
                statuses = Counter(r.status for r in fake.log)
                print(f"\npace {per_minute:g}/min (one request per {60 / per_minute:.1f} s):")
                print(f"  requests: {len(fake.log)} in all = 1 catalog (no key) + {len(keyed)} Data API")
                for (dataset, period, category), n in sorted(kinds.items(), key=str):
                    print(f"    {dataset:<15} period={period or '-':<5} category={category or '-':<12} {n:>3}")
                print(f"  HTTP statuses: {dict(statuses)}; daily budget used: {len(fake.log)} of {BUDGET}")
                bound = (len(keyed) - 1) * 60 / per_minute
                print(
                    f"  client wait for the rate limit: {pacer.waited:.1f} s "
                    f"(upper bound (n-1) x {60 / per_minute:.1f} s = {bound:.1f} s); most requests in any minute: "
                    f"{busiest_minute(pacer.sent)}"
                )
                print(f"  run {'paced for real' if args.real_pace else 'without the waits'}: {elapsed:.1f} s")
                if not args.real_pace:
                    # each pull's own commit happens while the pacer would wait anyway
                    print(f"  a real run at this pace: about {elapsed + pacer.waited:.0f} s (run + waits)")
                print(f"  {result.summary()}")
                # the next day's run: only what is missing plus the restatement window
                os.environ["COLLECTOR_NOW"] = f"{(args.today + timedelta(days=1)).isoformat()}T06:00:00Z"
                fake.log.clear()
                _, nxt, _ = one_run(db, per_minute, args.real_pace)
                print(f"  next day's run: {len(fake.keyed_requests())} Data API requests, waited {nxt.waited:.1f} s")
                os.environ["COLLECTOR_NOW"] = f"{args.today.isoformat()}T06:00:00Z"
        interrupted(fake, len(keyed))
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
