"""The OpenRouter client: the keyless catalog (`GET /models`) and the keyed Data API, paced
(`OPENROUTER_REQUESTS_PER_MINUTE`), counted against a daily budget (`OPENROUTER_DAILY_BUDGET`), retried
through collector.core.http; the key goes only to the Data API, and redirects are never followed."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import httpx
import orjson

from collector import __version__
from collector.core import http, settings
from collector.core.errors import CollectorError
from collector.core.http import Fetched, MinIntervalPacer, RequestStats, RetryPolicy, error_detail, read_bounded, send
from collector.core.secrets import redact_url, secret

log = logging.getLogger(__name__)

KEY_ENV = "OPENROUTER_API_KEY"


def base_url() -> str:
    return str(settings.get("OPENROUTER_BASE_URL"))


def api_key() -> str | None:
    return secret(KEY_ENV)


def requests_per_minute() -> float:
    """OPENROUTER_REQUESTS_PER_MINUTE (default 25; 0 disables pacing, for tests against a fake)."""
    return float(settings.get("OPENROUTER_REQUESTS_PER_MINUTE"))


def daily_budget() -> int:
    """OPENROUTER_DAILY_BUDGET: requests per UTC day this collector allows itself (default 500)."""
    return int(settings.get("OPENROUTER_DAILY_BUDGET"))


class KeyRejected(CollectorError):
    """HTTP 401 from the Data API: the key is wrong, revoked or missing."""


class BudgetExhausted(Exception):
    """Raised before a request that would go over the daily budget (never sent)."""


@dataclass
class BudgetedPacer:
    """Paces keyed requests and refuses the one that would exceed the day's remaining budget.
    Retries go through here too, so every attempt is paced and counted."""

    pacer: MinIntervalPacer
    remaining: int
    used: int = 0

    def before_request(self) -> None:
        if self.remaining <= 0:
            raise BudgetExhausted()
        self.pacer.before_request()
        self.remaining -= 1
        self.used += 1

    def observe(self, headers) -> None:
        self.pacer.observe(headers)

    @property
    def waited(self) -> float:
        return self.pacer.waited


def retry_policy() -> RetryPolicy:
    """The shared policy, but (unless tuned through the environment) with backoff 1, 2, 4, 8, 16, 30 s:
    61 s in all, so a 429 without Retry-After outlasts the Data API's one-minute window."""
    return RetryPolicy.from_env(max_retries=6, cap=30.0)


@dataclass
class OpenRouterClient:
    base_url: str = field(default_factory=base_url)
    key: str | None = field(default_factory=api_key, repr=False)
    policy: RetryPolicy = field(default_factory=retry_policy)
    pacer: MinIntervalPacer = field(default_factory=lambda: MinIntervalPacer(requests_per_minute()))
    stats: RequestStats = field(default_factory=RequestStats)

    def __post_init__(self) -> None:
        read_timeout = float(settings.get("COLLECTOR_HTTP_TIMEOUT"))
        self.max_bytes = int(settings.get("COLLECTOR_MAX_RESPONSE_MB") * 1024 * 1024)
        self.http = httpx.Client(
            timeout=httpx.Timeout(read_timeout, connect=min(15.0, read_timeout)),
            headers={"User-Agent": f"collector/{__version__}"},
            verify=http.tls_context(),
        )
        self.path_prefix = urlsplit(self.base_url).path.rstrip("/")

    def close(self) -> None:
        self.http.close()

    def request_text(self, path: str, params: list[tuple[str, str]] | None) -> str:
        """Provenance for the store: method, path and query; never the host's credentials or the key."""
        query = f"?{urlencode(params)}" if params else ""
        return f"GET {self.path_prefix}{path}{query}"

    def get(self, path: str, params: list[tuple[str, str]] | None, what: str, *, keyed: BudgetedPacer | None) -> bytes:
        url = f"{self.base_url}{path}"
        headers = {"Authorization": f"Bearer {self.key}"} if keyed is not None else {}

        def do() -> Fetched:
            with self.http.stream("GET", url, params=tuple(params or ()), headers=headers) as streamed:
                response = read_bounded(streamed, self.max_bytes, what)
            if keyed is not None and response.status_code == 401:
                detail = error_detail(response)
                raise KeyRejected(
                    f"OpenRouter rejected {KEY_ENV} (HTTP 401{': ' + detail if detail else ''}) on {what}: "
                    "check the key; nothing was stored"
                )
            return response

        response = send(
            do,
            what=what,
            where=redact_url(url),
            pacer=keyed,
            policy=self.policy,
            transport_errors=(httpx.TransportError,),
            stats=self.stats,
        )
        return response.content


def _decode(content: bytes, request: str) -> object:
    try:
        return orjson.loads(content)
    except orjson.JSONDecodeError as exc:
        raise CollectorError(f"bad response to {request}: not valid JSON ({exc})") from exc
