"""`collector compact`: the store rewritten into a fresh file in its place, nothing lost, nothing left
behind when it fails."""

from __future__ import annotations

import hashlib

from collector.store import Store
from collector.store import compact as store_compact
from tests.conftest import query


def _collected(run, db, orgs, monkeypatch) -> None:
    """Two days of real `collect hf` runs, then a table's worth of rows written and dropped: the file
    keeps the dropped blocks as free space."""
    args = ("--db", str(db), "collect", "hf", "--orgs", str(orgs), "--top", "5")
    assert run(*args).code == 0
    monkeypatch.setenv("COLLECTOR_NOW", "2026-05-02T06:00:00Z")
    assert run(*args).code == 0
    with Store(db).writer() as con:
        con.execute("CREATE TABLE scratch AS SELECT range AS n, md5(range::VARCHAR) AS s FROM range(300000)")
        con.execute("CHECKPOINT")
        con.execute("DROP TABLE scratch")


def _contents(db) -> dict:
    tables = query(db, "SELECT schema_name, table_name FROM duckdb_tables() ORDER BY 1, 2")
    return {(schema, table): query(db, f'SELECT * FROM "{schema}"."{table}" ORDER BY ALL') for schema, table in tables}


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_compact_gives_back_free_space_and_keeps_every_row_view_and_sequence(run, hub, db, orgs, monkeypatch):
    _collected(run, db, orgs, monkeypatch)
    before_size = db.stat().st_size
    status = run("--db", str(db), "status")
    assert "`collector compact` gives them back" in status.out
    contents = _contents(db)
    views = query(db, "SELECT view_name, comment FROM duckdb_views() WHERE NOT internal ORDER BY 1")
    claims = run("--db", str(db), "claims", "--format", "json").out

    result = run("--db", str(db), "compact")
    assert result.code == 0, result.err
    assert result.out.startswith(f"compact: {db}: ") and " MB reclaimed; " in result.out
    assert db.stat().st_size < before_size
    assert _contents(db) == contents
    assert query(db, "SELECT view_name, comment FROM duckdb_views() WHERE NOT internal ORDER BY 1") == views
    assert run("--db", str(db), "claims", "--format", "json").out == claims
    assert "free space" not in run("--db", str(db), "status").out
    assert not [p for p in db.parent.iterdir() if ".compact-" in p.name]

    # the sequences carry on: the next day's run and snapshots get new ids, nothing collides
    runs_before = query(db, "SELECT (SELECT max(run_id) FROM runs), (SELECT max(snapshot_id) FROM hf_snapshots)")[0]
    monkeypatch.setenv("COLLECTOR_NOW", "2026-05-03T06:00:00Z")
    assert run("--db", str(db), "collect", "hf", "--orgs", str(orgs), "--top", "5").code == 0
    runs_after = query(db, "SELECT (SELECT max(run_id) FROM runs), (SELECT max(snapshot_id) FROM hf_snapshots)")[0]
    assert runs_after[0] > runs_before[0] and runs_after[1] > runs_before[1]

    # idempotent: a second compaction changes no row
    contents = _contents(db)
    assert run("--db", str(db), "compact").code == 0
    assert _contents(db) == contents


def test_a_failed_compaction_leaves_the_store_as_it_was(run, empty_store, monkeypatch):
    db = empty_store
    sha = _sha(db)
    calls = []
    real = store_compact._catalog

    def differs_on_the_copy(con, database):
        calls.append(database)
        found = real(con, database)
        return found if len(calls) == 1 else (found[0] - 1, *found[1:])

    monkeypatch.setattr(store_compact, "_catalog", differs_on_the_copy)
    result = run("--db", str(db), "compact")
    assert result.code == 1
    assert result.err.strip().startswith("error: compacting ") and "the store is left as it was" in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert _sha(db) == sha
    assert not [p for p in db.parent.iterdir() if ".compact-" in p.name]
    assert query(db, "SELECT count(*) FROM duckdb_views() WHERE NOT internal")[0][0] > 0


def test_compact_without_a_database_is_one_line(run, tmp_path):
    missing = tmp_path / "nothing.duckdb"
    result = run("--db", str(missing), "compact")
    assert result.code == 1
    assert result.err.strip() == f"error: no database at {missing}: nothing to compact"
    assert not missing.exists()


def test_an_import_of_several_days_compacts_the_store_when_a_fifth_of_it_is_free(run, empty_store, tmp_path):
    from tests.test_import_hub_stats import write_dump

    db = empty_store
    with Store(db).writer() as con:  # space left free by an earlier stretch of work
        con.execute("CREATE TABLE scratch AS SELECT range AS n, md5(range::VARCHAR) AS s FROM range(300000)")
        con.execute("CHECKPOINT")
        con.execute("DROP TABLE scratch")
    assert store_compact.worth_it(Store(db))
    one = run("--db", str(db), "import", "hub-stats", str(write_dump(tmp_path, 0)))
    assert one.code == 0 and "compacted" not in one.err  # one day: left to `collector compact`
    files = [write_dump(tmp_path, d) for d in (1, 2)]
    result = run("--db", str(db), "import", "hub-stats", *map(str, files))
    assert result.code == 0, result.err
    assert "import hub-stats: compacted the store: " in result.err
    assert not store_compact.worth_it(Store(db))
    assert query(db, "SELECT count(*) FROM hf_snapshots")[0][0] == 3


def test_one_days_import_compacts_once_enough_of_the_store_is_free(run, empty_store, tmp_path, monkeypatch):
    """A daily import from cron (one day a run): compacted when a fifth of the file and at least
    cli.COMPACT_AFTER_ONE_DAY_BYTES (256 MB; 1 MB here) are free, not before."""
    from collector import cli
    from tests.test_import_hub_stats import write_dump

    db = empty_store
    monkeypatch.setattr(cli, "COMPACT_AFTER_ONE_DAY_BYTES", 64 << 20)
    with Store(db).writer() as con:
        con.execute("CREATE TABLE scratch AS SELECT range AS n, md5(range::VARCHAR) AS s FROM range(300000)")
        con.execute("CHECKPOINT")
        con.execute("DROP TABLE scratch")
    first = run("--db", str(db), "import", "hub-stats", str(write_dump(tmp_path, 0)))
    assert first.code == 0 and "compacted" not in first.err  # a fifth is free, but under the day's minimum
    monkeypatch.setattr(cli, "COMPACT_AFTER_ONE_DAY_BYTES", 1 << 20)
    second = run("--db", str(db), "import", "hub-stats", str(write_dump(tmp_path, 1)))
    assert second.code == 0 and "import hub-stats: compacted the store: " in second.err
    assert not store_compact.worth_it(Store(db))
