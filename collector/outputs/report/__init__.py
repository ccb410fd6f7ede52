"""The HTML report: one self-contained page (`collector report`, and `report.html` in each weekly
export) that shows, claim by claim, the verdicts and the chart of the data behind them.

data.py reads the store (the claims and the sql/report/ macros, in the read-only sandbox); charts.py
turns each series into a Vega-Lite chart (Altair); page.py writes the page with Vega's JavaScript
inlined, so it opens offline."""

from collector.outputs.report.page import ReportResult, write_report

__all__ = ["ReportResult", "write_report"]
