"""Issue 11's small promises: errors that say what happened, settings that never leak, files a colleague
can read, schedules that cannot silently never run."""

from __future__ import annotations

import os
import stat

import pytest

from collector.app import schedules_config
from collector.app.runner import one_line
from collector.core import secrets
from collector.core.errors import ConfigError
from tests.conftest import query


def test_credentials_written_into_a_base_url_never_reach_the_store(run, hub, db, orgs, monkeypatch):
    monkeypatch.setenv("HF_ENDPOINT", hub.url.replace("http://", "http://someone:hunter2-pass@"))
    result = run("--db", str(db), "collect", "hf", "--orgs", str(orgs), "--top", "1")
    assert result.code == 0, result.err
    stored = query(db, "SELECT params FROM runs")[0][0] + " ".join(
        r[0] for r in query(db, "SELECT request FROM hf_snapshots")
    )
    assert "hunter2-pass" not in stored and "someone" not in stored and "[redacted]@127.0.0.1" in stored
    assert "hunter2-pass" not in result.err + result.out
    assert secrets.redact("the server said hunter2-pass") == "the server said [redacted]"
    assert secrets.redact_url("https://huggingface.co/api") == "https://huggingface.co/api"


def test_a_forced_stop_is_recorded_as_the_users(tmp_path):
    assert one_line(KeyboardInterrupt()).startswith("interrupted by the user (forced stop")
    assert one_line(ValueError("bad")) == "ValueError: bad"


def test_export_folders_follow_the_umask(run, empty_store, tmp_path):
    db = empty_store  # a prepared store
    old = os.umask(0o022)
    try:
        result = run("--db", str(db), "export", "--week", "2026-W16", "--out", str(tmp_path / "exports"))
    finally:
        os.umask(old)
    assert result.code == 0, result.err
    mode = stat.S_IMODE((tmp_path / "exports" / "2026-W16").stat().st_mode)
    assert mode == 0o755


def test_an_incomplete_week_opens_no_run(run, empty_store):
    db = empty_store  # a prepared store
    result = run("--db", str(db), "export", "--week", "2026-W18")  # COLLECTOR_NOW is in that week
    assert result.code == 2 and "is not complete yet" in result.err
    assert query(db, "SELECT count(*) FROM runs") == [(0,)]


def test_a_job_listed_twice_and_a_cron_that_never_fires_are_refused(tmp_path, run):
    path = tmp_path / "schedules.yaml"
    path.write_text(
        "jobs:\n  hf:\n    cron: '15 2 * * *'\n  openrouter:\n    cron: '0 0 31 2 *'\n  hf:\n    cron: '0 3 * * *'\n"
    )
    with pytest.raises(ConfigError) as info:
        schedules_config.load(path)
    message = str(info.value)
    assert f"{path}:5: job openrouter: bad cron expression '0 0 31 2 *': it never fires" in message
    assert f"{path}:6: job hf is listed twice (first on line 2)" in message
    result = run("schedule", "--check", "--config", str(path))
    assert result.code == 2 and "TypeError" not in result.err and "never fires" in result.err


def test_tracked_namespaces_that_list_nothing_are_named(run, hub, db, tmp_path):
    orgs = tmp_path / "orgs.csv"
    orgs.write_text(
        "namespace,organisation,role,collect\nQwen,Alibaba,developer,yes\nWan-AI,Alibaba,developer,yes\n"
        "baidu,Baidu,developer,yes\n"
    )
    result = run("--db", str(db), "collect", "hf", "--orgs", str(orgs), "--top", "0")
    assert result.code == 0, result.err
    assert "2 tracked namespaces listed no model today: Wan-AI, baidu (renamed or emptied?" in result.err
    assert query(db, "SELECT scope, model_count FROM hf_snapshots ORDER BY scope") == [
        ("author:Qwen", 3),
        ("author:Wan-AI", 0),
        ("author:baidu", 0),
    ]
    quiet = run("--db", str(db), "-q", "collect", "hf", "--orgs", str(orgs), "--top", "0")
    assert "listed no model today" in quiet.err  # a warning: shown even with --quiet


def test_run_says_which_schedule_file_it_read(run, hub, db, orgs, tmp_path, monkeypatch):
    config = tmp_path / "elsewhere.yaml"
    config.write_text(f"jobs:\n  hf:\n    cron: '15 2 * * *'\n    top: 0\n    orgs: {orgs}\n")
    monkeypatch.setenv("COLLECTOR_SCHEDULES", str(config))
    result = run("--db", str(db), "run", "hf")
    assert result.code == 0, result.err
    assert f"run hf: settings from {config}:" in result.err


def test_status_shows_freshness_gaps_and_dead_runs_at_once(run, db, monkeypatch):
    import json as json_module

    from tests.seed import seeded

    with seeded(db) as seed:
        for day in ("2026-04-20", "2026-04-21", "2026-04-24", "2026-04-30"):
            seed.hf_snapshot(day, "top_downloads:2", [("Qwen/Qwen3-8B", 10, 100)])
        # an OpenRouter pull that came back without 2026-04-26: a gap, not coverage
        seed.or_pull(
            period="day",
            start="2026-04-25",
            end="2026-04-27",
            rows=[("2026-04-25", "a/b", 10), ("2026-04-27", "a/b", 12)],
        )
        seed.con.execute(
            "INSERT INTO runs (job, source, params, started_at, status) "
            "VALUES ('collect hf', 'hf', json_object('pid', '999999', 'host', ?), now(), 'running')",
            [__import__("socket").gethostname()],
        )
    result = run("--db", str(db), "status")
    assert result.code == 0, result.err
    assert "latest snapshot day 2026-04-30" in result.out
    assert "Hugging Face days missing in the last 90 days: 2026-04-22..2026-04-23, 2026-04-25..2026-04-29" in result.out
    assert "collect hf             abandoned" in result.out and "process 999999 ended" in result.out
    info = json_module.loads(run("--db", str(db), "status", "--json").out)
    assert info["freshness"]["openrouter"]["latest_day"] == "2026-04-27"
    assert info["freshness"]["openrouter"]["gaps_last_90_days"] == ["2026-04-26", "2026-04-28..2026-04-30"]
    assert query(db, "SELECT status FROM runs WHERE job = 'collect hf'") == [("running",)]  # status only reads


