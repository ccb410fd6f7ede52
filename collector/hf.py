"""Hugging Face Hub source: list models with `expand`, parse, stage to Parquet, commit a snapshot.

Requests go through huggingface_hub's own HTTP session (httpx2, with its headers and `HF_ENDPOINT`),
but pagination is ours: it reads the `RateLimit` headers to pace before a 429, retries 429/5xx
with backoff, detects cursor loops, and parses pages straight into columns (no per-model objects,
so the client keeps up with the Hub's largest quotas).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

import httpx2
import orjson
import pyarrow as pa
from huggingface_hub.utils import build_hf_headers, get_session

from collector import __version__, clock, hf_store
from collector.errors import CollectorError
from collector.http import FixedWindowPacer, RequestStats, RetryPolicy, env_float, read_bounded, send
from collector.secrets import secret
from collector.staging import ParquetStage

log = logging.getLogger(__name__)

DEFAULT_ENDPOINT = "https://huggingface.co"
PAGE_SIZE = 1000
EXPAND = (
    "author",
    "downloads",
    "downloadsAllTime",
    "likes",
    "trendingScore",
    "createdAt",
    "lastModified",
    "pipeline_tag",
    "library_name",
    "tags",
    "safetensors",
    "gated",
)
# Defaults; COLLECTOR_HTTP_TIMEOUT (seconds per read) and COLLECTOR_MAX_RESPONSE_MB override them.
READ_TIMEOUT = 60.0
MAX_RESPONSE_MB = 256.0

# Three staged files per run: counters per (scope, model), metadata once per model, lineage edges.
DOWNLOADS_SCHEMA = pa.schema(
    [
        ("scope", pa.string()),
        ("rank", pa.int32()),
        ("model_id", pa.string()),
        ("downloads_30d", pa.int64()),
        ("downloads_all_time", pa.int64()),
        ("likes", pa.int64()),
        ("trending_score", pa.float64()),
    ]
)
MODELS_SCHEMA = pa.schema(
    [
        ("model_id", pa.string()),
        ("author", pa.string()),
        ("created_at", pa.string()),
        ("last_modified", pa.string()),
        ("pipeline_tag", pa.string()),
        ("library_name", pa.string()),
        ("tags", pa.list_(pa.string())),
        ("safetensors_total", pa.int64()),
        ("gated", pa.string()),
    ]
)
LINEAGE_SCHEMA = pa.schema([("child_id", pa.string()), ("parent_id", pa.string()), ("relation", pa.string())])
RELATIONS = frozenset({"adapter", "finetune", "merge", "quantized"})


def endpoint() -> str:
    return os.environ.get("HF_ENDPOINT", DEFAULT_ENDPOINT).rstrip("/")


@dataclass
class Scope:
    """One listing to snapshot: all models of a namespace, or the Hub-wide top N by 30-day downloads."""

    name: str
    params: list[tuple[str, str]]
    max_models: int | None = None
    # Coverage mode: stop at the first model below this many 30-day downloads (the listing is sorted).
    min_downloads: int | None = None

    @classmethod
    def author(cls, namespace: str, page_size: int = PAGE_SIZE) -> Scope:
        return cls(f"author:{namespace}", [("author", namespace), ("sort", "downloads"), ("limit", str(page_size))])

    @classmethod
    def top(cls, n: int, page_size: int = PAGE_SIZE) -> Scope:
        return cls(f"top_downloads:{n}", [("sort", "downloads"), ("limit", str(min(n, page_size)))], max_models=n)

    @classmethod
    def coverage(cls, min_downloads: int, page_size: int = PAGE_SIZE) -> Scope:
        return cls(f"coverage_min_downloads:{min_downloads}", [("sort", "downloads"), ("limit", str(page_size))],
                   min_downloads=min_downloads)

    def wanted(self, items: list, fetched_before: int) -> tuple[list, bool]:
        """The page's models this scope keeps, and whether the listing should stop after it."""
        if self.max_models is not None:
            items = items[: self.max_models - fetched_before]
            return items, fetched_before + len(items) >= self.max_models
        if self.min_downloads is not None:
            # Anything malformed is kept so that validation reports it instead of a silent drop.
            kept = [m for m in items if type(m) is not dict or type(m.get("downloads")) is not int
                    or m["downloads"] >= self.min_downloads]
            return kept, len(kept) < len(items)
        return items, False


