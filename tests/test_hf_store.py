"""The compact Hub counter storage (collector/hf_store.py) gives back every observation exactly:
reruns, snapshots written out of day order, NULL counters, counters going down, models leaving and
coming back, and files migrated from schema version 3."""

from __future__ import annotations

import random
from datetime import date, timedelta

import duckdb
import pyarrow as pa

from collector import store
from collector.sources.hf import rollups
from collector.sources.hf import storage as hf_store
from tests.conftest import query
from tests.seed import empty_store

ROW_COLUMNS = ["snapshot_id", "model_id", "rank", "downloads_30d", "downloads_all_time", "likes", "trending_score"]


def _writer(db):
    """A write connection on a store with its views (the refresh step every command runs first; a new
    path gets a copy of the empty template, the store that step makes)."""
    if db.exists():
        store.Store(db).prepare()
    else:
        empty_store(db)
    return store.writer(db)


def _snapshot(con, scope: str, day: date) -> int:
    return con.execute(
        """INSERT INTO hf_snapshots (scope, snapshot_date, fetched_at, as_of, run_id, request, pages, model_count, duplicates)
           VALUES (?, ?, ?, ?, 0, 'test', 1, 0, 0) RETURNING snapshot_id""",
        [scope, day, f"{day}T06:00:00Z", f"{day}T06:10:00Z"],
    ).fetchone()[0]


def _append(con, snapshot_id: int, rows: list[tuple]) -> None:
    table = pa.table({c: [r[i] for r in rows] for i, c in enumerate(ROW_COLUMNS[1:])}) if rows else None
    con.register("batch", table)
    hf_store.append(
        con,
        f"SELECT {snapshot_id}::BIGINT AS snapshot_id, model_id, rank::INTEGER AS rank, "
        "downloads_30d, downloads_all_time, likes, trending_score FROM batch",
    )
    con.unregister("batch")


def _listing(rng: random.Random, models: list[str], previous: dict) -> list[tuple]:
    """A day's listing: most counters as before, some changed (down too), some NULL, some models absent."""
    rows = []
    for model_id in models:
        if rng.random() < 0.15:
            continue  # not listed today
        old = previous.get(model_id, (100, 1000, 1, 0.0))
        if rng.random() < 0.3:
            new = (
                old[0] + rng.randint(-20, 50),
                old[1] + rng.randint(-5, 80),
                None if rng.random() < 0.2 else rng.randint(0, 9),
                rng.choice([0.0, 1.5, None]),
            )
            previous[model_id] = new
        rows.append((model_id, *previous.get(model_id, old)))
    rows.sort(key=lambda r: -(r[1] or 0))
    return [(r[0], rank, *r[1:]) for rank, r in enumerate(rows, start=1)]


def _stored(db) -> dict:
    got = {}
    for scope, day, model_id, rank, d30, dall, likes, trend in query(
        db,
        """
            SELECT s.scope, s.snapshot_date, d.model_id, d.rank, d.downloads_30d, d.downloads_all_time, d.likes,
                   d.trending_score
            FROM hf_model_downloads d JOIN hf_snapshots s USING (snapshot_id) ORDER BY ALL""",
    ):
        got.setdefault((scope, day), []).append((model_id, rank, d30, dall, likes, trend))
    return got


def test_every_observation_reads_back_exactly(db):
    rng = random.Random(7)
    models = [f"org{i % 3}/model-{i}" for i in range(40)] + ["we'ird/ü'; DROP TABLE hf_listings; --"]
    expected: dict = {}
    state = {"a": {}, "b": {}}
    days = [date(2026, 5, 1) + timedelta(days=i) for i in range(8)]
    order = days[:5] + [days[7], days[5], days[6]]  # two days written after a later one (clock behind)
    with _writer(db) as con:
        for day in order:
            for scope in ("a", "b"):
                rows = _listing(rng, models, state[scope])
                _append(con, _snapshot(con, scope, day), rows)
                expected[(scope, day)] = sorted((r[0], *r[1:]) for r in rows)
        # reruns: the same day again (latest and an earlier one), replacing what it had
        for day in (days[7], days[2]):
            assert hf_store.delete_day(con, day, ["a"]) == 1
            rows = _listing(rng, models, state["a"])
            _append(con, _snapshot(con, "a", day), rows)
            expected[("a", day)] = sorted((r[0], *r[1:]) for r in rows)
    got = _stored(db)
    assert sorted(got) == sorted(expected)
    for key, rows in expected.items():
        assert got[key] == rows, key
    listed, counted = query(
        db, "SELECT (SELECT count(*) FROM internal.hf_listings), (SELECT count(*) FROM internal.hf_counters)"
    )[0]
    assert counted < 0.6 * listed  # unchanged counters are not stored again
    # the cached state is what a rebuild from the counters gives
    cached = query(db, "SELECT * FROM internal.hf_counter_state ORDER BY ALL")
    with _writer(db) as con:
        hf_store.rebuild_state(con)
    assert query(db, "SELECT * FROM internal.hf_counter_state ORDER BY ALL") == cached


