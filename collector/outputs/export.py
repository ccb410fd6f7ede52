"""The weekly export: one folder per ISO week (`exports/2026-W20/`) with a CSV per report, PNG charts
and a manifest (manifest.json + README.md: as_of per source, row counts, checksums, citation and
licence). Read-only on the database; written to a temporary folder and renamed into place, so a
reader never sees half an export; an existing week is refused unless --force (for `collector run
export` and the scheduler, an existing export of the week is nothing to do: an ok run).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

from collector.app.registry import Job, Option
from collector.app.runner import JobResult, Run, require_store
from collector.core import clock
from collector.core.errors import CollectorError, ConfigError
from collector.core.weeks import last_complete_week, week_label
from collector.store import Store

OPENROUTER_CITATION = "Source: OpenRouter (openrouter.ai/rankings), as of {as_of}."
LICENCE = (
    "OpenRouter figures are licensed CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/): "
    "republish them with the citation line. Hugging Face figures are counts observed through the Hub API."
)


@dataclass(frozen=True)
class Report:
    file: str
    source: str  # 'hf' | 'openrouter' | 'both'
    sql: str  # parameters: $monday, $sunday
    view: str


# Hub reports: the latest snapshot day inside the week. OpenRouter reports: the week's bucket.
REPORTS = (
    # claims_at(as_of_date, week): its parameter names are read from the database (see _claims_sql)
    Report("claims.csv", "both", "", "claims_at"),
    Report(
        "hf_downloads_by_organisation.csv",
        "hf",
        "SELECT * FROM hf_downloads_by_organisation WHERE snapshot_date = (SELECT max(snapshot_date) FROM "
        "hf_downloads_by_organisation WHERE snapshot_date BETWEEN $monday AND $sunday)",
        "hf_downloads_by_organisation",
    ),
    Report(
        "hf_downloads_by_country.csv",
        "hf",
        "SELECT * FROM hf_downloads_by_country WHERE snapshot_date = (SELECT max(snapshot_date) FROM "
        "hf_downloads_by_country WHERE snapshot_date BETWEEN $monday AND $sunday)",
        "hf_downloads_by_country",
    ),
    Report(
        "hf_downloads_by_family.csv",
        "hf",
        "SELECT * FROM hf_downloads_by_family WHERE snapshot_date = (SELECT max(snapshot_date) FROM "
        "hf_downloads_by_family WHERE snapshot_date BETWEEN $monday AND $sunday)",
        "hf_downloads_by_family",
    ),
    Report(
        "or_weekly_top_models.csv",
        "openrouter",
        "SELECT * FROM or_weekly_top_models WHERE week_start = $monday",
        "or_weekly_top_models",
    ),
    Report(
        "or_token_share_by_country.csv",
        "openrouter",
        "SELECT * FROM or_token_share_by_country WHERE week_start = $monday",
        "or_token_share_by_country",
    ),
)


def _present(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The views and table macros of the store, read once per export (each look at duckdb_functions()
    lists every built-in function too)."""
    return {
        r[0]
        for r in con.execute(
            "SELECT view_name FROM duckdb_views() WHERE database_name = current_database() "
            "UNION ALL SELECT function_name FROM duckdb_functions() "
            "WHERE function_type = 'table_macro' AND database_name = current_database()"
        ).fetchall()
    }


def _write_csv(path: Path, cursor) -> tuple[int, str | None]:
    """The rows as CSV; their count and their newest `as_of` (ISO text; None without such a column)."""
    header = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow(
                ["" if v is None else (v.isoformat() if isinstance(v, (date, datetime)) else v) for v in row]
            )
    return len(rows), _newest_as_of(header, rows)


