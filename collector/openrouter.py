"""OpenRouter source: the model catalog (`GET /models`, no key) and the Data API's usage rankings
(`/datasets/rankings-daily`, `/datasets/app-rankings`, keyed), fetched into staging and committed
in one transaction.

What is fetched is planned in `openrouter_plan` from what the store already holds.

Keyed requests are paced (`OPENROUTER_REQUESTS_PER_MINUTE`, default 25: five under the documented 30,
so a sliding one-minute window on the server side never sees a 31st) and counted against a daily
budget (`OPENROUTER_DAILY_BUDGET`, default 500) that includes what earlier runs used today.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation, localcontext
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx
import orjson
import pyarrow as pa

from collector import __version__, clock
from collector.errors import CollectorError, ConfigError
from collector.http import (
    MinIntervalPacer,
    RequestStats,
    RetryPolicy,
    env_float,
    error_detail,
    read_bounded,
    send,
)
from collector.openrouter_plan import Window, week_start
from collector.secrets import secret
from collector.staging import ParquetStage

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://openrouter.ai/api/v1"
DEFAULT_PER_MINUTE = 25.0
DEFAULT_DAILY_BUDGET = 500
# Defaults; COLLECTOR_HTTP_TIMEOUT (seconds per read) and COLLECTOR_MAX_RESPONSE_MB override them, as for the Hub.
READ_TIMEOUT = 60.0
MAX_RESPONSE_MB = 256.0
PRICE_SCALE = 18  # DECIMAL(38, 18) in or_models
KEY_ENV = "OPENROUTER_API_KEY"


def base_url() -> str:
    return (os.environ.get("OPENROUTER_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")


def api_key() -> str | None:
    return secret(KEY_ENV)


def requests_per_minute() -> float:
    """OPENROUTER_REQUESTS_PER_MINUTE (default 25; 0 disables pacing, for tests against a fake)."""
    return env_float("OPENROUTER_REQUESTS_PER_MINUTE", DEFAULT_PER_MINUTE, minimum=0)


def daily_budget() -> int:
    """OPENROUTER_DAILY_BUDGET: requests per UTC day this collector allows itself (default 500)."""
    return int(env_float("OPENROUTER_DAILY_BUDGET", DEFAULT_DAILY_BUDGET, minimum=0))


# --------------------------------------------------------------------------------------------
# HTTP


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
    policy = RetryPolicy.from_env()
    if not os.environ.get("COLLECTOR_RETRY_CAP_SECONDS"):
        policy.cap = 30.0
    if not os.environ.get("COLLECTOR_MAX_RETRIES"):
        policy.max_retries = 6
    return policy


@dataclass
class OpenRouterClient:
    base_url: str = field(default_factory=base_url)
    key: str | None = field(default_factory=api_key, repr=False)
    policy: RetryPolicy = field(default_factory=retry_policy)
    pacer: MinIntervalPacer = field(default_factory=lambda: MinIntervalPacer(requests_per_minute()))
    stats: RequestStats = field(default_factory=RequestStats)

    def __post_init__(self) -> None:
        read_timeout = env_float("COLLECTOR_HTTP_TIMEOUT", READ_TIMEOUT, minimum=0.001)
        self.max_bytes = int(env_float("COLLECTOR_MAX_RESPONSE_MB", MAX_RESPONSE_MB, minimum=0.001) * 1024 * 1024)
        self.http = httpx.Client(timeout=httpx.Timeout(read_timeout, connect=min(15.0, read_timeout)),
                                 headers={"User-Agent": f"collector/{__version__}"})
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

        def do() -> httpx.Response:
            with self.http.stream("GET", url, params=params, headers=headers) as response:
                read_bounded(response, self.max_bytes, what)
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


# --------------------------------------------------------------------------------------------
# The catalog

CATALOG_SCHEMA = pa.schema(
    [
        ("position", pa.int32()),
        ("id", pa.string()),
        ("canonical_slug", pa.string()),
        ("author", pa.string()),
        ("name", pa.string()),
        ("hugging_face_id", pa.string()),
        ("created", pa.int64()),
        ("context_length", pa.int64()),
        ("input_modalities", pa.list_(pa.string())),
        ("output_modalities", pa.list_(pa.string())),
        ("expiration_date", pa.string()),
        ("price_prompt", pa.string()),
        ("price_completion", pa.string()),
        ("price_input_cache_read", pa.string()),
        ("price_request", pa.string()),
        ("price_image", pa.string()),
    ]
)
PRICE_FIELDS = (
    ("prompt", "price_prompt"),
    ("completion", "price_completion"),
    ("input_cache_read", "price_input_cache_read"),
    ("request", "price_request"),
    ("image", "price_image"),
)


@dataclass
class CatalogResult:
    request: str
    fetched_at: datetime
    as_of: datetime
    models: int = 0
    duplicates: int = 0


def _bad_model(request: str, index: int, model_id: object, name: str, value: object, expected: str) -> CollectorError:
    return CollectorError(
        f"bad response to {request}: model #{index} ({model_id}) field {name!r} is "
        f"{type(value).__name__} {str(value)[:40]!r}, expected {expected}"
    )


def _price(request: str, index: int, model_id: str, name: str, value: object) -> str | None:
    """An exact decimal string, or None. Numbers that DECIMAL(38, 18) cannot hold exactly stop the run
    (rounding a price silently would invent one)."""
    if value is None or value == "":
        return None
    if type(value) is int:
        value = str(value)
    if type(value) is not str:
        raise _bad_model(request, index, model_id, f"pricing.{name}", value, "a decimal string")
    with localcontext() as ctx:
        ctx.prec = 100  # exact for anything DECIMAL(38, 18) can hold
        try:
            number = Decimal(value.strip())
        except InvalidOperation as exc:
            raise _bad_model(request, index, model_id, f"pricing.{name}", value, "a decimal string") from exc
        if not number.is_finite():
            raise _bad_model(request, index, model_id, f"pricing.{name}", value, "a finite decimal")
        if number != 0 and number.normalize().as_tuple().exponent < -PRICE_SCALE:
            raise _bad_model(request, index, model_id, f"pricing.{name}", value, f"at most {PRICE_SCALE} decimal places")
        if abs(number) >= Decimal(10) ** (38 - PRICE_SCALE):
            raise _bad_model(request, index, model_id, f"pricing.{name}", value, "a price below 10^20")
        return format(number, "f")


def _expiration(request: str, index: int, model_id: str, value: object) -> str | None:
    if value is None or value == "":
        return None
    if type(value) is not str:
        raise _bad_model(request, index, model_id, "expiration_date", value, "a date string")
    try:
        return date.fromisoformat(value[:10]).isoformat() if len(value) == 10 else clock.parse_utc(value).date().isoformat()
    except (ValueError, ConfigError) as exc:
        raise _bad_model(request, index, model_id, "expiration_date", value, "an ISO date") from exc


def parse_catalog(body: object, request: str) -> tuple[dict[str, list], int]:
    """Columns for CATALOG_SCHEMA (first listing of a repeated id kept) and the number of repeats.
    Missing optional fields are NULL and unknown fields are ignored; a wrong type stops the run."""
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise CollectorError(f"bad response to {request}: expected {{\"data\": [models]}}")
    cols: dict[str, list] = {name: [] for name in CATALOG_SCHEMA.names}
    seen: set[str] = set()
    duplicates = 0
    for index, item in enumerate(body["data"]):
        if not isinstance(item, dict):
            raise CollectorError(f"bad response to {request}: model #{index} is {type(item).__name__}, expected an object")
        model_id = item.get("id")
        if type(model_id) is not str or not model_id:
            raise _bad_model(request, index, None, "id", model_id, "a non-empty string")
        if model_id in seen:
            duplicates += 1
            continue
        seen.add(model_id)
        for key in ("canonical_slug", "name", "hugging_face_id"):
            value = item.get(key)
            if value is not None and type(value) is not str:
                raise _bad_model(request, index, model_id, key, value, "a string")
        for key in ("created", "context_length"):
            value = item.get(key)
            if value is not None and type(value) is not int:
                raise _bad_model(request, index, model_id, key, value, "an integer")
        arch = item.get("architecture") or {}
        if not isinstance(arch, dict):
            raise _bad_model(request, index, model_id, "architecture", arch, "an object")
        modalities = {}
        for key in ("input_modalities", "output_modalities"):
            value = arch.get(key)
            if value is not None and (type(value) is not list or any(type(v) is not str for v in value)):
                raise _bad_model(request, index, model_id, f"architecture.{key}", value, "a list of strings")
            modalities[key] = value
        pricing = item.get("pricing") or {}
        if not isinstance(pricing, dict):
            raise _bad_model(request, index, model_id, "pricing", pricing, "an object")
        cols["position"].append(index)
        cols["id"].append(model_id)
        cols["canonical_slug"].append(item.get("canonical_slug") or None)
        cols["author"].append(model_id.split("/", 1)[0])
        cols["name"].append(item.get("name"))
        cols["hugging_face_id"].append(item.get("hugging_face_id") or None)
        cols["created"].append(item.get("created"))
        cols["context_length"].append(item.get("context_length"))
        cols["input_modalities"].append(modalities["input_modalities"])
        cols["output_modalities"].append(modalities["output_modalities"])
        cols["expiration_date"].append(_expiration(request, index, model_id, item.get("expiration_date")))
        for key, col in PRICE_FIELDS:
            cols[col].append(_price(request, index, model_id, key, pricing.get(key)))
    return cols, duplicates


def fetch_catalog(client: OpenRouterClient, stage: ParquetStage) -> CatalogResult:
    request = client.request_text("/models", None)
    fetched_at = clock.now()
    content = client.get("/models", None, "OpenRouter models catalog", keyed=None)
    result = CatalogResult(request, fetched_at, clock.now())
    cols, result.duplicates = parse_catalog(_decode(content, request), request)
    stage.write(cols)
    result.models = len(cols["id"])
    return result


# --------------------------------------------------------------------------------------------
# Data API pulls

RANKINGS_SCHEMA = pa.schema(
    [
        ("pull_key", pa.int32()),
        ("bucket_date", pa.date32()),
        ("model_permaslug", pa.string()),
        ("total_tokens", pa.string()),  # exact decimal string, cast to HUGEINT at commit
        ("rank", pa.int32()),
    ]
)
APPS_SCHEMA = pa.schema(
    [
        ("pull_key", pa.int32()),
        ("rank", pa.int32()),
        ("app_id", pa.string()),
        ("app_name", pa.string()),
        ("total_tokens", pa.string()),
        ("total_requests", pa.string()),
    ]
)


@dataclass
class Pull:
    """One Data API response: the window asked for and the `meta` that came back, verbatim."""

    key: int
    window: Window
    request: str
    fetched_at: datetime
    start_date: date
    end_date: date
    as_of: datetime
    version: str | None
    row_count: int


def _integer(value: object) -> int | None:
    """A JSON integer or a decimal integer string (OpenRouter sends 64-bit counts as strings); else None."""
    if type(value) is int:
        return value
    if type(value) is str:
        text = value.strip()
        digits = text[1:] if text[:1] in "+-" else text
        if digits.isascii() and digits.isdigit():
            return int(text)
    return None


def _date(value: object) -> date | None:
    if type(value) is not str or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_meta(body: object, request: str) -> tuple[list, date, date, datetime, str | None]:
    if not isinstance(body, dict) or not isinstance(body.get("data"), list) or not isinstance(body.get("meta"), dict):
        raise CollectorError(f"bad response to {request}: expected {{\"data\": [...], \"meta\": {{...}}}}")
    meta = body["meta"]
    start, end = _date(meta.get("start_date")), _date(meta.get("end_date"))
    if start is None or end is None:
        raise CollectorError(
            f"bad response to {request}: meta.start_date / meta.end_date must be YYYY-MM-DD, "
            f"got {meta.get('start_date')!r} / {meta.get('end_date')!r}"
        )
    as_of = meta.get("as_of")
    if as_of is None:
        raise CollectorError(f"bad response to {request}: meta.as_of is missing (every figure must carry it)")
    if type(as_of) is not str:
        raise CollectorError(f"bad response to {request}: meta.as_of is {type(as_of).__name__} {str(as_of)[:40]!r}, "
                             "expected an ISO time string")
    try:
        as_of_time = clock.parse_utc(as_of)
    except ConfigError as exc:
        raise CollectorError(f"bad response to {request}: meta.as_of is not a time: {as_of!r}") from exc
    version = meta.get("version")
    if version is not None and type(version) is not str:
        version = str(version)
    return body["data"], start, end, as_of_time, version


def parse_rankings(rows: list, request: str, window: Window, start: date, end: date, pull_key: int) -> dict[str, list]:
    """Columns for RANKINGS_SCHEMA; rank = position within the bucket as served (`other` last)."""
    cols: dict[str, list] = {name: [] for name in RANKINGS_SCHEMA.names}
    ranks: dict[date, int] = {}
    seen: set[tuple[date, str]] = set()
    first_bucket = start if window.series.period == "day" else week_start(start)
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            raise CollectorError(f"bad response to {request}: row #{index} is {type(row).__name__}, expected an object")
        bucket = _date(row.get("date"))
        slug = row.get("model_permaslug")
        tokens = _integer(row.get("total_tokens"))
        if bucket is None:
            raise CollectorError(f"bad response to {request}: row #{index} date {row.get('date')!r} is not YYYY-MM-DD")
        if type(slug) is not str or not slug:
            raise CollectorError(f"bad response to {request}: row #{index} ({bucket}) model_permaslug {slug!r} is not a string")
        if tokens is None:
            raise CollectorError(
                f"bad response to {request}: row #{index} ({bucket} {slug}) total_tokens "
                f"{row.get('total_tokens')!r} is not an integer"
            )
        if not first_bucket <= bucket <= end:
            raise CollectorError(
                f"bad response to {request}: row #{index} ({slug}) is dated {bucket}, outside the window {start}..{end}"
            )
        if (bucket, slug) in seen:
            raise CollectorError(f"bad response to {request}: {slug} is listed twice for {bucket}")
        seen.add((bucket, slug))
        ranks[bucket] = ranks.get(bucket, 0) + 1
        cols["pull_key"].append(pull_key)
        cols["bucket_date"].append(bucket)
        cols["model_permaslug"].append(slug)
        cols["total_tokens"].append(str(tokens))
        cols["rank"].append(ranks[bucket])
    return cols


def parse_apps(rows: list, request: str, pull_key: int) -> dict[str, list]:
    cols: dict[str, list] = {name: [] for name in APPS_SCHEMA.names}
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            raise CollectorError(f"bad response to {request}: row #{index} is {type(row).__name__}, expected an object")
        rank = row.get("rank")
        app_id = row.get("app_id")
        name = row.get("app_name")
        if type(rank) is not int:
            raise CollectorError(f"bad response to {request}: row #{index} rank {rank!r} is not an integer")
        if type(app_id) not in (str, int) or app_id == "":
            raise CollectorError(f"bad response to {request}: row #{index} app_id {app_id!r} is not a string or integer")
        if name is not None and type(name) is not str:
            raise CollectorError(f"bad response to {request}: row #{index} app_name {name!r} is not a string")
        counts = []
        for key in ("total_tokens", "total_requests"):
            raw = row.get(key)
            value = None if raw is None else _integer(raw)
            if raw is not None and value is None:
                raise CollectorError(f"bad response to {request}: row #{index} ({app_id}) {key} {raw!r} is not an integer")
            counts.append(None if value is None else str(value))
        cols["pull_key"].append(pull_key)
        cols["rank"].append(rank)
        cols["app_id"].append(str(app_id))
        cols["app_name"].append(name)
        cols["total_tokens"].append(counts[0])
        cols["total_requests"].append(counts[1])
    return cols


def fetch_window(
    client: OpenRouterClient,
    window: Window,
    keyed: BudgetedPacer,
    pull_key: int,
    rankings: ParquetStage,
    apps: ParquetStage,
) -> Pull:
    path = f"/datasets/{window.series.dataset}"
    params = window.params()
    request = client.request_text(path, params)
    fetched_at = clock.now()
    content = client.get(path, params, f"OpenRouter {window.describe()}", keyed=keyed)
    rows, start, end, as_of, version = parse_meta(_decode(content, request), request)
    if window.series.dataset == "rankings-daily":
        rankings.write(parse_rankings(rows, request, window, start, end, pull_key))
    else:
        apps.write(parse_apps(rows, request, pull_key))
    return Pull(pull_key, window, request, fetched_at, start, end, as_of, version, len(rows))


@dataclass
class PullsResult:
    pulls: list[Pull] = field(default_factory=list)
    left: list[Window] = field(default_factory=list)  # not fetched: the daily budget ran out


def fetch_pulls(
    client: OpenRouterClient,
    windows: list[Window],
    keyed: BudgetedPacer,
    rankings: ParquetStage,
    apps: ParquetStage,
    progress: Callable[[str], None] | None = None,
) -> PullsResult:
    """Every window in order until the budget runs out; a pull interrupted by the budget is dropped
    whole (its rows were never staged) and listed with the rest as left for the next run."""
    result = PullsResult()
    for index, window in enumerate(windows):
        if progress:
            progress(f"OpenRouter {window.describe()} ({index + 1}/{len(windows)})")
        try:
            result.pulls.append(fetch_window(client, window, keyed, index, rankings, apps))
        except BudgetExhausted:
            result.left = windows[index:]
            break
    return result


# --------------------------------------------------------------------------------------------
# The store
CATALOG_INSERT = """
INSERT INTO or_models
SELECT $snapshot_id, id, canonical_slug, author, name, hugging_face_id,
       to_timestamp(created), context_length, input_modalities, output_modalities,
       CAST(expiration_date AS DATE),
       CAST(price_prompt AS DECIMAL(38, 18)), CAST(price_completion AS DECIMAL(38, 18)),
       CAST(price_input_cache_read AS DECIMAL(38, 18)), CAST(price_request AS DECIMAL(38, 18)),
       CAST(price_image AS DECIMAL(38, 18))
