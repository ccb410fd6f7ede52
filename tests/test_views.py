"""The files in sql/: one documented view or macro each, created in order, rebuilt only when needed."""

from __future__ import annotations

import re

import duckdb

from collector import store


def test_one_documented_view_or_macro_per_file_named_after_it():
    files = sorted(store.VIEWS_DIR.glob("*.sql"))
    assert files
    for file in files:
        text = file.read_text()
        creates = re.findall(r"^CREATE OR REPLACE (VIEW|MACRO) (\w+)", text, re.MULTILINE)
        assert len(creates) == 1, f"{file.name}: {creates}"
        assert re.fullmatch(r"\d\d_" + creates[0][1], file.stem), file.name
        assert text.startswith("-- " + creates[0][1]), f"{file.name}: the header comment names what it answers"
        assert "Columns:" in text or creates[0][0] == "MACRO", f"{file.name}: the header lists the columns"


def test_views_rebuilt_only_when_sql_changes_or_one_is_missing(db):
    with store.writer(db):
        pass
    con = store.connect(db)
    try:
        assert store.stored_views_version(con) == store.views_version()
        assert store.refresh_views(con) == []                      # unchanged: nothing to do
        con.execute("DROP VIEW claims")
        assert store.missing_views(con) == ["claims"]
        assert "50_claims" in store.refresh_views(con)              # a dropped view comes back
        con.execute("CREATE OR REPLACE MACRO collector_views_version() AS 'older'")
        assert len(store.refresh_views(con)) == len(list(store.VIEWS_DIR.glob("*.sql")))
    finally:
        con.close()


def test_report_warns_when_views_come_from_another_version(run, db):
    with store.writer(db) as con:
        con.execute("CREATE OR REPLACE MACRO collector_views_version() AS 'older'")
    result = run("--db", str(db), "claims", "--format", "csv")
    assert result.code == 0
    assert "built by another collector version" in result.err


def test_broken_view_file_names_the_file(db, monkeypatch, tmp_path):
    folder = tmp_path / "sql"
    folder.mkdir()
    (folder / "10_bad.sql").write_text("-- bad\nCREATE OR REPLACE VIEW bad AS SELECT * FROM no_such_table;\n")
    monkeypatch.setattr(store, "VIEWS_DIR", folder)
    con = duckdb.connect()
    try:
        store.refresh_views(con)
    except Exception as exc:  # noqa: BLE001 - the message is what is tested
        assert "10_bad.sql: cannot create the view" in str(exc) and "no_such_table" in str(exc)
    else:
        raise AssertionError("a broken view file must fail")
    finally:
        con.close()
