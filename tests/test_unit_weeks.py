"""ISO weeks and days as the commands read them (collector/core/weeks.py), as pure logic."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from collector.core import weeks
from collector.core.errors import ConfigError


@pytest.mark.parametrize(
    "text, monday",
    [
        ("2025-W44", date(2025, 10, 27)),
        ("2025-w01", date(2024, 12, 30)),  # ISO week 1 of 2025 starts in 2024; lower case accepted
        (" 2026-W53 ", date(2026, 12, 28)),
        ("2020-W53", date(2020, 12, 28)),
    ],
)
def test_parse_week_gives_the_monday(text, monday):
    assert weeks.parse_week(text) == monday
    assert monday.weekday() == 0


@pytest.mark.parametrize(
    "text, problem",
    [
        ("2025-W53", "week 53 does not exist in 2025"),
        ("2025-W00", "week 0 does not exist in 2025"),
        ("2025-44", "expected an ISO week YYYY-Www"),
        ("W44", "expected an ISO week YYYY-Www"),
        ("2025-W4", "expected an ISO week YYYY-Www"),
    ],
)
def test_parse_week_refuses_what_is_not_a_week(text, problem):
    with pytest.raises(ConfigError) as caught:
        weeks.parse_week(text)
    assert str(caught.value).startswith(f"--week {text!r}: ") and problem in str(caught.value)


def test_parse_day_wants_exactly_yyyy_mm_dd():
    assert weeks.parse_day("2025-11-01") == date(2025, 11, 1)
    assert weeks.parse_day(" 2025-11-01 ") == date(2025, 11, 1)
    for text in ("2025-11-1", "20251101", "2025-02-30", "yesterday"):
        with pytest.raises(ConfigError, match=r"^--since '.*': expected a date YYYY-MM-DD"):
            weeks.parse_day(text, "--since")


def test_week_arithmetic():
    assert weeks.week_start(date(2026, 5, 3)) == date(2026, 4, 27)  # Sunday -> its Monday
    assert weeks.week_start(date(2026, 4, 27)) == date(2026, 4, 27)
    assert weeks.last_complete_week(date(2026, 5, 1)) == date(2026, 4, 20)  # on a Friday: the week before
    assert weeks.last_complete_week(date(2026, 5, 4)) == date(2026, 4, 27)  # on a Monday: the week just ended
    assert weeks.week_label(date(2024, 12, 30)) == "2025-W01"  # the ISO year, not the calendar year
    assert weeks.week_label(date(2026, 12, 28)) == "2026-W53"
    for label in ("2025-W01", "2025-W44", "2026-W53"):
        assert weeks.week_label(weeks.parse_week(label)) == label


def _days(first: date, last: date) -> set[date]:
    return {first + timedelta(days=i) for i in range((last - first).days + 1)}


def test_a_week_is_complete_only_with_its_seven_days():
    # stored through Friday 2026-08-21: week 34 (Mon 17 .. Sun 23 August) has five days
    stored = _days(date(2026, 8, 3), date(2026, 8, 21))
    w34, w33 = date(2026, 8, 17), date(2026, 8, 10)
    today = date(2026, 12, 3)  # long after week 34 ended: ending is not enough
    assert weeks.missing_days(w34, stored) == [date(2026, 8, 22), date(2026, 8, 23)]
    assert not weeks.is_complete(w34, stored, today)
    assert weeks.is_complete(w33, stored, today)
    assert weeks.latest_complete_week(stored, today) == w33
    # the calendar's last ended week is not the latest complete one
    assert weeks.last_complete_week(today) == date(2026, 11, 23)
    # one day missing in the middle of a week is enough
    assert weeks.latest_complete_week(stored - {date(2026, 8, 12)}, today) == date(2026, 8, 3)
    assert weeks.latest_complete_week(set(), today) is None


def test_a_week_with_seven_days_stored_is_complete_only_once_it_has_ended():
    stored = _days(date(2026, 8, 10), date(2026, 8, 16))
    assert not weeks.is_complete(date(2026, 8, 10), stored, date(2026, 8, 16))  # its Sunday is today
    assert weeks.is_complete(date(2026, 8, 10), stored, date(2026, 8, 17))
    assert weeks.latest_complete_week(stored, date(2026, 8, 16)) is None
    assert weeks.week_days(date(2026, 8, 10))[-1] == date(2026, 8, 16)


def test_as_of_may_be_today_but_not_later():
    today = date(2026, 12, 3)
    assert weeks.parse_as_of("2026-12-03", today) == today
    with pytest.raises(ConfigError, match=r"^--as-of 2030-01-01 is after today \(2026-12-03 UTC\): nothing is known"):
        weeks.parse_as_of("2030-01-01", today)
