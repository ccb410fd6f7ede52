"""A store written by the previous collector (schema 4: internal tables in `main`, roll-up and reference
tables made by view files, a views-version macro) upgrades in place with nothing lost, and its Hub
figures are recomputed by `collector refresh`."""

from __future__ import annotations

import duckdb

from collector import store
from tests.conftest import query


def _schema_4_store(db) -> list[tuple]:
    con = duckdb.connect(str(db))
    for migration in store.migrations.migrations()[:4]:
        con.execute(migration.sql)
        con.execute("INSERT INTO schema_migrations VALUES (?, ?, now())", [migration.version, migration.name])
    con.execute("INSERT INTO runs (job, source, started_at, status) VALUES ('collect hf', 'hf', now(), 'ok')")
    observed = []
    for snapshot_id, day in enumerate(["2026-05-01", "2026-05-02"], start=1):
        con.execute(
            "INSERT INTO hf_snapshots VALUES (?, 'top_downloads:2', ?, now(), now(), 1, 'GET /api/models', 1, 2, 0)",
            [snapshot_id, day],
        )
        for rank, (model_no, model_id) in enumerate([(1, "meta-llama/Llama-3.1-8B"), (2, "Qwen/Qwen3-8B")], start=1):
            downloads = 1000 * model_no + snapshot_id * (model_no == 2)
            con.execute("INSERT INTO hf_listings VALUES (?, ?, ?)", [snapshot_id, rank, model_no])
            if snapshot_id == 1 or model_no == 2:  # change-only: Llama unchanged on day 2
                con.execute(
                    "INSERT INTO hf_counters VALUES (?, ?, ?, ?, 0, 0.0)",
                    [snapshot_id, model_no, downloads, 10 * downloads],
                )
            observed.append((snapshot_id, model_id, rank, downloads, 10 * downloads))
    con.execute("INSERT INTO hf_model_keys VALUES (1, 'meta-llama/Llama-3.1-8B'), (2, 'Qwen/Qwen3-8B')")
    con.execute(
        "INSERT INTO hf_counter_state VALUES ('top_downloads:2', 1, 1000, 10000, 0, 0.0), ('top_downloads:2', 2, 2002, 20020, 0, 0.0)"
    )
    for model_id in ("meta-llama/Llama-3.1-8B", "Qwen/Qwen3-8B"):
        con.execute(
            "INSERT INTO hf_models (model_id, author, pipeline_tag, meta_hash, first_seen, last_seen) "
            "VALUES (?, split_part(?, '/', 1), 'text-generation', 0, DATE '2026-05-01', DATE '2026-05-02')",
            [model_id, model_id],
        )
    # what the old view files and reference loader left in `main`
    con.execute("CREATE TABLE hf_rollup_family AS SELECT DATE '2026-05-01' AS snapshot_date, 'Llama' AS family")
    con.execute("CREATE TABLE hf_ids (model_no INTEGER, key_no INTEGER, model_id VARCHAR)")
    con.execute("CREATE TABLE hf_attribution (model_key VARCHAR)")
    con.execute("CREATE TABLE ref_organisations (organisation VARCHAR, country VARCHAR, note VARCHAR)")
    con.execute(
        "CREATE VIEW hf_model_downloads AS SELECT l.*, k.model_id FROM hf_listings l JOIN hf_model_keys k USING (model_no)"
    )
    con.execute("CREATE MACRO collector_views_version() AS 'old'")
    con.close()
    return observed


def test_a_schema_4_store_upgrades_in_place_with_nothing_lost(db, run):
    observed = _schema_4_store(db)
    stale = run("--db", str(db), "claims", "--format", "csv")  # a reader before the upgrade: old views, a warning
    assert stale.code != 0 or "another collector version" in stale.err
    result = run("--db", str(db), "refresh")
    assert result.code == 0, result.err
    assert result.out == "reference data and views: rebuilt\nHub roll-ups: 2 snapshot days re-attributed\n"
    assert query(db, "SELECT max(version) FROM schema_migrations") == [(store.migrations.newest(),)]
    rows = query(
        db,
        """SELECT snapshot_id, model_id, rank, downloads_30d, downloads_all_time
                        FROM hf_model_downloads ORDER BY ALL""",
    )
    assert rows == sorted(observed)
    assert query(db, "SELECT count(*) FROM runs") == [(1,)]
    shown = {r[0] for r in query(db, "SHOW TABLES")}
    assert (
        not {"hf_listings", "hf_counters", "hf_rollup_family", "hf_ids", "hf_attribution", "ref_organisations"} & shown
    )
    assert query(db, "SELECT count(*) FROM duckdb_functions() WHERE function_name = 'collector_views_version'") == [
        (0,)
    ]
    families = query(
        db,
        """SELECT snapshot_date::VARCHAR, family, downloads_30d FROM hf_downloads_by_family
                            WHERE scope = 'first-party' AND family IN ('Llama', 'Qwen') ORDER BY ALL""",
    )
    assert families == [
        ("2026-05-01", "Llama", 1000),
        ("2026-05-01", "Qwen", 2001),
        ("2026-05-02", "Llama", 1000),
        ("2026-05-02", "Qwen", 2002),
    ]
    claims = run("--db", str(db), "claims", "--format", "csv")
    assert claims.code == 0 and claims.err == "" and "llama_1b_downloads" in claims.out
    assert (
        run("--db", str(db), "refresh").out
        == "reference data and views: already current\nHub roll-ups: already current\n"
    )


def test_refresh_refuses_a_missing_database_instead_of_creating_one(run, tmp_path):
    db = tmp_path / "missing" / "none.duckdb"
    result = run("--db", str(db), "refresh")
    assert (
        result.code == 1
        and result.err == f"error: no database at {db}: run `collector collect hf` first or pass --db PATH\n"
    )
    assert not (tmp_path / "missing").exists()
