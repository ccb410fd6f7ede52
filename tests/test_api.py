"""The Python API analysts use: collector.open(path) gives the claims and any view as polars DataFrames,
through read-only connections, with one-line errors."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pytest

import collector
from collector.core.errors import CollectorError, ConfigError
from tests.conftest import ORGS_CSV, call_cli, hub_models, isolate
from tests.fakes.hub import FakeHub
from tests.seed import shared_template


def _collect_hf(db: Path) -> None:
    (db.parent / "orgs.csv").write_text(ORGS_CSV)
    with pytest.MonkeyPatch.context() as mp, FakeHub(hub_models()) as hub:
        isolate(mp, db.parent)
        mp.setenv("HF_ENDPOINT", hub.url)
        assert call_cli("--db", str(db), "collect", "hf", "--orgs", str(db.parent / "orgs.csv"), "--top", "5") == 0


@pytest.fixture(scope="session")
def collected_template(tmp_path_factory) -> Path:
    """`collect hf --top 5` against the `hub` fixture's fake with the `orgs` namespaces, once per session."""
    return shared_template(tmp_path_factory, "api-collected-hf", _collect_hf)


@pytest.fixture
def collected(collected_template, db):
    shutil.copyfile(collected_template, db)
    return db


def test_claims_as_a_dataframe_match_the_cli(collected, run):
    store = collector.open(collected)
    claims = store.claims()
    assert isinstance(claims, pl.DataFrame)
    assert claims.columns[:3] == ["claim_id", "statement", "source"] and "verdict" in claims.columns
    assert set(claims["verdict"]) <= {"supported", "refuted", "inconclusive"}
    # numbers and dates as such, so that an analyst can compute with them
    assert claims.schema["measured_value"] == pl.Float64 and claims.schema["data_date"] == pl.Date
    assert set(claims["when"]) == {"at_claim_date", "latest"}
    cli = run("--db", str(collected), "claims", "--format", "csv")
    assert cli.code == 0 and len(cli.out.strip().splitlines()) - 1 == claims.height
    # --as-of before any data: nothing measured, every row inconclusive
    early = store.claims(as_of="2025-01-01")
    assert early.height and set(early["verdict"]) == {"inconclusive"}
    assert store.claims(as_of=date(2025, 1, 1)).equals(early)
    # as on the command line, a day after today is refused: nothing is known on it yet
    with pytest.raises(ConfigError, match="as_of 2030-01-01 is after today"):
        store.claims(as_of=date(2030, 1, 1))


def test_views_sql_and_errors(collected):
    store = collector.open(str(collected))
    views = store.views()
    assert "hf_downloads_by_country" in views["view_name"].to_list() and views["comment"].null_count() == 0
    top = store.sql("SELECT model_id, downloads_30d FROM hf_model_downloads ORDER BY downloads_30d DESC LIMIT 1")
    assert top.row(0) == ("meta-llama/Llama-3.1-8B-Instruct", 6_000_000)
    assert store.view("hf_snapshot_sets").height == 1
    with pytest.raises(CollectorError, match="query failed: .*no_such_view"):
        store.sql("SELECT * FROM no_such_view")
    with pytest.raises(ConfigError, match="not a view name"):
        store.view("x; DROP TABLE runs")
    with pytest.raises(ConfigError, match="as_of 'yesterday': expected a date"):
        store.claims(as_of="yesterday")


def test_reads_only(collected):
    store = collector.open(collected)
    with pytest.raises(CollectorError, match="read-only"):
        store.sql("DELETE FROM runs")
    assert store.sql("SELECT count(*) AS n FROM runs")["n"][0] == 1


def test_default_path_comes_from_the_environment(collected, monkeypatch):
    monkeypatch.setenv("COLLECTOR_DB", str(collected))
    assert collector.open().store.path == collected
    with pytest.raises(CollectorError, match="no database at"):
        collector.open(collected.parent / "none.duckdb").claims()


def test_the_reports_charts_as_altair_charts(db, tmp_path_factory):
    import shutil

    from tests.seed import shared_template
    from tests.test_report import history

    shutil.copyfile(shared_template(tmp_path_factory, "report-history", history), db)  # built once a session
    charts = collector.open(db).charts()
    assert {"llama", "or_top20", "prices"} <= set(charts)
    spec = charts["llama"].to_dict(validate=False)
    assert spec["title"]["text"] == "Llama family: all-time Hub downloads" and spec["width"] == 640
    assert collector.open(db).charts(as_of="2025-01-01") == {}  # nothing known yet: nothing drawn