def test_an_empty_openrouter_day_is_a_gap_asked_again_on_later_runs(run, db, openrouter, monkeypatch):
    # six weeks after OpenRouter's first day (a backfill of a dozen windows, not of 16 months); the
    # empty day three weeks back, outside the restatement window
    monkeypatch.setenv("COLLECTOR_NOW", "2025-02-15T06:00:00Z")
    held = openrouter.daily.pop("2025-01-25")  # OpenRouter answers that day with no rows
    first = run("--db", str(db), "collect", "openrouter")
    assert first.code == 0, first.err
    assert "OpenRouter served no rankings daily rows for 1 bucket: 2025-01-25 (a gap, not coverage" in first.err
    status = run("--db", str(db), "status")
    assert "OpenRouter days missing in the last 90 days: 2025-01-25" in status.out
    openrouter.log.clear()
    again = run("--db", str(db), "collect", "openrouter")  # the same day: not asked again
    assert again.code == 0 and "2025-01-25" in again.err and openrouter.keyed_requests() == []
    openrouter.daily["2025-01-25"] = held  # OpenRouter fills the day in
    monkeypatch.setenv("COLLECTOR_NOW", "2025-02-16T06:00:00Z")
    later = run("--db", str(db), "collect", "openrouter")
    assert later.code == 0, later.err
    asked = [
        (r.param("start_date"), r.param("end_date")) for r in openrouter.keyed_requests() if r.param("period") == "day"
    ]
    assert ("2025-01-25", "2025-01-25") in asked
    assert "served no rankings daily rows" not in later.err
    assert query(db, "SELECT count(*) > 0 FROM or_rankings WHERE bucket_date = '2025-01-25'") == [(True,)]


@pytest.fixture
def read_only_mount(tmp_path):
    """A folder on a tmpfs remounted read-only: even root cannot write there (chmod does not stop root)."""
    import subprocess

    mount = tmp_path / "ro"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here (needs root)")

    def freeze() -> None:
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True, capture_output=True)

    try:
        yield mount, freeze
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)


def test_export_works_on_a_read_only_database_and_records_no_run(run, hub, orgs, tmp_path, read_only_mount):
    mount, freeze = read_only_mount
    db = mount / "adoption.duckdb"
    assert run("--db", str(db), "collect", "hf", "--orgs", str(orgs), "--top", "3").code == 0
    freeze()
    before = db.read_bytes()
    out = tmp_path / "exports"
    result = run("--db", str(db), "export", "--week", "2026-W16", "--out", str(out))
    assert result.code == 0, result.err
    assert "not recorded in runs (the database is read-only)" in result.err
    assert (out / "2026-W16" / "manifest.json").exists()
    assert db.read_bytes() == before
    # a job that must write still fails in one line, naming the file
    again = run("--db", str(db), "collect", "hf", "--orgs", str(orgs), "--top", "3")
    assert again.code == 1 and again.err.count("\n") == 1 and str(db) in again.err and "Traceback" not in again.err


def test_waiting_for_the_lock_is_said_even_with_quiet(db, run, monkeypatch):
    import subprocess
    import sys
    import textwrap

    from collector import store

    with store.writer(db):
        pass
    code = f"import duckdb, time; con = duckdb.connect({str(db)!r}); print('locked', flush=True); time.sleep(30)"
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        monkeypatch.setenv("COLLECTOR_LOCK_TIMEOUT", "0.3")
        result = run("--quiet", "--db", str(db), "status")
        assert f"waiting up to 0.3 s for the database lock held by process {holder.pid}" in result.err
    finally:
        holder.kill()
        holder.wait()


def test_status_names_the_latest_complete_week_and_a_dead_runs_kept_pulls(run, db):
    import json as json_module
    import socket

    from collector import store
    from tests.seed import seeded

    with seeded(db) as seed:
        seed.or_week("2026-04-13", [("a/b", 10)])
        seed.con.execute(
            "INSERT INTO runs (job, source, params, started_at, status, row_counts) VALUES ('collect openrouter', "
            "'openrouter', json_object('pid', '999999', 'host', ?), now(), 'running', '{\"kept_pulls\": 3}')",
            [socket.gethostname()],
        )
    info = json_module.loads(run("--db", str(db), "status", "--json").out)
    assert info["freshness"]["openrouter"]["latest_complete_week"] == "2026-04-13"
    assert "latest complete week (all seven days) 2026-W16" in run("--db", str(db), "status").out
    with store.writer(db) as con:  # what the next run does first
        store.runs.close_abandoned(con, db)
    error = query(db, "SELECT error FROM runs WHERE job = 'collect openrouter'")[0][0]
    assert "its complete parts were kept (pulls 3)" in error and "nothing was committed" not in error
