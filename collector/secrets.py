"""API keys come from the environment (`NAME`) or from a file the user names (`NAME_FILE`, e.g. a
Docker or systemd secret). They are never taken from the command line, a config file, or disk caches,
and never stored, logged or exported."""

from __future__ import annotations

import os

from collector.errors import ConfigError


def secret(name: str) -> str | None:
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
        raise ConfigError(f"{name}_FILE={file}: cannot read it ({exc.strerror or exc}): fix the path or unset {name}_FILE") from exc
    if not value:
        raise ConfigError(f"{name}_FILE={file}: the file is empty: put the key in it or unset {name}_FILE")
    return value
