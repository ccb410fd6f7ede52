"""Opening the DuckDB file: a bounded wait for another process's lock, one-line errors, UTC, and a
memory cap for writers. Nothing else: migrations are collector.store.migrations, views
collector.store.views.

DuckDB lets one process hold a file read-write, and while it does no other process can open it at
all, not even read-only. So every write is a short connection: open, one transaction, close.
"""

from __future__ import annotations

import logging
import os
import re
import time
from pathlib import Path
from typing import Any

import duckdb

from collector.core import settings
from collector.core.errors import CollectorError, ConfigError

log = logging.getLogger(__name__)


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """--db wins, then COLLECTOR_DB, then data/adoption.duckdb (relative to the working directory)."""
    return Path(explicit or settings.get("COLLECTOR_DB"))


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: object = None) -> Any:
    """The first column of the first row of a query that always returns one (count, max, RETURNING)."""
    row = con.execute(sql, params).fetchone()
    if row is None:
        raise CollectorError(f"expected a row from: {' '.join(sql.split())[:100]}")
    return row[0]


def lock_holder(message: str) -> str:
    """Who holds the file, from DuckDB's lock error ('... held in /usr/bin/python3 (PID 6181)') and,
    where the system tells (Linux /proc), that process's command line."""
    match = re.search(r"\(PID (\d+)\)", message)
    if not match:
        return "another process"
    pid = match.group(1)
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        program = re.search(r"held in (.+?) \(PID", message)
        return f"process {pid}" + (f" ({program.group(1)})" if program else "")
    command = " ".join(part.decode(errors="replace") for part in raw.split(b"\0") if part)
    return f"process {pid} ({command[:160]})"


def _advice(holder: str) -> str:
    if "collector" in holder:
        return "retry when the other collector run has finished"
    return (
        "a reader (a notebook, a DuckDB CLI) keeps the file open, which stops collection: close it, and query "
        "with `collector sql` or short-lived connections (docs/operations.md, locks and readers)"
    )


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "could not set lock" in text or "conflicting lock" in text


def _config() -> dict[str, Any]:
    threads = settings.get("COLLECTOR_DB_THREADS")
    return {"threads": threads} if threads else {}


def _sandbox(path: Path) -> duckdb.DuckDBPyConnection:
    """The store attached read-only to a private in-memory instance, which then loses its file system
    and has its configuration locked. (Opening the file itself with another configuration would fail
    beside any other connection to it in this process, e.g. a notebook's own.)"""
    con = duckdb.connect(":memory:", config=_config())
    try:
        name = path.stem if path.stem.isidentifier() else "store"
        literal = "'" + str(path).replace("'", "''") + "'"  # ATTACH takes no parameters
        con.execute(f'ATTACH {literal} AS "{name}" (READ_ONLY)')
        con.execute(f'USE "{name}"')
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")  # last: nothing in a query can undo the above
    except BaseException:
        con.close()
        raise
    return con


def connect(
    path: Path, *, read_only: bool = False, timeout: float | None = None, sandboxed: bool = False
) -> duckdb.DuckDBPyConnection:
    """Open the store, waiting up to `timeout` seconds (COLLECTOR_LOCK_TIMEOUT) for another process's
    lock to go away. Raises a one-line CollectorError instead of DuckDB's traceback. `sandboxed`
    (read-only only) is for text a user typed (`collector sql`, the claims' dates, the Python API):
    no file system, no extensions, no ATTACH, and the configuration locked so that no statement inside
    the query can undo it."""
    if sandboxed and not read_only:
        raise ValueError("a sandboxed connection is read-only")
    if read_only and not path.exists():
        raise CollectorError(f"no database at {path}: run `collector collect hf` first or pass --db PATH")
    memory = None if read_only else settings.get("COLLECTOR_DB_MEMORY")
    if not read_only:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"cannot use --db {path}: {exc.strerror or exc}") from exc
        if path.exists() and path.is_dir():
            raise ConfigError(f"cannot use --db {path}: it is a directory, not a DuckDB file")
    wait = float(settings.get("COLLECTOR_LOCK_TIMEOUT")) if timeout is None else timeout
    deadline = time.monotonic() + wait
    delay = 0.05
    while True:
        try:
            con = _sandbox(path) if sandboxed else duckdb.connect(str(path), read_only=read_only, config=_config())
            if not sandboxed:
                con.execute("SET TimeZone = 'UTC'")
            if memory:
                # Bounded memory for writes (a 1M-model snapshot spills instead of growing: bench/hf_ingest.py
                # measures it). Row order carries no meaning here: ranks are columns.
                con.execute(f"SET memory_limit = '{memory}'")
                con.execute("SET preserve_insertion_order = false")
            return con
        except duckdb.IOException as exc:
            if _is_lock_error(exc):
                holder = lock_holder(str(exc))
                if time.monotonic() >= deadline:
                    raise CollectorError(
                        f"database {path} is locked by {holder} (waited {wait:g} s): {_advice(holder)}"
                    ) from exc
                if delay == 0.05:  # say it once, when the wait begins, not in silence
                    log.warning("waiting up to %g s for the database lock held by %s", wait, holder)
                time.sleep(delay)
                delay = min(delay * 2, 0.5)
                continue
            raise CollectorError(f"cannot open database {path}: {str(exc).splitlines()[0]}") from exc
        except duckdb.Error as exc:
            raise CollectorError(f"cannot open database {path}: {str(exc).splitlines()[0]}") from exc
