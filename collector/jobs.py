"""Jobs: one run = fetch everything into a staging folder, then commit it in one short transaction.

Every job goes through `run_job`, so the CLI, `collector run` and the scheduler behave the same:
a `runs` row is opened first, closed as ok / failed / skipped, and a failure writes no snapshot.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from collector import clock, hf, refdata, store
from collector.errors import CollectorError
from collector.secrets import secret
from collector.staging import StagingDir

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
    started = time.monotonic()
    run_id = store.start_run(db, "collect hf", "hf", params)
    client = client or hf.HubClient()
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
            with store.writer(db) as con:
                con.execute("BEGIN TRANSACTION")
                try:
                    counts = hf.commit(con, stage, results, run_id, day)
                    store.finish_run(con, run_id, status="ok", row_counts=counts, requests=client.stats.requests)
                    con.execute("COMMIT")
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
    except BaseException as exc:
        message = _one_line(exc)
        store.fail_run(db, run_id, message, requests=client.stats.requests)
        if isinstance(exc, CollectorError):
            raise
        if isinstance(exc, Exception):
            raise CollectorError(f"collect hf failed: {message}") from exc
        raise
    result = JobResult("collect hf", run_id, "ok", counts, client.stats.requests, time.monotonic() - started)
    if client.pacer.waited:
        result.notes.append(f"waited {client.pacer.waited:.0f} s for rate-limit windows")
    if client.stats.retries:
        result.notes.append(f"{client.stats.retries} retries")
    return result


def _has_token() -> bool:
    return secret("HF_TOKEN") is not None


def _one_line(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if not isinstance(exc, CollectorError):
        text = f"{type(exc).__name__}: {text}"
    return " ".join(text.split())