FROM read_parquet($stage) ORDER BY position
"""

# A restated bucket is stored again, whole; a bucket identical to its latest stored observation
# (same models, tokens and ranks) is not, so reruns never duplicate rows.
RANKINGS_INSERT = """
INSERT INTO or_rankings
WITH new AS (
    SELECT bucket_date, model_permaslug, CAST(total_tokens AS HUGEINT) AS total_tokens, rank
    FROM staged_rankings WHERE pull_key = $pull_key
),
stored AS (
    SELECT r.pull_id, p.as_of, r.bucket_date, r.model_permaslug, r.total_tokens, r.rank
    FROM or_rankings r JOIN or_pulls p USING (pull_id)
    WHERE p.dataset = 'rankings-daily' AND p.period = $period AND p.category IS NOT DISTINCT FROM $category
      AND r.bucket_date IN (SELECT bucket_date FROM new)
),
latest AS (
    SELECT bucket_date, model_permaslug, total_tokens, rank FROM stored
    QUALIFY dense_rank() OVER (PARTITION BY bucket_date ORDER BY as_of DESC, pull_id DESC) = 1
),
changed AS (
    SELECT bucket_date FROM (SELECT * FROM new EXCEPT SELECT * FROM latest)
    UNION
    SELECT bucket_date FROM (SELECT * FROM latest EXCEPT SELECT * FROM new)
)
SELECT $pull_id, bucket_date, model_permaslug, total_tokens, rank
FROM new WHERE bucket_date IN (SELECT bucket_date FROM changed)
ORDER BY bucket_date, rank
"""

APPS_INSERT = """
INSERT INTO or_app_rankings
WITH new AS (
    SELECT rank, app_id, app_name, CAST(total_tokens AS HUGEINT) AS total_tokens,
           CAST(total_requests AS HUGEINT) AS total_requests
    FROM staged_apps WHERE pull_key = $pull_key
),
latest_pull AS (
    SELECT p.pull_id FROM or_pulls p
    WHERE p.dataset = 'app-rankings' AND p.category IS NOT DISTINCT FROM $category
      AND p.sort IS NOT DISTINCT FROM $sort AND p.start_date = $start AND p.end_date = $end
      AND EXISTS (SELECT 1 FROM or_app_rankings a WHERE a.pull_id = p.pull_id)
    ORDER BY p.as_of DESC, p.pull_id DESC LIMIT 1
),
latest AS (
    SELECT rank, app_id, app_name, total_tokens, total_requests
    FROM or_app_rankings WHERE pull_id IN (SELECT pull_id FROM latest_pull)
),
differences AS (
    SELECT count(*) AS n FROM (
        (SELECT * FROM new EXCEPT SELECT * FROM latest) UNION ALL (SELECT * FROM latest EXCEPT SELECT * FROM new)
    )
)
SELECT $pull_id, * FROM new WHERE (SELECT n FROM differences) > 0 ORDER BY rank
"""


def _count(con, sql: str, params: dict | list) -> int:
    return con.execute(sql, params).fetchone()[0]


def commit(
    con,
    staging: Path,
    catalog: CatalogResult,
    pulls: list[Pull],
    run_id: int,
    day: date,
) -> tuple[dict[str, int], int]:
    """Write the run: today's catalog snapshot (replacing an earlier one of the same day) and every
    pull with its meta. Returns row counts and how many fetched buckets were unchanged (not stored
    again). The caller holds the transaction."""
    replaced = _count(con, "SELECT count(*) FROM or_catalog_snapshots WHERE snapshot_date = ?", [day])
    con.execute(
        "DELETE FROM or_models WHERE snapshot_id IN (SELECT snapshot_id FROM or_catalog_snapshots WHERE snapshot_date = ?)",
        [day],
    )
    con.execute("DELETE FROM or_catalog_snapshots WHERE snapshot_date = ?", [day])
    snapshot_id = con.execute(
        """INSERT INTO or_catalog_snapshots (snapshot_date, fetched_at, as_of, run_id, request, model_count)
           VALUES (?, ?, ?, ?, ?, ?) RETURNING snapshot_id""",
        [day, catalog.fetched_at, catalog.as_of, run_id, catalog.request, catalog.models],
    ).fetchone()[0]
    con.execute(CATALOG_INSERT, {"snapshot_id": snapshot_id, "stage": str(staging / "or_models.parquet")})

    con.execute("CREATE OR REPLACE TEMP TABLE staged_rankings AS SELECT * FROM read_parquet($p)",
                {"p": str(staging / "or_rankings.parquet")})
    con.execute("CREATE OR REPLACE TEMP TABLE staged_apps AS SELECT * FROM read_parquet($p)",
                {"p": str(staging / "or_app_rankings.parquet")})
    rankings_rows = app_rows = unchanged = 0
    for pull in pulls:
        s = pull.window.series
        pull_id = con.execute(
            """INSERT INTO or_pulls (dataset, period, category, sort, start_date, end_date, as_of, version,
                                     estimated, fetched_at, run_id, request, row_count)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING pull_id""",
            [s.dataset, s.period, s.category, s.sort, pull.start_date, pull.end_date, pull.as_of, pull.version,
             s.estimated, pull.fetched_at, run_id, pull.request, pull.row_count],
        ).fetchone()[0]
        if s.dataset == "rankings-daily":
            served = _count(con, "SELECT count(DISTINCT bucket_date) FROM staged_rankings WHERE pull_key = ?", [pull.key])
            con.execute(RANKINGS_INSERT, {"pull_key": pull.key, "pull_id": pull_id, "period": s.period, "category": s.category})
            rows, buckets = con.execute(
                "SELECT count(*), count(DISTINCT bucket_date) FROM or_rankings WHERE pull_id = ?", [pull_id]
            ).fetchone()
            rankings_rows += rows
            unchanged += served - buckets
        else:
            con.execute(APPS_INSERT, {"pull_key": pull.key, "pull_id": pull_id, "category": s.category, "sort": s.sort,
                                      "start": pull.start_date, "end": pull.end_date})
            stored = _count(con, "SELECT count(*) FROM or_app_rankings WHERE pull_id = ?", [pull_id])
            app_rows += stored
            if pull.row_count and not stored:
                unchanged += 1
    con.execute("DROP TABLE staged_rankings")
    con.execute("DROP TABLE staged_apps")
    counts = {
        "or_catalog_snapshots": 1,
        "or_models": catalog.models,
        "or_pulls": len(pulls),
        "or_rankings": rankings_rows,
        "or_app_rankings": app_rows,
        "replaced_catalog_snapshots": replaced,
    }
    return counts, unchanged