@dataclass
class ScopeResult:
    scope: str
    request: str
    fetched_at: datetime
    as_of: datetime
    pages: int = 0
    models: int = 0
    duplicates: int = 0


@dataclass
class HubClient:
    base_url: str = field(default_factory=endpoint)
    token: str | None = field(default_factory=lambda: secret("HF_TOKEN"), repr=False)
    policy: RetryPolicy = field(default_factory=RetryPolicy.from_env)
    pacer: FixedWindowPacer = field(default_factory=FixedWindowPacer)
    stats: RequestStats = field(default_factory=RequestStats)

    def __post_init__(self) -> None:
        self.read_timeout = env_float("COLLECTOR_HTTP_TIMEOUT", READ_TIMEOUT, minimum=0.001)
        self.max_bytes = int(env_float("COLLECTOR_MAX_RESPONSE_MB", MAX_RESPONSE_MB, minimum=0.001) * 1024 * 1024)
        # token=False: never pick up a token from disk; secrets come from the environment only.
        self.headers = build_hf_headers(
            token=self.token or False, library_name="collector", library_version=__version__
        )

    def get(self, url: str, params: list[tuple[str, str]] | None, what: str) -> httpx2.Response:
        session = get_session()
        timeout = httpx2.Timeout(self.read_timeout, connect=min(15.0, self.read_timeout))
        return send(
            lambda: _bounded_get(session, url, params, self.headers, timeout, self.max_bytes, what),
            what=what,
            pacer=self.pacer,
            policy=self.policy,
            transport_errors=(httpx2.TransportError,),
            stats=self.stats,
        )

    def pages(self, scope: Scope) -> Iterator[tuple[str, list, bool]]:
        """(url, wanted models, last) per page, following `Link: <...>; rel="next"` exactly as given.

        The next page is requested as soon as this one is decoded, while it is validated and staged,
        so network wait and parsing overlap (one request in flight at a time: no burst). A scope that
        is complete (top N reached, coverage threshold crossed) asks for no further page."""
        params = scope.params + [("expand", f) for f in EXPAND]
        url = f"{self.base_url}/api/models"
        what = f"Hub listing {scope.name}"
        current = f"{url}?{urlencode(params)}"
        seen = {current}
        fetched = 0
        pending: _Prefetch | None = _Prefetch(self._page, url, params, what, current)
        while pending is not None:
            response, items = pending.get()
            pending = None
            items, complete = scope.wanted(items, fetched)
            fetched += len(items)
            next_url = None if complete else response.links.get("next", {}).get("url")
            if next_url:
                next_url = urljoin(current, next_url)  # an absolute link (the Hub's) is kept as given
                if _origin(next_url) != _origin(self.base_url):
                    # The token goes with every page: never to a host the user did not configure.
                    raise CollectorError(
                        f"{what}: the next-page link points to {_origin_text(next_url)}, not to HF_ENDPOINT "
                        f"{_origin_text(self.base_url)}: refused (the token is sent only there); nothing was written"
                    )
                if next_url in seen:
                    raise CollectorError(
                        f"{what}: pagination loop (the server sent the same next link twice): "
                        "stopped with nothing written; retry later"
                    )
                seen.add(next_url)
                pending = _Prefetch(self._page, next_url, None, what, next_url)
            yield current, items, next_url is None
            if next_url is None:
                return
            current = next_url

    def _page(self, url: str, params, what: str, shown_url: str) -> tuple[httpx2.Response, list]:
        response = self.get(url, params, what)
        return response, _decode_page(response, shown_url)


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


def _bounded_get(session, url, params, headers, timeout, max_bytes: int, what: str) -> httpx2.Response:
    """GET that refuses a body larger than `max_bytes` (a runaway page must not exhaust memory)."""
    with session.stream("GET", url, params=params, headers=headers, timeout=timeout) as response:
        read_bounded(response, max_bytes, what)
    return response


