"""`collector claims`: formats, arguments, read-only access, and the same rows from the plain DuckDB CLI."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from collector import store
from collector.outputs import claims as claims_report
from tests.conftest import isolate, query
from tests.seed import seeded
from tests.test_claims import CLAIM_IDS, COLUMNS, week_models

DUCKDB_CLI = Path(sys.executable).parent / "duckdb"


def plain_row(row: tuple) -> tuple:
    """A row of the view as the JSON output carries it: dates as ISO text, whole numbers as integers."""
    return tuple(
        v.isoformat() if isinstance(v, date) else int(v) if isinstance(v, float) and v.is_integer() else v for v in row
    )


@pytest.fixture(scope="module")
def report_template(tmp_path_factory) -> Path:
    """A Hub snapshot and two OpenRouter weeks, seeded once for the module (the tests only read it)."""
    folder = tmp_path_factory.mktemp("report")
    path = folder / "adoption.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        isolate(mp, folder)
        with seeded(path) as s:
            s.hf_snapshot("2025-03-18", "author:meta-llama", [("meta-llama/Llama-3.1-8B", 10, 1_000_000_000)])
            s.or_week("2025-10-27", week_models(7), other=5000)
            s.or_week("2025-11-03", week_models(5), other=5000)
    return path


@pytest.fixture
def report_db(report_template, db):
    """`db` holding a copy of the module's seeded store."""
    shutil.copyfile(report_template, db)
    return db


def test_json_is_a_list_of_objects_with_exactly_the_keys(run, report_db):
    result = run("--db", str(report_db), "claims", "--format", "json")
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    assert isinstance(rows, list) and rows
    assert all(list(r) == COLUMNS for r in rows)
    assert sorted({r["claim_id"] for r in rows}) == sorted(CLAIM_IDS)
    assert {r["verdict"] for r in rows} <= {"supported", "refuted", "inconclusive"}
    # same rows as the view, in the same order (dates as ISO text, counts as integers)
    assert [tuple(r.values()) for r in rows] == [plain_row(r) for r in query(report_db, "SELECT * FROM claims")]
    assert {type(r["measured_value"]) for r in rows} <= {int, float, type(None)}
    assert {r["when"] for r in rows} == {"at_claim_date", "latest"}
    # run twice: the same report, and the file untouched (read-only)
    before = report_db.read_bytes()
    assert run("--db", str(report_db), "claims", "--format", "json").out == result.out
    assert report_db.read_bytes() == before
    cited = [r for r in rows if r["scope"].startswith("OpenRouter; top 20")]
    assert len(cited) == 4  # the latest complete week and the article's, each per variant and merged
    assert all(r["citation"] == f"Source: OpenRouter (openrouter.ai/rankings), as of {r['as_of']}." for r in cited)
    assert {r["as_of"] for r in cited} == {"2025-11-03T01:00:00Z", "2025-11-10T01:00:00Z"}
    hub = [r for r in rows if r["claim_id"] == "llama_1b_downloads"]
    assert all(r["citation"].startswith("Source: Hugging Face Hub (huggingface.co)") for r in hub)


def test_week_and_as_of_reach_the_macro(run, report_db):
    result = run("--db", str(report_db), "claims", "--format", "json", "--week", "2025-W44", "--as-of", "2025-11-20")
    assert result.code == 0, result.err
    rows = [r for r in json.loads(result.out) if r["claim_id"] == "openrouter_cn_7_of_top20"]
    assert [(r["when"], r["verdict"], r["measured"]) for r in rows] == [
        ("at_claim_date", "supported", "7 of 20"),
        ("latest", "refuted", "5 of 20"),
        ("asked_week", "supported", "7 of 20"),
    ] * 2
    assert "2025-W44" in rows[2]["scope"] and rows[2]["data_date"] == "2025-10-27"
    early = json.loads(run("--db", str(report_db), "claims", "--format", "json", "--as-of", "2025-11-05").out)
    latest = [r for r in early if r["claim_id"] == "openrouter_cn_7_of_top20" and r["when"] == "latest"]
    assert "2025-10-27" in latest[0]["scope"]


