"""What the report shows, read from the store in one sandboxed read-only connection: the claims rows
(as known on the report's date), and one series per chart from the sql/report/ macros."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl

from collector.store import Store


@dataclass
class ReportData:
    as_of: date | None
    claims: pl.DataFrame
    reference: pl.DataFrame  # ref.claims: id, statement, source, dated (and what else the file carries)
    series: dict[str, pl.DataFrame] = field(default_factory=dict)
    hub_as_of: str | None = None
    openrouter_as_of: str | None = None
    hub_days: int = 0
    openrouter_weeks: int = 0


# (name, SQL): each series a chart draws; `$as_of` is the report's date (NULL: everything stored)
SERIES = {
    "llama": "SELECT * FROM report_hub_history('family', 'Llama', as_of_date := $as_of)",
    "qwen": "SELECT * FROM report_hub_history('family', 'Qwen', as_of_date := $as_of)",
    "china_hub": "SELECT * FROM report_hub_history('country', 'China', as_of_date := $as_of)",
    "or_top20": "SELECT * FROM report_or_weekly_counts('all', 20, 'China', as_of_date := $as_of)",
    "or_programming_top10": "SELECT * FROM report_or_weekly_counts('programming', 10, 'China', as_of_date := $as_of)",
    "hub_top100": "SELECT * FROM report_hub_top100_country('China', as_of_date := $as_of)",
    "prices": "SELECT * FROM report_price_pairs(as_of_date := $as_of)",
    "article_models": "SELECT * FROM report_article_models(as_of_date := $as_of)",
}


def _frame(con, sql: str, params: dict | None = None) -> pl.DataFrame:
    cursor = con.execute(sql, params or {})
    columns = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    return (
        pl.DataFrame([dict(zip(columns, row, strict=True)) for row in rows], infer_schema_length=None)
        if rows
        else (pl.DataFrame({c: [] for c in columns}))
    )


def gather(store: Store, as_of: date | None) -> ReportData:
    with store.sandbox() as con:
        claims = _frame(con, "SELECT * FROM claims_at(as_of_date := $as_of)", {"as_of": as_of})
        reference = _frame(con, "SELECT * FROM ref.claims ORDER BY rowid")
        data = ReportData(as_of, claims, reference)
        for name, sql in SERIES.items():
            data.series[name] = _frame(con, sql, {"as_of": as_of})
        hub = con.execute(
            "SELECT fmt_utc(max(as_of)), count(DISTINCT snapshot_date) FROM hf_snapshots "
            "WHERE $as_of IS NULL OR snapshot_date <= $as_of",
            {"as_of": as_of},
        ).fetchone()
        data.hub_as_of, data.hub_days = (hub[0], hub[1]) if hub else (None, 0)
        latest = con.execute(
            "SELECT fmt_utc(max(as_of)) FROM or_pulls WHERE $as_of IS NULL OR start_date <= $as_of", {"as_of": as_of}
        ).fetchone()
        data.openrouter_as_of = latest[0] if latest else None
        data.openrouter_weeks = data.series["or_top20"].height
    return data
