"""The files in sql/: one documented view or macro each, created in the declared order, commented for
the DuckDB CLI, rebuilt only when needed, and never creating tables (migrations do)."""

from __future__ import annotations

import re

import duckdb
import pytest

from collector import store
from collector.core.errors import CollectorError
from collector.store import views


def test_one_documented_view_or_macro_per_file_named_after_it():
    files = views.files()
    assert len(files) > 30
    for name, text in files:
        creates = re.findall(r"^CREATE OR REPLACE (VIEW|MACRO) (\w+)", text, re.MULTILINE)
        assert len(creates) == 1, f"{name}: {creates}"
        assert name.rsplit("/", 1)[-1] == creates[0][1] + ".sql", name
        assert text.startswith("-- " + creates[0][1]), f"{name}: the header comment names what it answers"
        assert "Columns:" in text or creates[0][0] == "MACRO", f"{name}: the header lists the columns"
        assert re.search(rf"^COMMENT ON (VIEW|MACRO|MACRO TABLE) {creates[0][1]} IS '", text, re.M), name
        assert not re.search(r"^\s*CREATE (OR REPLACE )?(TEMP |TEMPORARY )?TABLE", text, re.M | re.I), (
            f"{name}: tables are made by migrations, not by view files"
        )


def test_load_order_lists_every_file_once(monkeypatch, tmp_path):
    assert sorted(views.load_order()) == sorted(name for name, _ in views.files())
    # a file missing from the order (or listed twice) is refused, naming it
    root = tmp_path / "sql"
    (root / "hf").mkdir(parents=True)
    (root / "hf" / "a.sql").write_text("-- a\nCREATE OR REPLACE MACRO a() AS 1;\n")
    (root / "hf" / "b.sql").write_text("-- b\nCREATE OR REPLACE MACRO b() AS 2;\n")
    (root / "load_order.txt").write_text("# order\nhf/a.sql\nhf/a.sql\n")
    monkeypatch.setattr(views, "sql_root", lambda: root)
    with pytest.raises(RuntimeError, match=r"duplicated \['hf/a.sql'\], not listed \['hf/b.sql'\]"):
        views.load_order()


def test_what_the_views_are_built_from_is_read_again_when_a_file_changes(monkeypatch, tmp_path):
    """The digest every command's first connection compares is remembered while no view file or
    reference CSV changes, and follows any change to them."""
    import shutil

    root = tmp_path / "sql"
    shutil.copytree(views.sql_root(), root)
    monkeypatch.setattr(views, "sql_root", lambda: root)
    first = views.built_from()
    assert views.built_from() is first and first.version == views.content_version()
    assert "claims" in first.views and "claims_at" in first.objects - first.views
    with (root / "claims" / "claims.sql").open("a") as fh:
        fh.write("-- edited\n")
    edited = views.built_from()
    assert edited.version != first.version and edited.version == views.content_version()
    (root / "claims" / "extra.sql").write_text("-- extra\nCREATE OR REPLACE MACRO extra() AS 1;\n")
    with pytest.raises(RuntimeError, match=r"not listed \['claims/extra.sql'\]"):
        views.built_from()


def test_every_user_view_carries_a_comment_and_show_tables_hides_internals(empty_store):
    db = empty_store  # what Store.prepare() makes, copied from the template
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT view_name, comment FROM duckdb_views() WHERE NOT internal").fetchall()
        assert len(rows) >= 15 and all(comment for _, comment in rows), [v for v, c in rows if not c]
        shown = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
        assert "claims" in shown and "hf_downloads_by_country" in shown
        assert not {"hf_counters", "hf_listings", "hf_rollup_family", "hf_attribution"} & shown
        assert not any(name.startswith("ref_") for name in shown)
    finally:
        con.close()


def test_views_rebuilt_only_when_sql_changes_or_one_is_missing(db):
    s = store.Store(db)
    assert s.prepare() is True
    assert s.prepare() is False  # unchanged: nothing to do
    with s.writer() as con:
        con.execute("DROP VIEW claims")
    assert s.prepare() is True  # a dropped view comes back
    with s.writer() as con:
        con.execute("DROP MACRO TABLE claims_at")
    assert s.prepare() is False  # a command's routine check looks at the views only (cheap) ...
    assert s.prepare(thorough=True) is True  # ... `collector refresh` at the macros too
    with s.writer() as con:
        assert con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = 'claims'").fetchone()[0] == 1
        views.set_state(con, "views_version", "older")
    assert s.views_current() is False
    assert s.prepare() is True and s.views_current() is True


def test_opening_the_store_does_not_build_views(db):
    with store.writer(db) as con:
        assert con.execute("SELECT count(*) FROM duckdb_views() WHERE NOT internal").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM ref.organisations").fetchone()[0] == 0


def test_report_warns_when_views_come_from_another_version(run, empty_store):
    db = empty_store  # a prepared store
    with store.writer(db) as con:
        views.set_state(con, "views_version", "older")
    result = run("--db", str(db), "claims", "--format", "csv")
    assert result.code == 0
    assert "built by another collector version" in result.err


def test_broken_view_file_names_the_file(db, monkeypatch, tmp_path):
    root = tmp_path / "sql"
    root.mkdir()
    (root / "bad.sql").write_text("-- bad\nCREATE OR REPLACE VIEW bad AS SELECT * FROM no_such_table;\n")
    (root / "load_order.txt").write_text("bad.sql\n")
    monkeypatch.setattr(views, "sql_root", lambda: root)
    with pytest.raises(CollectorError, match=r"sql/bad.sql: cannot create the view.*no_such_table"):
        store.Store(db).prepare()
