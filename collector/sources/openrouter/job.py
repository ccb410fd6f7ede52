"""`collect openrouter`: today's catalog snapshot and, with OPENROUTER_API_KEY, every rankings bucket
still missing plus the restatement window, within the daily request budget. Each complete pull is
committed as it arrives, in a transaction of its own (all or nothing per pull), so a run stopped by a
failure, Ctrl-C or the budget keeps every pull completed before and the next run asks only for what
is missing; the catalog snapshot is committed with the run's end."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from collector.app.registry import Job, Option
from collector.app.runner import JobResult, Run
from collector.core import clock, weeks
from collector.core.errors import ConfigError
from collector.core.progress import step
from collector.core.secrets import redact_url
from collector.sources.openrouter import plan
from collector.store import Store
from collector.store.status import ranges

if TYPE_CHECKING:
    from collector.sources.openrouter.client import OpenRouterClient


def collect_openrouter(
    store: Store,
    *,
    since: date | None = None,
    restate_days: int = plan.DEFAULT_RESTATE_DAYS,
    progress: Callable[[str], None] | None = None,
    client: OpenRouterClient | None = None,
) -> JobResult:
    # httpx and pyarrow (the staging) come in when a run starts, not with every command (as for the Hub)
    from collector.core.staging import ParquetStage
    from collector.sources.openrouter import client as or_client
    from collector.sources.openrouter import commit as or_commit
    from collector.sources.openrouter import fetch, parse

    day = clock.today()
    last = plan.last_completed_day(day)
    notes: list[str] = []
    if since is not None:
        if since > last:
            raise ConfigError(f"--since {since} is after the last completed UTC day ({last}): nothing to fetch")
        if since < plan.DATA_START:
            notes.append(f"--since {since} starts before the Data API's first day: from {plan.DATA_START}")
            since = plan.DATA_START
    budget = or_client.daily_budget()
    client = client or or_client.OpenRouterClient()
    keyed = bool(client.key)
    params = {
        "since": since.isoformat() if since else None,
        "restate_days": restate_days,
        "base_url": redact_url(client.base_url),
        "authenticated": keyed,
        "requests_per_minute": client.pacer.per_minute,
        "daily_budget": budget,
        "snapshot_date": day.isoformat(),
    }
    warnings: list[str] = []
    totals = {"or_pulls": 0, "or_rankings": 0, "or_app_rankings": 0}
    unchanged = 0
    started = time.monotonic()
    try:
        with Run(
            store, "collect openrouter", "openrouter", params, requests=lambda: client.stats.requests, part="pull"
        ) as run:
            windows: list[plan.Window] = []
            used_today = 0
            if keyed:
                with store.reader() as con:
                    stored, used_today = plan.read_state(con, run.run_id, day)
                    filled = plan.read_filled(con)
                    days_filled = plan.read_days_filled(con)
                windows = plan.plan(
                    stored, today=day, since=since, restate_days=restate_days, filled=filled, days_filled=days_filled
                )
            # the budget is for keyed Data API requests (the public catalog is not part of it); requests of
            # earlier runs today are all counted, the catalog ones included, to err on the safe side
            pacer = or_client.BudgetedPacer(client.pacer, max(0, budget - used_today))
            catalog_stage = ParquetStage(run.staging / "or_models.parquet", parse.CATALOG_SCHEMA)
            try:
                if progress:
                    progress("OpenRouter models catalog")
                catalog = fetch.fetch_catalog(client, catalog_stage)
            finally:
                catalog_stage.close()

            def keep(pull: parse.Pull, rankings: Path, apps: Path) -> None:
                """Each complete pull in a transaction of its own, as it arrives."""
                nonlocal unchanged
                kept: dict = {}

                def write(con) -> dict:
                    counts, kept["unchanged"] = or_commit.commit_pull(con, rankings, apps, pull, run.run_id)
                    return counts

                counts = run.keep(write)
                unchanged += kept["unchanged"]
                for name in totals:
                    totals[name] += counts.get(name, 0)
                rows = counts["or_rankings"] + counts["or_app_rankings"]
                step(
                    progress,
                    f"OpenRouter pull {run.kept}/{len(windows)} kept after {time.monotonic() - started:.0f} s: "
                    f"{pull.window.describe()}, {rows:,} new rows",
                )

            pulls = fetch.fetch_pulls(client, windows, pacer, run.staging, keep, progress)
            left = pulls.left
            committed: dict = {}

            def write(con) -> dict:
                committed.update(or_commit.commit_catalog(con, catalog_stage.path, catalog, run.run_id, day))
                run_counts: dict = {**committed, **totals}
                if left:
                    run_counts["left_for_next_run"] = [w.describe() for w in left]
                return run_counts

            run.commit(write)
            counts = {
                "or_catalog_snapshots": committed["or_catalog_snapshots"],
                "or_models": committed["or_models"],
                **totals,
                "replaced_catalog_snapshots": committed["replaced_catalog_snapshots"],
            }
    finally:
        client.close()
    if not keyed:
        warnings.append(f"{or_client.KEY_ENV} is not set: rankings skipped (models catalog collected)")
    elif left:
        warnings.append(
            f"daily request budget of {budget} reached (OPENROUTER_DAILY_BUDGET; {used_today + client.stats.requests} "
            f"requests to OpenRouter today, the catalog's and retries included): committed {len(pulls.pulls)} complete pulls; "
            f"left for the next run: {'; '.join(plan.summarize_left(left))}"
        )
    if keyed:
        with store.reader() as con:
            gaps = plan.empty_buckets(plan.read_filled(con), day, plan.read_pulls(con))
            stored_days = set(plan.read_days_filled(con))
        ended = weeks.last_complete_week(day)
        if stored_days and not weeks.is_complete(ended, stored_days, day):
            latest = weeks.latest_complete_week(stored_days, day)
            notes.append(
                f"week {weeks.week_label(ended)}, the last ended, is not complete: "
                f"{7 - len(weeks.missing_days(ended, stored_days))} of 7 days stored; latest complete week: "
                f"{weeks.week_label(latest) if latest else 'none'}"
            )
        for label, buckets in gaps.items():
            warnings.append(
                f"OpenRouter served no {label} rows for {len(buckets)} bucket{'s' if len(buckets) != 1 else ''}: "
                f"{', '.join(ranges(buckets)[:8])}{' ...' if len(ranges(buckets)) > 8 else ''} "
                "(a gap, not coverage: asked again on later runs; `collector status` lists the last 90 days)"
            )
    if keyed and not windows and not left:
        notes.append("rankings up to date (nothing missing, restatement window already fetched today)")
    result = run.result(counts, warnings=warnings, notes=notes)
    if unchanged:
        result.notes.append(
            f"{unchanged} re-fetched bucket{'s' if unchanged != 1 else ''} unchanged (not stored again)"
        )
    if catalog.duplicates:
        result.notes.append(f"{catalog.duplicates} repeated catalog ids (first kept)")
    if pacer.waited:
        result.notes.append(f"waited {pacer.waited:.0f} s for the rate limit")
    if client.stats.retries:
        result.notes.append(f"{client.stats.retries} retries")
    return result


JOB = Job(
    name="openrouter",
    run_name="collect openrouter",
    source="openrouter",
    run=collect_openrouter,
    summary="Snapshot OpenRouter's model catalog and store its usage rankings (Data API) back to 2025-01-01.",
    description="The rankings need OPENROUTER_API_KEY (without it only the catalog is collected); "
    "OPENROUTER_BASE_URL redirects every call.",
    options=(
        Option(
            "since",
            "date",
            None,
            "Fetch every rankings bucket from this UTC day again, even if stored (default: only what is "
            "missing, back to 2025-01-01, plus the restatement window).",
            metavar="DATE",
        ),
        Option(
            "restate_days",
            "int",
            plan.DEFAULT_RESTATE_DAYS,
            "Re-fetch buckets touching the last N completed days (OpenRouter may restate them).",
            minimum=0,
            maximum=plan.MAX_SPAN_DAYS,
            metavar="N",
        ),
    ),
    in_collect_all=True,
    examples=(
        "OPENROUTER_API_KEY=... collector collect openrouter",
        "collector collect openrouter --since 2025-01-01",
    ),
)
