"""The one DuckDB store: opening it (with a bounded wait for the file lock), numbered migrations,
reference tables, views, and the `runs` journal.

DuckDB lets one process hold a file read-write, and while it does no other process can open it at
all, not even read-only. So every write here is a short connection: open, one transaction, close.
Nothing in this module talks to the network.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from collector import clock
from collector.errors import CollectorError, ConfigError

log = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent
MIGRATIONS_DIR = PACKAGE_DIR / "migrations"
VIEWS_DIR = PACKAGE_DIR.parent / "sql"
DEFAULT_DB = Path("data") / "adoption.duckdb"
_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """--db wins, then COLLECTOR_DB, then data/adoption.duckdb (relative to the working directory)."""
    value = explicit or os.environ.get("COLLECTOR_DB") or DEFAULT_DB
    return Path(value)


def lock_timeout() -> float:
    raw = os.environ.get("COLLECTOR_LOCK_TIMEOUT", "30")
    try:
        return max(0.0, float(raw))
    except ValueError as exc:
        raise ConfigError(f"COLLECTOR_LOCK_TIMEOUT must be a number of seconds, got {raw!r}") from exc


def write_memory() -> str:
    raw = os.environ.get("COLLECTOR_DB_MEMORY", "1GB").strip()
    if not re.fullmatch(r"\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)", raw, re.IGNORECASE):
        raise ConfigError(f"COLLECTOR_DB_MEMORY must be a size such as 512MB or 2GB, got {raw!r}")
    return raw


def _is_lock_error(exc: Exception) -> bool:
    return "lock" in str(exc).lower() and ("could not set lock" in str(exc).lower() or "conflicting lock" in str(exc).lower())


def connect(path: Path, *, read_only: bool = False, timeout: float | None = None) -> duckdb.DuckDBPyConnection:
    """Open the store, waiting up to `timeout` seconds (COLLECTOR_LOCK_TIMEOUT, default 30) for another
    process's lock to go away. Raises a one-line CollectorError instead of DuckDB's traceback."""
    if read_only and not path.exists():
        raise CollectorError(f"no database at {path}: run `collector collect hf` first or pass --db PATH")
    if not read_only:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"cannot use --db {path}: {exc.strerror or exc}") from exc
        if path.exists() and path.is_dir():
            raise ConfigError(f"cannot use --db {path}: it is a directory, not a DuckDB file")
    wait = lock_timeout() if timeout is None else timeout
    deadline = time.monotonic() + wait
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            con.execute("SET TimeZone = 'UTC'")
            if not read_only:
                # Bounded memory for commits (a 1M-model snapshot spills instead of growing past 1 GB:
                # bench/hf_ingest.py measures it). Row order carries no meaning here: ranks are columns.
                con.execute(f"SET memory_limit = '{write_memory()}'")
                con.execute("SET preserve_insertion_order = false")
            return con
        except duckdb.IOException as exc:
            if _is_lock_error(exc):
                if time.monotonic() >= deadline:
                    raise CollectorError(
                        f"database {path} is locked by another process (waited {wait:g} s): "
                        "retry when the other collector run has finished"
                    ) from exc
                time.sleep(delay)
                delay = min(delay * 2, 0.5)
                continue
            raise CollectorError(f"cannot open database {path}: {str(exc).splitlines()[0]}") from exc
        except duckdb.Error as exc:
            raise CollectorError(f"cannot open database {path}: {str(exc).splitlines()[0]}") from exc


# --------------------------------------------------------------------------------------------
# Migrations


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    found = []
    for file in sorted(MIGRATIONS_DIR.glob("*.sql")):
        match = _MIGRATION_NAME.match(file.name)
        if not match:
            raise RuntimeError(f"{file}: migration files are named NNNN_name.sql")
        found.append(Migration(int(match.group(1)), match.group(2), file.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations must be numbered 1..N without gaps, found {versions}")
    return found


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    ).fetchone()[0]
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]


def migrate(con: duckdb.DuckDBPyConnection, path: Path | str = "") -> int:
    """Bring the file to the newest schema, one transaction per migration. Refuses newer files."""
    known = migrations()
    current = schema_version(con)
    newest = known[-1].version if known else 0
    if current > newest:
        raise CollectorError(
            f"database {path} has schema version {current}, newer than this collector understands ({newest}): "
            "upgrade collector (pip install -U) or use another --db"
        )
    for migration in known:
        if migration.version <= current:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(migration.sql)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                [migration.version, migration.name, clock.now()],
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    return newest


VIEWS_VERSION_MACRO = "collector_views_version"


def views_version(files: list[Path] | None = None) -> str:
    """A digest of every file in sql/ and of the reference CSVs (names and contents): what the views
    and the roll-ups in a database were built from."""
    digest = hashlib.sha256()
    for file in files if files is not None else sorted(VIEWS_DIR.glob("*.sql")):
        digest.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
    for file in sorted((PACKAGE_DIR / "reference").glob("*.csv")):
        digest.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


_CREATES = re.compile(r"^CREATE OR REPLACE (VIEW|MACRO) (\w+)", re.MULTILINE)


def missing_views(con: duckdb.DuckDBPyConnection, files: list[Path] | None = None) -> list[str]:
    """Views and macros the files in sql/ create that the database lacks (e.g. dropped by hand)."""
    files = files if files is not None else sorted(VIEWS_DIR.glob("*.sql"))
    wanted = [name for file in files for _kind, name in _CREATES.findall(file.read_text(encoding="utf-8"))]
    present = {r[0] for r in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal "
        "UNION SELECT function_name FROM duckdb_functions() WHERE function_type IN ('macro', 'table_macro')").fetchall()}
    return [name for name in wanted if name not in present]


def stored_views_version(con: duckdb.DuckDBPyConnection) -> str | None:
    """The digest the database's views were last built from (None: never built by this mechanism)."""
    found = con.execute(
        "SELECT count(*) FROM duckdb_functions() WHERE function_name = ? AND function_type = 'macro'",
        [VIEWS_VERSION_MACRO],
    ).fetchone()[0]
    return con.execute(f"SELECT {VIEWS_VERSION_MACRO}()").fetchone()[0] if found else None


