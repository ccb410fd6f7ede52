"""Opening the DuckDB file: a bounded wait for another process's lock, one-line errors, UTC, and a
memory cap for writers. Nothing else: migrations are collector.store.migrations, views
collector.store.views.

DuckDB lets one process hold a file read-write, and while it does no other process can open it at
all, not even read-only. So every write is a short connection: open, one transaction, close.

A store is attached to one in-memory DuckDB instance kept by the process (`_Host`), not opened as an
instance of its own: a new instance builds DuckDB's catalog of built-in functions (about 20 ms, and
as much again to tear it down), which was most of the cost of each of a command's short connections.
Attaching takes the same file lock as opening, and detaching releases it, so other processes see
the same short connections as before. Connections to a store that is already attached in this
process (a nested reader) share the attachment; the last one detaches it, or, inside a command
(`lingering()`), leaves it attached a quarter of a second for the command's next connection.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
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


# Inside a command (`lingering()`), an attachment no connection uses any more is kept this long before
# it is detached: the command's next connection, usually milliseconds later (a run opened, then its
# plan read; one OpenRouter pull kept, then the next), reuses it instead of attaching the file again
# (10 to 30 ms: the catalog read, the log replayed) and detaching it (a checkpoint, 20 to 40 ms). A
# longer pause (a crawl, a paced request, a scheduler's wait) gives the file back to other processes,
# as a short connection did.
LINGER_SECONDS = 0.25


@dataclass
class _Attachment:
    name: str
    read_only: bool
    users: int = 0
    writers: int = 0  # of its users, the connections that write (a read may share a write's attachment)
    idle_since: float | None = None  # when its last user let go, while it lingers
    checkpoint_owed: bool = False  # a writer that let go asked for a checkpoint when it is detached


class _Host:
    """The process's in-memory DuckDB instance that stores are attached to, and what is attached."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.con: duckdb.DuckDBPyConnection | None = None
        self.pid = 0
        self.threads: int | None = None
        self.attached: dict[str, _Attachment] = {}  # absolute file path -> its attachment
        self.names = 0
        self.lingering = 0  # depth of lingering() scopes
        self.sweeper: threading.Thread | None = None

    def instance(self) -> duckdb.DuckDBPyConnection:
        if self.con is None or self.pid != os.getpid():  # a forked child starts its own
            self.con = duckdb.connect(":memory:", config=_config())
            # A writer checkpoints when its command says so (Store.writer), not whenever it detaches.
            self.con.execute("PRAGMA disable_checkpoint_on_shutdown")
            self.pid = os.getpid()
            self.threads = _config().get("threads")
            self.attached.clear()
            self.sweeper = None
        threads = _config().get("threads")
        if threads != self.threads:
            self.con.execute(f"SET threads = {int(threads)}" if threads else "RESET threads")
            self.threads = threads
        return self.con

    def attach(self, path: Path, read_only: bool) -> tuple[duckdb.DuckDBPyConnection, str]:
        """A connection of its own (temp tables, settings of the session) with the store as its
        default catalog; raises DuckDB's error (a lock held by another process) as it is."""
        key = str(path.absolute())
        with self.lock:
            host = self.instance()
            held = self.attached.get(key)
            if held is not None and held.users == 0 and held.read_only and not read_only:
                self._detach(key)  # a lingering read-only attachment gives way to a writer
                held = None
            if held is not None and held.read_only and not read_only:
                raise CollectorError(
                    f"database {path} is open read-only in this process: a write must wait until it is closed"
                )
            if held is None:
                self.names += 1
                stem = path.stem if path.stem.isidentifier() else "store"
                name = f"{stem}_{self.names}" if stem.lower() in ("memory", "system", "temp", "main") else stem
                if any(h.name == name for h in self.attached.values()):
                    name = f"{stem}_{self.names}"
                literal = "'" + str(path).replace("'", "''") + "'"  # ATTACH takes no parameters
                host.execute(f'ATTACH {literal} AS "{name}"' + (" (READ_ONLY)" if read_only else ""))
                held = self.attached[key] = _Attachment(name, read_only)
            held.users += 1
            held.writers += not read_only
            held.idle_since = None
            name = held.name
            try:
                con = host.cursor()
                con.execute(f'USE "{name}"')
            except BaseException:
                self._release(key, read_only=read_only, checkpoint=False, linger=False)
                raise
            return con, key

    def writing(self) -> bool:
        """Whether a connection in use writes (a read beside it shares the instance's settings)."""
        return any(h.writers for h in self.attached.values())

    def detach(
        self, con: duckdb.DuckDBPyConnection, key: str, *, read_only: bool, checkpoint: bool, linger: bool = True
    ) -> None:
        with self.lock:
            with contextlib.suppress(duckdb.Error):
                con.close()
            self._release(key, read_only=read_only, checkpoint=checkpoint, linger=linger)

    def _release(self, key: str, *, read_only: bool, checkpoint: bool, linger: bool) -> None:
        held = self.attached.get(key)
        if held is None or self.con is None:
            return
        held.users -= 1
        if not read_only:
            held.writers -= 1
            held.checkpoint_owed = held.checkpoint_owed or checkpoint
        if held.users > 0:
            return
        if linger and self.lingering:
            held.idle_since = time.monotonic()
            if self.sweeper is None or not self.sweeper.is_alive():
                self.sweeper = threading.Thread(target=self._sweep, name="collector-store-linger", daemon=True)
                self.sweeper.start()
            return
        self._detach(key)

    def _detach(self, key: str) -> None:
        """Detach an attachment no connection uses, checkpointed first if a writer asked; if DETACH
        fails it stays known (and lingering, inside a command: detached again later)."""
        held = self.attached[key]
        assert self.con is not None  # (something is attached only to the instance)
        if held.checkpoint_owed and not held.read_only:
            # as closing an instance of its own did; a failure (a full disk) leaves the committed
            # transactions in the write-ahead log, which the next connection replays
            with contextlib.suppress(duckdb.Error):
                self.con.execute(f'CHECKPOINT "{held.name}"')
            held.checkpoint_owed = False
        try:
            self.con.execute(f'DETACH "{held.name}"')
        except duckdb.Error:
            held.idle_since = time.monotonic()
            raise
        del self.attached[key]

    def release_idle(self, key: str | None = None) -> None:
        """Detach the lingering attachments (of the file `key` only, if given) at once; one that cannot
        be detached is logged and left attached, never raised over what the command was doing."""
        with self.lock:
            if self.pid != os.getpid():
                return
            for k in [k for k, h in self.attached.items() if h.users == 0 and (key is None or k == key)]:
                try:
                    self._detach(k)
                except duckdb.Error as exc:
                    log.warning("could not let go of %s: %s", k, " ".join(str(exc).split()))

    def _sweep(self) -> None:
        """Detach each lingering attachment once it has been idle LINGER_SECONDS; ends with the last."""
        try:
            while True:
                time.sleep(LINGER_SECONDS / 4)
                with self.lock:
                    if self.sweeper is not threading.current_thread():
                        return
                    now = time.monotonic()
                    for key, held in list(self.attached.items()):
                        if held.idle_since is not None and now - held.idle_since >= LINGER_SECONDS:
                            try:
                                self._detach(key)
                            except duckdb.Error as exc:  # tried again after another LINGER_SECONDS
                                log.debug("detaching %s failed: %s", key, exc)
                    if not any(h.idle_since is not None for h in self.attached.values()):
                        return
        finally:
            with self.lock:
                if self.sweeper is threading.current_thread():
                    self.sweeper = None

    def forked(self) -> None:
        """In a forked child: nothing of the parent's is the child's (its lock may be held by a thread
        that is not in the child, its attachments are the parent's file locks)."""
        self.lock = threading.RLock()
        self.attached = {}
        self.lingering = 0
        self.sweeper = None


