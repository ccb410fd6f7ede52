"""Every environment variable collector reads, declared once: name, type, default, minimum, meaning.

Reading goes through `get(name)`; a bad value is a one-line ConfigError (exit 2) naming the variable.
`check()` validates them all at once, so a command fails before it opens a run; `markdown_table()`
writes the configuration table of docs/configuration.md (a test keeps that file in step).
Secrets (`HF_TOKEN`, `OPENROUTER_API_KEY`) are declared here for the docs but read only through
collector.core.secrets, which never lets them reach a message, a log or the database.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from collector.core.errors import ConfigError

_SIZE = re.compile(r"^(\d+(?:\.\d+)?)\s*(KB|MB|GB|KiB|MiB|GiB)$", re.IGNORECASE)


@dataclass(frozen=True)
class Setting:
    name: str
    kind: str  # 'number' | 'integer' | 'text' | 'url' | 'size' | 'time' | 'secret' | 'path'
    default: object
    meaning: str
    minimum: float | None = None

    def parse(self, raw: str) -> object:
        """The value of `raw` (already stripped, non-empty), or a ConfigError naming the variable."""
        if self.kind in ("number", "integer"):
            try:
                value: float = float(raw)
            except ValueError:
                raise ConfigError(f"{self.name} must be a number, got {raw!r}") from None
            if value != value or value in (float("inf"), float("-inf")):
                raise ConfigError(f"{self.name} must be a finite number, got {raw!r}")
            if self.minimum is not None and value < self.minimum:
                raise ConfigError(f"{self.name} must be {self.minimum:g} or more, got {raw!r}")
            if self.kind == "integer":
                if value != int(value):
                    raise ConfigError(f"{self.name} must be a whole number, got {raw!r}")
                return int(value)
            return value
        if self.kind == "url":
            parts = urlsplit(raw)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ConfigError(f"{self.name} must be an http(s) URL such as {self.default}, got {raw!r}")
            try:
                parts.port  # noqa: B018 - raises on a malformed port
            except ValueError:
                raise ConfigError(f"{self.name} has a malformed port: {raw!r}") from None
            return raw.rstrip("/")
        if self.kind == "size":
            if not _SIZE.match(raw):
                raise ConfigError(f"{self.name} must be a size such as 512MB or 2GB, got {raw!r}")
            return raw
        if self.kind == "time":
            return parse_utc(raw, self.name)
        return raw


_UNITS = {"kb": 10**3, "mb": 10**6, "gb": 10**9, "kib": 2**10, "mib": 2**20, "gib": 2**30}


def size_bytes(text: str) -> int:
    """A size setting (512MB, 1.5GiB: DuckDB's units, decimal and binary) in bytes."""
    match = _SIZE.match(text.strip())
    if not match:
        raise ConfigError(f"not a size such as 512MB or 2GB: {text!r}")
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


def parse_utc(text: str, what: str = "time") -> datetime:
    """An ISO 8601 time as UTC (naive times are taken as UTC)."""
    value = text.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{what}: not an ISO 8601 time: {text!r} (expected e.g. 2026-05-01T06:00:00Z)") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


SETTINGS: tuple[Setting, ...] = (
    Setting("COLLECTOR_DB", "path", "data/adoption.duckdb", "the database file (`--db` wins)"),
    Setting(
        "COLLECTOR_CACHE_DIR",
        "path",
        None,
        "files collector can remake, kept to save time (the report's inlined chart JavaScript); "
        "default `$XDG_CACHE_HOME/collector`, else `~/.cache/collector`",
    ),
    Setting(
        "COLLECTOR_SCHEDULES", "path", "schedules.yaml", "the schedule file `schedule` and `run` read (`--config` wins)"
    ),
    Setting(
        "HF_TOKEN",
        "secret",
        None,
        "Hugging Face token (optional; a higher rate limit). `HF_TOKEN_FILE` names a file holding it",
    ),
    Setting("HF_ENDPOINT", "url", "https://huggingface.co", "Hugging Face base URL"),
    Setting(
        "OPENROUTER_API_KEY",
        "secret",
        None,
        "OpenRouter key for the Data API rankings (optional: without it only the catalog is collected). "
        "`OPENROUTER_API_KEY_FILE` names a file holding it",
    ),
    Setting("OPENROUTER_BASE_URL", "url", "https://openrouter.ai/api/v1", "OpenRouter base URL"),
    Setting(
        "OPENROUTER_REQUESTS_PER_MINUTE",
        "number",
        25.0,
        "client-side pace of Data API requests (0 = unpaced, for fakes)",
        minimum=0,
    ),
    Setting(
        "OPENROUTER_DAILY_BUDGET",
        "integer",
        500,
        "Data API requests allowed per UTC day, earlier runs included",
        minimum=0,
    ),
    Setting(
        "COLLECTOR_DB_MEMORY",
        "size",
        "512MB",
        "memory DuckDB may use while writing; beyond it, it spills to disk where it can, and a new store's "
        "attribution of every model goes in smaller chunks. At 512MB a 1,000,000-model crawl peaks under "
        "800 MB of RSS and a full-Hub dump's import under 1 GB; 1GB speeds up a new store's first roll-up "
        "(docs/benchmarks.md)",
    ),
    Setting(
        "COLLECTOR_DB_THREADS",
        "integer",
        None,
        "threads DuckDB may use (default: one per core; staging the Hub's pages at most 4, a hub-stats "
        "dump 2). Each connection "
        "starts them, so many short connections on a busy machine (the test suite) run faster with 1",
        minimum=1,
    ),
    Setting(
        "COLLECTOR_LOCK_TIMEOUT",
        "number",
        30.0,
        "seconds to wait for another process's lock on the database",
        minimum=0,
    ),
    Setting("COLLECTOR_NOW", "time", None, "freeze the clock (ISO 8601, UTC), for tests and replays"),
    Setting(
        "COLLECTOR_RETRY_BASE_SECONDS", "number", 1.0, "first backoff after a 429 / 5xx / network error", minimum=0
    ),
    Setting(
        "COLLECTOR_MAX_RETRIES",
        "integer",
        None,
        "retries after the first attempt (default 5 for the Hub, 6 for OpenRouter)",
        minimum=0,
    ),
    Setting(
        "COLLECTOR_RETRY_CAP_SECONDS",
        "number",
        None,
        "longest backoff between retries (default 8 s for the Hub, 30 s for OpenRouter)",
        minimum=0,
    ),
    Setting(
        "COLLECTOR_MAX_WAIT_SECONDS",
        "number",
        900.0,
        "a server asking to wait longer than this (Retry-After) ends the run instead",
        minimum=0,
    ),
    Setting(
        "COLLECTOR_HTTP_TIMEOUT",
        "number",
        60.0,
        "seconds a response may make no progress before it is retried (both sources)",
        minimum=0.001,
    ),
    Setting(
        "COLLECTOR_MAX_RESPONSE_MB",
        "number",
        256.0,
        "refuse a single response larger than this (both sources)",
        minimum=0.001,
    ),
)
BY_NAME = {s.name: s for s in SETTINGS}


def raw(name: str) -> str | None:
    """The variable's text, stripped; None when unset or empty."""
    if name not in BY_NAME:
        raise KeyError(f"{name} is not a declared setting (collector.core.settings.SETTINGS)")
    value = os.environ.get(name, "").strip()
    return value or None


def is_set(name: str) -> bool:
    return raw(name) is not None


def get(name: str):
    """The validated value of a declared variable, else its default."""
    setting = BY_NAME[name]
    if setting.kind == "secret":
        raise KeyError(f"{name} is a secret: read it through collector.core.secrets")
    text = raw(name)
    return setting.default if text is None else setting.parse(text)


def check() -> None:
    """Validate every declared variable that is set; all problems in one ConfigError (exit 2)."""
    problems = []
    for setting in SETTINGS:
        text = raw(setting.name)
        if text is None or setting.kind == "secret":
            continue
        try:
            setting.parse(text)
        except ConfigError as exc:
            problems.append(str(exc))
    if problems:
        raise ConfigError("\n".join(problems))


def markdown_table() -> str:
    lines = ["| variable | type | default | meaning |", "|---|---|---|---|"]
    for s in SETTINGS:
        default = "" if s.default is None else f"`{s.default}`"
        minimum = f" (at least {s.minimum:g})" if s.minimum is not None and s.minimum > 0 else ""
        lines.append(f"| `{s.name}` | {s.kind}{minimum} | {default} | {s.meaning} |")
    return "\n".join(lines) + "\n"
