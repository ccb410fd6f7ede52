"""Jobs: one run = fetch everything into a staging folder, then commit it in one short transaction.

Every job goes through `run_job`, so the CLI, `collector run` and the scheduler behave the same:
a `runs` row is opened first, closed as ok / failed / skipped, and a failure writes no snapshot.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from collector import clock, hf, openrouter, openrouter_plan, refdata, rollups, store
from collector.errors import CollectorError, ConfigError
from collector.secrets import secret
from collector.staging import ParquetStage, StagingDir

log = logging.getLogger(__name__)


@dataclass
class JobResult:
    job: str
    run_id: int
    status: str
    row_counts: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    # Lines a user must see even with --quiet (e.g. a skipped part of the job), printed before the summary.
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        rows = ", ".join(f"{k} {v:,}" for k, v in self.row_counts.items()) or "no rows"
        text = f"{self.job}: {self.status} (run {self.run_id}) in {self.seconds:.1f} s, {self.requests:,} requests; {rows}"
        return text + "".join(f"; {n}" for n in self.notes)


def collect_hf(
    db: Path,
    *,
    top_n: int = 1000,
    coverage: int | None = None,
    orgs_file: Path | None = None,
    namespaces: list[str] | None = None,
    page_size: int = hf.PAGE_SIZE,
    progress: Callable[[str], None] | None = None,
    client: hf.HubClient | None = None,
) -> JobResult:
    if top_n < 0:
        raise CollectorError(f"--top must be 0 or more, got {top_n}")
    if not 1 <= page_size <= 1000:
        raise CollectorError(f"--page-size must be between 1 and 1000, got {page_size}")
    if namespaces is None:
        namespaces = refdata.hf_namespaces_to_collect(path=orgs_file)
    scopes = [hf.Scope.author(ns, page_size) for ns in namespaces]
    if top_n:
        scopes.append(hf.Scope.top(top_n, page_size))
    if coverage is not None:
        if coverage < 1:
            raise CollectorError(f"--coverage must be at least 1 download, got {coverage}")
        scopes.append(hf.Scope.coverage(coverage, page_size))
    if not scopes:
        raise CollectorError("nothing to collect: no namespace has collect=yes, --top is 0 and no --coverage")
    day = clock.today()
    params = {
        "top_n": top_n,
        "coverage_min_downloads": coverage,
        "namespaces": len(namespaces),
        "orgs_file": str(orgs_file) if orgs_file else None,
        "page_size": page_size,
        "endpoint": hf.endpoint(),
        "authenticated": bool(client.token) if client else _has_token(),
        "snapshot_date": day.isoformat(),
    }
    client = client or hf.HubClient()  # reads its settings: a bad one fails before any run is opened
    started = time.monotonic()
    run_id = store.start_run(db, "collect hf", "hf", params)
    try:
        with StagingDir(db, run_id) as staging:
            stage = hf.HfStage(staging.path)
            results = []
            try:
                for scope in scopes:
                    results.append(hf.fetch_scope(client, scope, stage, progress))
                    log.debug("%s: %d models in %d pages", scope.name, results[-1].models, results[-1].pages)
            finally:
                stage.close()
            counts = commit_run(db, run_id, lambda con: hf.commit(con, stage, results, run_id, day),
                                requests=client.stats.requests)
    except BaseException as exc:
        raise_failed(db, run_id, "collect hf", exc, requests=client.stats.requests)
    try:
        rollups.catch_up(db, day)
    except Exception as exc:  # the snapshot is safe; say so, and that the next write retries
        raise CollectorError(f"collect hf: the snapshot of {day} is committed, but rolling it up failed "
                             f"({_one_line(exc)}): the next Hub write retries it") from exc
    result = JobResult("collect hf", run_id, "ok", counts, client.stats.requests, time.monotonic() - started)
    if client.pacer.waited:
        result.notes.append(f"waited {client.pacer.waited:.0f} s for rate-limit windows")
    if client.stats.retries:
        result.notes.append(f"{client.stats.retries} retries")
    return result


def collect_openrouter(
    db: Path,
    *,
    since: date | None = None,
    restate_days: int = openrouter_plan.DEFAULT_RESTATE_DAYS,
    progress: Callable[[str], None] | None = None,
    client: openrouter.OpenRouterClient | None = None,
) -> JobResult:
    """Today's catalog snapshot, and (with OPENROUTER_API_KEY) every rankings bucket still missing
    plus the restatement window, within the daily request budget. All or nothing, except that a
    budget stop commits the pulls completed before it and says what is left for the next run."""
    if not 0 <= restate_days <= openrouter_plan.MAX_SPAN_DAYS:
        raise ConfigError(f"--restate-days must be between 0 and {openrouter_plan.MAX_SPAN_DAYS}, got {restate_days}")
    day = clock.today()
    last = openrouter_plan.last_completed_day(day)
    notes: list[str] = []
    if since is not None:
        if since > last:
            raise ConfigError(f"--since {since} is after the last completed UTC day ({last}): nothing to fetch")
        if since < openrouter_plan.DATA_START:
            notes.append(f"--since {since} starts before the Data API's first day: from {openrouter_plan.DATA_START}")
            since = openrouter_plan.DATA_START
    budget = openrouter.daily_budget()
    client = client or openrouter.OpenRouterClient()
    keyed = bool(client.key)
    params = {
        "since": since.isoformat() if since else None,
        "restate_days": restate_days,
        "base_url": client.base_url,
        "authenticated": keyed,
        "requests_per_minute": client.pacer.per_minute,
        "daily_budget": budget,
        "snapshot_date": day.isoformat(),
    }
    started = time.monotonic()
    run_id = store.start_run(db, "collect openrouter", "openrouter", params)
    warnings: list[str] = []
    left: list[openrouter_plan.Window] = []
    try:
        windows: list[openrouter_plan.Window] = []
        used_today = 0
        if keyed:
            with store.reader(db) as con:
                stored, used_today = openrouter_plan.read_state(con, run_id, day)
            windows = openrouter_plan.plan(stored, today=day, since=since, restate_days=restate_days)
        # the budget is for keyed Data API requests (the public catalog is not part of it); requests of
        # earlier runs today are all counted, the catalog ones included, to err on the safe side
        pacer = openrouter.BudgetedPacer(client.pacer, max(0, budget - used_today))
        with StagingDir(db, run_id) as staging:
            stages = {
                name: ParquetStage(staging.path / f"{name}.parquet", schema)
                for name, schema in (
                    ("or_models", openrouter.CATALOG_SCHEMA),
                    ("or_rankings", openrouter.RANKINGS_SCHEMA),
                    ("or_app_rankings", openrouter.APPS_SCHEMA),
                )
            }
            try:
                if progress:
                    progress("OpenRouter models catalog")
                catalog = openrouter.fetch_catalog(client, stages["or_models"])
                pulls = openrouter.fetch_pulls(
                    client, windows, pacer, stages["or_rankings"], stages["or_app_rankings"], progress
                )
            finally:
                for stage in stages.values():
                    stage.close()
            left = pulls.left
            committed: dict = {}

            def write(con) -> dict:
                counts, committed["unchanged"] = openrouter.commit(con, staging.path, catalog, pulls.pulls, run_id, day)
                committed["counts"] = counts
                run_counts: dict = dict(counts)
                if left:
                    run_counts["left_for_next_run"] = [w.describe() for w in left]
                return run_counts

            commit_run(db, run_id, write, requests=client.stats.requests)
            counts, unchanged = committed["counts"], committed["unchanged"]
    except BaseException as exc:
        raise_failed(db, run_id, "collect openrouter", exc, requests=client.stats.requests)
    finally:
        client.close()
    if not keyed:
        warnings.append(f"{openrouter.KEY_ENV} is not set: rankings skipped (models catalog collected)")
    elif left:
        warnings.append(
            f"daily request budget of {budget} reached (OPENROUTER_DAILY_BUDGET; {used_today + pacer.used} requests "
            f"to OpenRouter today): committed {len(pulls.pulls)} complete pulls; "
            f"left for the next run: {'; '.join(openrouter_plan.summarize_left(left))}"
        )
    elif keyed and not windows:
        notes.append("rankings up to date (nothing missing, restatement window already fetched today)")
    result = JobResult("collect openrouter", run_id, "ok", counts, client.stats.requests, time.monotonic() - started)
    result.warnings = warnings
    result.notes = notes
    if unchanged:
        result.notes.append(f"{unchanged} re-fetched bucket{'s' if unchanged != 1 else ''} unchanged (not stored again)")
    if catalog.duplicates:
        result.notes.append(f"{catalog.duplicates} repeated catalog ids (first kept)")
    if pacer.waited:
        result.notes.append(f"waited {pacer.waited:.0f} s for the rate limit")
    if client.stats.retries:
        result.notes.append(f"{client.stats.retries} retries")
    return result


def commit_run(db: Path, run_id: int, write: Callable, *, requests: int) -> dict:
    """One short write transaction: the snapshot (`write(con)` returns the row counts) and the run's
    `ok`, together or not at all."""
    with store.writer(db) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            counts = write(con)
            store.finish_run(con, run_id, status="ok", row_counts=counts, requests=requests)
            con.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(duckdb.Error):  # a broken connection must not hide the real error
                con.execute("ROLLBACK")
            raise
    return counts


def raise_failed(db: Path, run_id: int, job: str, exc: BaseException, *, requests: int | None = None):
    """Record the run as failed, then re-raise as one line (CollectorError) unless it is an interrupt."""
    message = _one_line(exc)
    store.fail_run(db, run_id, message, requests=requests)
    if isinstance(exc, CollectorError):
        raise exc
    if isinstance(exc, Exception):
        raise CollectorError(f"{job} failed: {message}") from exc
    raise exc


def _has_token() -> bool:
    return secret("HF_TOKEN") is not None


def _one_line(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if not isinstance(exc, CollectorError):
        text = f"{type(exc).__name__}: {text}"
    return " ".join(text.split())
