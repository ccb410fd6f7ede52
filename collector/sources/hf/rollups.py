"""Roll-ups: the Hub figures per day (sets, families, organisations, countries) and the attribution
per model, kept as tables (made by migration 0005 in schema `internal`) so that the claims and the
exports read a year of 300,000 models a day in milliseconds (bench/claims_year.py). The SQL that
computes them lives in sql/hf/ (the `*_from(day_rows)` macros, hf_daily_downloads_for and
hf_model_attribution); this module says when to run it. It belongs to the Hub source:

  * after each Hub commit (`after_commit`), in short transactions of their own, the models are
    re-attributed and the day written is rolled up (with any day a failed roll-up left out), so a
    day's figures are attributed with what the store knew when it was written;
  * when the views or reference data changed since the roll-ups were computed (internal.store_state:
    'rollups_version' differs from 'views_version'), the first Hub write re-attributes every day,
    with progress; `collector refresh --rollups` does it on request.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import date

import duckdb

from collector.sources.hf import storage
from collector.store import Store, views

log = logging.getLogger(__name__)

# (table, macro computing it from a batch of days' rows), in dependency order
ROLLUPS = (
    ("internal.hf_rollup_sets", "hf_snapshot_sets_from('hf_day_rows', $days)"),
    ("internal.hf_rollup_family", "hf_downloads_by_family_from('hf_day_rows')"),
    ("internal.hf_rollup_organisation", "hf_downloads_by_organisation_from('hf_day_rows')"),
    ("internal.hf_rollup_country", "hf_downloads_by_country_from('hf_day_rows')"),
)
BATCH_DAYS = 7


def refresh_ids(con: duckdb.DuckDBPyConnection) -> None:
    """Number every id seen and remake internal.hf_ids."""
    # every id in the metadata and the lineage gets a number too, so that hf_model_ids (every id the
    # store has seen) reads one table instead of a union of four, once per view that uses it
    storage.register_ids(
        con,
        "SELECT model_id FROM hf_models UNION SELECT child_id FROM hf_lineage UNION SELECT parent_id FROM hf_lineage",
    )
    con.execute("DELETE FROM internal.hf_ids")
    con.execute(
        "INSERT INTO internal.hf_ids SELECT k.model_no, min(k.model_no) OVER (PARTITION BY i.model_key), i.* "
        "FROM internal.hf_model_keys k JOIN hf_model_ids i USING (model_id)"
    )


def refresh_attribution(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DELETE FROM internal.hf_attribution")
    con.execute("INSERT INTO internal.hf_attribution SELECT * FROM hf_model_attribution")


def roll_up(con: duckdb.DuckDBPyConnection, days: list[date]) -> None:
    """Compute the roll-ups of `days` from their rows (read once into a temporary table)."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE hf_day_rows AS SELECT * FROM hf_daily_downloads_for($days, NULL)", {"days": days}
    )
    for table, source in ROLLUPS:
        con.execute(f"DELETE FROM {table} WHERE list_contains($days, snapshot_date)", {"days": days})
        con.execute(f"INSERT INTO {table} SELECT * FROM {source}", {"days": days} if "$days" in source else None)
    con.execute("DROP TABLE hf_day_rows")


def _in_transaction(con: duckdb.DuckDBPyConnection, step: Callable[[], None]) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        step()
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def snapshot_days(con: duckdb.DuckDBPyConnection) -> list[date]:
    return [r[0] for r in con.execute("SELECT DISTINCT snapshot_date FROM hf_snapshots ORDER BY 1").fetchall()]


def reattribute(con: duckdb.DuckDBPyConnection, progress: Callable[[str], None] | None = None) -> int:
    """Re-attribute every model and roll up every snapshot day again; returns the days done. The ids
    are committed first: DuckDB plans over rows written earlier in the same transaction without
    statistics, and the lineage walk over 300,000 just-written models then spills tens of GB."""
    version = views.state(con, "views_version")
    _in_transaction(con, lambda: refresh_ids(con))
    days = snapshot_days(con)

    def attribute() -> None:
        refresh_attribution(con)
        for table, _ in ROLLUPS:
            con.execute(f"DELETE FROM {table}")

    _in_transaction(con, attribute)
    batches = [days[i : i + BATCH_DAYS] for i in range(0, len(days), BATCH_DAYS)]
    for done, batch in enumerate(batches, start=1):
        _in_transaction(con, functools.partial(roll_up, con, batch))
        if progress:
            progress(f"re-attributing the Hub history: {done}/{len(batches)} weeks ({batch[-1]})")
        if len(batches) > 1:
            log.info("re-attributing the Hub history: %d/%d weeks (%s)", done, len(batches), batch[-1])
    if version:
        _in_transaction(con, lambda: views.set_state(con, "rollups_version", version))
    return len(days)


def stale(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the roll-ups were computed with other views or reference data than the store's (or never)."""
    return views.state(con, "rollups_version") != views.state(con, "views_version")


def after_commit(store: Store, day: date | None = None, progress: Callable[[str], None] | None = None) -> list[date]:
    """The Hub source's after-commit step: roll up `day` and any snapshot day the roll-ups lack, or
    re-attribute every day when the views or reference data changed since the roll-ups were made.
    Returns the days rolled up."""
    with store.writer() as con:
        if stale(con):
            days = snapshot_days(con)
            if len(days) > 1:
                log.info("views or reference data changed: re-attributing %d Hub snapshot days", len(days))
            reattribute(con, progress)
            return days
        missing = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT snapshot_date FROM hf_snapshots WHERE snapshot_date NOT IN "
                "(SELECT snapshot_date FROM internal.hf_rollup_sets) ORDER BY 1"
            ).fetchall()
        ]
        days = sorted(set(missing) | ({day} if day else set()))
        if not days:
            return []
        _in_transaction(con, lambda: refresh_ids(con))

        def step() -> None:
            refresh_attribution(con)
            roll_up(con, days)

        _in_transaction(con, step)
    return days
