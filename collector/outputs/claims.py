"""The claims report: fetch the rows of the `claims_at` macro (sql/claims/claims_at.sql) and format them.

Every number comes from SQL, so `collector claims` and a DuckDB client querying the `claims` view
read the same rows; this module only parses the arguments and lays the rows out.
"""

from __future__ import annotations

import logging
import re
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


def render(rows: list[dict], fmt: str, width: int | None = None, detail: bool = False) -> str:
    if fmt == "table":
        return _table(rows, width or shutil.get_terminal_size((110, 24)).columns, detail)
    return formats.render(COLUMNS, [[row[c] for c in COLUMNS] for row in rows], fmt)


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def _table(rows: list[dict], width: int, detail: bool = False) -> str:
    """One block per claim: its statement, source and date, then one line per row (verdict, when, data
    date, measured against expected, scope). `detail` adds each row's reasons under it; the citation
    lines are said once, at the end, not per row."""
    width = max(60, min(width, 160))
    out: list[str] = []
    current = None
    for row in rows:
        if row["claim_id"] != current:
            current = row["claim_id"]
            if out:
                out.append("")
            out.append(_fit(f"{row['claim_id']}: {row['statement']}", width))
            out.append(_fit(f"  source: {row['source']} · dated {formats.plain(row['dated'])}", width))
        when = "at date" if row["when"] == "at_claim_date" else row["when"].replace("_", " ")
        measured = row["measured"] if row["measured"] is not None else "-"
        # the scope without what the line already says (the data's date): the rest tells rows apart
        scope = re.sub(r" on \d{4}-\d{2}-\d{2}$", "", row["scope"] or "").replace("Hugging Face Hub; ", "Hub; ")
        line = (
            f"  {row['verdict']:<12} {when:<7} {formats.plain(row['data_date']) or '-':<10} "
            f"{measured} (expected {row['expected']}) · {scope}"
        )
        out.extend(textwrap.wrap(line, width, subsequent_indent=" " * 34, break_on_hyphens=False))
        if detail:
            out.extend(textwrap.wrap(row["detail"] or "", width, initial_indent=" " * 4, subsequent_indent=" " * 4))
    counts = {v: sum(1 for r in rows if r["verdict"] == v) for v in ("supported", "refuted", "inconclusive")}
    out += ["", f"{len(rows)} rows: " + ", ".join(f"{n} {v}" for v, n in counts.items())]
    citations = sorted({r["citation"] for r in rows if r["citation"]})
    out += [_fit(c, width) for c in citations]
    if not detail:
        out.append("Each row's reasons, and what its scope leaves out: collector claims --detail")
    return "\n".join(out) + "\n"
