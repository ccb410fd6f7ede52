"""ISO weeks and days as the commands read them: one parser for every `--week` and `--as-of`."""

from __future__ import annotations

import re
from datetime import date, timedelta

from collector.core.errors import ConfigError

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$", re.IGNORECASE)


def parse_week(value: str) -> date:
    """'2025-W44' -> the Monday starting that ISO week; a ConfigError (exit 2) otherwise."""
    match = _WEEK.match(value.strip())
    problem = "expected an ISO week YYYY-Www, e.g. 2025-W44"
    if match:
        try:
            return date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
        except ValueError:
            problem = f"week {int(match.group(2))} does not exist in {match.group(1)}"
    raise ConfigError(f"--week {value!r}: {problem}")


def parse_day(value: str, option: str = "--as-of") -> date:
    try:
        if len(value.strip()) != 10:
            raise ValueError
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError(f"{option} {value!r}: expected a date YYYY-MM-DD, e.g. 2025-11-01") from None


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def last_complete_week(today: date) -> date:
    """The Monday of the last ISO week that has ended before `today`."""
    return week_start(today) - timedelta(days=7)


def week_label(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"
