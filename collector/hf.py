"""Hugging Face Hub source: list models with `expand`, parse, stage to Parquet, commit a snapshot.

Requests go through huggingface_hub's own HTTP session (httpx2, with its headers and `HF_ENDPOINT`),
but pagination is ours: it reads the `RateLimit` headers to pace before a 429, retries 429/5xx
with backoff, detects cursor loops, and parses pages straight into columns (no per-model objects,
so the client keeps up with the Hub's largest quotas).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

import httpx2
import orjson
import pyarrow as pa
from huggingface_hub.utils import build_hf_headers, get_session

from collector import __version__, clock
from collector.errors import CollectorError
from collector.http import FixedWindowPacer, RequestStats, RetryPolicy, send
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
TIMEOUT = httpx2.Timeout(60.0, connect=15.0)

STAGE_SCHEMA = pa.schema(
    [
        ("scope", pa.string()),
        ("rank", pa.int32()),
        ("model_id", pa.string()),
        ("author", pa.string()),
        ("downloads_30d", pa.int64()),
        ("downloads_all_time", pa.int64()),
        ("likes", pa.int64()),
        ("trending_score", pa.float64()),
        ("created_at", pa.string()),
        ("last_modified", pa.string()),
        ("pipeline_tag", pa.string()),
        ("library_name", pa.string()),
        ("tags", pa.list_(pa.string())),
        ("safetensors_total", pa.int64()),
        ("gated", pa.string()),
    ]
)


def endpoint() -> str:
    return os.environ.get("HF_ENDPOINT", DEFAULT_ENDPOINT).rstrip("/")


@dataclass
class Scope:
    """One listing to snapshot: all models of a namespace, or the Hub-wide top N by 30-day downloads."""

    name: str
    params: list[tuple[str, str]]
    max_models: int | None = None

    @classmethod
    def author(cls, namespace: str, page_size: int = PAGE_SIZE) -> Scope:
        return cls(f"author:{namespace}", [("author", namespace), ("sort", "downloads"), ("limit", str(page_size))])

    @classmethod
    def top(cls, n: int, page_size: int = PAGE_SIZE) -> Scope:
        return cls(f"top_downloads:{n}", [("sort", "downloads"), ("limit", str(min(n, page_size)))], max_models=n)


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
    token: str | None = field(default_factory=lambda: os.environ.get("HF_TOKEN") or None)
    policy: RetryPolicy = field(default_factory=RetryPolicy.from_env)
    pacer: FixedWindowPacer = field(default_factory=FixedWindowPacer)
    stats: RequestStats = field(default_factory=RequestStats)

    def __post_init__(self) -> None:
        # token=False: never pick up a token from disk; secrets come from the environment only.
        self.headers = build_hf_headers(
            token=self.token or False, library_name="collector", library_version=__version__
        )

    def get(self, url: str, params: list[tuple[str, str]] | None, what: str) -> httpx2.Response:
        session = get_session()
        return send(
            lambda: session.get(url, params=params, headers=self.headers, timeout=TIMEOUT),
            what=what,
            pacer=self.pacer,
            policy=self.policy,
            transport_errors=(httpx2.TransportError,),
            stats=self.stats,
        )

    def pages(self, scope: Scope) -> Iterator[tuple[str, list]]:
        """(url, models) per page, following `Link: <...>; rel="next"` exactly as given."""
        params = scope.params + [("expand", f) for f in EXPAND]
        url = f"{self.base_url}/api/models"
        first = f"{url}?{urlencode(params)}"
        seen = {first}
        response = self.get(url, params, f"Hub listing {scope.name}")
        current = first
        while True:
            yield current, _decode_page(response, current)
            next_url = response.links.get("next", {}).get("url")
            if not next_url:
                return
            if next_url in seen:
                raise CollectorError(
                    f"Hub listing {scope.name}: pagination loop (the server sent the same next link twice): "
                    "stopped with nothing written; retry later"
                )
            seen.add(next_url)
            current = next_url
            response = self.get(next_url, None, f"Hub listing {scope.name}")


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


def parse_page(items: list, url: str, scope: str, first_rank: int) -> dict[str, list]:
    """Columns for STAGE_SCHEMA. Missing optional fields become NULL and unknown extra fields are
    ignored (the Hub adds fields over time); a field of the wrong type stops the run."""
    cols: dict[str, list] = {name: [] for name in STAGE_SCHEMA.names}
    for offset, item in enumerate(items):
        if not isinstance(item, dict):
            raise CollectorError(f"bad response from {url}: item #{offset} is {type(item).__name__}, expected an object")
        model_id = item.get("id")
        if type(model_id) is not str or not model_id:
            raise _bad(url, offset, item.get("_id"), "id", model_id, "a non-empty string")
        for key, col in (("downloads", "downloads_30d"), ("downloadsAllTime", "downloads_all_time"), ("likes", "likes")):
            value = item.get(key)
            if value is not None and type(value) is not int:
                raise _bad(url, offset, model_id, key, value, "an integer")
            cols[col].append(value)
        trending = item.get("trendingScore")
        if trending is not None and type(trending) not in (int, float):
            raise _bad(url, offset, model_id, "trendingScore", trending, "a number")
        cols["trending_score"].append(trending)
        for key, col in (
            ("createdAt", "created_at"),
            ("lastModified", "last_modified"),
            ("pipeline_tag", "pipeline_tag"),
            ("library_name", "library_name"),
        ):
            value = item.get(key)
            if value is not None and type(value) is not str:
                raise _bad(url, offset, model_id, key, value, "a string")
            cols[col].append(value)
        tags = item.get("tags")
        if tags is not None and (type(tags) is not list or any(type(t) is not str for t in tags)):
            raise _bad(url, offset, model_id, "tags", tags, "a list of strings")
        cols["tags"].append(tags)
        safetensors = item.get("safetensors")
        total = None
        if safetensors is not None:
            total = safetensors.get("total") if type(safetensors) is dict else safetensors
            if total is not None and type(total) is not int:
                raise _bad(url, offset, model_id, "safetensors.total", total, "an integer")
        cols["safetensors_total"].append(total)
        gated = item.get("gated")
        if gated is not None and type(gated) not in (bool, str):
            raise _bad(url, offset, model_id, "gated", gated, "a boolean or string")
        cols["gated"].append(None if gated is None else str(gated).lower())
        author = item.get("author")
        if author is not None and type(author) is not str:
            raise _bad(url, offset, model_id, "author", author, "a string")
        cols["author"].append(author or (model_id.split("/", 1)[0] if "/" in model_id else None))
        cols["model_id"].append(model_id)
    count = len(cols["model_id"])
    cols["scope"] = [scope] * count
    cols["rank"] = list(range(first_rank, first_rank + count))
    return cols


def fetch_scope(
    client: HubClient,
    scope: Scope,
    stage: ParquetStage,
    progress: Callable[[str], None] | None = None,
) -> ScopeResult:
    """Crawl one scope into the stage; rows are deduplicated at commit (first rank wins)."""
    fetched_at = clock.now()
    params = scope.params + [("expand", f) for f in EXPAND]
    result = ScopeResult(scope.name, f"GET {client.base_url}/api/models?{urlencode(params)}", fetched_at, fetched_at)
    rank = 1
    for url, items in client.pages(scope):
        if scope.max_models is not None:
            items = items[: scope.max_models - result.models]
        cols = parse_page(items, url, scope.name, rank)
        stage.write(cols)
        result.pages += 1
        result.models += len(items)
        rank += len(items)
        if progress:
            progress(f"{scope.name}: {result.models:,} models, {result.pages} pages")
        if scope.max_models is not None and result.models >= scope.max_models:
            break
    result.as_of = clock.now()
    return result


LINEAGE_TAG = r"^base_model:(adapter|finetune|merge|quantized):(.+)$"

COMMIT_SQL = """
CREATE TEMP TABLE staged AS
SELECT * EXCLUDE (rn) FROM (
    SELECT *, row_number() OVER (PARTITION BY scope, model_id ORDER BY rank) AS rn
    FROM read_parquet($stage)
) WHERE rn = 1;
"""


def commit(con, stage_path: Path, scopes: list[ScopeResult], run_id: int, day) -> dict[str, int]:
    """Write the staged crawl as one snapshot per scope for `day`, replacing that day's earlier
    snapshot of the same scopes. The caller holds the transaction."""
    con.execute("DROP TABLE IF EXISTS staged")
    con.execute(COMMIT_SQL, {"stage": str(stage_path)})
    dupes = dict(
        con.execute(
            "SELECT scope, count(*) - count(DISTINCT model_id) FROM read_parquet($stage) GROUP BY scope",
            {"stage": str(stage_path)},
        ).fetchall()
    )
    names = [s.scope for s in scopes]
    replaced = con.execute(
        "SELECT count(*) FROM hf_snapshots WHERE snapshot_date = ? AND list_contains(?, scope)", [day, names]
    ).fetchone()[0]
    con.execute(
        """DELETE FROM hf_model_downloads WHERE snapshot_id IN (
               SELECT snapshot_id FROM hf_snapshots WHERE snapshot_date = ? AND list_contains(?, scope))""",
        [day, names],
    )
    con.execute("DELETE FROM hf_snapshots WHERE snapshot_date = ? AND list_contains(?, scope)", [day, names])
    for s in scopes:
        con.execute(
            """INSERT INTO hf_snapshots (scope, snapshot_date, fetched_at, as_of, run_id, request, pages, model_count, duplicates)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [s.scope, day, s.fetched_at, s.as_of, run_id, s.request, s.pages, s.models - dupes.get(s.scope, 0), dupes.get(s.scope, 0)],
        )
    con.execute(
        """INSERT INTO hf_model_downloads
           SELECT h.snapshot_id, s.model_id, s.rank, s.downloads_30d, s.downloads_all_time, s.likes, s.trending_score
           FROM staged s JOIN hf_snapshots h ON h.scope = s.scope AND h.snapshot_date = ? AND h.run_id = ?""",
        [day, run_id],
    )
    downloads = con.execute("SELECT count(*) FROM staged").fetchone()[0]
    # Latest metadata per model across the run's scopes (they agree; pick one deterministically).
    con.execute(
        """CREATE OR REPLACE TEMP TABLE staged_models AS
           SELECT model_id, any_value(author) AS author,
                  CAST(any_value(created_at) AS TIMESTAMPTZ) AS created_at,
                  CAST(any_value(last_modified) AS TIMESTAMPTZ) AS last_modified,
                  any_value(pipeline_tag) AS pipeline_tag, any_value(library_name) AS library_name,
                  any_value(tags) AS tags, any_value(safetensors_total) AS safetensors_total,
                  any_value(gated) AS gated
           FROM staged GROUP BY model_id"""
    )
    con.execute(
        """INSERT INTO hf_models
           SELECT *, $day AS first_seen, $day AS last_seen FROM staged_models
           ON CONFLICT (model_id) DO UPDATE SET
               author = excluded.author, created_at = excluded.created_at, last_modified = excluded.last_modified,
               pipeline_tag = excluded.pipeline_tag, library_name = excluded.library_name, tags = excluded.tags,
               safetensors_total = excluded.safetensors_total, gated = excluded.gated,
               first_seen = least(hf_models.first_seen, excluded.first_seen),
               last_seen = greatest(hf_models.last_seen, excluded.last_seen)""",
        {"day": day},
    )
    models = con.execute("SELECT count(*) FROM staged_models").fetchone()[0]
    con.execute(
        """INSERT INTO hf_lineage
           WITH tag_rows AS (SELECT model_id, unnest(tags) AS tag FROM staged_models)
           SELECT DISTINCT model_id,
                  regexp_extract(tag, $lineage, 2) AS parent_id,
                  regexp_extract(tag, $lineage, 1) AS relation,
                  $day, $day
           FROM tag_rows WHERE regexp_matches(tag, $lineage)
           ON CONFLICT (child_id, parent_id, relation) DO UPDATE SET
               first_seen = least(hf_lineage.first_seen, excluded.first_seen),
               last_seen = greatest(hf_lineage.last_seen, excluded.last_seen)""",
        {"day": day, "lineage": LINEAGE_TAG},
    )
    edges = con.execute(
        "SELECT count(*) FROM hf_lineage WHERE last_seen = ? AND child_id IN (SELECT model_id FROM staged_models)", [day]
    ).fetchone()[0]
    con.execute("DROP TABLE staged")
    con.execute("DROP TABLE staged_models")
    return {
        "hf_snapshots": len(scopes),
        "hf_model_downloads": downloads,
        "hf_models": models,
        "hf_lineage": edges,
        "replaced_snapshots": replaced,
    }