def refresh_views(con: duckdb.DuckDBPyConnection, *, force: bool = False) -> list[str]:
    """(Re)create every view in sql/, in file-name order, so any DuckDB client can use them.

    Creating them binds every query (about 0.3 s for the claims views), so it is skipped when the
    database's views were built from the same files (the digest is kept in a macro, last)."""
    names: list[str] = []
    if not VIEWS_DIR.is_dir():
        return names
    files = sorted(VIEWS_DIR.glob("*.sql"))
    version = views_version(files)
    if not force and stored_views_version(con) == version and not missing_views(con, files):
        return names
    from collector import rollups

    stale = stored_views_version(con) != version
    if stale:  # the roll-ups were computed by other views or reference data: rebuilt below
        rollups.drop(con)
    for file in files:
        try:
            con.execute(file.read_text(encoding="utf-8"))
        except duckdb.Error as exc:
            # A broken view file is a bug in this collector, but say which file, not only DuckDB's words.
            raise CollectorError(f"{file}: cannot create the view: {' '.join(str(exc).split())}") from exc
        names.append(file.stem)
    if stale and "hf_snapshots" in _tables(con):
        days = con.execute("SELECT count(DISTINCT snapshot_date) FROM hf_snapshots").fetchone()[0]
        if days:
            log.info("views or reference data changed: re-attributing %d Hub snapshot days, a week at a time", days)
        rollups.refresh(con, progress=log.info)
    con.execute(f"CREATE OR REPLACE MACRO {VIEWS_VERSION_MACRO}() AS '{version}'")
    return names


