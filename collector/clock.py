"""Time as an input: every 'now' in the collector goes through here (UTC, always).

`COLLECTOR_NOW` (ISO 8601, e.g. `2026-05-01T06:00:00Z`) freezes the clock for tests, replays and
backfills; unset, the real UTC clock is used.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timezone

from collector.errors import ConfigError


def parse_utc(text: str) -> datetime:
    value = text.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ConfigError(f"not an ISO 8601 time: {text!r} (expected e.g. 2026-05-01T06:00:00Z)") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def now() -> datetime:
    frozen = os.environ.get("COLLECTOR_NOW")
    if frozen:
        return parse_utc(frozen)
    return datetime.now(timezone.utc)


def today() -> date:
    return now().date()
