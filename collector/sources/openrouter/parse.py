"""Parsing OpenRouter responses into staged columns: the catalog (exact decimal prices), the Data
API's `meta` and rows. Missing optional fields are NULL, unknown fields ignored, a wrong type stops the
run with a one-line error. Pure: nothing here talks to the network."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation, localcontext

import pyarrow as pa

from collector.core import clock
from collector.core.errors import CollectorError, ConfigError
from collector.sources.openrouter.plan import Window, week_start

PRICE_SCALE = 18  # DECIMAL(38, 18) in or_models


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
        if number != 0 and int(number.normalize().as_tuple().exponent) < -PRICE_SCALE:
            raise _bad_model(
                request, index, model_id, f"pricing.{name}", value, f"at most {PRICE_SCALE} decimal places"
            )
        if abs(number) >= Decimal(10) ** (38 - PRICE_SCALE):
            raise _bad_model(request, index, model_id, f"pricing.{name}", value, "a price below 10^20")
        return format(number, "f")


def _expiration(request: str, index: int, model_id: str, value: object) -> str | None:
    if value is None or value == "":
        return None
    if type(value) is not str:
        raise _bad_model(request, index, model_id, "expiration_date", value, "a date string")
    try:
        return (
            date.fromisoformat(value[:10]).isoformat()
            if len(value) == 10
            else clock.parse_utc(value).date().isoformat()
        )
    except (ValueError, ConfigError) as exc:
        raise _bad_model(request, index, model_id, "expiration_date", value, "an ISO date") from exc


def parse_catalog(body: object, request: str) -> tuple[dict[str, list], int]:
    """Columns for CATALOG_SCHEMA (first listing of a repeated id kept) and the number of repeats.
    Missing optional fields are NULL and unknown fields are ignored; a wrong type stops the run."""
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise CollectorError(f'bad response to {request}: expected {{"data": [models]}}')
    cols: dict[str, list] = {name: [] for name in CATALOG_SCHEMA.names}
    seen: set[str] = set()
    duplicates = 0
    for index, item in enumerate(body["data"]):
        if not isinstance(item, dict):
            raise CollectorError(
                f"bad response to {request}: model #{index} is {type(item).__name__}, expected an object"
            )
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
        raise CollectorError(f'bad response to {request}: expected {{"data": [...], "meta": {{...}}}}')
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
        raise CollectorError(
            f"bad response to {request}: meta.as_of is {type(as_of).__name__} {str(as_of)[:40]!r}, "
            "expected an ISO time string"
        )
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
            raise CollectorError(
                f"bad response to {request}: row #{index} ({bucket}) model_permaslug {slug!r} is not a string"
            )
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
            raise CollectorError(
                f"bad response to {request}: row #{index} app_id {app_id!r} is not a string or integer"
            )
        if name is not None and type(name) is not str:
            raise CollectorError(f"bad response to {request}: row #{index} app_name {name!r} is not a string")
        counts = []
        for key in ("total_tokens", "total_requests"):
            raw = row.get(key)
            value = None if raw is None else _integer(raw)
            if raw is not None and value is None:
                raise CollectorError(
                    f"bad response to {request}: row #{index} ({app_id}) {key} {raw!r} is not an integer"
                )
            counts.append(None if value is None else str(value))
        cols["pull_key"].append(pull_key)
        cols["rank"].append(rank)
        cols["app_id"].append(str(app_id))
        cols["app_name"].append(name)
        cols["total_tokens"].append(counts[0])
        cols["total_requests"].append(counts[1])
    return cols
