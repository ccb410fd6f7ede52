"""The job registry's option parsing as pure logic (collector/app/registry.py `Option.parse`,
`Job.settings`): what `collect <job> --option` and schedules.yaml both go through."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from collector.app.registry import Job, Option
from collector.core.errors import ConfigError

TOP = Option("top", "int", 100, "models", minimum=0, maximum=10_000)


def test_int_options_accept_whole_numbers_in_range():
    assert TOP.parse(5) == 5 and TOP.parse(" 42 ") == 42 and TOP.parse("0") == 0 and TOP.parse(None) is None
    for value, message in (
        (-1, "must be 0 or more, got -1"),
        ("10001", "must be 10000 or less, got 10001"),
        ("many", "must be a whole number, got 'many'"),
        (True, "must be a whole number, got True"),  # a YAML `yes` is not a number
        (2.5, "must be a whole number, got 2.5"),
    ):
        with pytest.raises(ValueError) as caught:
            TOP.parse(value)
        assert str(caught.value) == message


def test_date_week_path_and_flag_options():
    since = Option("since", "date", None, "day")
    assert since.parse("2025-01-05") == date(2025, 1, 5)
    assert since.parse(date(2025, 1, 5)) == date(2025, 1, 5)  # YAML gives dates already parsed
    assert since.parse(datetime(2025, 1, 5, 7, tzinfo=UTC)) == date(2025, 1, 5)
    with pytest.raises(ValueError, match="must be a date YYYY-MM-DD, got '2025-1-5'"):
        since.parse("2025-1-5")
    week = Option("week", "week", None, "week")
    assert week.parse("2025-W44") == date(2025, 10, 27)
    with pytest.raises(ValueError, match="^'2026-W54': week 54 does not exist in 2026$"):  # the caller names it
        week.parse("2026-W54")
    out = Option("out", "path", "exports", "folder")
    assert out.parse("exports/weekly") == Path("exports/weekly")
    for bad in ("", "  ", 3):
        with pytest.raises(ValueError, match="must be a non-empty path"):
            out.parse(bad)
    force = Option("force", "flag", False, "overwrite")
    assert force.parse(True) is True and force.parse(False) is False
    with pytest.raises(ValueError, match="must be true or false, got 'yes'"):
        force.parse("yes")


def test_an_option_flag_is_its_name_with_dashes():
    assert Option("page_size", "int", 1000, "").flag == "--page-size"
    assert TOP.flag == "--top"


def _job() -> Job:
    return Job(
        name="demo",
        run_name="collect demo",
        source="demo",
        run=lambda store, **_: None,
        summary="a demo",
        options=(TOP, Option("since", "date", None, "day"), Option("force", "flag", False, "")),
    )


def test_job_settings_fill_defaults_and_parse_given_values():
    assert _job().settings({}) == {"top": 100, "since": None, "force": False}
    assert _job().settings({"top": "7", "force": True}) == {"top": 7, "since": None, "force": True}


def test_job_settings_report_every_problem_at_once_labelled_by_where_it_came_from():
    given = {"top": "-3", "since": "soon", "colour": "blue"}
    with pytest.raises(ConfigError) as from_yaml:
        _job().settings(given)
    assert str(from_yaml.value).splitlines() == [
        "top must be 0 or more, got -3",
        "since must be a date YYYY-MM-DD, got 'soon'",
        "demo: unknown setting 'colour' (known: top, since, force)",
    ]
    with pytest.raises(ConfigError) as from_options:
        _job().settings({"top": "-3"}, prefix="--")
    assert str(from_options.value) == "--top must be 0 or more, got -3"
