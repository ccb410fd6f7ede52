"""The `runs` journal: every job run opened (status running), then closed as ok, failed or abandoned.
A run whose process died (killed, crashed machine) is closed as `abandoned` by the next run on that
host, and its staging folder removed."""

from __future__ import annotations

import json
import os
import shutil
import socket
from pathlib import Path

import duckdb

from collector.core import clock
from collector.store.connect import scalar


def open_run(con: duckdb.DuckDBPyConnection, db: Path, job: str, source: str, params: dict) -> int:
    recorded = {**params, "pid": os.getpid(), "host": socket.gethostname()}
    close_abandoned(con, db)
    return int(
        scalar(
            con,
            "INSERT INTO runs (job, source, params, started_at, status) VALUES (?, ?, ?, ?, 'running') RETURNING run_id",
            [job, source, json.dumps(recorded, sort_keys=True, default=str), clock.now()],
        )
    )


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def dead_runs(con: duckdb.DuckDBPyConnection) -> dict[int, str]:
    """Runs still marked running whose process (on this host) is gone: run_id -> pid."""
    rows = con.execute("SELECT run_id, params->>'pid', params->>'host' FROM runs WHERE status = 'running'").fetchall()
    host = socket.gethostname()
    return {
        run_id: pid
        for run_id, pid, run_host in rows
        if run_host == host and pid and pid.isdigit() and not _pid_alive(int(pid))
    }


def close_abandoned(con: duckdb.DuckDBPyConnection, db: Path) -> None:
    for run_id, pid in dead_runs(con).items():
        # a run that commits as it goes (OpenRouter's pulls) records what it kept while still running
        counts = con.execute("SELECT row_counts FROM runs WHERE run_id = ?", [run_id]).fetchone()
        recorded = counts[0] if counts else None
        recorded = json.loads(recorded) if isinstance(recorded, str) else (recorded or {})
        kept = {k: v for k, v in recorded.items() if k.startswith("kept_")}
        what = (
            "its complete parts were kept ("
            + ", ".join(f"{k.removeprefix('kept_')} {v}" for k, v in kept.items())
            + ")"
            if any(kept.values())
            else "nothing was committed"
        )
        con.execute(
            "UPDATE runs SET status = 'abandoned', finished_at = ?, error = ? WHERE run_id = ?",
            [clock.now(), f"process {pid} ended before the run finished (killed or crashed); {what}", run_id],
        )
        for leftover in (db.parent / "staging").glob(f"run-{run_id}-*"):
            shutil.rmtree(leftover, ignore_errors=True)


def finish_run(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    *,
    status: str,
    row_counts: dict | None = None,
    requests: int | None = None,
    error: str | None = None,
) -> None:
    con.execute(
        "UPDATE runs SET finished_at = ?, status = ?, row_counts = ?, requests = ?, error = ? WHERE run_id = ?"
        # a run already closed (ok, committed) is never re-marked by a later failure
        + (" AND status = 'running'" if status == "failed" else ""),
        [clock.now(), status, json.dumps(row_counts or {}, sort_keys=True), requests, error, run_id],
    )
