"""Weekly exports (CSV, charts, manifest; atomic; never silently overwritten) and the notebook."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from collector.outputs import charts, export
from tests.conftest import ORGS_CSV, call_cli, hub_models, isolate, query
from tests.fakes.hub import FakeHub
from tests.fakes.openrouter import KEY, FakeOpenRouter, demo_models, sample_data
from tests.seed import shared_template

ROOT = Path(__file__).resolve().parents[1]
PNG = b"\x89PNG\r\n\x1a\n"


def _build_populated(db: Path) -> None:
    folder = db.parent
    orgs = folder / "orgs.csv"
    orgs.write_text(ORGS_CSV)
    models = hub_models()
    with (
        pytest.MonkeyPatch.context() as mp,
        FakeHub(models) as hub,
        FakeOpenRouter(models=demo_models(), top=3, per_minute=100_000, **sample_data()) as router,
    ):
        isolate(mp, folder)
        mp.setenv("HF_ENDPOINT", hub.url)
        mp.setenv("OPENROUTER_BASE_URL", router.api_url)
        mp.setenv("OPENROUTER_API_KEY", KEY)
        for day, bump in (("2026-05-04T06:00:00Z", 0), ("2026-05-08T06:00:00Z", 1000)):
            mp.setenv("COLLECTOR_NOW", day)
            for model in hub.models:
                model["downloads"] += bump
            assert call_cli("--db", str(db), "collect", "hf", "--orgs", str(orgs), "--top", "10") == 0
        assert call_cli("--db", str(db), "collect", "openrouter") == 0


@pytest.fixture(scope="session")
def populated_template(tmp_path_factory) -> Path:
    """Two weekly Hub snapshots and OpenRouter history, collected through the real commands against
    the `hub` and `openrouter` fixtures' fakes (built once per session, shared by the xdist workers:
    the data and the clock are fixed)."""
    return shared_template(tmp_path_factory, "export-populated", _build_populated)


@pytest.fixture
def populated(populated_template, db, monkeypatch):
    """`db` holding a copy of the populated store; the clock on 2026-05-12."""
    shutil.copyfile(populated_template, db)
    monkeypatch.setenv("COLLECTOR_NOW", "2026-05-12T06:00:00Z")
    return db


def test_export_writes_reports_charts_and_manifest(run, populated, tmp_path):
    out = tmp_path / "exports"
    result = run("--db", str(populated), "export", "--week", "2026-W19", "--out", str(out))
    assert result.code == 0, result.err
    folder = out / "2026-W19"
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(
        [r.file for r in export.REPORTS]
        + [
            "hf_download_share_by_country.png",
            "openrouter_token_share_by_country.png",
            "qwen_vs_llama.png",
            "manifest.json",
            "README.md",
            "report.html",
        ]
    )
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["week"] == "2026-W19" and manifest["from"] == "2026-05-04" and manifest["to"] == "2026-05-10"
    assert manifest["claims_known_on"] == "2026-05-11"  # the week's OpenRouter bucket is published after Sunday
    for name, entry in manifest["reports"].items():
        with (folder / name).open() as handle:
            assert sum(1 for _ in csv.reader(handle)) - 1 == entry["rows"], name
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == entry["sha256"]
    assert manifest["reports"]["hf_downloads_by_country.csv"]["rows"] > 0
    assert manifest["reports"]["claims.csv"]["rows"] >= 9
    # the Hub reports hold the latest snapshot inside the week (May 8), not May 4
    with (folder / "hf_downloads_by_family.csv").open() as handle:
        assert {row["snapshot_date"] for row in csv.DictReader(handle)} == {"2026-05-08"}
    assert manifest["as_of"]["hf"].startswith("2026-05-08")
    assert (
        manifest["citation"] == f"Source: OpenRouter (openrouter.ai/rankings), as of {manifest['as_of']['openrouter']}."
    )
    assert "CC BY 4.0" in manifest["licence"]
    readme = (folder / "README.md").read_text()
    assert manifest["citation"] in readme and "CC BY 4.0" in readme
    for chart in ("hf_download_share_by_country.png", "openrouter_token_share_by_country.png", "qwen_vs_llama.png"):
        data = (folder / chart).read_bytes()
        assert data.startswith(PNG) and len(data) > 5000, chart
        assert hashlib.sha256(data).hexdigest() == manifest["charts"][chart]["sha256"]
    import matplotlib.image

    assert matplotlib.image.imread(folder / "qwen_vs_llama.png").shape[0] > 100
    # the same page as `collector report`, as known when the week ended, listed with its digest
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert "Data known on: 2026-05-11" in page and "vegaEmbed" in page
    assert manifest["report"]["sha256"] == hashlib.sha256(page.encode()).hexdigest()
    assert manifest["report"]["charts"] >= 1 and "report.html" in readme
    assert manifest["empty"] is False and "every data report is empty" not in result.out


def test_an_export_of_an_empty_week_says_so(run, populated, tmp_path):
    out = tmp_path / "exports"
    result = run("--db", str(populated), "export", "--week", "2024-W10", "--out", str(out))  # before any data
    assert result.code == 0, result.err
    assert "export 2024-W10: every data report is empty" in result.out
    manifest = json.loads((out / "2024-W10" / "manifest.json").read_text())
    assert manifest["empty"] is True and any("every data report is empty" in n for n in manifest["notes"])
    assert "every data report is empty" in (out / "2024-W10" / "README.md").read_text()


def test_weekly_chart_ticks_iso_weeks_and_marks_partial_weeks(tmp_path, monkeypatch):
    from datetime import date

    drawn: dict = {}
    real = charts._finish

    def keep(fig, ax, path, title, footnote):
        drawn["labels"] = [t.get_text() for t in ax.get_xticklabels()]
        drawn["xlabel"] = ax.get_xlabel()
        real(fig, ax, path, title, footnote)

    monkeypatch.setattr(charts, "_finish", keep)
    rows = [
        (date(2026, 4, 20), "China", 0.4, False),  # the first week: only some of its days stored
        (date(2026, 4, 20), "United States", 0.6, False),
        (date(2026, 4, 27), "China", 0.5, True),
        (date(2026, 4, 27), "United States", 0.5, True),
    ]
    charts.weekly_shares(tmp_path / "w.png", rows, "t", "f", "%")
    assert drawn["labels"] == ["2026-W17\n(partial)", "2026-W18"]
    assert "ISO week" in drawn["xlabel"]
    assert (tmp_path / "w.png").read_bytes().startswith(PNG)


def test_existing_week_is_never_silently_overwritten(run, populated, tmp_path):
    out = tmp_path / "exports"
    assert run("--db", str(populated), "export", "--week", "2026-W19", "--out", str(out)).code == 0
    before = (out / "2026-W19" / "manifest.json").read_bytes()
    again = run("--db", str(populated), "export", "--week", "2026-W19", "--out", str(out))
    assert again.code == 1 and "already exists" in again.err and "--force" in again.err
    assert (out / "2026-W19" / "manifest.json").read_bytes() == before
    forced = run("--db", str(populated), "export", "--week", "2026-W19", "--out", str(out), "--force")
    assert forced.code == 0
    assert sorted(p.name for p in out.iterdir()) == ["2026-W19"]


def test_failed_export_leaves_nothing_behind(run, populated, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(charts, "families", broken)
    out = tmp_path / "exports"
    result = run("--db", str(populated), "export", "--week", "2026-W19", "--out", str(out))
    assert result.code == 1 and "disk full" in result.err
    assert list(out.iterdir()) == []


def test_default_week_and_empty_store(run, db, tmp_path):
    assert run("--db", str(db), "status").code == 1  # no store yet
    from collector import store

    with store.writer(db):
        pass
    out = tmp_path / "exports"
    result = run("--db", str(db), "export", "--out", str(out))  # today 2026-05-01 (Fri): last complete week W17
    assert result.code == 0, result.err
    manifest = json.loads((out / "2026-W17" / "manifest.json").read_text())
    assert manifest["from"] == "2026-04-20"
    assert manifest["reports"]["hf_downloads_by_country.csv"] == {
        "source": "hf",
        "rows": 0,
        "note": "no data in scope for this week",
        "sha256": manifest["reports"]["hf_downloads_by_country.csv"]["sha256"],
    }
    assert manifest["citation"] is None
    assert (out / "2026-W17" / "qwen_vs_llama.png").read_bytes().startswith(PNG)


def test_run_export_of_a_week_already_exported_is_nothing_to_do(run, empty_store, tmp_path):
    db = empty_store
    target = tmp_path / "exports" / "2026-W17"  # the working folder; today 2026-05-01: last complete week W17
    assert run("--db", str(db), "export").code == 0  # by hand first
    before = (target / "manifest.json").read_bytes()
    result = run("--db", str(db), "run", "export")  # then the scheduler's path
    assert result.code == 0, result.err
    assert result.err.startswith("export: ok (run 2) ") and result.out == ""
    assert result.err.endswith(
        f"; export of 2026-W17 already exists at {Path('exports') / '2026-W17'}: nothing to do\n"
    )
    assert (target / "manifest.json").read_bytes() == before
    last = query(db, "SELECT status, error, row_counts FROM runs WHERE job = 'export' ORDER BY run_id DESC LIMIT 1")
    assert last[0][:2] == ("ok", None) and "nothing to do" in last[0][2]
    again = run("--db", str(db), "export")  # by hand it is still refused without --force
    assert again.code == 1 and "already exists" in again.err and "--force" in again.err


def test_run_export_never_takes_a_folder_without_a_manifest_for_an_export(run, empty_store, tmp_path):
    (tmp_path / "exports" / "2026-W17").mkdir(parents=True)
    result = run("--db", str(empty_store), "run", "export")
    assert result.code == 1 and "already exists" in result.err


@pytest.mark.parametrize("command", [("export",), ("run", "export")])
def test_no_database_is_refused_not_created_and_exported_empty(run, tmp_path, command):
    db = tmp_path / "missing" / "none.duckdb"
    out = tmp_path / "exports"
    result = run("--db", str(db), *command, *(["--out", str(out)] if command == ("export",) else []))
    assert (
        result.code == 1
        and result.err == f"error: no database at {db}: run `collector collect hf` first or pass --db PATH\n"
    )
    assert not (tmp_path / "missing").exists() and not out.exists()


@pytest.mark.parametrize(
    "week, message",
    [
        ("2026-18", "expected an ISO week YYYY-Www"),
        ("2026-W54", "error: --week '2026-W54': week 54 does not exist in 2026\n"),  # the flag named once
        ("2026-W18", "not complete yet"),
    ],
)
def test_bad_weeks(run, db, week, message):
    from collector import store

    with store.writer(db):
        pass
    result = run("--db", str(db), "export", "--week", week)
    assert result.code == 2 and message in result.err


def test_notebook_runs_headless(populated, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(ROOT / "notebooks" / "analysis.ipynb", as_version=4)
    monkeypatch.setenv("COLLECTOR_DB", str(populated))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    client = nbclient.NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "notebooks")}}
    )
    client.execute()
    outputs = "".join(str(o) for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", []))
    assert "Traceback" not in outputs and "error" not in [
        o.get("output_type") for c in notebook.cells for o in c.get("outputs", [])
    ]
    assert "claim_id" in outputs and "llama_1b_downloads" in outputs
    assert "Qwen ahead since" in outputs
    # the report's charts through the Python API, as Vega-Lite outputs a notebook renders
    assert "image/svg+xml" in outputs and "Llama family: all-time Hub downloads" in outputs
