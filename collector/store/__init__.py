"""The store: the one seam between collector and its database.

Jobs, views and outputs reach the database only through a `Store`: `reader()` and `writer()` give a
short-lived connection, `transaction()` one short write transaction, `prepare()` the explicit refresh
of reference data and views, and the `runs` journal is kept here. Today the backend is one DuckDB file;
a second backend (a DuckLake catalog on PostgreSQL with Parquet files on object storage, for teams
that share one store) would implement the same methods without touching the sources.

Opening a connection runs pending migrations and nothing else.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import duckdb

from collector.store import connect, migrations, runs, views
from collector.store.compact import space as compact_space
from collector.store.connect import db_path, opened, scalar
from collector.store.status import status as _status

log = logging.getLogger(__name__)

__all__ = ["Store", "db_path", "opened", "reader", "scalar", "writer"]


# The most a write that leaves its checkpoint to a later one (writer(checkpoint=False)) leaves in the
# write-ahead log: every connection replays the log when it opens, so a long run of kept parts (an
# OpenRouter backfill's hundred pulls) would otherwise pay for all the ones before it, each time.
WAL_KEPT_BYTES = 64 * 1024


class Store:
    def __init__(self, path: Path | str):
        self.path = Path(path)
        # set by prepare_on_first_use(): the refresh step is owed, and the next connection does it
        self._prepare_pending = False

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    def exists(self) -> bool:
        return self.path.exists()

    def writable(self) -> bool:
        """Whether this process may write the file: a read-only file, folder or mount (a copy handed
        to an analyst, a snapshot volume) is still a store every reader and the export can use."""
        if self.path.exists():
            return os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK)  # the WAL beside it
        folder = self.path.absolute().parent
        while not folder.exists():
            folder = folder.parent
        return os.access(folder, os.W_OK)

    @contextlib.contextmanager
    def reader(self, *, sandboxed: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection (refused for a file of a newer collector). `sandboxed` for text a user
        typed: it cannot read or write files, attach databases, load extensions or change settings."""
        if self._prepare_pending and self.writable():
            if not sandboxed:
                # the owed refresh step needs a writer: the read goes through it (one connection, not two)
                with self.writer() as con:
                    yield con
                return
            if not self.path.exists():
                self.prepare()  # a new store, as every command makes it
        with contextlib.ExitStack() as stack:
            con = stack.enter_context(opened(self.path, read_only=True, sandboxed=sandboxed))
            migrations.refuse_newer(con, self.path)
            if self._prepare_pending and sandboxed and self.writable() and not views.is_current(con):
                stack.close()
                self.prepare()  # a writer of its own, then the sandbox again, on the new views
                con = stack.enter_context(opened(self.path, read_only=True, sandboxed=True))
            self._prepare_pending = False
            yield con

    def sandbox(self) -> contextlib.AbstractContextManager[duckdb.DuckDBPyConnection]:
        return self.reader(sandboxed=True)

    @contextlib.contextmanager
    def writer(self, *, checkpoint: bool = True, linger: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection on the newest schema. Keep it short: it holds the file's lock.

        `checkpoint=False` when another write of the same command follows (a run opened, a part kept):
        closing then leaves the committed transaction in the write-ahead log (.wal) instead of writing
        it into the file, which costs more than opening the store; the command's last write, or any
        later connection, folds it in. Either way it is committed and durable. `linger=False`: the
        file is let go of when the block ends, even inside a command (connect.lingering)."""
        with opened(self.path, checkpoint=checkpoint, linger=linger) as con:
            migrations.migrate(con, self.path)
            if self._prepare_pending:
                if views.refresh(con):
                    log.debug("reference data and views refreshed in %s", self.path)
                self._prepare_pending = False
            yield con
            if not checkpoint and self._wal_bytes() > WAL_KEPT_BYTES:
                con.execute("CHECKPOINT")

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """The store kept attached for writes that follow one another with nothing to wait for
        between them (a snapshot's commit and its roll-ups): the writers inside share one attachment,
        so the file is opened (its catalog read, its log replayed) once and checkpointed once, when
        the block ends. Never around a network wait: it holds the file's lock."""
        with opened(self.path):
            yield

    def _wal_bytes(self) -> int:
        try:
            return self.path.with_name(self.path.name + ".wal").stat().st_size
        except OSError:
            return 0

    @contextlib.contextmanager
    def transaction(self, *, checkpoint: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        """One short write transaction: committed when the block ends, rolled back if it raises."""
        with self.writer(checkpoint=checkpoint) as con:
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
                con.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(duckdb.Error):  # a broken connection must not hide the real error
                    con.execute("ROLLBACK")
                raise

    def prepare(self, *, force: bool = False, thorough: bool = False) -> bool:
        """The explicit refresh step, run at the start of a command before any job opens a run:
        reference tables and views are remade when their content hash changed or a view is missing
        (`thorough`: a macro too). Returns whether it did."""
        self._prepare_pending = False
        with self.writer() as con:
            return views.refresh(con, force=force, thorough=thorough)

    def prepare_on_first_use(self) -> None:
        """`prepare()` done by this store's next connection rather than by one of its own (each costs
        tens of milliseconds): a command's first write (the run it opens) refreshes reference data
        and views before anything else in it; a read first checks that they are current."""
        self._prepare_pending = True

    def views_current(self) -> bool:
        with self.reader() as con:
            return views.is_current(con)

    # ---- the runs journal ------------------------------------------------------------------

    def start_run(self, job: str, source: str, params: dict) -> int:
        with self.writer(checkpoint=False) as con:  # the run's commit or failure follows
            return runs.open_run(con, self.path, job, source, params)

    def fail_run(self, run_id: int, error: str, requests: int | None = None) -> None:
        """Record a failure; never let the bookkeeping hide the original error."""
        with contextlib.suppress(Exception), self.writer() as con:
            runs.finish_run(con, run_id, status="failed", error=error[:2000], requests=requests)

    def status(self) -> dict:
        connect.release(self.path)  # the file's size is read from disk, with this command's writes in it
        with self.reader() as con:
            info = _status(con)
            info["schema_version"] = migrations.schema_version(con)
            info["views_current"] = views.is_current(con)
            info["free_bytes"] = compact_space(con)[1]  # space DuckDB holds for reuse (`collector compact`)
        return {"path": str(self.path), "size_bytes": self.path.stat().st_size, **info}


def writer(path: Path | str) -> contextlib.AbstractContextManager[duckdb.DuckDBPyConnection]:
    return Store(path).writer()


def reader(path: Path | str) -> contextlib.AbstractContextManager[duckdb.DuckDBPyConnection]:
    return Store(path).reader()
