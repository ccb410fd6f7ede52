"""The claims report: fetch the rows of the `claims_at` macro (sql/49_claims_at.sql) and format them.

Every number comes from SQL, so `collector claims` and a DuckDB client querying the `claims` view
read the same rows; this module only parses the arguments and lays the rows out.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import shutil
import textwrap
from datetime import date
from pathlib import Path

from collector import store
from collector.errors import CollectorError, ConfigError

log = logging.getLogger(__name__)

COLUMNS = ("claim_id", "statement", "source", "scope", "measured", "expected", "verdict", "as_of", "detail")
FORMATS = ("table", "csv", "json", "markdown")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$", re.IGNORECASE)


def parse_week(value: str | None) -> date | None:
    """'2025-W44' -> the Monday starting that ISO week."""
    if value is None:
        return None
    match = _WEEK.match(value.strip())
    problem = "expected an ISO week YYYY-Www, e.g. 2025-W44"
    if match:
        try:
            return date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
        except ValueError:
            problem = f"week {int(match.group(2))} does not exist in {match.group(1)}"
    raise ConfigError(f"--week {value!r}: {problem}")


def parse_day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        if len(value.strip()) != 10:
            raise ValueError
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError(f"--as-of {value!r}: expected a date YYYY-MM-DD, e.g. 2025-11-01") from None


def parse_format(value: str) -> str:
    if value not in FORMATS:
        raise ConfigError(f"--format {value!r}: expected one of {', '.join(FORMATS)}")
    return value


def fetch(db: Path, as_of: date | None = None, week: date | None = None) -> list[dict]:
    """The report's rows, read through a read-only connection (views are built by writes, not here)."""
    with store.reader(db) as con:
        has_macro = con.execute(
            "SELECT count(*) FROM duckdb_functions() WHERE function_name = 'claims_at' AND function_type = 'table_macro'"
        ).fetchone()[0]
        if not has_macro:
            raise CollectorError(
                f"database {db} has no claims views yet: they are created whenever the collector writes to it; "
                "run a collect command (e.g. `collector collect hf`) with this version first"
            )
        if store.stored_views_version(con) != store.views_version():
            log.warning("the views in %s were built by another collector version: any collect run rebuilds them", db)
        result = con.execute(f"SELECT {', '.join(COLUMNS)} FROM claims_at(?, ?)", [as_of, week])
        return [dict(zip(COLUMNS, row)) for row in result.fetchall()]


def render(rows: list[dict], fmt: str, width: int | None = None) -> str:
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue()
    if fmt == "markdown":
        return _markdown(rows)
    return _table(rows, width or shutil.get_terminal_size((110, 24)).columns)


def _cell(value: object) -> str:
    return "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")


def _markdown(rows: list[dict]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(_cell(row[c]) for c in COLUMNS) + " |" for row in rows]
    return "\n".join(lines) + "\n"


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
            out.extend(textwrap.wrap(f"source: {row['source']}", width, initial_indent="  ", subsequent_indent="    "))
        verdict = f"  [{row['verdict']}]".ljust(len(indent))
        out.extend(textwrap.wrap(row["scope"], width, initial_indent=verdict, subsequent_indent=indent))
        figures = (f"measured {row['measured'] if row['measured'] is not None else '-'}"
                   f" | expected {row['expected']} | as of {row['as_of'] or '-'}")
        out.extend(textwrap.wrap(figures, width, initial_indent=indent, subsequent_indent=indent))
        out.extend(textwrap.wrap(row["detail"] or "", width, initial_indent=indent, subsequent_indent=indent))
    counts = {v: sum(1 for r in rows if r["verdict"] == v) for v in ("supported", "refuted", "inconclusive")}
    out += ["", f"{len(rows)} rows: " + ", ".join(f"{n} {v}" for v, n in counts.items())]
    return "\n".join(out) + "\n"
