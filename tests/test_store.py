"""The store: migrations, newer-version refusal, lock waits, status."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import duckdb

from collector import store
from tests.conftest import query


def test_migrates_fresh_file_and_is_idempotent(db):
    with store.writer(db):
        pass
    newest = store.migrations.migrations()[-1].version
    assert query(db, "SELECT max(version) FROM schema_migrations")[0][0] == newest
    with store.writer(db):
        pass
    assert query(db, "SELECT count(*) FROM schema_migrations")[0][0] == newest


def test_older_file_upgrades_in_place(db):
    con = duckdb.connect(str(db))
    con.execute(store.migrations.migrations()[0].sql)
    con.execute("INSERT INTO schema_migrations VALUES (1, 'core', now())")
    con.execute("INSERT INTO runs (job, source, started_at, status) VALUES ('old job', 'hf', now(), 'ok')")
    con.close()
    with store.writer(db):
        pass
    assert query(db, "SELECT job FROM runs") == [("old job",)]
    assert query(db, "SELECT count(*) FROM hf_snapshots")[0][0] == 0


def test_newer_file_is_refused(db, run):
    with store.writer(db) as con:
        con.execute("INSERT INTO schema_migrations VALUES (999, 'future', now())")
    result = run("--db", str(db), "collect", "hf", "--top", "0")
    assert result.code == 1
    assert "schema version 999, newer than this collector" in result.err and "Traceback" not in result.err
    assert run("--db", str(db), "status").code == 1


def test_lock_held_by_other_process_waits_then_refuses(db, run, monkeypatch):
    with store.writer(db):
        pass
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import duckdb, sys, time
            con = duckdb.connect({str(db)!r})
            print("locked", flush=True)
            time.sleep(30)
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        monkeypatch.setenv("COLLECTOR_LOCK_TIMEOUT", "0.5")
        result = run("--db", str(db), "status")
        assert result.code == 1
        # who holds it, with its command line, and what to do: a reader is not "another collector run"
        assert f"is locked by process {holder.pid} ({sys.executable} -c" in result.err
        assert "(waited 0.5 s): a reader (a notebook, a DuckDB CLI) keeps the file open" in result.err
        assert f"waiting up to 0.5 s for the database lock held by process {holder.pid}" in result.err
    finally:
        holder.kill()
        holder.wait()
    assert run("--db", str(db), "status").code == 0


def test_status_reports_runs_tables_and_size(db, run, hub, tmp_path):
    orgs = tmp_path / "orgs.csv"
    orgs.write_text("namespace,organisation,role,collect\nQwen,Alibaba,developer,yes\n")
    assert run("--db", str(db), "collect", "hf", "--orgs", str(orgs), "--top", "2").code == 0
    result = run("--db", str(db), "status")
    assert result.code == 0
    assert f"database: {db}" in result.out and "schema version" in result.out
    assert "collect hf" in result.out and "ok" in result.out
    assert "hf_listings" in result.out and "hf_counters" in result.out


def test_status_without_database(run, tmp_path):
    result = run("--db", str(tmp_path / "none.duckdb"), "status")
    assert result.code == 1 and "no database at" in result.err


def test_unusable_db_path(run, tmp_path):
    (tmp_path / "file").write_text("x")
    result = run("--db", str(tmp_path / "file" / "sub.duckdb"), "collect", "hf", "--top", "0")
    assert result.code == 2 and "cannot use --db" in result.err


def test_a_write_that_leaves_its_checkpoint_to_a_later_one_is_committed_and_readable(empty_store):
    """A run's opening and its kept parts close without a checkpoint (their transaction stays in the
    .wal): another process still reads them, a process that dies there loses nothing, and the next
    checkpointing write folds the log into the file."""
    s = store.Store(empty_store)
    run_id = s.start_run("collect test", "hf", {"n": 1})
    wal = empty_store.with_name(empty_store.name + ".wal")
    assert wal.exists()  # left for the run's commit
    code = textwrap.dedent(f"""
        import duckdb
        con = duckdb.connect({str(empty_store)!r}, read_only=True)
        print(con.execute("SELECT status FROM runs WHERE run_id = {run_id}").fetchone()[0])
    """)
    read = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert read.stdout.strip() == "running"
    s.fail_run(run_id, "stopped")  # a write that checkpoints
    assert not wal.exists()
    assert query(empty_store, f"SELECT status, error FROM runs WHERE run_id = {run_id}") == [("failed", "stopped")]


def test_a_commands_refresh_step_is_done_by_its_first_connection(empty_store, monkeypatch):
    """prepare_on_first_use(): the views are remade by the next writer, or checked by the next read;
    nothing is done twice, and a read of a current store opens no writer."""
    from collector.store import views

    s = store.Store(empty_store)
    refreshed = []
    real = views.refresh
    monkeypatch.setattr(views, "refresh", lambda con, **kw: refreshed.append(1) or real(con, **kw))
    s.prepare_on_first_use()
    with s.sandbox() as con:  # current views: the sandbox checks them and needs no writer
        assert con.execute("SELECT count(*) FROM claims").fetchone()[0] > 0
    assert refreshed == []
    with store.writer(empty_store) as con:
        con.execute("DELETE FROM internal.store_state WHERE name = 'views_version'")  # as after an upgrade
    s.prepare_on_first_use()
    s.start_run("collect test", "hf", {})
    assert refreshed == [1]
    s.start_run("collect test", "hf", {})  # owed once only
    assert refreshed == [1]
    assert s.views_current()


def test_kept_parts_leave_a_bounded_log(empty_store):
    """Each connection replays the write-ahead log when it opens: writes that leave their checkpoint
    to a later one fold the log into the file once it passes WAL_KEPT_BYTES, so a backfill's hundredth
    part does not pay for the ninety-nine before it."""
    s = store.Store(empty_store)
    wal = empty_store.with_name(empty_store.name + ".wal")
    sizes = []
    for _ in range(12):
        with s.transaction(checkpoint=False) as con:
            con.execute(
                "INSERT INTO runs (job, source, started_at, status, error) "
                "SELECT 'part', 'test', now(), 'failed', repeat('x', 200) || i FROM range(100) t(i)"
            )
        sizes.append(wal.stat().st_size if wal.exists() else 0)
    assert max(sizes) > 0  # the log was left for later writes
    assert max(sizes) < store.WAL_KEPT_BYTES + 100_000, sizes  # folded in once past the bound (a part is ~25 KB)
    assert max(sizes) < 200_000, sizes  # the bound is small: twelve parts would be ~300 KB
    assert query(empty_store, "SELECT count(*) FROM runs WHERE job = 'part'") == [(1200,)]


def test_two_stores_open_at_once_in_one_process_each_see_only_their_own(tmp_path):
    """Stores share the process's DuckDB instance (collector.store.connect): a store's own checks must
    not see another store attached beside it, and a nested connection to the same store shares it."""
    from collector.store import views
    from tests.seed import empty_store

    first, second = empty_store(tmp_path / "first.duckdb"), empty_store(tmp_path / "second.duckdb")
    with store.writer(second) as con:
        con.execute("DROP VIEW claims")
    with store.writer(first) as outer:
        outer.execute("CREATE TABLE only_in_first (i INTEGER)")
        with store.reader(second) as inner:
            assert "claims" not in views.present_objects(inner)
            assert not views.is_current(inner)
            assert inner.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'only_in_first' "
                "AND database_name = current_database()"
            ).fetchone() == (0,)
        with store.writer(first) as nested:  # the same store again: the same attachment, a session of its own
            assert nested.execute("SELECT count(*) FROM only_in_first").fetchone() == (0,)
        assert "claims" in views.present_objects(outer) and views.is_current(outer)
    # everything let go: another process can open both
    for path in (first, second):
        code = f"import duckdb; duckdb.connect({str(path)!r}).execute('SELECT 1')"
        assert subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0


def test_a_read_inside_a_write_keeps_the_writes_memory_bound(db, monkeypatch):
    """Memory settings belong to the process's shared DuckDB instance: a read opened while a write is
    open in this process must not lift the write's COLLECTOR_DB_MEMORY bound."""
    monkeypatch.setenv("COLLECTOR_DB_MEMORY", "300MB")

    def limit(con) -> str:
        return con.execute("SELECT current_setting('memory_limit')").fetchone()[0]

    with store.writer(db) as outer:
        bound = limit(outer)
        with store.reader(db) as inner:
            inner.execute("SELECT count(*) FROM runs").fetchone()
        assert limit(outer) == bound
    with store.reader(db) as alone:  # no write open: a read has DuckDB's default again
        assert limit(alone) != bound
    from collector.store import connect

    with connect.lingering():  # within a command: a read sharing the attachment a write left lingering
        with store.writer(db) as con:
            assert limit(con) == bound
        with store.reader(db) as after:
            assert limit(after) != bound


