"""The Python API analysts use (the notebook does): the store's views and the claims report as polars
DataFrames, read through short read-only connections (so collection is not blocked for long).

    import collector
    store = collector.open("data/adoption.duckdb")
    store.claims()                                   # every claim and scope, with its verdict
    store.claims(as_of="2025-11-10", week="2025-W44")
    store.view("hf_downloads_by_country")            # any view, whole
    store.sql("SELECT * FROM or_weekly_top_models WHERE week_start = ?", ["2025-10-27"])
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from collector.core import clock
from collector.core.errors import ConfigError
from collector.core.weeks import parse_as_of, parse_week
from collector.outputs import claims as claims_report
from collector.outputs import sql
from collector.store import Store, db_path

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class Collector:
    def __init__(self, path: str | Path | None = None):
        self.store = Store(db_path(path))

    def __repr__(self) -> str:
        return f"collector.open({str(self.store.path)!r})"

    def sql(self, query: str, params: list | dict | None = None) -> pl.DataFrame:
        """Any read-only query, as a DataFrame (a failing query is a one-line CollectorError)."""
        with self.store.sandbox() as con:
            try:
                return con.execute(query, params).pl()
            except duckdb.Error as exc:
                raise sql.one_line_error(exc) from exc

    def view(self, name: str) -> pl.DataFrame:
        """A whole view (or table) by name, e.g. 'hf_downloads_by_family'."""
        if not _NAME.match(name):
            raise ConfigError(f"not a view name: {name!r}")
        return self.sql(f'SELECT * FROM "{name}"')

    def views(self) -> pl.DataFrame:
        """The views a user can query, with what each answers (their COMMENT ON VIEW)."""
        return self.sql(
            "SELECT view_name, comment FROM duckdb_views() WHERE NOT internal "
            "AND schema_name = 'main' ORDER BY view_name"
        )

    def claims(self, as_of: str | date | None = None, week: str | date | None = None) -> pl.DataFrame:
        """The claims report (one row per claim, scope and `when`: at the claim's date and latest), as
        known on `as_of` (default: all data) and, for the weekly OpenRouter claims, also for the ISO
        `week` ('2025-W44' or its Monday). measured_value and expected_value are numbers (or null)."""
        day = _as_of(as_of)
        monday = parse_week(week) if isinstance(week, str) else week
        rows = claims_report.fetch(self.store, day, monday)
        schema = {
            c: pl.Float64 if c in claims_report.NUMERIC else pl.Date if c in claims_report.DATES else pl.String
            for c in claims_report.COLUMNS
        }
        return pl.DataFrame(rows, schema=schema)

    def charts(self, as_of: str | date | None = None) -> dict:
        """The charts of `collector report` (as known on `as_of`), as Altair charts keyed by name
        ('llama', 'china_hub', 'or_top20', ...): a notebook displays them as the page does. A chart
        with nothing to draw yet is left out."""
        import altair as alt

        from collector.outputs.report import data as report_data
        from collector.outputs.report import page as report_page

        day = _as_of(as_of)
        gathered = report_data.gather(self.store, day)
        out = {}
        for claim_id in gathered.reference["claim_id"]:
            for chart in report_page.charts_for(gathered, claim_id):
                if chart.spec is not None:
                    spec = {**chart.spec, "width": 640}  # a notebook cell has no container width to fit
                    out[chart.key] = alt.LayerChart.from_dict(spec, validate=False)
        return out


def _as_of(value: str | date | None) -> date | None:
    """As `--as-of`: a day (text or date), refused after today (UTC), when nothing is known yet."""
    if value is None:
        return None
    return parse_as_of(value if isinstance(value, str) else value.isoformat(), clock.today(), "as_of")
