"""Reading one full-Hub dump in the hub-stats format (the columns of cfahlgren1/hub-stats' models.parquet)
into the Hub source's three staged files (collector.sources.hf.parse: counters, metadata, lineage), with
DuckDB reading the Parquet file column by column and row group by row group: no Python object per model.

Required columns: `id` (a string) and `downloads` (the 30-day counter, an integer). Every other known
column is optional (a missing one is NULL: dumps before about 2025-02-27 lack `downloadsAllTime`) and
unknown columns are ignored; a known column of the wrong type is a one-line error, never a guess.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from collector.core import settings
from collector.core.errors import CollectorError
from collector.sources.hf.parse import META_HASH, RELATIONS, HfStage
from collector.store import connect

SCOPE = "full_hub"  # a contract: the claims read list_contains(hf_snapshot_sets.scopes, 'full_hub')
FORMAT = "hub-stats"


def _integer(t: pa.DataType) -> bool:
    return pa.types.is_integer(t) or pa.types.is_null(t)


def _number(t: pa.DataType) -> bool:
    return _integer(t) or pa.types.is_floating(t)


def _text(t: pa.DataType) -> bool:
    return pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_null(t)


def _time(t: pa.DataType) -> bool:
    return pa.types.is_timestamp(t) or _text(t)


def _text_list(t: pa.DataType) -> bool:
    return pa.types.is_null(t) or ((pa.types.is_list(t) or pa.types.is_large_list(t)) and _text(t.value_type))


def _struct_with(*fields: str):
    def check(t: pa.DataType) -> bool:
        return pa.types.is_null(t) or (pa.types.is_struct(t) and all(t.get_field_index(f) >= 0 for f in fields))

    return check


# column: (required, type check, what it should be)
COLUMNS = {
    "id": (True, _text, "a string"),
    "downloads": (True, _integer, "an integer"),
    "downloadsAllTime": (False, _integer, "an integer"),
    "likes": (False, _integer, "an integer"),
    "trendingScore": (False, _number, "a number"),
    "author": (False, _text, "a string"),
    "createdAt": (False, _time, "a timestamp"),
    "lastModified": (False, _time, "a timestamp"),
    "pipeline_tag": (False, _text, "a string"),
    "library_name": (False, _text, "a string"),
    "tags": (False, _text_list, "a list of strings"),
    "safetensors": (False, _struct_with("total"), "a struct with `total`"),
    "baseModels": (False, _struct_with("relation", "models"), "a struct with `relation` and `models`"),
    "gated": (False, lambda t: _text(t) or pa.types.is_boolean(t), "a boolean or string"),
}

_DAY_IN_NAME = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


@dataclass
class DumpInfo:
    path: Path
    rows: int  # rows in the file
    models: int  # distinct ids kept
    duplicates: int  # rows whose id came earlier in the file (the first is kept)
    sha256: str
    file_bytes: int
    newest_change: datetime | None  # the latest lastModified / createdAt in the file


def day_from_name(path: Path) -> date | None:
    """The UTC day a file's name carries (`models_2025-03-10.parquet`), if exactly one."""
    found = {m.groups() for m in _DAY_IN_NAME.finditer(path.name)}
    if len(found) != 1:
        return None
    try:
        return date(*(int(x) for x in found.pop()))
    except ValueError:
        return None


def check_columns(path: Path) -> dict[str, pa.DataType]:
    """The dump's known columns with their types; a one-line error for an unreadable file, a missing
    required column or a known column of the wrong type."""
    try:
        schema = pq.read_schema(path)
    except (OSError, pa.ArrowException) as exc:
        raise CollectorError(f"{path}: not a readable Parquet file ({' '.join(str(exc).split())[:160]})") from exc
    found = {f.name: f.type for f in schema}
    missing = [name for name, (required, _, _) in COLUMNS.items() if required and name not in found]
    if missing:
        raise CollectorError(
            f"{path}: not a hub-stats dump: no {', '.join(f'`{m}`' for m in missing)} column "
            f"(a dump needs `id` and `downloads`; it has {', '.join(list(found)[:12]) or 'no columns'})"
        )
    for name, (_, check, expected) in COLUMNS.items():
        if name in found and not check(found[name]):
            raise CollectorError(f"{path}: column `{name}` is {found[name]}, expected {expected}")
    return {name: t for name, t in found.items() if name in COLUMNS}


