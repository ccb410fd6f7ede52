"""Seeding small DuckDB stores with SQL INSERTs, for golden tests of the views: every row is written
by the test, so the right answer is known by construction. Tables are the migrations' schema."""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from collector import store
from collector.sources.hf import rollups
from collector.sources.hf import storage as hf_store


def _day(value: str | date) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _at(day: date, hour: int = 6) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


class Seed:
    def __init__(self, con):
        self.con = con
        self.run_id = con.execute(
            "INSERT INTO runs (job, source, params, started_at, status) VALUES ('seed', 'test', '{}', now(), 'ok') "
            "RETURNING run_id"
        ).fetchone()[0]

    # ---- Hugging Face -----------------------------------------------------------------------

    def _put_model(self, model_id: str, day: date, always: dict, on_insert: dict | None = None) -> None:
        """hf_models has no unique constraint (the collector keeps it unique): update or insert by hand."""
        if self.con.execute("SELECT count(*) FROM hf_models WHERE model_id = ?", [model_id]).fetchone()[0]:
            sets = "".join(f"{column} = ?, " for column in always)
            self.con.execute(
                f"UPDATE hf_models SET {sets}first_seen = least(first_seen, ?), last_seen = greatest(last_seen, ?) "
                "WHERE model_id = ?",
                [*always.values(), day, day, model_id],
            )
            return
        row = {
            "model_id": model_id,
            "author": model_id.split("/")[0] if "/" in model_id else None,
            "created_at": "2025-01-15T10:00:00Z",
            "last_modified": "2025-01-15T10:00:00Z",
            "pipeline_tag": "text-generation",
            "library_name": "transformers",
            "tags": [],
            "safetensors_total": None,
            "gated": "false",
            "meta_hash": 0,
            **(on_insert or {}),
            **always,
            "first_seen": day,
            "last_seen": day,
        }
        self.con.execute(
            f"INSERT INTO hf_models ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})", list(row.values())
        )

    def hf_model(
        self,
        model_id: str,
        *,
        pipeline_tag: str | None = "text-generation",
        created: str = "2025-01-15",
        params: int | None = None,
        gated: str = "false",
        seen: str | date = "2026-05-01",
    ) -> None:
        self._put_model(
            model_id,
            _day(seen),
            {
                "pipeline_tag": pipeline_tag,
                "created_at": f"{created}T10:00:00Z",
                "last_modified": f"{created}T10:00:00Z",
                "safetensors_total": params,
                "gated": gated,
            },
        )

    def hf_snapshot(
        self, day: str | date, scope: str, models: Iterable[tuple], *, as_of: datetime | None = None
    ) -> int:
        """models: (model_id, downloads_30d, downloads_all_time[, pipeline_tag]) in rank order."""
        day = _day(day)
        models = list(models)
        snapshot_id = self.con.execute(
            """INSERT INTO hf_snapshots (scope, snapshot_date, fetched_at, as_of, run_id, request, pages, model_count, duplicates)
               VALUES (?, ?, ?, ?, ?, 'GET /api/models (seeded)', 1, ?, 0) RETURNING snapshot_id""",
            [scope, day, _at(day), as_of or _at(day, 7), self.run_id, len(models)],
        ).fetchone()[0]
        rows = [(snapshot_id, row[0], rank, row[1], row[2]) for rank, row in enumerate(models, start=1)]
        if rows:
            self.con.execute(
                "CREATE OR REPLACE TEMP TABLE seed_hf_rows (snapshot_id BIGINT, model_id VARCHAR, "
                "rank INTEGER, downloads_30d BIGINT, downloads_all_time BIGINT)"
            )
            self._insert(
                "seed_hf_rows", ["snapshot_id", "model_id", "rank", "downloads_30d", "downloads_all_time"], rows
            )
            hf_store.append(self.con, "SELECT *, 0::BIGINT AS likes, 0::DOUBLE AS trending_score FROM seed_hf_rows")
            self.con.execute("DROP TABLE seed_hf_rows")
            self._see_models(day, models)
        return snapshot_id

    def _see_models(self, day: date, models: list[tuple]) -> None:
        """`_put_model` for every model of a snapshot, in two statements instead of two per model:
        metadata for models not seen before (pipeline tag from the 4th field, the first one given),
        else first/last seen widened to `day`."""
        import pyarrow as pa

        tags: dict[str, str | None] = {}
        for row in models:
            tags.setdefault(row[0], row[3] if len(row) > 3 else "text-generation")
        batch = pa.table(
            {"model_id": pa.array(list(tags), pa.string()), "pipeline_tag": pa.array(list(tags.values()), pa.string())}
        )
        self.con.register("seed_seen", batch)
        try:
            self.con.execute(
                "UPDATE hf_models SET first_seen = least(first_seen, $day), last_seen = greatest(last_seen, $day) "
                "WHERE model_id IN (SELECT model_id FROM seed_seen)",
                {"day": day},
            )
            self.con.execute(
                """INSERT INTO hf_models (model_id, author, created_at, last_modified, pipeline_tag, library_name, tags,
                                          safetensors_total, gated, meta_hash, first_seen, last_seen)
                   SELECT model_id, CASE WHEN contains(model_id, '/') THEN split_part(model_id, '/', 1) END,
                          $created, $created, pipeline_tag, 'transformers', []::VARCHAR[], NULL, 'false', 0, $day, $day
                   FROM seed_seen WHERE model_id NOT IN (SELECT model_id FROM hf_models)""",
                {"day": day, "created": "2025-01-15T10:00:00Z"},
            )
        finally:
            self.con.unregister("seed_seen")

    def lineage(self, child: str, parent: str, relation: str = "finetune", day: str = "2026-05-01") -> None:
        self.con.execute(
            """INSERT INTO hf_lineage SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (
                                SELECT 1 FROM hf_lineage WHERE child_id = ? AND parent_id = ? AND relation = ?)""",
            [child, parent, relation, _day(day), _day(day), child, parent, relation],
        )

    # ---- OpenRouter -------------------------------------------------------------------------

    def or_catalog(self, day: str | date, models: Iterable[dict]) -> int:
        """models: dicts with id, canonical_slug and optionally hugging_face_id, name, prompt, completion
        (USD per token, as strings like the API)."""
        day = _day(day)
        models = list(models)
        snapshot_id = self.con.execute(
            """INSERT INTO or_catalog_snapshots (snapshot_date, fetched_at, as_of, run_id, request, model_count)
               VALUES (?, ?, ?, ?, 'GET /api/v1/models (seeded)', ?) RETURNING snapshot_id""",
            [day, _at(day), _at(day), self.run_id, len(models)],
        ).fetchone()[0]
        self._insert(
            "or_models",
            [
                "snapshot_id",
                "id",
                "canonical_slug",
                "author",
                "name",
                "hugging_face_id",
                "price_prompt",
                "price_completion",
            ],
            [
                (
                    snapshot_id,
                    m["id"],
                    m.get("canonical_slug", m["id"].split(":")[0]),
                    m["id"].split("/")[0],
                    m.get("name"),
                    m.get("hugging_face_id") or None,
                    m.get("prompt"),
                    m.get("completion"),
                )
                for m in models
            ],
        )
        return snapshot_id

    def or_pull(
        self,
        *,
        period: str,
        start: str | date,
        end: str | date,
        rows: Iterable[tuple],
        category: str | None = None,
        as_of: datetime | None = None,
    ) -> int:
        """rows: (bucket_date, model_permaslug, total_tokens); ranks follow the order given per bucket
        ('other' last, as the API serves it)."""
        start, end = _day(start), _day(end)
        rows = list(rows)
        pull_id = self.con.execute(
            """INSERT INTO or_pulls (dataset, period, category, start_date, end_date, as_of, version, estimated,
                                     fetched_at, run_id, request, row_count)
               VALUES ('rankings-daily', ?, ?, ?, ?, ?, 'v1', ?, ?, ?, 'GET /datasets/rankings-daily (seeded)', ?)
               RETURNING pull_id""",
            [
                period,
                category,
                start,
                end,
                as_of or _at(end + timedelta(days=1), 1),
                category is not None,
                _at(end + timedelta(days=1), 2),
                self.run_id,
                len(rows),
            ],
        ).fetchone()[0]
        ranks: dict = {}
        ranked = []
        for bucket, slug, tokens in rows:
            ranks[bucket] = ranks.get(bucket, 0) + 1
            ranked.append((pull_id, _day(bucket), slug, str(int(tokens)), ranks[bucket]))
        self._insert("or_rankings", ["pull_id", "bucket_date", "model_permaslug", "total_tokens", "rank"], ranked)
        return pull_id

    def or_week(
        self,
        week_start: str | date,
        models: Iterable[tuple[str, int]],
        *,
        category: str | None = None,
        other: int = 0,
        as_of: datetime | None = None,
    ) -> int:
        """One period=week pull for one complete ISO week: models in rank order, then 'other'."""
        start = _day(week_start)
        rows = [(start, slug, tokens) for slug, tokens in models] + [(start, "other", other)]
        return self.or_pull(
            period="week", start=start, end=start + timedelta(days=6), rows=rows, category=category, as_of=as_of
        )

    def or_apps(
        self,
        start: str | date,
        end: str | date,
        apps: Iterable[str],
        *,
        category: str = "coding",
        as_of: datetime | None = None,
    ) -> int:
        start, end = _day(start), _day(end)
        apps = list(apps)
        pull_id = self.con.execute(
            """INSERT INTO or_pulls (dataset, period, category, sort, start_date, end_date, as_of, version, estimated,
                                     fetched_at, run_id, request, row_count)
               VALUES ('app-rankings', NULL, ?, 'popular', ?, ?, ?, 'v1', false, ?, ?, 'GET /datasets/app-rankings (seeded)', ?)
               RETURNING pull_id""",
            [
                category,
                start,
                end,
                as_of or _at(end + timedelta(days=1), 1),
                _at(end + timedelta(days=1), 2),
                self.run_id,
                len(apps),
            ],
        ).fetchone()[0]
        for rank, name in enumerate(apps, start=1):
            self.con.execute(
                "INSERT INTO or_app_rankings VALUES (?, ?, ?, ?, ?, ?)",
                [pull_id, rank, name.lower().replace(" ", "-"), name, 10**9 // rank, 10**6 // rank],
            )
        return pull_id

    def _insert(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        """Many rows in one statement (row-by-row INSERTs take seconds for a real capture); values go
        through Arrow as strings and are cast by DuckDB to the table's types on the way in."""
        if not rows:
            return
        import pyarrow as pa

        batch = pa.table({c: [None if r[i] is None else str(r[i]) for r in rows] for i, c in enumerate(columns)})
        self.con.register("seed_batch", batch)
        try:
            self.con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM seed_batch")
        finally:
            self.con.unregister("seed_batch")


LINEAGE_TAG = r"^base_model:(adapter|finetune|merge|quantized):(.+)$"


def load_hub_sample(seed: Seed, parquet: Path, day: date, scope: str = "sample:hub_stats") -> int:
    """A hub-stats dump (id, author, createdAt, downloads, downloadsAllTime, tags, safetensors, ...) as one
    snapshot; lineage from the Hub's base_model:<relation>:<parent> tags, the way `collect hf` reads it."""
    con = seed.con
    snapshot_id = con.execute(
        """INSERT INTO hf_snapshots (scope, snapshot_date, fetched_at, as_of, run_id, request, pages, model_count, duplicates)
           VALUES (?, ?, ?, ?, ?, ?, 1, (SELECT count(*) FROM read_parquet(?)), 0) RETURNING snapshot_id""",
        [scope, day, _at(day), _at(day, 7), seed.run_id, parquet.name, str(parquet)],
    ).fetchone()[0]
    hf_store.append(
        con,
        """SELECT $id::BIGINT AS snapshot_id, id AS model_id,
                                   row_number() OVER (ORDER BY downloads DESC, id)::INTEGER AS rank,
                                   downloads AS downloads_30d, downloadsAllTime AS downloads_all_time,
                                   likes, trendingScore AS trending_score
                            FROM read_parquet($file)""",
        {"id": snapshot_id, "file": str(parquet)},
    )
    con.execute(
        """INSERT INTO hf_models
                   SELECT id, author, createdAt, lastModified, pipeline_tag, library_name, tags,
                          safetensors.total, NULL, 0, ?, ?
                   FROM read_parquet(?)""",
        [day, day, str(parquet)],
    )
    con.execute(
        """INSERT INTO hf_lineage
                   SELECT DISTINCT id, regexp_extract(tag, $re, 2), regexp_extract(tag, $re, 1), $day, $day
                   FROM (SELECT id, unnest(tags) AS tag FROM read_parquet($file)) WHERE regexp_matches(tag, $re)""",
        {"re": LINEAGE_TAG, "day": day, "file": str(parquet)},
    )
    return snapshot_id


def load_openrouter_capture(seed: Seed, catalog_json: Path, rankings_json: Path) -> tuple[list, dict]:
    """A raw GET /models response as one catalog snapshot (dated by its file name), and a rankings-daily
    capture regrouped as {date: {permaslug: row}} as one period=day pull (its meta was not kept: as_of is
    set to the day after the last bucket)."""
    import json

    catalog = json.loads(catalog_json.read_text())["data"]
    rankings = json.loads(rankings_json.read_text())
    seed.or_catalog(
        catalog_json.stem.split("_")[-1],
        [
            {
                "id": m["id"],
                "canonical_slug": m["canonical_slug"],
                "name": m["name"],
                "hugging_face_id": m.get("hugging_face_id") or None,
                "prompt": m["pricing"]["prompt"],
                "completion": m["pricing"]["completion"],
            }
            for m in catalog
        ],
    )
    rows = []
    for day, by_slug in sorted(rankings.items()):
        ordered = sorted(by_slug.values(), key=lambda r: (r["model_permaslug"] == "other", -int(r["total_tokens"])))
        rows += [(day, r["model_permaslug"], int(r["total_tokens"])) for r in ordered]
    days = sorted(rankings)
    seed.or_pull(
        period="day",
        start=days[0],
        end=days[-1],
        rows=rows,
        as_of=_at(date.fromisoformat(days[-1]) + timedelta(days=1), 1),
    )
    return catalog, rankings


TEMPLATE_NOW = "2026-05-01T06:00:00Z"  # schema_migrations.applied_at of every copy, whichever test made the template
_template: Path | None = None


def empty_store(path: Path) -> Path:
    """Make `path` the store the first command on a new path makes (migrated, reference tables and
    views, no rows) by copying a template built once per process: `Store(path).prepare()` costs a few
    tenths of a second, a copy milliseconds. A DuckDB file is self-contained once its last connection
    closed (no .wal beside it), so a copy is that store."""
    global _template
    if _template is None:
        folder = Path(tempfile.mkdtemp(prefix="collector-store-template-"))
        atexit.register(shutil.rmtree, folder, True)
        template = folder / "adoption.duckdb"
        saved = os.environ.get("COLLECTOR_NOW")
        os.environ["COLLECTOR_NOW"] = TEMPLATE_NOW
        try:
            store.Store(template).prepare()
        finally:
            if saved is None:
                del os.environ["COLLECTOR_NOW"]
            else:
                os.environ["COLLECTOR_NOW"] = saved
        assert not template.with_name(template.name + ".wal").exists(), "the template was not checkpointed"
        _template = template
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_template, path)
    return path


def session_folder(tmp_path_factory) -> Path:
    """A folder of this test session that every pytest-xdist worker of it sees (the workers' base
    temporary folders are siblings in it); without xdist, the session's own base folder."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def shared_template(tmp_path_factory, name: str, build: Callable[[Path], None]) -> Path:
    """A store built once per test session by `build(path)` and shared by the xdist workers: the first
    worker to ask builds it under a file lock, the others wait for it and reuse the file (a store made
    by the real commands costs seconds; built per worker, it cost each worker the same seconds). Copy
    it per test (shutil.copyfile): never open the template itself for writing. `build` must give the
    same store whichever worker runs it (fixed data and clock), and leave no .wal behind."""
    root = session_folder(tmp_path_factory) / "shared-templates"
    root.mkdir(parents=True, exist_ok=True)
    folder = root / name
    path = folder / "adoption.duckdb"
    done = root / f"{name}.done"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not done.exists():
                shutil.rmtree(folder, ignore_errors=True)  # a build that failed in another worker
                folder.mkdir()
                build(path)
                assert not path.with_name(path.name + ".wal").exists(), f"template {name} was not checkpointed"
                done.touch()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return path


@contextlib.contextmanager
def seeded(db: Path) -> Iterator[Seed]:
    """A store with migrations, reference tables and views, open for INSERTs; committed on exit.
    A new path gets a copy of the empty template (the same store `prepare()` makes); an existing
    store is prepared as every command does."""
    if db.exists():
        store.Store(db).prepare()
    else:
        empty_store(db)
    with store.writer(db) as con:
        yield Seed(con)
        # what a Hub commit does for its day, for every seeded day (a store with no Hub rows at all
        # has nothing to attribute or roll up: the claims miss nothing, and the first Hub write does it)
        if con.execute(
            "SELECT EXISTS (FROM hf_snapshots) OR EXISTS (FROM hf_models) OR EXISTS (FROM hf_lineage)"
        ).fetchone()[0]:
            rollups.reattribute(con)