def _decode_page(response: httpx2.Response, url: str) -> list:
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError as exc:
        raise CollectorError(f"bad response from {url}: not valid JSON ({exc})") from exc
    if not isinstance(body, list):
        raise CollectorError(f"bad response from {url}: expected a JSON array of models, got {type(body).__name__}")
    return body


def _bad(url: str, index: int, model: object, field_name: str, value: object, expected: str) -> CollectorError:
    return CollectorError(
        f"bad response from {url}: model #{index} ({model}) field {field_name!r} is "
        f"{type(value).__name__} {str(value)[:40]!r}, expected {expected}"
    )


class HfStage:
    """The run's staged rows. A model the keyset cursor serves twice in one scope is kept once
    (first rank wins, the repeat is counted); metadata and lineage are staged once per model."""

    def __init__(self, directory: Path):
        self.downloads = ParquetStage(directory / "downloads.parquet", DOWNLOADS_SCHEMA)
        self.models = ParquetStage(directory / "models.parquet", MODELS_SCHEMA)
        self.lineage = ParquetStage(directory / "lineage.parquet", LINEAGE_SCHEMA)
        self._seen_models: set[str] = set()

    def close(self) -> None:
        for stage in (self.downloads, self.models, self.lineage):
            stage.close()


_INT = frozenset({int, type(None)})
_NUMBER = frozenset({int, float, type(None)})
_TEXT = frozenset({str, type(None)})
_FIELD_TYPES = {
    "downloads": (_INT, "an integer"),
    "downloadsAllTime": (_INT, "an integer"),
    "likes": (_INT, "an integer"),
    "trendingScore": (_NUMBER, "a number"),
    "createdAt": (_TEXT, "a string"),
    "lastModified": (_TEXT, "a string"),
    "pipeline_tag": (_TEXT, "a string"),
    "library_name": (_TEXT, "a string"),
    "author": (_TEXT, "a string"),
    "tags": (frozenset({list, type(None)}), "a list of strings"),
    "safetensors": (frozenset({dict, type(None)}), "an object"),
    "gated": (frozenset({bool, str, type(None)}), "a boolean or string"),
}


def _check_column(url: str, ids: list, key: str, values: list, allowed: frozenset, expected: str) -> None:
    # set(map(type, ...)) runs at C speed; only a page with a bad value pays for the search.
    if set(map(type, values)) <= allowed:
        return
    for index, value in enumerate(values):
        if type(value) not in allowed:
            raise _bad(url, index, ids[index], key, value, expected)


