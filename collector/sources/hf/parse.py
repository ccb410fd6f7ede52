"""Parsing Hub listing pages into staged rows.

Validation rules: a wrong type stops the run with a one-line error naming the page, the model's index
and id, the field and the value; a missing field is NULL; extra fields are ignored; a model the keyset
cursor serves twice in one scope is kept once (first rank wins, the repeat is counted); metadata and
lineage are staged once per model per run, lineage edges from `base_model:<relation>:<parent>` tags.

Two paths give the same rows:
  * the fast path (collector.sources.hf.stage) hands the raw page bytes to DuckDB in batches: no Python
    object per model, which is what a million-model crawl costs most (bench/hf_ingest.py);
  * this module's Python path (orjson, column-wise checks) for the pages the fast path cannot vouch for
    (it raises the exact one-line error when a page is bad) and for coverage crawls, whose every page
    must be read to know whether the listing goes on.
"""

from __future__ import annotations

from itertools import chain

import orjson
import pyarrow as pa

from collector.core.errors import CollectorError

# Rows of one scope as its pages are parsed, before repeats are dropped (collector.sources.hf.stage).
ROWS_SCHEMA = pa.schema(
    [
        ("rank", pa.int32()),
        ("model_id", pa.string()),
        ("downloads_30d", pa.int64()),
        ("downloads_all_time", pa.int64()),
        ("likes", pa.int64()),
        ("trending_score", pa.float64()),
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

# The three staged files a commit reads (collector.sources.hf.commit): counters per (scope, model),
# metadata once per model, lineage edges.
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

_INT64 = (-(2**63), 2**63 - 1)


def _bad(url: str, index: int, model: object, field_name: str, value: object, expected: str) -> CollectorError:
    return CollectorError(
        f"bad response from {url}: model #{index} ({model}) field {field_name!r} is "
        f"{type(value).__name__} {str(value)[:40]!r}, expected {expected}"
    )


def decode_page(body: bytes, url: str) -> list:
    """The page's JSON array, or a one-line error."""
    try:
        items = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise CollectorError(f"bad response from {url}: not valid JSON ({exc})") from exc
    if not isinstance(items, list):
        raise CollectorError(f"bad response from {url}: expected a JSON array of models, got {type(items).__name__}")
    return items


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


def _check_range(url: str, ids: list, key: str, values: list) -> None:
    # JSON integers have no size limit; the store's counters are 64-bit.
    present = [v for v in values if v is not None]
    if present and (min(present) < _INT64[0] or max(present) > _INT64[1]):
        index = next(i for i, v in enumerate(values) if v is not None and not _INT64[0] <= v <= _INT64[1])
        raise _bad(url, index, ids[index], key, values[index], "an integer of at most 64 bits")


def page_rows(items: list, url: str, first_rank: int) -> dict[str, list]:
    """Validate one page's models (those its scope keeps) and return them as ROWS_SCHEMA columns,
    ranked from `first_rank`. Checks are column-wise so that a page of 1,000 models costs about a
    millisecond."""
    if not items:
        return {name: [] for name in ROWS_SCHEMA.names}
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
    for key, values in (
        ("downloads", cols["downloads"]),
        ("downloadsAllTime", cols["downloadsAllTime"]),
        ("likes", cols["likes"]),
        ("safetensors.total", totals),
    ):
        _check_range(url, ids, key, values)
    return {
        "rank": list(range(first_rank, first_rank + len(ids))),
        "model_id": ids,
        "downloads_30d": cols["downloads"],
        "downloads_all_time": cols["downloadsAllTime"],
        "likes": cols["likes"],
        "trending_score": cols["trendingScore"],
        "author": [
            a if a else (m.split("/", 1)[0] if "/" in m else None) for a, m in zip(cols["author"], ids, strict=True)
        ],
        "created_at": cols["createdAt"],
        "last_modified": cols["lastModified"],
        "pipeline_tag": cols["pipeline_tag"],
        "library_name": cols["library_name"],
        "tags": cols["tags"],
        "safetensors_total": totals,
        "gated": [
            None if g is None else ("true" if g is True else "false" if g is False else g) for g in cols["gated"]
        ],
    }


def __getattr__(name: str) -> object:
    # `collect hf` (collector.sources.hf.job) takes HfStage from here, its former home; it now lives
    # in collector.sources.hf.stage, which imports this module (hence the lazy import).
    if name == "HfStage":
        from collector.sources.hf.stage import HfStage

        return HfStage
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
