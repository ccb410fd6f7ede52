"""`collector sql` and the Python API run what a user typed in a sandbox: no file read or written, no
other database, no extension, no setting changed; and they print what DuckDB returns faithfully."""

from __future__ import annotations

import json

import pytest

import collector
from collector.core.errors import CollectorError
from tests.conftest import query
from tests.seed import empty_store as empty_store_at


@pytest.fixture
def ready(empty_store):
    """A prepared store (migrated, reference tables and views, no rows): a copy of the template."""
    return empty_store


@pytest.mark.parametrize(
    "sql, refused",
    [
        ("SELECT * FROM read_csv('/etc/passwd') LIMIT 2", "query refused: queries read the store only"),
        ("COPY runs TO 'copied.csv'", "query refused: queries read the store only"),
        ("EXPORT DATABASE 'expdb'", "query refused: queries read the store only"),
        ("ATTACH 'other.duckdb' AS other", "query refused: queries read the store only"),
        ("SELECT * FROM glob('/etc/*')", "query refused: queries read the store only"),
        ("INSTALL httpfs", "query refused: queries read the store only"),
        ("LOAD httpfs", "query refused: queries read the store only"),
        ("SET enable_external_access = true", "query refused: settings cannot be changed"),
        ("RESET lock_configuration", "query refused: settings cannot be changed"),
        ("SET memory_limit = '64GB'", "query refused: settings cannot be changed"),
        ("DELETE FROM runs", "query refused: the store is opened read-only"),
    ],
)
def test_the_sql_command_cannot_reach_the_file_system(run, ready, tmp_path, sql, refused):
    result = run("--db", str(ready), "sql", sql)
    assert result.code == 1 and result.out == ""
    assert result.err.startswith(f"error: {refused}") and result.err.count("\n") == 1
    assert not (tmp_path / "copied.csv").exists() and not (tmp_path / "expdb").exists()
    assert not (tmp_path / "other.duckdb").exists()


def test_the_python_api_and_the_claims_run_in_the_same_sandbox(ready, run):
    api = collector.open(ready)
    with pytest.raises(CollectorError, match="query refused: queries read the store only"):
        api.sql("SELECT * FROM read_csv('/etc/passwd')")
    with pytest.raises(CollectorError, match="settings cannot be changed"):
        api.sql("SET enable_external_access = true")
    assert api.claims().height > 0  # the claims read only the store
    assert run("--db", str(ready), "claims", "--format", "csv").code == 0


@pytest.mark.parametrize("text", ["", "   ", ";"])
def test_an_empty_query_is_a_one_line_error(run, ready, text):
    result = run("--db", str(ready), "sql", text)
    assert result.code == 2 and result.err.startswith("error: the query is empty") and "Traceback" not in result.err


def test_values_print_as_plain_text_and_valid_json(run, ready):
    sql = (
        "SELECT CAST('0.00000027' AS DECIMAL(38, 18)) AS price, 'inf'::DOUBLE AS big, 'nan'::DOUBLE AS odd, "
        "INTERVAL '1 day 2 hours 3 minutes 4.5 seconds' AS took, 2::HUGEINT ** 60 AS tokens, DATE '2026-05-01' AS day"
    )
    table = run("--db", str(ready), "sql", sql)
    assert table.code == 0 and "0.000000270000000000" in table.out and "E-7" not in table.out
    assert "P1DT2H3M4.5S" in table.out
    as_json = run("--db", str(ready), "sql", "--format", "json", sql)
    assert as_json.code == 0
    row = json.loads(as_json.out)[0]  # strict JSON: no bare Infinity / NaN
    assert row == {
        "price": "0.000000270000000000",
        "big": "Infinity",
        "odd": "NaN",
        "took": "P1DT2H3M4.5S",
        "tokens": row["tokens"],
        "day": "2026-05-01",
    }
    assert float(row["tokens"]) == 2.0**60
    markdown = run("--db", str(ready), "sql", "--format", "markdown", "SELECT 'a|b' AS x")
    assert markdown.code == 0 and markdown.out == "| x |\n|---|\n| a\\|b |\n"
    assert query(ready, "SELECT count(*) FROM runs") == [(0,)]  # nothing recorded for a read


def test_a_store_whose_path_has_a_quote(run, tmp_path):
    odd = tmp_path / "it's here.duckdb"
    empty_store_at(odd)  # a prepared store, copied from the template
    result = run("--db", str(odd), "sql", "--format", "csv", "SELECT count(*) AS n FROM claims")
    assert result.code == 0 and result.out.startswith("n\n")
