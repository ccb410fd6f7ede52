"""Time as an input: every 'now' in the collector goes through here (UTC, always).

`COLLECTOR_NOW` (ISO 8601, e.g. `2026-05-01T06:00:00Z`) freezes the clock for tests, replays and
backfills; unset, the real UTC clock is used.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from collector.core import settings


def parse_utc(text: str) -> datetime:
    return settings.parse_utc(text)


def now() -> datetime:
    frozen = settings.get("COLLECTOR_NOW")
    if frozen is not None:
        return frozen
    return datetime.now(UTC)


def today() -> date:
    return now().date()
