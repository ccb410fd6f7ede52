"""collector: open-model adoption metrics (Hugging Face downloads, OpenRouter usage) in DuckDB.

For analysts, a small Python API over the same store and views (polars DataFrames):

    import collector
    store = collector.open("data/adoption.duckdb")
    store.claims(as_of="2025-11-10")          # the claims report
    store.sql("SELECT * FROM hf_downloads_by_country")
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.2.0"

if TYPE_CHECKING:
    from pathlib import Path

    from collector.api import Collector


def open(path: str | Path | None = None) -> Collector:  # noqa: A001 - collector.open(path), like sqlite3.connect
    """The store at `path` (default: $COLLECTOR_DB, else data/adoption.duckdb), for reading."""
    from collector.api import Collector

    return Collector(path)
