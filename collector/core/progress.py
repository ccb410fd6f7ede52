"""Progress on a terminal (one rewritten line on stderr), silence when not a TTY or with --quiet."""

from __future__ import annotations

import sys
import time


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
        self.stream.write("\r\x1b[K" + text[:200])
        self.stream.flush()
        self._shown = True

    def done(self) -> None:
        if self.enabled and self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False