def test_unchanged_day_adds_listings_but_no_counters(db):
    rows = [("Qwen/a", 1, 50, 500, 1, 0.0), ("Qwen/b", 2, 10, None, None, None)]
    with _writer(db) as con:
        _append(con, _snapshot(con, "author:Qwen", date(2026, 5, 1)), rows)
        _append(con, _snapshot(con, "author:Qwen", date(2026, 5, 2)), rows)
        _append(con, _snapshot(con, "author:Qwen", date(2026, 5, 3)), [("Qwen/b", 1, 10, None, None, None)])
    assert query(db, "SELECT count(*) FROM internal.hf_listings") == [(5,)]
    assert query(db, "SELECT count(*) FROM internal.hf_counters") == [(2,)]
    assert query(db, "SELECT count(*) FROM hf_model_downloads") == [(5,)]
    assert query(
        db,
        """SELECT s.snapshot_date::VARCHAR, d.downloads_all_time FROM hf_model_downloads d
                        JOIN hf_snapshots s USING (snapshot_id) WHERE model_id = 'Qwen/b' ORDER BY 1""",
    ) == [("2026-05-01", None), ("2026-05-02", None), ("2026-05-03", None)]


def test_schema_3_file_migrates_with_every_observation(db):
    con = duckdb.connect(str(db))
    for migration in store.migrations.migrations()[:3]:
        con.execute(migration.sql)
        con.execute("INSERT INTO schema_migrations VALUES (?, ?, now())", [migration.version, migration.name])
    old = []
    for snapshot_id, (scope, day) in enumerate(
        [("a", "2026-05-01"), ("a", "2026-05-02"), ("b", "2026-05-02"), ("a", "2026-05-03")], start=1
    ):
        con.execute(
            "INSERT INTO hf_snapshots VALUES (?, ?, ?, now(), now(), 1, 'r', 1, 2, 0)", [snapshot_id, scope, day]
        )
        for rank, model_id in enumerate(["x/1", "x/2"], start=1):
            values = (snapshot_id * (rank == 2), 100, None, 0.5) if scope == "a" else (7, 7, 7, 7.0)
            old.append((snapshot_id, model_id, rank, *values))
    con.executemany("INSERT INTO hf_model_downloads VALUES (?, ?, ?, ?, ?, ?, ?)", old)
    con.close()
    store.Store(db).prepare()
    assert query(db, "SELECT max(version) FROM schema_migrations") == [(store.migrations.migrations()[-1].version,)]
    assert query(db, "SELECT * FROM hf_model_downloads ORDER BY snapshot_id, rank") == sorted(old)
    assert query(db, "SELECT count(*) FROM internal.hf_counters") == [(6,)]  # x/1 unchanged in scope a after day 1
    assert query(
        db,
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'hf_model_downloads' "
        "AND table_type = 'BASE TABLE'",
    ) == [(0,)]


def test_daily_rows_read_by_day_match_the_full_reconstruction(db):
    """hf_daily_downloads_for reads a day from the cached state (a scope's newest day) or from a bounded
    slice of history (older days): both must give what the full reconstruction gives."""
    rng = random.Random(11)
    models = [f"org{i % 4}/m-{i}" for i in range(30)]
    state = {"a": {}, "b": {}}
    days = [date(2026, 5, 1) + timedelta(days=i) for i in range(6)]
    with _writer(db) as con:
        for day in days:
            for scope in ("a", "b"):
                if scope == "b" and day == days[-1]:
                    continue  # scope b's newest day is not the store's newest day
                _append(con, _snapshot(con, scope, day), _listing(rng, models, state[scope]))
        rollups.reattribute(con)  # as every Hub commit ends
    full = """SELECT s.snapshot_date, d.model_id, d.downloads_30d, d.downloads_all_time
              FROM hf_model_downloads d JOIN hf_snapshots s USING (snapshot_id)
              QUALIFY row_number() OVER (PARTITION BY s.snapshot_date, d.model_id ORDER BY s.as_of DESC, s.snapshot_id DESC) = 1
              ORDER BY ALL"""
    expected = query(db, full)
    assert expected
    got = query(
        db, "SELECT snapshot_date, model_id, downloads_30d, downloads_all_time FROM hf_daily_downloads ORDER BY ALL"
    )
    assert got == expected
    for day in days:
        one = query(
            db,
            "SELECT snapshot_date, model_id, downloads_30d, downloads_all_time "
            "FROM hf_daily_downloads_for([?::DATE], NULL) ORDER BY ALL",
            [day],
        )
        assert one == [r for r in expected if r[0] == day], day
    two = query(
        db,
        "SELECT snapshot_date, model_id, downloads_30d, downloads_all_time "
        "FROM hf_daily_downloads_for([?::DATE, ?::DATE], ['org1/m-1', 'org2/m-2']) ORDER BY ALL",
        [days[1], days[4]],
    )
    assert two == [r for r in expected if r[0] in (days[1], days[4]) and r[1] in ("org1/m-1", "org2/m-2")]


