"""A new source is a folder, one registry entry, its migration and views: this registers a small extra
job and sees the CLI (`collect demo`, `run demo`, `collect all`), the schedules.yaml validator and the
run wrapper all take it from the registry, with its typed settings and defaults."""

from __future__ import annotations

import pytest

from collector.app import registry, schedules_config
from collector.app.runner import Run
from collector.core.errors import CollectorError, ConfigError
from tests.conftest import query


def collect_demo(store, *, count: int = 3, fail: bool = False, progress=None):
    with Run(store, "collect demo", "demo", {"count": count}) as run:
        if progress:
            progress("demo: fetching")
        if fail:
            raise RuntimeError("the demo upstream is down")

        def write(con) -> dict:
            # a real source's table comes from its migration; a test job makes its own
            con.execute("CREATE TABLE IF NOT EXISTS demo_rows (run_id BIGINT, n INTEGER)")
            con.execute("INSERT INTO demo_rows SELECT ?, range FROM range(?)", [run.run_id, count])
            return {"demo_rows": count}

        counts = run.commit(write)
    return run.result(counts)


DEMO = registry.Job(
    name="demo",
    run_name="collect demo",
    source="demo",
    run=collect_demo,
    summary="Collect a demo count.",
    options=(
        registry.Option("count", "int", 3, "How many rows.", minimum=1, metavar="N"),
        registry.Option("fail", "flag", False, "Fail on purpose."),
    ),
    in_collect_all=True,
    examples=("collector collect demo --count 2",),
)


# Tests that run a job start from a prepared store (conftest `empty_store`, a copy of the template),
# as if a first command had made it: preparing one costs most of a second.


@pytest.fixture
def demo_job():
    registry.register(DEMO)
    yield DEMO
    registry.unregister("demo")


def test_the_cli_runs_a_registered_job_with_its_settings(demo_job, run, db, empty_store):
    listed = run("collect", "--help")
    assert listed.code == 0 and "demo" in listed.out and "Collect a demo count." in listed.out
    result = run("--db", str(db), "collect", "demo", "--count", "2")
    assert result.code == 0, result.err
    assert "collect demo: ok" in result.err and "demo_rows 2" in result.err
    assert query(db, "SELECT count(*) FROM demo_rows") == [(2,)]
    assert run("--db", str(db), "collect", "demo").code == 0  # the default, 3 rows
    assert query(db, "SELECT count(*) FROM demo_rows") == [(5,)]
    assert query(db, "SELECT job, source, status FROM runs ORDER BY run_id") == [("collect demo", "demo", "ok")] * 2


def test_bad_settings_exit_2_before_a_run_opens(demo_job, run, db):
    result = run("--db", str(db), "collect", "demo", "--count", "0")
    assert result.code == 2 and result.err == "error: --count must be 1 or more, got 0\n"
    assert not db.exists()
    with pytest.raises(ConfigError, match="unknown setting 'size'"):
        demo_job.settings({"size": 1})
    assert demo_job.settings({}) == {"count": 3, "fail": False}


def test_a_failing_job_is_recorded_in_one_line(demo_job, run, db, empty_store):
    result = run("--db", str(db), "collect", "demo", "--fail")
    assert result.code == 1
    assert result.err == "error: collect demo failed: RuntimeError: the demo upstream is down\n"
    assert query(db, "SELECT status, error FROM runs") == [("failed", "RuntimeError: the demo upstream is down")]
    assert not list((db.parent / "staging").glob("run-*"))


def test_schedules_and_run_read_the_registry(demo_job, run, db, tmp_path, empty_store):
    config = tmp_path / "schedules.yaml"
    config.write_text("jobs:\n  demo:\n    cron: '0 3 * * *'\n    count: 4\n")
    plan = schedules_config.load(config)
    assert [(j.name, j.settings) for j in plan.jobs] == [("demo", {"count": 4})]
    result = run("--db", str(db), "run", "demo", "--config", str(config))
    assert result.code == 0, result.err
    assert query(db, "SELECT count(*) FROM demo_rows") == [(4,)]
    config.write_text("jobs:\n  demo:\n    cron: '0 3 * * *'\n    count: -1\n")
    with pytest.raises(ConfigError, match=r"schedules.yaml:4: job demo: count must be 1 or more, got -1"):
        schedules_config.load(config)
    assert run("--db", str(db), "run", "nothing").code == 2


def test_collect_all_runs_every_registered_source(demo_job, run, db, hub, openrouter, monkeypatch):
    # the clock 19 days after OpenRouter's first day: a backfill of 6 windows, not 16 months of them
    monkeypatch.setenv("COLLECTOR_NOW", "2025-01-20T06:00:00Z")
    result = run("--db", str(db), "collect", "all")
    assert result.code == 0, result.err
    assert query(db, "SELECT job FROM runs ORDER BY run_id") == [
        ("collect hf",),
        ("collect openrouter",),
        ("collect demo",),
    ]


def test_unknown_job_is_a_config_error():
    with pytest.raises(CollectorError, match="unknown job 'nope' \\(known: hf, openrouter, export"):
        registry.get("nope")
