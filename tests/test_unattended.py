"""Unattended operation as processes: SIGTERM mid-job, two writers, readers between commits."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC
from pathlib import Path

import pytest

from tests.conftest import query, release_stores
from tests.fakes.server import Reply
from tests.seed import empty_store as empty_store_at

ROOT = Path(__file__).resolve().parents[1]


def cli(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "collector", "--db", str(db), *args]


def env_for(hub) -> dict:
    return {**os.environ, "HF_ENDPOINT": hub.url, "PYTHONPATH": str(ROOT)}


def hold_first_page(hub) -> threading.Event:
    """The next request to /api/models is answered (an empty page) only once the returned event is
    set: a child's run is mid-fetch until the test lets it go."""
    release = threading.Event()
    hub.script("/api/models", Reply(200, b"[]", hold=release))
    return release


def stop_mid_fetch(proc, release: threading.Event, sig: signal.Signals) -> None:
    """Signal a child whose request is held, then let the response through: it arrives after the signal."""
    proc.send_signal(sig)
    time.sleep(0.1)
    release.set()


def wait_until(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def try_query(db: Path, sql: str):
    """query(), or None while a writer holds the file (DuckDB allows no reader then)."""
    import duckdb

    try:
        return query(db, sql) if db.exists() else None
    except duckdb.IOException:
        return None
    finally:
        release_stores()  # a writer in another process is waiting for the file


def write_schedule(tmp_path: Path, orgs: Path, cron: str = "15 2 * * *") -> Path:
    path = tmp_path / "schedules.yaml"
    path.write_text(f"jobs:\n  hf:\n    cron: '{cron}'\n    top: 0\n    orgs: {orgs}\n")
    return path


@pytest.mark.usefixtures("empty_store")  # a prepared store: the child does not build the views
def test_sigterm_mid_run_commits_nothing_and_rerun_completes(run, hub, db, orgs, tmp_path):
    write_schedule(tmp_path, orgs)
    release = hold_first_page(hub)
    proc = subprocess.Popen(cli(db, "run", "hf"), env=env_for(hub), cwd=tmp_path, stderr=subprocess.PIPE, text=True)
    assert wait_until(lambda: hub.requests_to("/api/models"))
    stop_mid_fetch(proc, release, signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert (
        err.strip().splitlines()[-1].startswith("error: stopped: SIGTERM received; nothing of this run was committed")
    )
    assert "Traceback" not in err
    assert query(db, "SELECT count(*) FROM hf_snapshots") == [(0,)]
    assert query(db, "SELECT status FROM runs") == [("failed",)]
    again = run("--db", str(db), "run", "hf")  # in this process: the stopped one is what is tested
    assert again.code == 0, again.err
    assert query(db, "SELECT scope, model_count FROM hf_snapshots ORDER BY scope") == [
        ("author:Qwen", 3),
        ("author:deepseek-ai", 1),
    ]


@pytest.mark.usefixtures("empty_store")  # a prepared store: the child does not build the views
def test_scheduler_catches_up_then_stops_cleanly_on_sigterm(hub, db, orgs, tmp_path):
    """Started at 06:00 after a missed 02:15 run: it runs the job once at start; SIGTERM during
    that job stops the scheduler after the job rolled back."""
    config = write_schedule(tmp_path, orgs)
    release = hold_first_page(hub)
    proc = subprocess.Popen(
        cli(db, "schedule", "--config", str(config)), env=env_for(hub), cwd=tmp_path, stderr=subprocess.PIPE, text=True
    )
    assert wait_until(lambda: hub.requests_to("/api/models")), "the catch-up run never started"
    stop_mid_fetch(proc, release, signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "missed its run of 2026-05-01 02:15 UTC, running it once now" in err
    assert "job hf: start (catch-up of 2026-05-01 02:15 UTC)" in err
    assert "SIGTERM received: stopping after the running job commits or rolls back" in err
    assert "scheduler stopped" in err
    assert query(db, "SELECT count(*) FROM hf_snapshots") == [(0,)]


@pytest.mark.usefixtures("empty_store")  # a prepared store: the child does not build the views
def test_scheduler_runs_a_due_job_and_logs_start_and_end(hub, db, orgs, tmp_path):
    config = write_schedule(tmp_path, orgs)
    proc = subprocess.Popen(
        cli(db, "schedule", "--config", str(config)), env=env_for(hub), cwd=tmp_path, stderr=subprocess.PIPE, text=True
    )
    try:
        assert wait_until(lambda: try_query(db, "SELECT count(*) FROM runs WHERE status = 'ok'") == [(1,)])
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    assert "job hf: end: collect hf: ok" in err and "hf_model_downloads 4" in err
    assert query(db, "SELECT count(*) FROM hf_snapshots") == [(2,)]


def test_two_writers_at_once_both_finish_without_duplicates(hub, db, orgs):
    release = hold_first_page(hub)  # the first run to fetch waits there until the second is fetching too
    procs = [
        subprocess.Popen(
            cli(db, "collect", "hf", "--orgs", str(orgs), "--top", "5"),
            # each waits for the other's writes (not the tests' 2 s: on a loaded machine a run's writes take longer)
            env={**env_for(hub), "COLLECTOR_LOCK_TIMEOUT": "60"},
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        assert wait_until(lambda: len(hub.requests_to("/api/models")) >= 2), "the two runs never overlapped"
    finally:
        release.set()
    results = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    assert query(db, "SELECT status, count(*) FROM runs GROUP BY 1") == [("ok", 2)]
    assert query(db, "SELECT count(*), count(DISTINCT scope) FROM hf_snapshots") == [(3, 3)]
    assert query(
        db,
        "SELECT count(*) FROM (SELECT snapshot_id, model_id FROM hf_model_downloads GROUP BY ALL HAVING count(*) > 1)",
    ) == [(0,)]


@pytest.mark.usefixtures("empty_store")  # a prepared store: the child does not build the views
def test_readers_open_the_store_while_a_run_fetches(run, hub, db, orgs):
    assert run("--db", str(db), "collect", "hf", "--orgs", str(orgs), "--top", "0").code == 0  # a first run
    release = hold_first_page(hub)  # the writer stays mid-fetch until both readers are done
    writer = subprocess.Popen(
        cli(db, "collect", "hf", "--orgs", str(orgs), "--top", "0"), env=env_for(hub), stderr=subprocess.PIPE, text=True
    )
    try:
        assert wait_until(lambda: len(hub.requests_to("/api/models")) > 2)
        # the reader is this process (the writer is another one: DuckDB's lock is per process)
        reader = run("--db", str(db), "sql", "--format", "csv", "SELECT count(*) AS n FROM hf_snapshots")
        assert reader.code == 0, reader.err
        assert reader.out.splitlines() == ["n", "2"]
        duckdb_cli = Path(sys.executable).parent / "duckdb"
        if duckdb_cli.exists():
            plain = subprocess.run(
                [str(duckdb_cli), "-readonly", str(db), "-csv", "-c", "SELECT count(*) FROM runs"],
                capture_output=True,
                text=True,
                timeout=30,
            )
            assert plain.returncode == 0, plain.stderr
            assert plain.stdout.splitlines()[-1] == "2"
    finally:
        release.set()
        writer.communicate(timeout=60)
    assert writer.returncode == 0


@pytest.mark.usefixtures("empty_store")  # a prepared store: the child does not build the views
def test_sql_command_formats_and_refuses_writes(run, hub, db, orgs):
    assert run("--db", str(db), "collect", "hf", "--orgs", str(orgs), "--top", "0").code == 0
    table = run("--db", str(db), "sql", "SELECT scope, model_count FROM hf_snapshots ORDER BY scope")
    assert table.code == 0 and "author:Qwen" in table.out and "(2 rows)" in table.out
    as_json = run("--db", str(db), "sql", "--format", "json", "SELECT 1990781795145::HUGEINT AS t, 'x' AS s")
    assert as_json.code == 0 and '"t": 1990781795145' in as_json.out
    big = run("--db", str(db), "sql", "--format", "json", "SELECT 12345678901234567890::HUGEINT AS t")
    assert '"t": "12345678901234567890"' in big.out
    refused = run("--db", str(db), "sql", "DELETE FROM runs")
    assert refused.code == 1 and refused.err.startswith("error: query refused:") and refused.err.count("\n") == 1
    assert query(db, "SELECT count(*) FROM runs") == [(1,)]
    bad = run("--db", str(db), "sql", "SELEC nothing")
    assert bad.code == 1 and "Parser Error" in bad.err


@pytest.mark.usefixtures("empty_store")  # a prepared store: the child does not build the views
def test_a_second_scheduler_on_the_same_db_is_refused(hub, db, orgs, tmp_path):
    config = tmp_path / "schedules.yaml"
    config.write_text(f"jobs:\n  hf:\n    cron: '15 2 1 1 *'\n    top: 0\n    orgs: {orgs}\n")  # not due: idle
    first = subprocess.Popen(
        cli(db, "schedule", "--config", str(config)), env=env_for(hub), cwd=tmp_path, stderr=subprocess.PIPE, text=True
    )
    try:
        assert wait_until(
            lambda: (
                (db.parent / f"{db.name}.scheduler.lock").exists()
                and "pid" in (db.parent / f"{db.name}.scheduler.lock").read_text()
            )
        )
        second = subprocess.run(
            cli(db, "schedule", "--config", str(config)),
            env=env_for(hub),
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert second.returncode == 1
        assert f"a scheduler is already running for {db} (pid {first.pid})" in second.stderr
        assert second.stderr.count("\n") == 1
    finally:
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=30)
    assert first.returncode == 0


def test_a_run_crossing_utc_midnight_is_the_day_it_started(run, hub, db, orgs, monkeypatch):
    from datetime import datetime

    from collector.core import clock

    empty_store_at(db)  # the store exists already (a prepared one): only the run's own clock readings below
    times = iter([datetime(2026, 5, 1, 23, 59, 58, tzinfo=UTC)] * 3)
    later = datetime(2026, 5, 2, 0, 0, 5, tzinfo=UTC)
    monkeypatch.setattr(clock, "now", lambda: next(times, later))
    assert run("--db", str(db), "collect", "hf", "--orgs", str(orgs), "--top", "0").code == 0
    rows = query(db, "SELECT DISTINCT snapshot_date::VARCHAR, strftime(as_of, '%Y-%m-%d') FROM hf_snapshots")
    assert rows == [("2026-05-01", "2026-05-02")]
    assert query(db, "SELECT DISTINCT last_seen::VARCHAR FROM hf_models") == [("2026-05-01",)]


@pytest.mark.usefixtures("empty_store")  # a prepared store: the child does not build the views
def test_ctrl_c_stops_at_a_safe_point(hub, db, orgs, tmp_path):
    release = hold_first_page(hub)
    cmd = cli(db, "collect", "hf", "--orgs", str(orgs), "--top", "0")
    proc = subprocess.Popen(cmd, env=env_for(hub), cwd=tmp_path, stderr=subprocess.PIPE, text=True)
    assert wait_until(lambda: hub.requests_to("/api/models"))
    stop_mid_fetch(proc, release, signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert "stopping at the next safe point" in err and "error: stopped: SIGINT received" in err
    assert query(db, "SELECT status FROM runs") == [("failed",)]
    assert query(db, "SELECT count(*) FROM hf_snapshots") == [(0,)]


@pytest.mark.usefixtures("empty_store")  # a prepared store: the child does not build the views
def test_second_ctrl_c_forces_the_stop(hub, db, orgs, tmp_path):
    release = hold_first_page(hub)  # a response that does not come while the test runs
    cmd = cli(db, "collect", "hf", "--orgs", str(orgs), "--top", "0")
    proc = subprocess.Popen(cmd, env=env_for(hub), cwd=tmp_path, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_until(lambda: hub.requests_to("/api/models"))
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        release.set()
    assert time.monotonic() - started < 15  # did not wait for the response
    assert proc.returncode == 130 and "interrupted: nothing partial was written" in err
    assert query(db, "SELECT status FROM runs") == [("failed",)]
    assert query(db, "SELECT count(*) FROM hf_snapshots") == [(0,)]