def _tables(con) -> set[str]:
    return {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}


def open_for_write(path: Path) -> duckdb.DuckDBPyConnection:
    """Open read-write, migrate, load reference tables and views. Keep the connection short-lived."""
    from collector import refdata  # local import: refdata reads CSVs, store must stay import-light

    con = connect(path)
    try:
        migrate(con, path)
        refdata.load_into(con)
        refresh_views(con)
    except BaseException:
        con.close()
        raise
    return con


@contextlib.contextmanager
def writer(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = open_for_write(path)
    try:
        yield con
    finally:
        con.close()


@contextlib.contextmanager
def reader(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(path, read_only=True)
    try:
        version = schema_version(con)
        newest = migrations()[-1].version
        if version > newest:
            raise CollectorError(
                f"database {path} has schema version {version}, newer than this collector understands ({newest}): "
                "upgrade collector (pip install -U) or use another --db"
            )
        yield con
    finally:
        con.close()


# --------------------------------------------------------------------------------------------
# The runs journal


def start_run(path: Path, job: str, source: str, params: dict) -> int:
    """Open a `runs` row (status running). Runs of this host whose process is gone (killed, crashed
    machine) are closed as `abandoned` first, and their staging folders removed."""
    recorded = {**params, "pid": os.getpid(), "host": socket.gethostname()}
    with writer(path) as con:
        _close_abandoned(con, path)
        return con.execute(
            "INSERT INTO runs (job, source, params, started_at, status) VALUES (?, ?, ?, ?, 'running') RETURNING run_id",
            [job, source, json.dumps(recorded, sort_keys=True, default=str), clock.now()],
        ).fetchone()[0]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _close_abandoned(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    rows = con.execute(
        "SELECT run_id, params->>'pid', params->>'host' FROM runs WHERE status = 'running'"
    ).fetchall()
    host = socket.gethostname()
    for run_id, pid, run_host in rows:
        if run_host != host or not pid or not pid.isdigit() or _pid_alive(int(pid)):
            continue
        con.execute(
            "UPDATE runs SET status = 'abandoned', finished_at = ?, error = ? WHERE run_id = ?",
            [clock.now(), f"process {pid} ended before the run finished (killed or crashed); nothing was committed", run_id],
        )
        for leftover in (path.parent / "staging").glob(f"run-{run_id}-*"):
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


def fail_run(path: Path, run_id: int, error: str, requests: int | None = None) -> None:
    """Record a failure; never let the bookkeeping hide the original error."""
    with contextlib.suppress(Exception), writer(path) as con:
        finish_run(con, run_id, status="failed", error=error[:2000], requests=requests)


# --------------------------------------------------------------------------------------------
# Status


def status(path: Path) -> dict:
    with reader(path) as con:
        runs = con.execute(
            """SELECT job, run_id, status, started_at, finished_at, row_counts, error FROM runs
               QUALIFY row_number() OVER (PARTITION BY job ORDER BY run_id DESC) = 1 ORDER BY job"""
        ).fetchall()
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
                "AND table_schema = 'main' ORDER BY table_name"
            ).fetchall()
        ]
        counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        version = schema_version(con)
    out_runs = []
    for job, run_id, run_status, started, finished, row_counts, error in runs:
        rows = json.loads(row_counts) if row_counts else {}
        total = sum(v for k, v in rows.items() if isinstance(v, int) and not k.startswith("replaced"))
        out_runs.append(
            {
                "job": job, "run_id": run_id, "status": run_status,
                "started_at": started.strftime("%Y-%m-%d %H:%M:%SZ") if started else None,
                "finished_at": finished.strftime("%Y-%m-%d %H:%M:%SZ") if finished else None,
                "rows": total, "row_counts": rows, "error": error,
            }
        )
    return {"path": str(path), "size_bytes": path.stat().st_size, "schema_version": version, "runs": out_runs, "tables": counts}