_HOST = _Host()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_HOST.forked)


@contextlib.contextmanager
def lingering() -> Iterator[None]:
    """A command's scope: the stores its connections let go of linger (LINGER_SECONDS) for its next
    connection, and are all detached (and checkpointed) when the scope ends."""
    with _HOST.lock:
        _HOST.lingering += 1
    try:
        yield
    finally:
        with _HOST.lock:
            _HOST.lingering -= 1
            if not _HOST.lingering:
                _HOST.release_idle()


def release(path: Path | None = None) -> None:
    """Detach at once what lingers in this process (of `path` only, if given): before the file is
    opened by another DuckDB instance of this process, which DuckDB refuses while it is attached here."""
    _HOST.release_idle(None if path is None else str(path.absolute()))


def _sandbox(path: Path) -> duckdb.DuckDBPyConnection:
    """The store attached read-only to a private in-memory instance, which then loses its file system
    and has its configuration locked (which the shared instance cannot: it serves the writers)."""
    release(path)
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


def _open(path: Path, read_only: bool, sandboxed: bool) -> tuple[duckdb.DuckDBPyConnection, str | None]:
    if sandboxed:
        return _sandbox(path), None
    con, key = _HOST.attach(path, read_only)
    try:
        con.execute("SET TimeZone = 'UTC'")
        with _HOST.lock:
            if read_only:
                # the settings are the instance's: a read beside a write in this process (nested, or
                # sharing its attachment) keeps the write's bound
                if not _HOST.writing():
                    con.execute("RESET memory_limit")
                    con.execute("RESET preserve_insertion_order")
            else:
                # Bounded memory for writes (a 1M-model snapshot spills instead of growing:
                # bench/hf_ingest.py measures it). Row order carries no meaning here: ranks are columns.
                con.execute(f"SET memory_limit = '{settings.get('COLLECTOR_DB_MEMORY')}'")
                con.execute("SET preserve_insertion_order = false")
            # spilled beside the store, as an instance of its own would (not into the working directory)
            with contextlib.suppress(duckdb.Error):  # refused while another store's spill is in use
                con.execute("SET temp_directory = '" + (str(path) + ".tmp").replace("'", "''") + "'")
    except BaseException:
        _HOST.detach(con, key, read_only=read_only, checkpoint=False, linger=False)
        raise
    return con, key


