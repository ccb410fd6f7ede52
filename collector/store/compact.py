"""`collector compact`: the store written afresh into a new file, which then takes the old one's place.

DuckDB reuses the blocks that deletes, updates and replaced rows free, but never gives them back to
the file system, and a row group keeps its deleted rows until enough of them go. A store that imports
history day after day carries free space left by its first import, by replaced days and by models
whose tags changed (a list DuckDB cannot update in place): about a fifth of the file after two weeks
of full-Hub days (bench/hub_stats_year.py). Compacting copies every table, view, macro and sequence
(`COPY FROM DATABASE`) into a new file beside the store, checks that every table has the same rows,
and renames the new file over the old one.

The store's lock is held from the start until the new file is in place, so no other collector writes
meanwhile; a process that was waiting for the lock opens the new file. A failure (a full disk, an
interrupt) leaves the store as it was and removes the partial copy.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from collector.core.errors import CollectorError, ConfigError
from collector.store import connect

TARGET = "compact_target"


@dataclass
class Compacted:
    path: Path
    before_bytes: int
    after_bytes: int
    free_bytes: int  # in free blocks before (deleted rows kept in row groups come on top)
    tables: int
    rows: int
    seconds: float

    def summary(self) -> str:
        saved = self.before_bytes - self.after_bytes
        return (
            f"{_mb(self.before_bytes)} -> {_mb(self.after_bytes)} ({_mb(saved)} reclaimed; "
            f"{self.tables} tables, {self.rows:,} rows, the same after) in {self.seconds:.1f} s"
        )


def space(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """(bytes in the store's blocks, bytes in its free blocks) of the connection's current database."""
    row = con.execute(
        "SELECT block_size * total_blocks, block_size * free_blocks FROM pragma_database_size() "
        "WHERE database_name = current_database()"
    ).fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def _tables(con: duckdb.DuckDBPyConnection, database: str) -> dict[str, int]:
    names = con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ? ORDER BY 1, 2", [database]
    ).fetchall()
    return {
        f'"{s}"."{t}"': int(con.execute(f'SELECT count(*) FROM "{database}"."{s}"."{t}"').fetchone()[0])  # type: ignore[index]
        for s, t in names
    }


def _catalog(con: duckdb.DuckDBPyConnection, database: str) -> tuple[int, int, int, int]:
    """Views and macros (each with its comment) and sequences: what the copy carries besides tables."""
    return con.execute(
        """SELECT (SELECT count(*) FROM duckdb_views() WHERE NOT internal AND database_name = $db),
                  (SELECT count(*) FROM duckdb_views() WHERE NOT internal AND database_name = $db AND comment IS NOT NULL),
                  (SELECT count(*) FROM duckdb_functions() WHERE NOT internal AND database_name = $db AND comment IS NOT NULL),
                  (SELECT count(*) FROM duckdb_sequences() WHERE database_name = $db)""",
        {"db": database},
    ).fetchone()  # type: ignore[return-value]


def compact(store, progress: Callable[[str], None] | None = None) -> Compacted:
    """Rewrite `store` (a collector.store.Store) into a fresh file in its place; see the module."""
    path: Path = store.path
    if not path.exists():
        raise CollectorError(f"no database at {path}: nothing to compact")
    if not store.writable():
        raise ConfigError(f"database {path} is read-only here: compacting rewrites the file")
    connect.release(path)  # what this command wrote, folded into the file before its size is read
    before = path.stat().st_size
    disk = shutil.disk_usage(path.absolute().parent).free
    if disk < before:
        raise CollectorError(
            f"compacting {path} needs up to {_mb(before)} free beside it (the new file is written there "
            f"first); {_mb(disk)} free: make room, or copy the store where there is"
        )
    tmp = path.with_name(f".{path.name}.compact-{os.getpid()}")
    _remove(tmp)
    started = time.monotonic()
    # checkpoint=False: the old file must not be written after the new one has taken its name (its
    # checkpoint would be the old file's, but it touches the write-ahead log beside the name);
    # linger=False: nor kept attached for the command's next connection, which must open the new one
    with store.writer(checkpoint=False, linger=False) as con:
        con.execute("CHECKPOINT")  # the log folded in: everything the copy reads is in the file
        name = con.execute("SELECT current_database()").fetchone()[0]
        _, free = space(con)
        rows = _tables(con, name)
        catalog = _catalog(con, name)
        if progress:
            progress(f"copying {len(rows)} tables ({sum(rows.values()):,} rows) into a new file")
        attached = False
        try:
            con.execute(f"ATTACH '{_quote(str(tmp))}' AS {TARGET}")
            attached = True
            con.execute(f'COPY FROM DATABASE "{name}" TO {TARGET}')
            con.execute(f"CHECKPOINT {TARGET}")
            copied, copied_catalog = _tables(con, TARGET), _catalog(con, TARGET)
            if copied != rows or copied_catalog != catalog:
                differ = sorted(t for t in rows.keys() | copied.keys() if rows.get(t) != copied.get(t))
                raise CollectorError(
                    f"compacting {path}: the copy differs from the store ({', '.join(differ[:5]) or 'views or macros'}): "
                    "the store is left as it was (report it)"
                )
            con.execute(f"DETACH {TARGET}")
            attached = False
            os.replace(tmp, path)  # still holding the old file's lock: no writer slips in between
            _sync_folder(path.absolute().parent)
        except BaseException as exc:
            if attached:
                with contextlib.suppress(duckdb.Error):
                    con.execute(f"DETACH {TARGET}")
            _remove(tmp)
            if isinstance(exc, duckdb.Error):
                raise CollectorError(
                    f"compacting {path} failed ({' '.join(str(exc).split())[:200]}): the store is left as it was"
                ) from exc
            raise
    return Compacted(path, before, path.stat().st_size, free, len(rows), sum(rows.values()), time.monotonic() - started)


def mostly_free(size: int, free: int, at_least: int = 1 << 20) -> bool:
    """Whether `free` bytes of a `size`-byte file are a fifth of it or more, and at least `at_least`:
    the point where `collector status` suggests compacting and an import compacts."""
    return free >= max(size // 5, at_least)


def worth_it(store, at_least: int = 1 << 20) -> bool:
    """mostly_free for the store's file now."""
    if not store.exists():
        return False
    # the file's size is read from disk: what this command's writes left in the log, folded in first
    connect.release(store.path)
    with store.reader() as con:
        _, free = space(con)
    return mostly_free(store.path.stat().st_size, free, at_least)


def _remove(tmp: Path) -> None:
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()


def _sync_folder(folder: Path) -> None:
    """The rename made durable (POSIX: the folder's entry is flushed)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _mb(n: int) -> str:
    return f"{n / 1e6:,.1f} MB"


def _quote(text: str) -> str:
    return text.replace("'", "''")