def test_csv_markdown_and_table(run, report_db):
    out = run("--db", str(report_db), "claims", "--format", "csv").out
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == COLUMNS and len(rows) == query(report_db, "SELECT count(*) FROM claims")[0][0]
    fetched = [{k: r[k] or None for k in COLUMNS} for r in rows]  # csv has no NULL: '' stands for it
    md = claims_report.render(fetched, "markdown").splitlines()
    assert md[0] == "| " + " | ".join(COLUMNS) + " |" and md[1].startswith("|---|")
    assert len(md) == 2 + len(rows) and all(line.count(" | ") >= len(COLUMNS) - 1 for line in md[2:])
    table = claims_report.render(fetched, "table", width=100)
    assert "llama_1b_downloads: Meta's Llama models passed one billion downloads" in table
    # what every row of a claim shares is said once, in its header; the row says what tells it apart
    assert "  expected >= 1,000,000,000 · scope Hub; Llama family, …; all models; all-time downloads" in table
    assert " 1,000,000,000 · first-party" in table
    assert max(len(line) for line in table.splitlines()) <= 100
    lines = table.splitlines()
    claim_count = len({r["claim_id"] for r in rows})
    row_lines = [line for line in lines if line.split(" ")[2:3] in (["supported"], ["refuted"], ["inconclusive"])]
    folded = [line for line in lines if re.match(r"  \d+ scopes ", line)]
    # every row is a line of its own or counted in a summary line ("15 scopes  latest ...")
    assert len(row_lines) + sum(int(line.split()[0]) for line in folded) == len(rows)
    assert any(line.startswith(f"{len(rows)} rows: ") for line in lines)
    assert sum("Source: OpenRouter" in line for line in lines) <= 2  # the citation once, not per row
    everything = claims_report.render(fetched, "table", width=100, all_rows=True).splitlines()
    assert not any(re.match(r"  \d+ scopes ", line) for line in everything)
    every_row = [line for line in everything if line.split(" ")[2:3] in (["supported"], ["refuted"], ["inconclusive"])]
    assert len(every_row) == len(rows)  # a row starts with its verdict; a long scope wraps under it
    assert len(everything) <= 3 * claim_count + 2 * len(rows) + 6
    detailed = claims_report.render(fetched, "table", width=100, detail=True)
    assert len(detailed.splitlines()) > len(everything) and rows[0]["detail"].split()[0] in detailed
    assert run("--db", str(report_db), "claims", "--detail").out.count("\n") > len(everything)


def test_default_table_fits_two_screens_and_folds_per_model_rows(run, report_db, monkeypatch):
    """The seeded store has the nine claims' 76 rows, 30 of them one per article model: the default
    table at 120 columns says every claim in at most 100 lines, the article models in one line per
    date with the counts per verdict; --all-rows and --detail list every row."""
    monkeypatch.setenv("COLUMNS", "120")
    rows = json.loads(run("--db", str(report_db), "claims", "--format", "json").out)
    assert len(rows) >= 70  # the 16 columns, every row: the JSON output is not folded
    out = run("--db", str(report_db), "claims")
    assert out.code == 0, out.err
    lines = out.out.splitlines()
    assert len(lines) <= 100, len(lines)  # it was 190 with a line (wrapped) per row
    assert max(len(line) for line in lines) <= 120
    for claim_id in CLAIM_IDS:
        assert any(line.startswith(f"{claim_id}: ") for line in lines), claim_id
    flat = " ".join(line.strip() for line in lines)  # a long source wraps onto a second line
    for r in rows:  # each claim's source (article, outlet) and date, whole
        assert f"source: {r['source']} · dated {r['dated']}" in flat, r["claim_id"]
    assert sum(line.startswith("  source: ") for line in lines) == len(CLAIM_IDS)
    models = [r for r in rows if r["claim_id"] == "article_models_open_on_hf" and r["when"] == "latest"]
    counts = {v: sum(r["verdict"] == v for r in models) for v in ("supported", "refuted", "inconclusive")}
    summary = [line for line in lines if line.startswith(f"  {len(models)} scopes    latest  ")]
    assert len(summary) == 1
    said = ", ".join(f"{n} {v}" for v, n in counts.items() if n)
    assert re.sub(r" \([^()]*(\([^()]*\))?[^()]*\)", "", summary[0].split(None, 4)[4]) == said
    # the models of the smaller verdicts are named: a refuted or supported model is never only counted
    for r in models:
        name = r["scope"].split("; ", 1)[1].split(" (")[0]
        if counts[r["verdict"]] < max(counts.values()):
            assert f"{name}" in summary[0], name
    assert sum(line.startswith(f"{len(rows)} rows: ") for line in lines) == 1
    assert "collector claims --all-rows" in lines[-1]
    for option in ("--all-rows", "--detail"):
        full = run("--db", str(report_db), "claims", option).out.splitlines()
        listed = [line for line in full if line.split(" ")[2:3] in (["supported"], ["refuted"], ["inconclusive"])]
        assert len(listed) == len(rows), option
        assert not any(re.match(r"  \d+ scopes ", line) for line in full)
        for r in models:
            assert any(r["scope"].split("; ", 1)[1].split(" (")[0] in line for line in listed)


