"""Cooperative stop: SIGTERM / SIGINT set a flag, and a running job stops before its next HTTP
request, rolls back (nothing is committed) and records the run as failed. A commit in progress is
never interrupted: signals are only looked at between requests."""

from __future__ import annotations

import threading

from collector.core.errors import CollectorError

_requested = threading.Event()
_reason = ["a stop was requested"]


class Interrupted(CollectorError):
    exit_code = 130


def request(reason: str) -> None:
    _reason[0] = reason
    _requested.set()


def clear() -> None:
    _requested.clear()


def requested() -> bool:
    return _requested.is_set()


def check() -> None:
    if _requested.is_set():
        raise Interrupted(f"stopped: {_reason[0]}; nothing of this run was committed (run it again to complete)")


def sleep(seconds: float) -> None:
    """time.sleep that a stop request cuts short (then raises Interrupted)."""
    if seconds > 0:
        _requested.wait(seconds)
    check()