def parse_page(items: list, url: str, scope: str, first_rank: int, seen_in_scope: set[str],
               stage: HfStage) -> tuple[int, int]:
    """Validate one page and append it to the stage; returns (models kept, repeats dropped).

    Missing optional fields become NULL and unknown extra fields are ignored (the Hub adds fields
    over time); a field of the wrong type (a string count, a float count, a bool count) stops the
    run. Checks are column-wise so that a page of 1,000 models costs about a millisecond."""
    if not items:
        return 0, 0
    if set(map(type, items)) != {dict}:
        index, item = next((i, m) for i, m in enumerate(items) if type(m) is not dict)
        raise CollectorError(f"bad response from {url}: item #{index} is {type(item).__name__}, expected an object")
    ids = [m.get("id") for m in items]
    if set(map(type, ids)) != {str} or not all(ids):
        index = next(i for i, v in enumerate(ids) if type(v) is not str or not v)
        raise _bad(url, index, items[index].get("_id"), "id", ids[index], "a non-empty string")
    cols = {key: [m.get(key) for m in items] for key in _FIELD_TYPES}
    for key, (allowed, expected) in _FIELD_TYPES.items():
        _check_column(url, ids, key, cols[key], allowed, expected)
    tag_lists = [t for t in cols["tags"] if t]
    if tag_lists and set(map(type, chain.from_iterable(tag_lists))) != {str}:
        index = next(i for i, t in enumerate(cols["tags"]) if t and any(type(x) is not str for x in t))
        raise _bad(url, index, ids[index], "tags", cols["tags"][index], "a list of strings")
    totals = [st.get("total") if st else None for st in cols["safetensors"]]
    _check_column(url, ids, "safetensors.total", totals, _INT, "an integer")

    # Keyset pagination can serve a model twice when counts move mid-crawl: keep the first rank.
    n = len(ids)
    if len(set(ids)) == n and seen_in_scope.isdisjoint(ids):
        keep = range(n)
    else:
        keep = []
        for index, model_id in enumerate(ids):
            if model_id not in seen_in_scope:
                seen_in_scope.add(model_id)
                keep.append(index)
    seen_in_scope.update(ids)
    repeats = n - len(keep)
    if repeats:
        ids = [ids[i] for i in keep]
        cols = {key: [values[i] for i in keep] for key, values in cols.items()}
        totals = [totals[i] for i in keep]
        ranks = [first_rank + i for i in keep]
    else:
        ranks = list(range(first_rank, first_rank + n))
    stage.downloads.write(
        {
            "scope": [scope] * len(ids),
            "rank": ranks,
            "model_id": ids,
            "downloads_30d": cols["downloads"],
            "downloads_all_time": cols["downloadsAllTime"],
            "likes": cols["likes"],
            "trending_score": cols["trendingScore"],
        }
    )

    # Metadata and lineage once per model per run (a model can be in an author scope and the top N).
    seen_models = stage._seen_models
    fresh = [i for i, model_id in enumerate(ids) if model_id not in seen_models]
    seen_models.update(ids)
    if not fresh:
        return n - repeats, repeats
    if len(fresh) != len(ids):
        ids = [ids[i] for i in fresh]
        cols = {key: [values[i] for i in fresh] for key, values in cols.items()}
        totals = [totals[i] for i in fresh]
    stage.models.write(
        {
            "model_id": ids,
            "author": [a if a else (m.split("/", 1)[0] if "/" in m else None) for a, m in zip(cols["author"], ids)],
            "created_at": cols["createdAt"],
            "last_modified": cols["lastModified"],
            "pipeline_tag": cols["pipeline_tag"],
            "library_name": cols["library_name"],
            "tags": cols["tags"],
            "safetensors_total": totals,
            "gated": [None if g is None else ("true" if g is True else "false" if g is False else g) for g in cols["gated"]],
        }
    )
    edges: dict[str, list] = {"child_id": [], "parent_id": [], "relation": []}
    # Most models carry no lineage tag: one C-level join per model skips them cheaply.
    candidates = [(m, t) for m, t in zip(ids, cols["tags"]) if t and "base_model:" in "\x1f".join(t)]
    for model_id, tags in candidates:
        for tag in tags:
            # `base_model:<relation>:<parent>`; the two-part `base_model:<parent>` adds nothing.
            if tag.startswith("base_model:") and tag.count(":") == 2:
                _, relation, parent = tag.split(":")
                if relation in RELATIONS and parent:
                    edges["child_id"].append(model_id)
                    edges["parent_id"].append(parent)
                    edges["relation"].append(relation)
    stage.lineage.write(edges)
    return n - repeats, repeats


def fetch_scope(
    client: HubClient,
    scope: Scope,
    stage: HfStage,
    progress: Callable[[str], None] | None = None,
) -> ScopeResult:
    """Crawl one scope into the stage."""
    fetched_at = clock.now()
    params = scope.params + [("expand", f) for f in EXPAND]
    result = ScopeResult(scope.name, f"GET {client.base_url}/api/models?{urlencode(params)}", fetched_at, fetched_at)
    rank = 1
    seen: set[str] = set()
    for url, items, _last in client.pages(scope):
        kept, repeats = parse_page(items, url, scope.name, rank, seen, stage)
        result.pages += 1
        result.models += kept
        result.duplicates += repeats
        rank += len(items)
        if progress:
            progress(f"{scope.name}: {result.models:,} models, {result.pages} pages")
    result.as_of = clock.now()
    return result


