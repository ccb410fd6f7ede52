"""ISO weeks and days as the commands read them: one parser for every `--week` and `--as-of`; and when
a week is complete: only once it has ended *and* all seven of its days are stored (a week of five
stored days is a partial week, however long ago it ended)."""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date, timedelta

from collector.core.errors import ConfigError

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$", re.IGNORECASE)


def parse_week(value: str, option: str = "--week") -> date:
    """'2025-W44' -> the Monday starting that ISO week; a ConfigError (exit 2) otherwise, its message
    starting with `option` (empty: with the value, for a caller that names the setting itself)."""
    match = _WEEK.match(value.strip())
    problem = "expected an ISO week YYYY-Www, e.g. 2025-W44"
    if match:
        try:
            return date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
        except ValueError:
            problem = f"week {int(match.group(2))} does not exist in {match.group(1)}"
    raise ConfigError(f"{option} {value!r}: {problem}".lstrip())


def parse_day(value: str, option: str = "--as-of") -> date:
    try:
        if len(value.strip()) != 10:
            raise ValueError
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError(f"{option} {value!r}: expected a date YYYY-MM-DD, e.g. 2025-11-01") from None


def parse_as_of(value: str, today: date, option: str = "--as-of") -> date:
    """An --as-of day, refused (ConfigError, exit 2) after `today` (UTC): nothing is known then yet,
    as `export --week` refuses a week that has not ended."""
    day = parse_day(value, option)
    if day > today:
        raise ConfigError(
            f"{option} {day} is after today ({today} UTC): nothing is known on that date yet "
            "(leave it out for everything stored)"
        )
    return day


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def last_complete_week(today: date) -> date:
    """The Monday of the last ISO week that has ended before `today`: the newest week that *can* be
    complete. Whether it is depends on what is stored: `latest_complete_week(stored, today)`."""
    return week_start(today) - timedelta(days=7)


def week_days(monday: date) -> list[date]:
    """The seven days of the ISO week starting on `monday`."""
    return [monday + timedelta(days=i) for i in range(7)]


def missing_days(monday: date, stored: Collection[date]) -> list[date]:
    """The days of the week starting on `monday` that are not in `stored`."""
    return [day for day in week_days(monday) if day not in stored]


def is_complete(monday: date, stored: Collection[date], today: date) -> bool:
    """The week has ended before `today` and all seven of its days are stored."""
    return monday <= last_complete_week(today) and not missing_days(monday, stored)


def latest_complete_week(stored: Collection[date], today: date) -> date | None:
    """The Monday of the newest ended ISO week whose seven days are all in `stored` (None if none)."""
    mondays = sorted({week_start(day) for day in stored}, reverse=True)
    return next((monday for monday in mondays if is_complete(monday, stored, today)), None)


def week_label(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"
