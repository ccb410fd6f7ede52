"""schedules.yaml validation, cron semantics, and catch-up / coalesce / misfire on a simulated clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from collector import store
from collector.app import schedule, schedules_config
from collector.app.schedules_config import cron_trigger
from collector.core.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
UTC = UTC


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_repository_schedule_is_valid():
    plan = schedules_config.load(ROOT / "schedules.yaml")
    assert [j.name for j in plan.jobs] == ["hf", "openrouter", "export"]
    assert plan.grace == timedelta(hours=20)
    export = next(j for j in plan.jobs if j.name == "export")
    # "1" is Monday in crontab (APScheduler 3 alone would read it as Tuesday)
    assert export.trigger().get_next_fire_time(None, at("2026-11-22T07:00:00")) == at("2026-11-23T06:00:00")


@pytest.mark.parametrize(
    "expr, after, expected",
    [
        ("0 6 * * 0", "2026-11-23T00:00:00", "2026-11-29T06:00:00"),  # Sunday
        ("0 6 * * 7", "2026-11-23T00:00:00", "2026-11-29T06:00:00"),  # Sunday too
        ("0 6 * * 1-5", "2026-11-28T00:00:00", "2026-11-30T06:00:00"),  # Saturday -> Monday
        ("30 1 1 * *", "2026-11-22T00:00:00", "2026-12-01T01:30:00"),
    ],
)
def test_cron_is_standard_crontab_in_utc(expr, after, expected):
    assert cron_trigger(expr).get_next_fire_time(None, at(after)) == at(expected)


BAD = [
    ("jobs:\n  hf:\n    cron: '15 2 * * *'\n  weather:\n    cron: '0 * * * *'\n", 4, "unknown job 'weather'"),
    ("jobs:\n  hf:\n    cron: '61 2 * * *'\n", 3, "bad cron expression '61 2 * * *'"),
    ("jobs:\n  hf:\n    cron: '* * *'\n", 3, "expected 5 fields"),
    ("jobs:\n  hf:\n    cron: '15 2 * * *'\n    topp: 10\n", 4, "unknown setting 'topp'"),
    ("jobs:\n  hf:\n    cron: '15 2 * * *'\n    top: many\n", 4, "top must be a whole number"),
    ("jobs:\n  openrouter:\n    cron: '15 2 * * *'\n    since: yesterday\n", 4, "since must be a date"),
    ("jobs:\n  hf:\n    top: 10\n", 2, "job hf: no cron expression"),
    ("misfire_grace: 3\njobs:\n  hf:\n    cron: '15 2 * * *'\n", 1, "unknown key 'misfire_grace'"),
    ("misfire_grace_hours: -1\njobs:\n  hf:\n    cron: '15 2 * * *'\n", 1, "misfire_grace_hours must be"),
    ("jobs:\n  hf: [1, 2\n", 3, "not valid YAML"),
    ("jobs:\n  export:\n    cron: '0 6 * * 9'\n", 3, "not within 0-7"),
    ("jobs: {}\n", 1, "no jobs: `jobs:` is empty, nothing would run"),
    ("misfire_grace_hours: 2\njobs:\n  {}\n", 3, "no jobs:"),
    ("jobs:\n  export:\n    cron: '0 6 * * 1'\n    week: 2026-W54\n", 4, "export: week '2026-W54': week 54 does not"),
]


@pytest.mark.parametrize("text, line, message", BAD)
def test_each_validation_error_names_its_line(tmp_path, run, text, line, message):
    path = tmp_path / "schedules.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        schedules_config.load(path)
    assert f"{path}:{line}: " in str(info.value) and message in str(info.value)
    result = run("schedule", "--config", str(path), "--check")
    assert result.code == 2 and f"schedules.yaml:{line}:" in result.err and "Traceback" not in result.err


def test_all_problems_reported_at_once(tmp_path):
    path = tmp_path / "schedules.yaml"
    path.write_text("jobs:\n  hf:\n    cron: 'x'\n  nope:\n    cron: '0 * * * *'\n")
    with pytest.raises(ConfigError) as info:
        schedules_config.load(path)
    assert str(info.value).count("\n") == 1  # two lines, two problems


DAILY = cron_trigger("15 2 * * *")
GRACE = timedelta(hours=20)


def test_on_time_nothing_to_catch_up():
    assert schedule.missed_fire(DAILY, at("2026-05-01T02:15:03"), at("2026-05-01T09:00:00"), GRACE) is None


def test_missed_while_asleep_runs_once_on_wake():
    # ran Apr 30 02:15; the machine slept through May 1 02:15 and woke at 09:00
    assert schedule.missed_fire(DAILY, at("2026-04-30T02:15:02"), at("2026-05-01T09:00:00"), GRACE) == at(
        "2026-05-01T02:15:00"
    )


def test_several_missed_runs_coalesce_into_one():
    # down for three days: only the latest missed fire time is run
    assert schedule.missed_fire(DAILY, at("2026-04-27T02:15:02"), at("2026-05-01T09:00:00"), GRACE) == at(
        "2026-05-01T02:15:00"
    )


def test_miss_older_than_grace_is_dropped():
    assert schedule.missed_fire(DAILY, at("2026-04-29T02:15:02"), at("2026-05-01T23:00:00"), GRACE) is None


def test_never_ran_catches_up_within_grace_only():
    assert schedule.missed_fire(DAILY, None, at("2026-05-01T03:00:00"), GRACE) == at("2026-05-01T02:15:00")
    assert schedule.missed_fire(DAILY, None, at("2026-05-01T03:00:00"), timedelta(minutes=30)) is None


def test_catch_up_across_a_restart_reads_the_runs_table(db, tmp_path):
    plan_path = tmp_path / "schedules.yaml"
    plan_path.write_text("jobs:\n  hf:\n    cron: '15 2 * * *'\n  export:\n    cron: '0 6 * * 1'\n")
    plan = schedules_config.load(plan_path)
    with store.writer(db) as con:
        con.execute(
            "INSERT INTO runs (job, source, started_at, finished_at, status) VALUES "
            "('collect hf', 'hf', TIMESTAMPTZ '2026-04-30 02:15:01+00', TIMESTAMPTZ '2026-04-30 02:20:00+00', 'ok'),"
            "('collect hf', 'hf', TIMESTAMPTZ '2026-05-01 02:15:01+00', NULL, 'failed'),"
            "('export', 'export', TIMESTAMPTZ '2026-04-27 06:00:01+00', TIMESTAMPTZ '2026-04-27 06:00:05+00', 'ok')"
        )
    # scheduler restarted Friday May 1 08:00: hf's run of today failed -> catch up once; export is not due
    assert schedule.catch_up(store.Store(db), plan, at("2026-05-01T08:00:00")) == [("hf", at("2026-05-01T02:15:00"))]
    # restarted Monday May 4 09:00 after a weekend off: both are due once
    assert schedule.catch_up(store.Store(db), plan, at("2026-05-04T09:00:00")) == [
        ("hf", at("2026-05-04T02:15:00")),
        ("export", at("2026-05-04T06:00:00")),
    ]


@pytest.mark.parametrize(
    "expr, after, expected",
    [
        ("0 6 * * */2", "2026-11-23T07:00:00", "2026-11-24T06:00:00"),  # crontab: Sun, Tue, Thu, Sat -> Tuesday
        ("0 6 * * 1-5/2", "2026-11-23T07:00:00", "2026-11-25T06:00:00"),  # Mon, Wed, Fri -> Wednesday
    ],
)
def test_day_of_week_steps_are_crontabs(expr, after, expected):
    assert cron_trigger(expr).get_next_fire_time(None, at(after)) == at(expected)


def test_day_of_month_and_week_together_are_refused():
    with pytest.raises(ValueError, match="not both"):
        cron_trigger("0 6 1 * 1")


def test_zero_grace_never_runs_late(db, tmp_path):
    assert schedule.missed_fire(DAILY, at("2026-04-30T02:15:02"), at("2026-05-01T09:00:00"), timedelta(0)) is None


def test_scheduler_is_nudged_to_reread_the_wall_clock():
    import threading

    class Recorder:
        calls = 0

        def wakeup(self):
            Recorder.calls += 1

    stopping = threading.Event()
    thread = threading.Thread(target=schedule._nudge, args=(Recorder(), stopping, 0.02), daemon=True)
    thread.start()
    import time

    time.sleep(0.2)
    stopping.set()
    thread.join(timeout=2)
    assert not thread.is_alive() and Recorder.calls >= 3
