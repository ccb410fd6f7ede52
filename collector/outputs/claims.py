"""The claims report: fetch the rows of the `claims_at` macro (sql/claims/claims_at.sql) and format them.

Every number comes from SQL, so `collector claims` and a DuckDB client querying the `claims` view
read the same rows; this module only parses the arguments and lays the rows out.
"""

from __future__ import annotations

import logging
import shutil
import textwrap
from datetime import date

from collector.core.errors import CollectorError
from collector.outputs import formats
from collector.store import Store, scalar, views

log = logging.getLogger(__name__)

COLUMNS = (
    "claim_id",
    "statement",
    "source",
    "dated",
    "when",
    "scope",
    "data_date",
    "measured",
    "measured_value",
    "expected",
    "expected_value",
    "unit",
    "verdict",
    "as_of",
    "citation",
    "detail",
)
NUMERIC = ("measured_value", "expected_value")  # numbers (or NULL) a spreadsheet can use
DATES = ("dated", "data_date")
FORMATS = formats.FORMATS


def fetch(store: Store, as_of: date | None = None, week: date | None = None) -> list[dict]:
    """The report's rows, read through a read-only connection (views are made by the refresh step)."""
    with store.sandbox() as con:
        has_macro = scalar(
            con,
            "SELECT count(*) FROM duckdb_functions() WHERE function_name = 'claims_at' AND function_type = 'table_macro'",
        )
        if not has_macro:
            raise CollectorError(
                f"database {store.path} has no claims views yet: run `collector refresh` (or any collect command) "
                "with this version first"
            )
        if views.state(con, "rollups_version") != views.state(con, "views_version") and scalar(
            con, "SELECT count(*) FROM hf_snapshots"
        ):
            log.warning(
                "the Hub roll-ups in %s were computed with other views or reference data (or not yet): "
                "`collector refresh` recomputes them",
                store.path,
            )
        if not views.is_current(con):
            log.warning(
                "the views in %s were built by another collector version: `collector refresh` rebuilds them", store.path
            )
        columns = ", ".join(f'"{c}"' for c in COLUMNS)  # `when` is an SQL keyword
        result = con.execute(f"SELECT {columns} FROM claims_at(?, ?)", [as_of, week])
        return [
            {c: _number(v) if c in NUMERIC else v for c, v in zip(COLUMNS, row, strict=True)}
            for row in result.fetchall()
        ]


def _number(value: float | None) -> float | int | None:
    """A count stays a count in CSV and JSON ('7', not '7.0'); a ratio keeps its fraction."""
    if value is not None and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def render(rows: list[dict], fmt: str, width: int | None = None) -> str:
    if fmt == "table":
        return _table(rows, width or shutil.get_terminal_size((110, 24)).columns)
    return formats.render(COLUMNS, [[row[c] for c in COLUMNS] for row in rows], fmt)


def _table(rows: list[dict], width: int) -> str:
    """One block per claim: its statement and source, then one entry per scope with the verdict first."""
    width = max(60, min(width, 140))
    indent = " " * 17
    out: list[str] = []
    current = None
    for row in rows:
        if row["claim_id"] != current:
            current = row["claim_id"]
            if out:
                out.append("")
            out.extend(textwrap.wrap(f"{row['claim_id']}: {row['statement']}", width, subsequent_indent="    "))
            out.extend(
                textwrap.wrap(
                    f"source: {row['source']}; dated {formats.plain(row['dated'])}",
                    width,
                    initial_indent="  ",
                    subsequent_indent="    ",
                )
            )
        verdict = f"  [{row['verdict']}]".ljust(len(indent))
        when = "at the claim's date" if row["when"] == "at_claim_date" else row["when"].replace("_", " ")
        out.extend(textwrap.wrap(f"{when}: {row['scope']}", width, initial_indent=verdict, subsequent_indent=indent))
        figures = (
            f"measured {row['measured'] if row['measured'] is not None else '-'}"
            f" | expected {row['expected']} | data of {formats.plain(row['data_date']) or '-'}"
            f" | as of {row['as_of'] or '-'}"
        )
        out.extend(textwrap.wrap(figures, width, initial_indent=indent, subsequent_indent=indent))
        out.extend(textwrap.wrap(row["detail"] or "", width, initial_indent=indent, subsequent_indent=indent))
        if row["citation"]:
            out.extend(textwrap.wrap(row["citation"], width, initial_indent=indent, subsequent_indent=indent))
    counts = {v: sum(1 for r in rows if r["verdict"] == v) for v in ("supported", "refuted", "inconclusive")}
    out += ["", f"{len(rows)} rows: " + ", ".join(f"{n} {v}" for v, n in counts.items())]
    return "\n".join(out) + "\n"