def test_a_few_keys_read_the_same_rows_as_every_model(db):
    """hf_daily_downloads_for with a list of keys reads only their ids (a join with every id would build
    a hash of the whole Hub for a dozen models): the rows must be those of every model's read, for a
    renamed model's two ids (one key), a key asked twice, one never seen, the newest day (cached state)
    and older ones, two scopes."""
    rng = random.Random(12)
    models = ["THUDM/glm-4", "zai-org/glm-4", *(f"org{i % 3}/m-{i}" for i in range(12))]
    state = {"a": {}, "b": {}}
    days = [date(2026, 5, 1) + timedelta(days=i) for i in range(5)]
    with _writer(db) as con:
        for day in days:
            for scope in ("a", "b"):
                _append(con, _snapshot(con, scope, day), _listing(rng, models, state[scope]))
        rollups.reattribute(con)
    both = query(
        db,
        "SELECT count(*) FROM (SELECT snapshot_id FROM hf_model_downloads WHERE model_id IN ('THUDM/glm-4', "
        "'zai-org/glm-4') GROUP BY snapshot_id HAVING count(*) = 2)",
    )[0][0]
    assert both > 0  # the renamed model was listed under both ids in one snapshot
    keys = ["zai-org/glm-4", "org1/m-1", "zai-org/glm-4", "nobody/none"]
    for asked in ([days[-1]], [days[1], days[-1]], days):
        every = query(
            db,
            "SELECT * FROM hf_daily_downloads_for(?::DATE[], NULL) WHERE model_key IN ('zai-org/glm-4', 'org1/m-1') "
            "ORDER BY ALL",
            [asked],
        )
        some = query(db, "SELECT * FROM hf_daily_downloads_for(?::DATE[], ?::VARCHAR[]) ORDER BY ALL", [asked, keys])
        assert some == every
        assert {r[2] for r in some} == {"zai-org/glm-4", "org1/m-1"}
    assert query(db, "SELECT count(*) FROM hf_daily_downloads_for(NULL, []::VARCHAR[])")[0][0] == 0


def test_a_staged_model_listed_twice_is_refused_before_anything_is_written(db, tmp_path):
    """The commit writes a changed model from its staged row and its hash: a stager giving a model
    twice would mix two rows, so the commit says so and the transaction stores nothing."""
    from datetime import UTC, datetime

    import pyarrow.parquet as pq
    import pytest

    from collector.core.errors import CollectorError
    from collector.sources.hf import commit as hf_commit
    from collector.sources.hf.client import ScopeResult
    from collector.sources.hf.parse import DOWNLOADS_SCHEMA, LINEAGE_SCHEMA, MODELS_SCHEMA, HfStage

    stage = HfStage(tmp_path)
    models = [{"model_id": "a/x", "author": "a", "tags": [t]} for t in ("one", "two")]
    pq.write_table(pa.Table.from_pylist(models, schema=MODELS_SCHEMA), stage.models.path)
    pq.write_table(
        pa.Table.from_pylist(
            [{"scope": "author:a", "model_id": "a/x", "rank": 1, "downloads_30d": 5}], schema=DOWNLOADS_SCHEMA
        ),
        stage.downloads.path,
    )
    pq.write_table(pa.Table.from_pylist([], schema=LINEAGE_SCHEMA), stage.lineage.path)
    at = datetime(2026, 5, 1, 6, tzinfo=UTC)
    with _writer(db) as con:
        con.execute("BEGIN TRANSACTION")
        with pytest.raises(CollectorError, match="the staged models list a/x more than once"):
            hf_commit.commit(con, stage, [ScopeResult("author:a", "test", at, at, 1, 1, 0)], 0, date(2026, 5, 1))
        con.execute("ROLLBACK")
    assert query(db, "SELECT count(*) FROM hf_models") == [(0,)]
    assert query(db, "SELECT count(*) FROM hf_snapshots") == [(0,)]