def _attached_here(path) -> bool:
    """Whether this process holds the file (DuckDB refuses a second instance of it while it does)."""
    from tests.conftest import _connect  # duckdb.connect, without the suite's letting go first

    try:
        _connect(str(path), read_only=True).close()
    except duckdb.BinderException as exc:
        assert "Unique file handle conflict" in str(exc)
        return True
    return False


def test_a_commands_connections_share_the_store_and_let_go_of_it_when_it_pauses(empty_store, monkeypatch):
    """Inside a command (connect.lingering) a connection's store stays attached a moment for the next
    one, which then neither attaches it again nor checkpoints in between; a pause longer than that
    gives the file back to other processes (checkpointed), and so does the command's end."""
    import time

    from collector.store import connect

    monkeypatch.setattr(connect, "LINGER_SECONDS", 0.5)
    wal = empty_store.with_name(empty_store.name + ".wal")
    attaches = []
    attach = connect._Host.attach
    monkeypatch.setattr(connect._Host, "attach", lambda self, *a: attaches.append(a) or attach(self, *a))
    s = store.Store(empty_store)
    with connect.lingering():
        with s.writer() as con:
            con.execute("CREATE TABLE t AS SELECT 1 AS i")
        assert wal.exists()  # the checkpoint waits for the attachment to be let go of
        with s.reader() as con, s.writer() as nested:
            nested.execute("INSERT INTO t VALUES (2)")
            assert con.execute("SELECT count(*) FROM t").fetchone() == (2,)
        assert len({path for path, _ in attaches}) == 1 and len(attaches) == 3
        assert _attached_here(empty_store)  # still held: the next connection is near
        # a pause (a crawl, a paced request): let go of, and checkpointed (polled: a busy machine may
        # run the sweeper late, and a fixed sleep would make the test flaky rather than stricter)
        paused = time.monotonic()
        while _attached_here(empty_store) and time.monotonic() < paused + 10:
            time.sleep(0.05)
        assert time.monotonic() - paused >= 0.5 * 0.9  # not before LINGER_SECONDS
        assert not wal.exists() and not _attached_here(empty_store)
        with s.sandbox() as con:  # its own DuckDB instance: what lingers is let go of first
            assert con.execute("SELECT count(*) FROM t").fetchone() == (2,)
        with s.writer() as con:
            con.execute("INSERT INTO t VALUES (3)")
        assert _attached_here(empty_store)
    assert not wal.exists() and not _attached_here(empty_store)  # the command's end lets go at once
    assert query(empty_store, "SELECT sum(i) FROM t") == [(6,)]


def test_a_compacted_store_is_not_kept_attached_in_its_old_file(empty_store):
    """compact replaces the file while holding it: the command's next connection opens the new file."""
    from collector.store import compact, connect

    s = store.Store(empty_store)
    with connect.lingering():
        with s.writer() as con:
            con.execute("CREATE TABLE t AS SELECT range AS i FROM range(100000)")
            con.execute("DELETE FROM t WHERE i >= 10")
        result = compact.compact(s)
        assert result.after_bytes < result.before_bytes
        with s.writer() as con:
            con.execute("INSERT INTO t VALUES (10)")
    assert query(empty_store, "SELECT count(*), max(i) FROM t") == [(11, 10)]
