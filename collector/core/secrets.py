"""API keys come from the environment (`NAME`) or from a file the user names (`NAME_FILE`, e.g. a
Docker or systemd secret). They are never taken from the command line, a config file, or disk caches,
and never stored, logged or exported."""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

from collector.core.errors import ConfigError

# Every secret read in this process, so that text a server sends back (an error body echoing the key)
# can be scrubbed before it reaches a message, a log line or the `runs` table.
_seen: set[str] = set()


def redact(text: str) -> str:
    for value in sorted(_seen, key=len, reverse=True):
        if value in text:
            text = text.replace(value, "[redacted]")
    return text


def redact_url(url: str) -> str:
    """A URL fit to store or show: credentials written into it (`https://user:pass@host`) become
    `[redacted]@`, and the password is scrubbed from any text that echoes it later."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    if parts.password and len(parts.password) >= 4:
        _seen.add(parts.password)
    host = parts.hostname or ""
    if parts.port is not None:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, f"[redacted]@{host}", parts.path, parts.query, parts.fragment))


def secret(name: str) -> str | None:
    value = _read(name)
    if value and len(value) >= 4:  # a shorter "secret" would redact ordinary words
        _seen.add(value)
    return value


def _read(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    if value:
        return value
    file = os.environ.get(f"{name}_FILE", "").strip()
    if not file:
        return None
    try:
        with open(file, encoding="utf-8") as handle:
            value = handle.read().strip()
    except OSError as exc:
        raise ConfigError(
            f"{name}_FILE={file}: cannot read it ({exc.strerror or exc}): fix the path or unset {name}_FILE"
        ) from exc
    if not value:
        raise ConfigError(f"{name}_FILE={file}: the file is empty: put the key in it or unset {name}_FILE")
    return value