def test_detail_says_the_coverage_sentence_once(run, report_db, monkeypatch):
    monkeypatch.setenv("COLUMNS", "160")
    rows = json.loads(run("--db", str(report_db), "claims", "--format", "json").out)
    sentence = query(report_db, "SELECT coverage FROM claim_hf_days")[0][0]
    assert sum(sentence in r["detail"] for r in rows) > 5  # every Hub row's reasons carry it (JSON unchanged)
    detailed = run("--db", str(report_db), "claims", "--detail").out
    flat = " ".join(line.strip() for line in detailed.splitlines())
    assert flat.count(sentence.split(" (")[0]) == 1
    assert f"Hub data: {sentence}." in flat
    assert sentence.split(" (")[0] not in run("--db", str(report_db), "claims").out  # no reasons, no coverage


def test_summary_line_names_the_minority_and_cuts_the_majority():
    def row(i: int, verdict: str) -> dict:
        return {
            **dict.fromkeys(claims_report.COLUMNS),
            "claim_id": "many",
            "statement": "Many models are open",
            "source": '(x) "An article" (outlet.example, 2025)',
            "dated": date(2025, 4, 30),
            "when": "latest",
            "data_date": date(2026, 5, 1),
            "scope": f"Hub; Model {i:02d} (article (x); repos under org{i} matching (?i)^m{i})",
            "expected": "open weights on the Hub",
            "measured": "published: 1 repo(s) since 2025-01-02" if verdict == "supported" else None,
            "verdict": verdict,
        }

    rows = [row(i, "supported") for i in range(14)] + [row(14, "inconclusive")]
    table = claims_report.render(rows, "table", width=120, links={"many": "https://outlet.example/a"}).splitlines()
    assert table[1] == '  source: (x) "An article" (outlet.example, 2025) https://outlet.example/a · dated 2025-04-30'
    assert table[2] == "  expected open weights on the Hub · scope Hub; …"
    assert table[3].startswith("  15 scopes    latest  2026-05-01 14 supported (Model 00, ")
    assert table[3].endswith(" more), 1 inconclusive (Model 14)") and len(table[3]) <= 120
    narrow = claims_report.render(rows, "table", width=90, links={"many": "https://outlet.example/a"})
    assert narrow.splitlines()[2] == "    dated 2025-04-30"  # wrapped, the date stays with its word
    assert len([line for line in table if line.startswith("  ")]) == 3  # source, shared parts, the 15 rows
    assert "15 rows: 14 supported, 0 refuted, 1 inconclusive" in table
    every = claims_report.render(rows, "table", width=90, all_rows=True).splitlines()
    assert sum(line.startswith("  supported    latest  2026-05-01 ") for line in every) == 14


@pytest.mark.parametrize(
    "args, message",
    [
        (["--week", "2025-44"], "--week '2025-44': expected an ISO week YYYY-Www"),
        (["--week", "2025-W54"], "--week '2025-W54': week 54 does not exist in 2025"),
        (["--week", "2025-W53"], "week 53 does not exist in 2025"),
        (["--as-of", "2025-13-01"], "--as-of '2025-13-01': expected a date YYYY-MM-DD"),
        (["--as-of", "yesterday"], "--as-of 'yesterday'"),
        (["--as-of", "2030-01-01"], "--as-of 2030-01-01 is after today (2026-05-01 UTC): nothing is known on"),
        (["--format", "xml"], "--format 'xml': expected one of table, csv, json, markdown"),
    ],
)
def test_bad_arguments_one_line_exit_2(run, report_db, args, message):
    result = run("--db", str(report_db), "claims", *args)
    assert result.code == 2
    assert result.err.count("\n") == 1 and result.err.startswith("error: ") and message in result.err
    assert result.out == ""


def test_iso_week_53_accepted_when_it_exists(run, report_db):
    result = run("--db", str(report_db), "claims", "--week", "2026-W53", "--format", "json")
    assert result.code == 0, result.err
    asked = [r for r in json.loads(result.out) if r["when"] == "asked_week"]
    assert asked and all("week of 2026-12-28" in r["scope"] for r in asked)