def commit(con, stage: HfStage, scopes: list[ScopeResult], run_id: int, day) -> dict[str, int]:
    """Write the staged crawl as one snapshot per scope for `day`, replacing that day's earlier
    snapshot of the same scopes. The caller holds the transaction."""
    files = {name: str(s.path) for name, s in (("dl", stage.downloads), ("md", stage.models), ("ln", stage.lineage))}
    names = [s.scope for s in scopes]
    replaced = hf_store.delete_day(con, day, names)
    for s in scopes:
        con.execute(
            """INSERT INTO hf_snapshots (scope, snapshot_date, fetched_at, as_of, run_id, request, pages, model_count, duplicates)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [s.scope, day, s.fetched_at, s.as_of, run_id, s.request, s.pages, s.models, s.duplicates],
        )
    counter_rows = hf_store.append(
        con,
        """SELECT h.snapshot_id, d.model_id, d.rank, d.downloads_30d, d.downloads_all_time, d.likes, d.trending_score
           FROM read_parquet($dl) d JOIN hf_snapshots h ON h.scope = d.scope AND h.snapshot_date = $day AND h.run_id = $run""",
        {"dl": files["dl"], "day": day, "run": run_id},
    )
    # Latest metadata wins; first_seen / last_seen keep the span. Most models do not change from one
    # day to the next, so unchanged rows only get their span widened (a narrow update), and only
    # new or changed models are written in full (bench/hf_ingest.py measures both cases).
    con.execute(
        """CREATE OR REPLACE TEMP TABLE staged_models AS
           SELECT model_id, author, CAST(created_at AS TIMESTAMPTZ) AS created_at,
                  CAST(last_modified AS TIMESTAMPTZ) AS last_modified, pipeline_tag, library_name, tags,
                  safetensors_total, gated,
                  hash(author, created_at, last_modified, pipeline_tag, library_name, tags, safetensors_total, gated)
                      AS meta_hash
           FROM read_parquet($md)""",
        {"md": files["md"]},
    )
    con.execute(
        """UPDATE hf_models AS t SET first_seen = least(t.first_seen, $day), last_seen = greatest(t.last_seen, $day)
           FROM staged_models s
           WHERE t.model_id = s.model_id AND (t.meta_hash = s.meta_hash OR $day < t.last_seen)""",
        {"day": day},
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE changed_models AS
           SELECT s.*, least(t.first_seen, $day) AS first_seen, $day AS last_seen
           FROM staged_models s JOIN hf_models t ON t.model_id = s.model_id
           WHERE t.meta_hash <> s.meta_hash AND $day >= t.last_seen""",
        {"day": day},
    )
    con.execute("DELETE FROM hf_models WHERE model_id IN (SELECT model_id FROM changed_models)")
    con.execute("INSERT INTO hf_models BY NAME SELECT * FROM changed_models")
    con.execute(
        """INSERT INTO hf_models BY NAME
           SELECT s.*, $day AS first_seen, $day AS last_seen
           FROM staged_models s ANTI JOIN hf_models t ON t.model_id = s.model_id""",
        {"day": day},
    )
    con.execute("DROP TABLE staged_models")
    con.execute("DROP TABLE changed_models")
    con.execute(
        """MERGE INTO hf_lineage AS t
           USING (SELECT DISTINCT child_id, parent_id, relation FROM read_parquet($ln)) AS s
           ON t.child_id = s.child_id AND t.parent_id = s.parent_id AND t.relation = s.relation
           WHEN MATCHED THEN UPDATE SET first_seen = least(t.first_seen, $day), last_seen = greatest(t.last_seen, $day)
           WHEN NOT MATCHED THEN INSERT (child_id, parent_id, relation, first_seen, last_seen)
               VALUES (s.child_id, s.parent_id, s.relation, $day, $day)""",
        {"ln": files["ln"], "day": day},
    )
    return {
        "hf_snapshots": len(scopes),
        "hf_model_downloads": stage.downloads.rows,
        "hf_counters": counter_rows,
        "hf_models": stage.models.rows,
        "hf_lineage": stage.lineage.rows,
        "replaced_snapshots": replaced,
    }
