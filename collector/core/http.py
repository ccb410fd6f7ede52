"""Polite HTTP for both sources: pacing from rate-limit headers, retries with backoff, one-line errors.

Works with any httpx-style response (`status_code`, `headers`, `content`), so the Hub client
(huggingface_hub's httpx2 session) and the OpenRouter client (httpx) share one policy.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

import orjson

from collector.core import cancel, clock, settings
from collector.core.errors import CollectorError, ConfigError
from collector.core.secrets import redact

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
_RATELIMIT = re.compile(r'"(?P<name>[^"]+)"\s*;\s*r\s*=\s*(?P<r>\d+)\s*;\s*t\s*=\s*(?P<t>\d+)')


@functools.lru_cache(maxsize=4)
def _tls_context(cafile: str | None, capath: str | None) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=cafile, capath=capath)


def tls_context() -> ssl.SSLContext:
    """The certificates httpx would trust (SSL_CERT_FILE, else SSL_CERT_DIR, else certifi's bundle),
    loaded once per process: loading them costs about 50 ms, and every OpenRouter run makes a client.
    Certificates that cannot be loaded are a ConfigError naming the variable."""
    for name, as_file in (("SSL_CERT_FILE", True), ("SSL_CERT_DIR", False)):
        value = os.environ.get(name)
        if value:
            try:
                return _tls_context(value, None) if as_file else _tls_context(None, value)
            except (OSError, ssl.SSLError) as exc:
                reason = getattr(exc, "strerror", None) or str(exc)
                raise ConfigError(
                    f"{name}={value}: cannot load certificates from it ({reason}): "
                    f"point it at a PEM {'bundle' if as_file else 'folder'} or unset it"
                ) from exc
    import certifi

    return _tls_context(certifi.where(), None)


class Pacer(Protocol):
    """Asked before every attempt (it may wait, or refuse), told every response's headers."""

    def before_request(self) -> None: ...

    def observe(self, headers: Any) -> None: ...


class Response(Protocol):
    status_code: int
    headers: Any
    content: bytes


@dataclass
class RetryPolicy:
    """Exponential backoff: base, 2*base, 4*base ... capped; `max_retries` retries after the first try.

    COLLECTOR_RETRY_BASE_SECONDS / COLLECTOR_MAX_RETRIES tune it (tests use a small base)."""

    max_retries: int = 5
    base: float = 1.0
    cap: float = 8.0
    # A server asking us to wait longer than this (Retry-After, RateLimit t=) ends the run instead.
    max_wait: float = 900.0

    @classmethod
    def from_env(cls, *, max_retries: int = 5, cap: float = 8.0) -> RetryPolicy:
        """The policy tuned by the COLLECTOR_RETRY_* settings; `max_retries` and `cap` are the source's
        own defaults when those settings are unset."""
        tuned_retries = settings.get("COLLECTOR_MAX_RETRIES")
        tuned_cap = settings.get("COLLECTOR_RETRY_CAP_SECONDS")
        return cls(
            max_retries=max_retries if tuned_retries is None else tuned_retries,
            base=settings.get("COLLECTOR_RETRY_BASE_SECONDS"),
            cap=cap if tuned_cap is None else tuned_cap,
            max_wait=settings.get("COLLECTOR_MAX_WAIT_SECONDS"),
        )

    def backoff(self, attempt: int) -> float:
        return min(self.cap, self.base * (2 ** (attempt - 1)))


@dataclass
class FixedWindowPacer:
    """Paces on `RateLimit: "api";r=<remaining>;t=<seconds to reset>` (the Hub's fixed 5-minute window).

    When the window is spent (r=0) the next request waits for the reset instead of earning a 429."""

    sleep: Callable[[float], None] = cancel.sleep
    monotonic: Callable[[], float] = time.monotonic
    remaining: int | None = None
    reset_at: float | None = None
    waited: float = 0.0

    def before_request(self) -> None:
        if self.remaining is None or self.remaining > 0 or self.reset_at is None:
            return
        delay = self.reset_at - self.monotonic()
        if delay > 0:
            log.info("rate limit window spent: waiting %.1f s for it to reset", delay)
            self.sleep(delay)
            self.waited += delay
        self.remaining = None

    def observe(self, headers: Any) -> None:
        value = headers.get("ratelimit")
        if not value:
            return
        match = _RATELIMIT.search(value)
        if not match:
            return
        self.remaining = int(match.group("r"))
        # +0.5 s: the header's seconds are rounded, and an early request would be rejected.
        self.reset_at = self.monotonic() + int(match.group("t")) + 0.5


@dataclass
class MinIntervalPacer:
    """At most `per_minute` requests a minute, spaced evenly (OpenRouter's Data API: 30/min per key)."""

    per_minute: float
    sleep: Callable[[float], None] = cancel.sleep
    monotonic: Callable[[], float] = time.monotonic
    last: float | None = None
    waited: float = 0.0

    def before_request(self) -> None:
        if self.per_minute <= 0:
            return
        interval = 60.0 / self.per_minute
        now = self.monotonic()
        if self.last is not None and now - self.last < interval:
            delay = interval - (now - self.last)
            self.sleep(delay)
            self.waited += delay
        self.last = self.monotonic()

    def observe(self, headers: Any) -> None:  # same interface as FixedWindowPacer
        return


def retry_after_seconds(headers: Any) -> float | None:
    """Seconds to wait from `Retry-After` (seconds or HTTP date) or a spent `RateLimit` window."""
    value = headers.get("retry-after")
    if value:
        value = value.strip()
        if value.isdigit():
            return float(value)
        try:
            when = parsedate_to_datetime(value)
            return max(0.0, (when - clock.now()).total_seconds())
        except (TypeError, ValueError):
            pass
    limit = headers.get("ratelimit")
    if limit and (match := _RATELIMIT.search(limit)) and int(match.group("r")) == 0:
        return int(match.group("t")) + 1.0
    return None


def error_detail(response: Response) -> str:
    """The server's own one-line reason from an error body (`{"error": {"message": ...}}`, `{"error": "..."}`),
    with any secret this process holds scrubbed (a server may echo the key it rejected)."""
    try:
        body = orjson.loads(response.content)
    except (orjson.JSONDecodeError, TypeError, ValueError):
        text = (response.content or b"")[:4000].decode("utf-8", "replace")
        return redact(" ".join(text.split()))[:200]
    if isinstance(body, dict):
        err = body.get("error", body.get("message"))
        if isinstance(err, dict):
            err = err.get("message") or err.get("code")
        if err is not None:
            return redact(" ".join(str(err).split()))[:300]
    return ""


@dataclass
class Fetched:
    """A response read whole (within the size limit): what the retry loop and the parsers need."""

    status_code: int
    headers: Any
    content: bytes
    links: dict = field(default_factory=dict)


def read_bounded(response: Any, max_bytes: int, what: str) -> Fetched:
    """Read a streamed httpx / httpx2 response's body, refusing one over `max_bytes` (declared or
    actually sent): a runaway response must not exhaust memory."""
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise CollectorError(
            f"{what}: response of {int(declared):,} bytes is over the {max_bytes:,}-byte limit "
            "(COLLECTOR_MAX_RESPONSE_MB)"
        )
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise CollectorError(f"{what}: response is over the {max_bytes:,}-byte limit (COLLECTOR_MAX_RESPONSE_MB)")
        chunks.append(chunk)
    return Fetched(response.status_code, response.headers, b"".join(chunks), dict(response.links))


@dataclass
class RequestStats:
    requests: int = 0
    retries: int = 0


def send(
    do_request: Callable[[], Fetched],
    *,
    what: str,
    pacer: Pacer | None,
    policy: RetryPolicy,
    transport_errors: tuple[type[BaseException], ...],
    stats: RequestStats,
    sleep: Callable[[float], None] = cancel.sleep,
    where: str = "",
) -> Fetched:
    """One logical request: paced, retried on 408/429/5xx and transport errors, then either a 2xx
    response or a CollectorError naming `what`, the status and the server's reason, and `where` (the
    URL without credentials: a wrong base URL shows at once)."""
    at = f" [{where}]" if where else ""
    attempt = 0
    while True:
        attempt += 1
        cancel.check()
        if pacer is not None:
            pacer.before_request()
        stats.requests += 1
        try:
            response = do_request()
        except transport_errors as exc:
            reason = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
            if attempt > policy.max_retries:
                raise CollectorError(f"{what}: network error after {attempt} attempts ({reason}){at}") from exc
            wait = policy.backoff(attempt)
            log.info("%s: %s; retry %d/%d in %.1f s", what, reason, attempt, policy.max_retries, wait)
        else:
            status = response.status_code
            if pacer is not None:
                pacer.observe(response.headers)
            if 200 <= status < 300:
                return response
            detail = error_detail(response)
            suffix = f": {detail}" if detail else ""
            if status not in RETRY_STATUSES:
                raise CollectorError(f"{what}: HTTP {status}{suffix}{at}")
            if attempt > policy.max_retries:
                raise CollectorError(f"{what}: HTTP {status} after {attempt} attempts{suffix}{at}")
            wait = policy.backoff(attempt)
            if status == 429:
                hinted = retry_after_seconds(response.headers)
                if hinted is not None:
                    wait = hinted
                if wait > policy.max_wait:
                    raise CollectorError(
                        f"{what}: HTTP 429, the server asks to wait {wait:.0f} s (over the {policy.max_wait:.0f} s limit); "
                        "run again later"
                    )
            log.info("%s: HTTP %d; retry %d/%d in %.1f s", what, status, attempt, policy.max_retries, wait)
        stats.retries += 1
        sleep(wait)