def sha256_of(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(4 * 1024 * 1024):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _col(found: dict, name: str, expr: str | None = None, null_type: str = "VARCHAR") -> str:
    return (expr or f'"{name}"') if name in found and not pa.types.is_null(found[name]) else f"NULL::{null_type}"


def _timestamp(found: dict, name: str) -> str:
    if name not in found or pa.types.is_null(found[name]):
        return "NULL::VARCHAR"
    if pa.types.is_timestamp(found[name]):
        # hub-stats stores naive UTC timestamps: staged typed, in UTC (the commit stores and hashes
        # TIMESTAMPTZ; formatting them as the API's text costs about a second a million)
        return f'"{name}"' if found[name].tz else f"timezone('UTC', \"{name}\")"
    return f'"{name}"'


def stage(path: Path, stage_dir: Path, store_path: Path | None, memory: str = "1GB") -> tuple[HfStage, DumpInfo]:
    """Stage the dump at `path` as one `full_hub` listing in `stage_dir` (the run's staging folder).

    The listing has no rank of its own: the commit ranks it in the store's model-number order (ids the
    store has not seen after the others, by id, as storage.register_ids numbers them)."""
    found = check_columns(path)
    sha, size = sha256_of(path)
    con = duckdb.connect(config={"memory_limit": memory, "threads": settings.get("COLLECTOR_DB_THREADS") or 2})
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SET preserve_insertion_order = false")
        src = "read_parquet($path, file_row_number = true)"
        params = {"path": str(path)}
        newest_expr = (
            "greatest(" + ", ".join(f'max("{c}")' for c in ("lastModified", "createdAt") if c in found) + ")"
            if any(c in found and pa.types.is_timestamp(found[c]) for c in ("lastModified", "createdAt"))
            else "NULL::TIMESTAMP"
        )
        try:  # one pass over the dump for what the checks need
            rows, blank, newest = con.execute(
                f"SELECT count(*), count(*) FILTER (WHERE id IS NULL OR id = ''), {newest_expr} FROM {src}",
                params,
            ).fetchone() or (0, 0, None)
        except duckdb.Error as exc:
            raise CollectorError(f"{path}: unreadable ({' '.join(str(exc).split())[:160]})") from exc
        if blank:
            raise CollectorError(f"{path}: {blank:,} rows have no `id`: not a usable hub-stats dump")
        if not rows:
            raise CollectorError(f"{path}: the dump has no rows")
        keys = "SELECT NULL::VARCHAR AS model_id, NULL::INTEGER AS model_no WHERE false"
        if store_path is not None and store_path.exists():
            connect.release(store_path)  # DuckDB opens a file in one instance of a process at a time
            con.execute(f"ATTACH '{_quote(str(store_path))}' AS store (READ_ONLY)")
            keys = "SELECT model_id, model_no FROM store.internal.hf_model_keys"
        con.execute(f"CREATE TEMP TABLE keys AS {keys}")
        if store_path is not None and store_path.exists():
            con.execute("DETACH store")
        hf = HfStage(stage_dir)
        counters = (
            f"{_col(found, 'downloads', null_type='BIGINT')}::BIGINT AS downloads_30d, "
            f"{_col(found, 'downloadsAllTime', null_type='BIGINT')}::BIGINT AS downloads_all_time, "
            f"{_col(found, 'likes', null_type='BIGINT')}::BIGINT AS likes, "
            f"{_col(found, 'trendingScore', null_type='DOUBLE')}::DOUBLE AS trending_score"
        )

        def listing(dedup: str) -> None:
            # Each row with the store's number of its id; the id itself only where the store has none
            # (the commit numbers those). No rank: a dump's row order means nothing, and the commit
            # ranks the listing in model-number order (HfStage.ranked), which compresses to almost
            # nothing (bench/hub_stats_year.py).
            con.execute(
                f"""COPY (
                        WITH d AS (SELECT id AS model_id, {counters} FROM {src} {dedup})
                        SELECT '{SCOPE}' AS scope, NULL::INTEGER AS rank,
                               CASE WHEN k.model_no IS NULL THEN d.model_id END AS model_id,
                               d.downloads_30d, d.downloads_all_time, d.likes, d.trending_score, k.model_no
                        FROM d LEFT JOIN keys k USING (model_id)
                    ) TO '{_quote(str(hf.downloads.path))}' (FORMAT parquet, COMPRESSION uncompressed)""",
                params,
            )

        listing("")
        # repeated ids, counted on the staged listing's numbers (cheaper than distinct ids in the dump)
        models = con.execute(
            f"""SELECT count(DISTINCT model_no) + count(DISTINCT model_id) FILTER (WHERE model_no IS NULL)
                FROM read_parquet('{_quote(str(hf.downloads.path))}')"""
        ).fetchone()[0]  # type: ignore[index]
        # a repeated id keeps its first row (as a listing keeps a model the cursor served twice)
        dedup = "" if models == rows else "QUALIFY row_number() OVER (PARTITION BY id ORDER BY file_row_number) = 1"
        if dedup:
            listing(dedup)
        hf.downloads.rows = models
        hf.numbered = True
        hf.ranked = False
        gated = _col(found, "gated")
        if "gated" in found and pa.types.is_boolean(found["gated"]):
            gated = "CASE WHEN gated THEN 'true' WHEN NOT gated THEN 'false' END"
        con.execute(
            f"""COPY (SELECT *, {META_HASH} AS meta_hash FROM (
                    SELECT id AS model_id,
                           coalesce({_col(found, "author")}, CASE WHEN contains(id, '/') THEN split_part(id, '/', 1) END)
                               AS author,
                           {_timestamp(found, "createdAt")} AS created_at,
                           {_timestamp(found, "lastModified")} AS last_modified,
                           {_col(found, "pipeline_tag")} AS pipeline_tag,
                           {_col(found, "library_name")} AS library_name,
                           {_col(found, "tags", null_type="VARCHAR[]")}::VARCHAR[] AS tags,
                           {_col(found, "safetensors", "safetensors.total", "BIGINT")}::BIGINT AS safetensors_total,
                           {gated}::VARCHAR AS gated
                    FROM {src} {dedup}
                )) TO '{_quote(str(hf.models.path))}' (FORMAT parquet, COMPRESSION uncompressed)""",
            params,
        )
        hf.models.rows = models
        hf.hashed = True
        relations = ", ".join(f"'{r}'" for r in sorted(RELATIONS))
        # Each edge once without a DISTINCT over all of them (2.3 million for a full Hub): a model (one
        # row, repeated ids left out as above) names each parent once (list_distinct) with one relation.
        rows_once = f"(SELECT * FROM {src} {dedup})" if dedup else src
        edges = "SELECT NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR WHERE false"
        if "baseModels" in found and not pa.types.is_null(found["baseModels"]):
            # baseModels: the Hub's own lineage (immediate parents with the relation)
            edges = f"""SELECT child_id, parent_id, relation
                FROM (SELECT id AS child_id, "baseModels".relation AS relation,
                             unnest(list_distinct(list_transform("baseModels".models, m -> m.id))) AS parent_id
                      FROM {rows_once} WHERE "baseModels" IS NOT NULL)
                WHERE list_contains([{relations}], relation) AND parent_id <> ''"""
        elif "tags" in found and not pa.types.is_null(found["tags"]):
            # the `base_model:<relation>:<parent>` tags collect hf reads, for dumps without baseModels
            # (where baseModels is given it says the same: unnesting every model's tags costs more than
            # the rest of the staging)
            edges = f"""SELECT child_id, split_part(tag, ':', 3) AS parent_id, split_part(tag, ':', 2) AS relation
                FROM (SELECT id AS child_id,
                             unnest(list_distinct(list_filter(tags, t -> starts_with(t, 'base_model:')))) AS tag
                      FROM {rows_once})
                WHERE length(tag) - length(replace(tag, ':', '')) = 2
                  AND list_contains([{relations}], split_part(tag, ':', 2)) AND split_part(tag, ':', 3) <> ''"""
        hf.lineage.rows = con.execute(
            f"""COPY (SELECT * FROM ({edges}) e(child_id, parent_id, relation))
                TO '{_quote(str(hf.lineage.path))}' (FORMAT parquet, COMPRESSION uncompressed)""",
            params,
        ).fetchone()[0]  # type: ignore[index]
    except duckdb.Error as exc:
        raise CollectorError(f"{path}: unreadable ({' '.join(str(exc).split())[:160]})") from exc
    finally:
        con.close()
    info = DumpInfo(path, rows, models, rows - models, sha, size, _utc(newest))
    return hf, info


def as_of_for(day: date, info: DumpInfo, revision_at: datetime | None) -> datetime:
    """When the dump was taken, as well as it is known: the dataset commit's time, else the newest change
    the file records (a dump is taken after it), kept within its day; the day's start when neither."""
    if revision_at is not None:
        return revision_at.astimezone(UTC)
    start = datetime.combine(day, time(0), UTC)
    if info.newest_change is None:
        return start
    return min(max(info.newest_change, start), start + timedelta(days=1) - timedelta(microseconds=1))


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _quote(text: str) -> str:
    return text.replace("'", "''")