def test_no_database_and_no_views(run, tmp_path):
    missing = run("--db", str(tmp_path / "none.duckdb"), "claims")
    assert missing.code == 1 and "no database at" in missing.err
    bare = tmp_path / "bare.duckdb"
    with store.writer(bare):
        pass
    result = run("--db", str(bare), "claims")
    assert result.code == 1 and result.err.count("\n") == 1
    assert "has no claims views yet" in result.err and "collector refresh" in result.err


def test_opens_the_database_read_only(run, report_db):
    before = report_db.stat().st_mtime_ns, report_db.read_bytes()
    os.chmod(report_db, stat.S_IRUSR | stat.S_IRGRP)
    try:
        if os.access(report_db, os.W_OK):
            pytest.skip("running as a user who can write read-only files (root)")
        result = run("--db", str(report_db), "claims", "--format", "csv")
        assert result.code == 0, result.err
    finally:
        os.chmod(report_db, stat.S_IRUSR | stat.S_IWUSR)
    assert (report_db.stat().st_mtime_ns, report_db.read_bytes()) == before


def test_works_beside_another_read_only_reader(run, report_db):
    # DuckDB refuses a read-write connection while a read-only one is open in the same process:
    # the report succeeding here shows it never asks for write access
    import duckdb

    holder = duckdb.connect(str(report_db), read_only=True)
    try:
        result = run("--db", str(report_db), "claims", "--format", "csv")
    finally:
        holder.close()
    assert result.code == 0, result.err


def test_plain_duckdb_cli_reads_the_same_rows(report_db):
    if not DUCKDB_CLI.exists():
        pytest.skip("duckdb CLI (duckdb-cli package) not installed next to this Python")
    env = {**os.environ, "TZ": "America/Los_Angeles"}  # the report must not depend on the client's time zone
    out = subprocess.run(
        [str(DUCKDB_CLI), "-readonly", "-json", str(report_db), "-c", "SELECT * FROM claims"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    ).stdout
    rows = json.loads(out)
    expected = [
        tuple(v.isoformat() if isinstance(v, date) else v for v in r) for r in query(report_db, "SELECT * FROM claims")
    ]
    assert [tuple(r[c] for c in COLUMNS) for r in rows] == expected
    macro = subprocess.run(
        [
            str(DUCKDB_CLI),
            "-readonly",
            "-csv",
            str(report_db),
            "-c",
            "SELECT verdict, measured FROM claims_at(DATE '2025-11-20', DATE '2025-10-27') "
            "WHERE claim_id = 'openrouter_cn_7_of_top20'",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    ).stdout.splitlines()
    assert macro[1:] == ["supported,7 of 20", "refuted,5 of 20", "supported,7 of 20"] * 2
    family = subprocess.run(
        [
            str(DUCKDB_CLI),
            "-readonly",
            "-csv",
            str(report_db),
            "-c",
            "SELECT family, scope, downloads_all_time FROM hf_downloads_by_family ORDER BY scope",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    ).stdout.splitlines()
    assert family[1:] == ["Llama,first-party,1000000000", "Llama,with derivatives,1000000000"]


def test_citations_with_different_as_of_say_which_claims_they_are_for():
    """OpenRouter's catalog and rankings pulled at other times: two citation lines of one source, each
    naming its claims; a source with one as_of keeps its plain line."""
    from collector.outputs.claims import COLUMNS, Table

    def row(claim_id: str, citation: str) -> dict:
        base = dict.fromkeys(COLUMNS)
        base.update(claim_id=claim_id, statement="s", source="x", when="latest", scope="a", verdict="supported")
        return {**base, "citation": citation}

    early = "Source: OpenRouter (openrouter.ai/rankings), as of 2026-12-03T07:42:11Z."
    late = "Source: OpenRouter (openrouter.ai/rankings), as of 2026-12-03T07:42:15Z."
    hub = "Source: Hugging Face Hub (huggingface.co), as of 2026-12-03T07:40:00Z."
    rows = [row("or_top20", early), row("or_programming", early), row("or_prices", late), row("llama", hub)]
    lines = Table(160).render(rows).splitlines()
    assert f"{early} [for or_top20, or_programming]" in lines
    assert f"{late} [for or_prices]" in lines
    assert hub in lines
