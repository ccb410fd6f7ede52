"""The Hub client: `GET /api/models` with `expand`, through huggingface_hub's own HTTP session (httpx2,
with its headers and `HF_ENDPOINT`), with our own pagination: it follows `Link` headers within the
endpoint's origin, detects cursor loops, prefetches the next page while this one is parsed, paces on
the `RateLimit` headers and retries 429/5xx (collector.core.http)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode, urljoin, urlsplit

import httpx2
import orjson
from huggingface_hub.utils import build_hf_headers, get_session

from collector import __version__
from collector.core import clock, settings
from collector.core.errors import CollectorError
from collector.core.http import Fetched, FixedWindowPacer, RequestStats, RetryPolicy, read_bounded, send
from collector.core.secrets import redact_url, secret
from collector.sources.hf.pages import EXPAND, RawPages
from collector.sources.hf.scopes import Scope

log = logging.getLogger(__name__)


def endpoint() -> str:
    return str(settings.get("HF_ENDPOINT"))


@dataclass
class ScopeResult:
    scope: str
    request: str
    fetched_at: datetime
    as_of: datetime
    pages: int = 0
    models: int = 0  # filled in from the staged pages
    duplicates: int = 0
    crawl: Crawl = field(default_factory=lambda: Crawl(None, None))


@dataclass
class HubClient:
    base_url: str = field(default_factory=endpoint)
    token: str | None = field(default_factory=lambda: secret("HF_TOKEN"), repr=False)
    policy: RetryPolicy = field(default_factory=RetryPolicy.from_env)
    pacer: FixedWindowPacer = field(default_factory=FixedWindowPacer)
    stats: RequestStats = field(default_factory=RequestStats)

    def __post_init__(self) -> None:
        self.read_timeout = float(settings.get("COLLECTOR_HTTP_TIMEOUT"))
        self.max_bytes = int(settings.get("COLLECTOR_MAX_RESPONSE_MB") * 1024 * 1024)
        # token=False: never pick up a token from disk; secrets come from the environment only.
        self.headers = build_hf_headers(
            token=self.token or False, library_name="collector", library_version=__version__
        )

    def get(self, url: str, params: list[tuple[str, str]] | None, what: str) -> Fetched:
        session = get_session()
        timeout = httpx2.Timeout(self.read_timeout, connect=min(15.0, self.read_timeout))
        return send(
            lambda: _bounded_get(session, url, params, self.headers, timeout, self.max_bytes, what),
            what=what,
            where=redact_url(url),
            pacer=self.pacer,
            policy=self.policy,
            transport_errors=(httpx2.TransportError,),
            stats=self.stats,
        )

    def pages(self, scope: Scope, crawl: Crawl) -> Iterator[tuple[str, bytes]]:
        """(url, page body) per page, following `Link: <...>; rel="next"` exactly as given, from
        `crawl.next_url` (the scope's first page, or where an earlier pass stopped).

        The next page is requested as soon as this one has arrived, while it is written to the stage,
        so network wait and staging overlap (one request in flight at a time: no burst). A scope that
        is complete (top N reached, coverage threshold crossed) asks for no further page. The top N
        counts a page as its `limit` models unless it was decoded (the Hub fills every page but the
        last; the staged pages give the true count, and a short scope is crawled on: job.py)."""
        what = f"Hub listing {scope.name}"
        if crawl.next_url is None:
            return
        params, crawl.first_params = crawl.first_params, None
        current = f"{crawl.next_url}?{urlencode(params)}" if params else crawl.next_url
        crawl.seen_urls.add(current)
        limit = scope.page_limit()
        decode = crawl.decode or scope.min_downloads is not None
        pending: _Prefetch | None = _Prefetch(self._page, crawl.next_url, params, what, current, decode)
        while pending is not None:
            response, body, items = pending.get()
            pending = None
            complete = False
            if scope.min_downloads is not None:
                kept, complete = scope.wanted(items, crawl.served)
                if len(kept) != len(items):
                    body = orjson.dumps(kept)  # the models below the threshold are not part of the listing
                crawl.served += len(kept)
            elif scope.max_models is not None:
                crawl.served += len(items) if items is not None else limit
                complete = crawl.served >= scope.max_models
            next_url = response.links.get("next", {}).get("url")
            if next_url:
                next_url = urljoin(current, next_url)  # an absolute link (the Hub's) is kept as given
            crawl.next_url = next_url if complete else None
            if complete or not next_url:
                next_url = None
            else:
                if _origin(next_url) != _origin(self.base_url):
                    # The token goes with every page: never to a host the user did not configure.
                    raise CollectorError(
                        f"{what}: the next-page link points to {_origin_text(next_url)}, not to HF_ENDPOINT "
                        f"{_origin_text(self.base_url)}: refused (the token is sent only there); nothing was written"
                    )
                if next_url in crawl.seen_urls:
                    raise CollectorError(
                        f"{what}: pagination loop (the server sent the same next link twice): "
                        "stopped with nothing written; retry later"
                    )
                crawl.seen_urls.add(next_url)
                pending = _Prefetch(self._page, next_url, None, what, next_url, decode)
            yield current, body
            if next_url is None:
                return
            current = next_url

    def _page(self, url: str, params, what: str, shown_url: str, decode: bool) -> tuple[Fetched, bytes, list | None]:
        """One page: its body, and its models decoded when asked or when the body does not look like a
        whole array of objects. A 200 whose body is not valid JSON is a page cut short (a connection
        closed mid-body with no Content-Length to tell): retried like a reset, then one line. The quick
        look (an array that ends with an object) catches a cut body but for one cut right after an
        inner array of objects, which the listing's fields do not have; DuckDB's full read of the
        staged pages then stops the run with a one-line error instead (pages.stage_pages)."""
        session = get_session()
        timeout = httpx2.Timeout(self.read_timeout, connect=min(15.0, self.read_timeout))
        decoded: list = [None]

        def fetch() -> Fetched:
            response = _bounded_get(session, url, params, self.headers, timeout, self.max_bytes, what)
            if 200 <= response.status_code < 300 and (decode or not _looks_whole(response.content)):
                try:
                    decoded[0] = orjson.loads(response.content)
                except orjson.JSONDecodeError as exc:
                    raise CutShort(f"the page from {shown_url} is not valid JSON, cut short? ({exc})") from exc
            return response

        response = send(
            fetch,
            what=what,
            where=redact_url(shown_url),
            pacer=self.pacer,
            policy=self.policy,
            transport_errors=(httpx2.TransportError, CutShort),
            stats=self.stats,
        )
        items = decoded[0]
        if items is not None:
            _check_page(items, shown_url)
        return response, response.content, items


def _looks_whole(body: bytes) -> bool:
    """An empty array, or one that starts as an array and ends with an object: looked at without
    decoding (decoding a page costs more than staging it)."""
    head, tail = body[:64].lstrip(), body[-64:].rstrip()
    if head[:1] != b"[" or tail[-1:] != b"]":
        return False
    inner = tail[:-1].rstrip()
    return inner.endswith(b"}") or body.strip() == b"[]"


@dataclass
class Crawl:
    """Where a scope's crawl is: the next page to ask for (None when done), the models listed so far,
    the links already followed (a loop stops the run)."""

    next_url: str | None
    first_params: list[tuple[str, str]] | None
    served: int = 0
    decode: bool = False
    seen_urls: set[str] = field(default_factory=set)


class CutShort(Exception):
    """A successful status with a body that does not parse: treated as a transport fault."""


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) with the scheme's default port filled in: what must match for a request to
    go to the same server."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:  # a malformed port: never the same origin as the endpoint's
        port = -1
    return scheme, (parts.hostname or "").lower(), port if port is not None else _DEFAULT_PORTS.get(scheme)


def _origin_text(url: str) -> str:
    scheme, host, port = _origin(url)
    return f"{scheme}://{host}:{port}" if scheme or host else repr(url[:80])


class _Prefetch:
    """One request on a daemon thread. A run that stops (error, Ctrl-C) simply drops it: it never
    waits for an in-flight response, and a daemon thread never holds up the process's exit."""

    def __init__(self, fn, *args):
        self._done = threading.Event()
        self._result = None
        self._error: BaseException | None = None
        threading.Thread(target=self._run, args=(fn, args), name="hub-prefetch", daemon=True).start()

    def _run(self, fn, args) -> None:
        try:
            self._result = fn(*args)
        except BaseException as exc:  # handed to the consumer, which decides
            self._error = exc
        finally:
            self._done.set()

    def get(self):
        self._done.wait()
        if self._error is not None:
            raise self._error
        return self._result


def _bounded_get(session, url, params, headers, timeout, max_bytes: int, what: str) -> Fetched:
    """GET that refuses a body larger than `max_bytes` (a runaway page must not exhaust memory)."""
    with session.stream("GET", url, params=params, headers=headers, timeout=timeout) as response:
        return read_bounded(response, max_bytes, what)


def _check_page(body: object, url: str) -> list:
    if not isinstance(body, list):
        raise CollectorError(f"bad response from {url}: expected a JSON array of models, got {type(body).__name__}")
    return body


def fetch_scope(
    client: HubClient,
    scope: Scope,
    pages: RawPages,
    scope_no: int,
    progress: Callable[[str], None] | None = None,
    result: ScopeResult | None = None,
) -> ScopeResult:
    """Crawl one scope's pages into the stage (or crawl on from where `result` stopped)."""
    if result is None:
        fetched_at = clock.now()
        params = scope.params + [("expand", f) for f in EXPAND]
        result = ScopeResult(
            scope.name, f"GET {redact_url(client.base_url)}/api/models?{urlencode(params)}", fetched_at, fetched_at
        )
        result.crawl = Crawl(f"{client.base_url}/api/models", params)
    for url, body in client.pages(scope, result.crawl):
        pages.add(body, scope_no, scope.name, url, scope.max_models)
        result.pages += 1
        if progress:
            progress(f"{scope.name}: {result.pages} pages")
    result.as_of = clock.now()
    return result
