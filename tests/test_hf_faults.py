"""The Hub client under faults: slow and cut responses, odd ids, oversized pages, falling counters,
an interrupted run. Each ends with a consistent database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import query, release_stores
from tests.fakes.hub import FakeHub, make_model
from tests.fakes.server import Reply

# Every test starts from an empty store copied from a template (conftest `empty_store`), as if
# a first command had made it, without preparing one per test.
pytestmark = pytest.mark.usefixtures("empty_store")


def collect(run, db, orgs, *extra):
    return run("--db", str(db), "-q", "collect", "hf", "--orgs", str(orgs), "--top", "0", *extra)


def test_slow_response_times_out_and_is_retried(run, hub, db, orgs, monkeypatch):
    monkeypatch.setenv("COLLECTOR_HTTP_TIMEOUT", "0.3")
    hub.script("/api/models", Reply(200, b"[]", delay=1.0))
    result = collect(run, db, orgs)
    assert result.code == 0, result.err
    assert query(db, "SELECT model_count FROM hf_snapshots WHERE scope = 'author:Qwen'") == [(3,)]


def test_connection_reset_mid_body_is_retried(run, hub, db, orgs):
    body = b'[{"_id":"1","id":"Qwen/a","downloads":5},{"_id":"2","id":"Qwen/b","downloads":4}]'
    hub.script("/api/models", Reply(200, body, truncate_at=20))
    result = collect(run, db, orgs)
    assert result.code == 0, result.err
    assert query(db, "SELECT model_count FROM hf_snapshots WHERE scope = 'author:Qwen'") == [(3,)]


def test_page_cut_short_without_a_length_is_retried(run, hub, db, orgs):
    # no Content-Length and the connection closed mid-body: only the JSON tells the page is incomplete
    body = b'[{"_id":"1","id":"Qwen/a","downloads":5},{"_id":"2","id":"Qwen/b","downloads":4}]'
    hub.script("/api/models", Reply(200, body, truncate_at=30, no_length=True))
    result = collect(run, db, orgs)
    assert result.code == 0, result.err
    assert query(db, "SELECT model_count FROM hf_snapshots WHERE scope = 'author:Qwen'") == [(3,)]
    assert query(db, "SELECT status FROM runs") == [("ok",)]


def test_persistent_reset_fails_with_one_line(run, hub, db, orgs):
    hub.script("/api/models", *[Reply(200, b'[{"_id":"1","id":"Qwen/a"}]', truncate_at=5)] * 6)
    result = collect(run, db, orgs)
    assert result.code == 1 and result.err.count("\n") == 1
    assert "network error after 6 attempts" in result.err
    assert query(db, "SELECT count(*) FROM hf_snapshots") == [(0,)]


def test_empty_page_ends_or_continues_the_listing(run, hub, db, orgs):
    nxt = {"Link": f'<{hub.url}/api/models?author=Qwen&cursor=2>; rel="next"'}
    hub.script("/api/models", Reply(200, b"[]", nxt), Reply(200, b'[{"_id":"1","id":"Qwen/late"}]'))
    assert collect(run, db, orgs).code == 0
    assert query(
        db,
        """SELECT model_id, rank FROM hf_model_downloads JOIN hf_snapshots USING (snapshot_id)
                        WHERE scope = 'author:Qwen'""",
    ) == [("Qwen/late", 1)]
    assert query(db, "SELECT pages, model_count FROM hf_snapshots WHERE scope = 'author:Qwen'") == [(2, 1)]


def test_oversized_response_is_refused(run, hub, db, orgs, monkeypatch):
    monkeypatch.setenv("COLLECTOR_MAX_RESPONSE_MB", "0.001")
    hub.script("/api/models", Reply(200, b"[" + b'{"_id":"1","id":"Qwen/a"},' * 100 + b'{"_id":"2","id":"Qwen/b"}]'))
    result = collect(run, db, orgs)
    assert result.code == 1 and "over the 1,048-byte limit" in result.err
    assert query(db, "SELECT count(*) FROM hf_snapshots") == [(0,)]


@pytest.mark.parametrize(
    "model_id",
    [
        'Qwen/it\'s "quoted"',
        "Qwen/ünïcödé-模型",
        "Qwen/a/b/c",
        "Qwen/x'); DROP TABLE hf_models; --",
        "Qwen/%s ?",
    ],
)
def test_odd_ids_are_stored_verbatim(run, hub, db, orgs, model_id):
    hub.models.append(make_model(model_id, 7, tags=[f"base_model:finetune:{model_id}"]))
    assert collect(run, db, orgs).code == 0
    assert query(db, "SELECT model_id FROM hf_model_downloads WHERE downloads_30d = 7") == [(model_id,)]
    assert query(db, "SELECT parent_id FROM hf_lineage WHERE child_id = ?", [model_id]) == [(model_id,)]
    assert query(db, "SELECT count(*) FROM hf_models")[0][0] == 5  # Qwen's 3 + deepseek-ai's 1 + this one


def test_counter_going_down_is_stored_as_observed(run, hub, db, orgs, monkeypatch):
    assert collect(run, db, orgs).code == 0
    monkeypatch.setenv("COLLECTOR_NOW", "2026-05-02T06:00:00Z")
    hub.models[0]["downloadsAllTime"] -= 1000
    assert collect(run, db, orgs).code == 0
    series = query(
        db,
        """SELECT snapshot_date::VARCHAR, downloads_all_time FROM hf_model_downloads
                          JOIN hf_snapshots USING (snapshot_id) WHERE model_id = 'Qwen/QwQ-32B' ORDER BY 1""",
    )
    assert series == [("2026-05-01", 2_945_445), ("2026-05-02", 2_944_445)]


def test_kill_9_mid_run_then_rerun(run, db, orgs, tmp_path, monkeypatch):
    """A run killed while fetching leaves no snapshot and no lock; the next run completes and the
    dead run is marked abandoned."""
    models = [make_model(f"Qwen/m{i}", 100 - i) for i in range(5)]
    with FakeHub(models) as hub:
        hub.script("/api/models", Reply(200, b"[]", delay=30))  # the first request hangs
        env = {**os.environ, "HF_ENDPOINT": hub.url, "PYTHONPATH": os.getcwd()}
        cmd = [sys.executable, "-m", "collector", "--db", str(db), "collect", "hf", "--orgs", str(orgs), "--top", "0"]
        proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while not hub.requests_to("/api/models") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert hub.requests_to("/api/models"), "the run never reached the Hub"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert query(db, "SELECT status FROM runs") == [("running",)]
        assert query(db, "SELECT count(*) FROM hf_snapshots") == [(0,)]
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        again = run(*cmd[3:])  # the rerun in this process: the killed run is the other process
        assert again.code == 0, again.err
    assert query(db, "SELECT status FROM runs ORDER BY run_id") == [("abandoned",), ("ok",)]
    assert query(db, "SELECT scope, model_count FROM hf_snapshots ORDER BY scope") == [
        ("author:Qwen", 5),
        ("author:deepseek-ai", 0),
    ]
    assert [p.name for p in (db.parent / "staging").iterdir()] == []


def test_disk_full_during_commit_leaves_previous_state(run, hub, db, orgs, tmp_path):
    mount = tmp_path / "tiny"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        small = mount / "adoption.duckdb"
        assert collect(run, small, orgs).code == 0
        before = query(small, "SELECT count(*) FROM hf_model_downloads")
        hub.models.extend(make_model(f"Qwen/filler-{i}-" + "x" * 200, i, tags=["t" * 300] * 20) for i in range(5000))
        result = collect(run, small, orgs)
        assert result.code == 1 and result.err.count("\n") == 1 and "Traceback" not in result.err
        assert query(small, "SELECT count(*) FROM hf_model_downloads") == before
        assert query(small, "SELECT status FROM runs ORDER BY run_id")[0] == ("ok",)
    finally:
        release_stores()  # `query` keeps the file open, which would keep the mount busy
        subprocess.run(["umount", str(mount)], capture_output=True)


def test_429_storm_without_hints_backs_off_and_completes(run, hub, db, orgs):
    hub.script("/api/models", *[Reply(429, b'{"error":"slow down"}')] * 4)
    result = collect(run, db, orgs)
    assert result.code == 0, result.err
    assert [r.status for r in hub.requests_to("/api/models")][:5] == [429, 429, 429, 429, 200]


def test_429_with_retry_after_waits_that_long(run, hub, db, orgs):
    hub.script("/api/models", Reply(429, b'{"error":"slow down"}', {"Retry-After": "1"}))
    started = time.monotonic()
    assert collect(run, db, orgs).code == 0
    assert time.monotonic() - started >= 1.0  # the header wins over the tests' tiny backoff


def test_429_storm_that_never_ends_fails_cleanly(run, hub, db, orgs):
    hub.script("/api/models", *[Reply(429, b'{"error":"rate limited"}')] * 6)
    result = collect(run, db, orgs)
    assert result.code == 1 and result.err.count("\n") == 1
    assert "HTTP 429 after 6 attempts: rate limited" in result.err
    assert query(db, "SELECT count(*) FROM hf_snapshots") == [(0,)]
    assert query(db, "SELECT status FROM runs") == [("failed",)]


def test_429_asking_for_too_long_a_wait_stops_at_once(run, hub, db, orgs):
    hub.script("/api/models", Reply(429, b'{"error":"come back tomorrow"}', {"Retry-After": "86400"}))
    started = time.monotonic()
    result = collect(run, db, orgs)
    assert time.monotonic() - started < 10
    assert result.code == 1 and "asks to wait 86400 s" in result.err


def test_a_roll_up_that_fails_after_the_commit_is_one_line_and_the_snapshot_stays(run, hub, db, orgs, monkeypatch):
    from collector.sources.hf import rollups

    def broken(*args, **kwargs):
        raise MemoryError("out of memory while rolling up")

    monkeypatch.setattr(rollups, "after_commit", broken)
    result = collect(run, db, orgs)
    assert result.code == 1 and result.err.count("\n") == 1 and "Traceback" not in result.err
    assert "is committed, but rolling it up failed (out of memory while rolling up)" in result.err
    assert "the next Hub write retries it" in result.err
    assert query(db, "SELECT count(*) FROM hf_snapshots WHERE scope = 'author:Qwen'") == [(1,)]


def test_a_roll_up_out_of_memory_says_how_to_finish_it(run, hub, db, orgs, monkeypatch):
    """Retrying with the same memory limit fails the same way: the line says which limit to raise
    and the command that finishes the roll-ups."""
    import duckdb

    from collector.sources.hf import rollups

    def out_of_memory(*args, **kwargs):
        raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block of size 256.0 KiB")

    monkeypatch.setattr(rollups, "after_commit", out_of_memory)
    monkeypatch.setenv("COLLECTOR_DB_MEMORY", "512MB")
    result = collect(run, db, orgs)
    assert result.code == 1 and result.err.count("\n") == 1 and "Traceback" not in result.err
    assert "rolling it up ran out of memory (COLLECTOR_DB_MEMORY=512MB)" in result.err
    assert "set COLLECTOR_DB_MEMORY higher" in result.err and "collector refresh --rollups" in result.err
    assert query(db, "SELECT count(*) FROM hf_snapshots WHERE scope = 'author:Qwen'") == [(1,)]
