"""Importing one full-Hub dump as the Hub snapshot of one UTC day: staged like a `collect hf` crawl
(collector.sources.hubstats.dump), committed by the Hub source's own commit (one `full_hub` snapshot,
change-only counters, metadata, lineage) in one transaction with its provenance (hf_imports), then
rolled up like any Hub day. Importing a day again replaces that day's `full_hub` snapshot."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

from collector.app.runner import JobResult, Run
from collector.core import clock
from collector.sources.hf import commit as hf_commit
from collector.sources.hf import rollups
from collector.sources.hf.client import ScopeResult
from collector.sources.hubstats.dump import FORMAT, SCOPE, as_of_for, stage

log = logging.getLogger(__name__)

RUN_NAME = "import hub-stats"


@dataclass(frozen=True)
class Origin:
    """Where a dump came from: a local file, or a file of a Hub dataset at a commit."""

    file_name: str
    dataset: str | None = None
    revision: str | None = None
    revision_at: datetime | None = None

    def describe(self) -> str:
        if self.dataset:
            return f"{self.dataset}@{(self.revision or '')[:12]}:{self.file_name}"
        return self.file_name


def imported_days(con: duckdb.DuckDBPyConnection) -> set[date]:
    return {r[0] for r in con.execute("SELECT snapshot_date FROM hf_snapshots WHERE scope = ?", [SCOPE]).fetchall()}


def import_file(
    store,
    path: Path,
    day: date,
    origin: Origin,
    *,
    progress: Callable[[str], None] | None = None,
    roll_up: bool = True,
) -> JobResult:
    """Import the dump at `path` as the `full_hub` snapshot of `day` (replacing that day's, if any)."""
    params = {
        "format": FORMAT,
        "snapshot_date": day.isoformat(),
        "file": origin.file_name,
        "dataset": origin.dataset,
        "revision": origin.revision,
    }
    with contextlib.ExitStack() as hold, Run(store, RUN_NAME, "hf", params) as run:
        if progress:
            progress(f"{day}: reading {origin.describe()}")
        staged, info = stage(path, run.staging, store.path)
        as_of = as_of_for(day, info, origin.revision_at)
        request = f"hub-stats dump {origin.describe()} (sha256 {info.sha256[:16]}, {info.rows:,} rows)"
        scope = ScopeResult(SCOPE, request, as_of, as_of, pages=1, models=info.models, duplicates=info.duplicates)

        def write(con: duckdb.DuckDBPyConnection) -> dict:
            con.execute("DELETE FROM hf_imports WHERE snapshot_date = ?", [day])
            counts = hf_commit.commit(con, staged, [scope], run.run_id, day)
            con.execute(
                """INSERT INTO hf_imports
                   SELECT snapshot_id, snapshot_date, ?, ?, ?, ?, ?, ?, ?, ?, ?, false, ?, ?
                   FROM hf_snapshots WHERE scope = ? AND snapshot_date = ?""",
                [
                    FORMAT,
                    origin.file_name,
                    info.sha256,
                    info.file_bytes,
                    info.rows,
                    info.models,
                    origin.dataset,
                    origin.revision,
                    origin.revision_at,
                    run.run_id,
                    clock.now(),
                    SCOPE,
                    day,
                ],
            )
            return counts

        if progress:
            progress(f"{day}: storing {info.models:,} models")
        if roll_up:  # the commit and the roll-ups right after it share one attachment of the store
            hold.enter_context(store.held())
        counts = run.commit(write, then_more=roll_up)
        if roll_up:
            rollups.after_commit_or_say(store, day, "import hub-stats", progress)
    result = run.result(counts)
    if info.duplicates:
        result.notes.append(f"{info.duplicates:,} repeated ids kept once")
    return result