@contextlib.contextmanager
def opened(
    path: Path,
    *,
    read_only: bool = False,
    timeout: float | None = None,
    sandboxed: bool = False,
    checkpoint: bool = True,
    linger: bool = True,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The store open for the block, waiting up to `timeout` seconds (COLLECTOR_LOCK_TIMEOUT) for
    another process's lock to go away. Raises a one-line CollectorError instead of DuckDB's traceback.
    `sandboxed` (read-only only) is for text a user typed (`collector sql`, the claims' dates, the
    Python API): no file system, no extensions, no ATTACH, and the configuration locked so that no
    statement inside the query can undo it. A writer's transactions are written into the file when
    the block ends, unless `checkpoint=False` (another write of the same command follows: they stay
    in the write-ahead log meanwhile, committed and durable). Inside `lingering()`, the file is
    detached (and checkpointed) only when no connection has used it for LINGER_SECONDS, or when the
    scope ends; `linger=False` detaches it when the block ends (compact: the file was replaced)."""
    if sandboxed and not read_only:
        raise ValueError("a sandboxed connection is read-only")
    if read_only and not path.exists():
        raise CollectorError(f"no database at {path}: run `collector collect hf` first or pass --db PATH")
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
            con, key = _open(path, read_only, sandboxed)
            break
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
    try:
        yield con
    finally:
        if key is None:
            con.close()
        else:
            _HOST.detach(con, key, read_only=read_only, checkpoint=checkpoint, linger=linger)