def _newest_as_of(header: list[str], rows: list[tuple]) -> str | None:
    if "as_of" not in header:
        return None
    i = header.index("as_of")
    # the views' as_of is ISO text (fmt_utc) or a timestamp: both compare in time order
    values = [row[i] for row in rows if row[i] is not None]
    if not values:
        return None
    value = max(values)
    return value if isinstance(value, str) else value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _claims_sql(con) -> str:
    """claims_at's two parameters (the as-of day, the ISO week's Monday) take defaults, so DuckDB
    wants them by name: ask the database for the names rather than hard-coding them."""
    names = con.execute(
        "SELECT parameters FROM duckdb_functions() WHERE function_name = 'claims_at' AND function_type = 'table_macro' "
        "AND database_name = current_database()"
    ).fetchone()[0]
    if len(names) != 2:
        raise CollectorError(f"claims_at in this database takes {names}, expected (as_of_date, week)")
    # As known on the Monday after the week: a week's OpenRouter buckets are published once it has ended,
    # so "as of Sunday" would leave out the very week being exported.
    return f"SELECT * FROM claims_at({names[0]} := $known_on, {names[1]} := $monday)"


def export_week(store: Store, out: Path, monday: date, *, force: bool = False) -> tuple[Path, dict]:
    label = week_label(monday)
    sunday = monday + timedelta(days=6)
    check_week(monday)
    target = out / label
    if target.exists() and not force:
        raise CollectorError(f"{target} already exists: it is never overwritten silently (pass --force to replace it)")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot use --out {out}: {exc.strerror or exc}") from exc
    staging = Path(tempfile.mkdtemp(prefix=f".{label}-", dir=out))
    # mkdtemp makes the folder private (0700); an export is meant to be shared (a web server, a
    # colleague): give it the permissions any folder the user makes gets (their umask)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(staging, 0o777 & ~umask)
    params = {"monday": monday, "sunday": sunday, "known_on": sunday + timedelta(days=1)}
    manifest: dict = {
        "week": label,
        "from": monday.isoformat(),
        "to": sunday.isoformat(),
        "generated_at": clock.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "database": str(store.path),
        "claims_known_on": (sunday + timedelta(days=1)).isoformat(),
        "reports": {},
        "charts": {},
        "as_of": {"hf": None, "openrouter": None},
        "notes": [],
    }
    try:
        with store.reader() as con:
            present = _present(con)
            for report in REPORTS:
                path = staging / report.file
                entry: dict = {"source": report.source}
                if report.view not in present:
                    entry["rows"] = 0
                    entry["note"] = (
                        f"{report.view} is not in this database (views are created by the first collect run)"
                    )
                    path.write_text("", encoding="utf-8")
                else:
                    sql = report.sql or _claims_sql(con)
                    used = {k: v for k, v in params.items() if f"${k}" in sql}  # DuckDB rejects unused ones
                    entry["rows"], as_of = _write_csv(path, con.execute(sql, used))
                    if entry["rows"] == 0:
                        entry["note"] = "no data in scope for this week"
                    if report.source in ("hf", "openrouter"):
                        current = manifest["as_of"][report.source]
                        manifest["as_of"][report.source] = max(filter(None, [current, as_of]), default=None)
                manifest["reports"][report.file] = entry
            _charts(con, staging, monday, sunday, manifest, present)
        data_reports = [entry for name, entry in manifest["reports"].items() if name != "claims.csv"]
        manifest["empty"] = all(entry.get("rows", 0) == 0 for entry in data_reports)
        if manifest["empty"]:
            manifest["notes"].append(
                f"every data report is empty: nothing in the store falls in {label} ({monday} to {sunday}); "
                "the claims are judged on what is known by then"
            )
        # the same page as `collector report`, as known when the week ended
        from collector.outputs.report import write_report  # altair and polars: only when an export runs

        page = write_report(store, staging / "report.html", params["known_on"])
        manifest["report"] = {"file": "report.html", "charts": page.charts, "charts_empty": page.empty_charts}
        or_as_of = manifest["as_of"]["openrouter"]
        manifest["citation"] = OPENROUTER_CITATION.format(as_of=or_as_of) if or_as_of else None
        manifest["licence"] = LICENCE
        for file in sorted(staging.iterdir()):
            digest = hashlib.sha256(file.read_bytes()).hexdigest()
            if file.name == "report.html":
                manifest["report"]["sha256"] = digest
                continue
            bucket = manifest["reports"] if file.name in manifest["reports"] else manifest["charts"]
            bucket.setdefault(file.name, {})["sha256"] = digest
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        (staging / "README.md").write_text(_readme(manifest), encoding="utf-8")
        if target.exists():  # --force: swap the old folder out, then drop it
            old = out / f".{label}-replaced-{int(time.time())}"
            os.rename(target, old)
            os.rename(staging, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target, manifest


def _charts(con, staging: Path, monday: date, sunday: date, manifest: dict, present: set[str]) -> None:
    from collector.outputs import charts  # matplotlib: only when an export runs

    hf_note = f"Hugging Face Hub, 30-day downloads of the models collected, as of {manifest['as_of']['hf'] or 'n/a'}"
    rows = []
    if "hf_downloads_by_country" in present:
        rows = con.execute(
            "SELECT snapshot_date, country, share_30d FROM hf_downloads_by_country "
            "WHERE snapshot_date <= $sunday AND scope = 'with derivatives' ORDER BY 1",
            {"sunday": sunday},
        ).fetchall()
    charts.shares_over_time(
        staging / "hf_download_share_by_country.png",
        rows,
        "Share of Hub downloads by country of the maker (with derivatives)",
        hf_note,
        "% of 30-day downloads",
    )
    rows = []
    if "or_token_share_by_country" in present:
        has_category = "category" in [c[0] for c in con.execute("DESCRIBE or_token_share_by_country").fetchall()]
        where = "week_start <= $monday" + (" AND category = 'all'" if has_category else "")
        rows = con.execute(
            f"SELECT week_start, country, share, complete FROM or_token_share_by_country WHERE {where} ORDER BY 1",
            {"monday": monday},
        ).fetchall()
    or_as_of = manifest["as_of"]["openrouter"]
    charts.weekly_shares(
        staging / "openrouter_token_share_by_country.png",
        rows,
        "Share of OpenRouter tokens by country of the maker (weekly)",
        OPENROUTER_CITATION.format(as_of=or_as_of or "n/a"),
        "% of the week's tokens",
    )
    rows = []
    if "hf_downloads_by_family" in present:
        rows = con.execute(
            "SELECT snapshot_date, family, scope, downloads_30d FROM hf_downloads_by_family "
            "WHERE snapshot_date <= $sunday AND family IN ('Qwen', 'Llama') ORDER BY 1",
            {"sunday": sunday},
        ).fetchall()
    charts.families(staging / "qwen_vs_llama.png", rows, "Qwen vs Llama: Hub downloads in the last 30 days", hf_note)
    for name in ("hf_download_share_by_country.png", "openrouter_token_share_by_country.png", "qwen_vs_llama.png"):
        manifest["charts"][name] = {}


def _readme(manifest: dict) -> str:
    lines = [
        f"# collector export {manifest['week']} ({manifest['from']} to {manifest['to']})",
        "",
        f"Generated {manifest['generated_at']} from `{manifest['database']}`.",
        "",
        f"- Hugging Face data as of: {manifest['as_of']['hf'] or 'none in scope'}",
        f"- OpenRouter data as of: {manifest['as_of']['openrouter'] or 'none in scope'}",
        "",
        "| file | rows | sha256 | note |",
        "|---|---|---|---|",
    ]
    for name, entry in manifest["reports"].items():
        lines.append(
            f"| {name} | {entry.get('rows', 0)} | `{entry.get('sha256', '')[:16]}` | {entry.get('note', '')} |"
        )
    for name, entry in manifest["charts"].items():
        lines.append(f"| {name} | chart | `{entry.get('sha256', '')[:16]}` | |")
    if manifest.get("report"):
        entry = manifest["report"]
        lines.append(
            f"| report.html | page | `{entry.get('sha256', '')[:16]}` | each claim with its verdicts and charts; "
            "opens offline |"
        )
    if manifest.get("empty"):
        lines += ["", f"**{manifest['notes'][-1]}**"]
    lines += ["", manifest["citation"] or "No OpenRouter figures in this export.", "", manifest["licence"], ""]
    return "\n".join(lines)


def check_week(monday: date) -> None:
    """A week can be exported once it has ended (ConfigError before any run is opened)."""
    sunday = monday + timedelta(days=6)
    if sunday >= clock.today():
        raise ConfigError(
            f"week {week_label(monday)} is not complete yet (it ends {sunday}; today is {clock.today()} UTC): "
            "export a past week"
        )


def export_job(
    store: Store,
    *,
    out: Path = Path("exports"),
    week: date | None = None,
    force: bool = False,
    existing_ok: bool = False,
    progress=None,
) -> JobResult:
    """The `export` job: the given week (its Monday), or the last complete ISO week, recorded in `runs`.
    `existing_ok` (`collector run export`, the scheduler): a complete export of the week already there
    is nothing to do, an ok run, never overwritten; by hand (`collector export`) it is refused."""
    monday = week or last_complete_week(clock.today())
    check_week(monday)
    require_store(store)  # no database: refused, not created empty and exported as 0 rows
    target = out / week_label(monday)
    if existing_ok and not force and (target / "manifest.json").is_file():  # the manifest is written last
        return _already_exported(store, target, {"week": week_label(monday), "out": str(out), "force": force})
    if not store.writable():
        # The exports are the output: a read-only store is exported all the same, only not recorded.
        started = time.monotonic()
        target, manifest = export_week(store, out, monday, force=force)
        counts = {name: entry.get("rows", 0) for name, entry in manifest["reports"].items()}
        result = JobResult("export", 0, "ok", counts, seconds=time.monotonic() - started)
        result.notes.append(f"written to {target}")
        result.notes.append("not recorded in runs (the database is read-only)")
        if manifest["empty"]:
            result.stdout.append(f"export {week_label(monday)}: {manifest['notes'][-1]}")
        return result
    label = week_label(monday)
    with Run(store, "export", "export", {"week": label, "out": str(out), "force": force}) as run:
        target, manifest = export_week(store, out, monday, force=force)
        counts = {name: entry.get("rows", 0) for name, entry in manifest["reports"].items()}
        run.commit(lambda con: counts)
    result = run.result(counts)
    result.notes.append(f"written to {target}")
    if manifest["empty"]:
        result.stdout.append(f"export {label}: {manifest['notes'][-1]}")
    return result


def _already_exported(store: Store, target: Path, params: dict) -> JobResult:
    """The week's export is there already: an ok run saying so (in the summary line, which the
    scheduler logs), nothing written."""
    message = f"export of {target.name} already exists at {target}: nothing to do"
    if not store.writable():
        return JobResult("export", 0, "ok", notes=[message, "not recorded in runs (the database is read-only)"])
    with Run(store, "export", "export", params) as run:
        run.commit(lambda con: {"note": message})  # an ok run (the scheduler's catch-up reads it)
    return run.result({}, notes=[message])


JOB = Job(
    name="export",
    run_name="export",
    source="export",
    run=export_job,
    summary="Write the weekly export: CSV reports, PNG charts and a manifest, in OUT/YYYY-Www/.",
    options=(
        Option("out", "path", Path("exports"), "Folder the week's folder is written into.", metavar="DIR"),
        Option("week", "week", None, "ISO week to export (default: the last complete week).", metavar="YYYY-Www"),
        Option("force", "flag", False, "Replace an existing export of that week."),
    ),
    collect_command=False,
    examples=("collector export", "collector export --week 2026-W20 --out /srv/exports"),
    scheduled={"existing_ok": True},
)
