"""Progress on a terminal (one rewritten line on stderr), silence when not a TTY or with --quiet.

A long run's milestones (one OpenRouter pull kept) are `step`s: on a terminal they show on the same
rewritten line; off a terminal each is a line of its own in the log (INFO: shown unless --quiet, and
in the scheduler's log), so a cron log shows how far a four-minute run got."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable

log = logging.getLogger("collector.progress")


class Progress:
    def __init__(self, enabled: bool | None = None, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._last = 0.0
        self._shown = False

    def __call__(self, text: str) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < 0.1:  # a redraw per page would cost more than the page
            return
        self._last = now
        self._draw(text)

    def _draw(self, text: str) -> None:
        self.stream.write("\r\x1b[K" + text[:200])
        self.stream.flush()
        self._shown = True

    def step(self, text: str) -> None:
        """A milestone: drawn at once on a terminal, else logged as a line of its own."""
        if self.enabled:
            self._last = time.monotonic()
            self._draw(text)
        else:
            log.info(text)

    def done(self) -> None:
        if self.enabled and self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False


def step(progress: Callable[[str], None] | None, text: str) -> None:
    """Report a milestone through whatever progress a job was given: a Progress (see `step` above),
    any other callable (called with the text), or None (a line in the log: the scheduler's runs)."""
    if isinstance(progress, Progress):
        progress.step(text)
    elif progress is None:
        log.info(text)
    else:
        progress(text)
