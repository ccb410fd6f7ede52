"""The staged form of a Hub crawl (three Parquet files: counters, metadata, lineage) and the field-by-field
check of a listing page that names a bad value (a wrong type stops the run with a one-line error; a
missing field is NULL; extra fields are ignored). collector.sources.hf.pages reads the pages themselves."""

from __future__ import annotations

from itertools import chain
from pathlib import Path

import pyarrow as pa

from collector.core.errors import CollectorError
from collector.core.staging import ParquetStage

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


# The hash of a model's metadata as hf_models stores it (migration 0010), from a staged models file's
# columns: the Hub API's timestamps are staged as text, a dump's typed; both hash as TIMESTAMPTZ.
META_HASH = (
    "hash(author, CAST(created_at AS TIMESTAMPTZ), CAST(last_modified AS TIMESTAMPTZ), "
    "pipeline_tag, library_name, tags, safetensors_total, gated)"
)


LINEAGE_SCHEMA = pa.schema([("child_id", pa.string()), ("parent_id", pa.string()), ("relation", pa.string())])


RELATIONS = frozenset({"adapter", "finetune", "merge", "quantized"})


def _bad(url: str, index: int, model: object, field_name: str, value: object, expected: str) -> CollectorError:
    return CollectorError(
        f"bad response from {url}: model #{index} ({model}) field {field_name!r} is "
        f"{type(value).__name__} {str(value)[:40]!r}, expected {expected}"
    )


class HfStage:
    """The run's staged rows: three Parquet files and their row counts (written by
    collector.sources.hf.pages for a crawl, by collector.sources.hubstats for a dump). The models
    file has each model once, the lineage file each edge once (the commit relies on both)."""

    def __init__(self, directory: Path):
        self.downloads = ParquetStage(directory / "downloads.parquet", DOWNLOADS_SCHEMA)
        self.models = ParquetStage(directory / "models.parquet", MODELS_SCHEMA)
        self.lineage = ParquetStage(directory / "lineage.parquet", LINEAGE_SCHEMA)
        # whether the downloads file has a `model_no` column: the store's number of each id it had
        # numbered when the rows were staged (NULL for a new id), so the commit joins only the new
        # ids with the store's 2.5 million (a dump's staging reads the numbers anyway, for its ranks)
        self.numbered = False
        # whether the models file has a `meta_hash` column (commit.META_HASH of its row), computed
        # while the staging wrote it: the commit then compares ids and hashes alone
        self.hashed = False
        # whether the downloads file ranks each listing; a dump's does not (its row order means
        # nothing): its listing is ranked in model-number order when it is stored (storage.append)
        self.ranked = True

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


_INT64 = 2**63


def _check_column(url: str, ids: list, key: str, values: list, allowed: frozenset, expected: str) -> None:
    # set(map(type, ...)) runs at C speed; only a page with a bad value pays for the search.
    types = set(map(type, values))
    if types <= allowed:
        if int in types and allowed is _INT:
            _check_int64(url, ids, key, values)
        return
    for index, value in enumerate(values):
        if type(value) not in allowed:
            raise _bad(url, index, ids[index], key, value, expected)


def _check_int64(url: str, ids: list, key: str, values: list) -> None:
    """Counts are stored as BIGINT: a value beyond 64 bits is a bad response, not a crash later."""
    present = [v for v in values if v is not None]
    if min(present) >= -_INT64 and max(present) < _INT64:
        return
    index = next(i for i, v in enumerate(values) if v is not None and not -_INT64 <= v < _INT64)
    raise _bad(url, index, ids[index], key, values[index], "an integer within 64 bits")


def check_items(items: list, url: str) -> None:
    """Check one decoded page field by field; the first bad value raises a one-line error naming the
    model and the field. Missing optional fields are NULL and unknown extra fields are ignored (the Hub
    adds fields over time); a field of the wrong type (a string count, a float count, a bool count)
    stops the run. Used on the pages DuckDB flagged (collector.sources.hf.pages)."""
    if not items:
        return
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
