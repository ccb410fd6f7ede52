"""Roll-ups: the Hub figures per day (sets, families, organisations, countries) and the attribution
per model, kept as tables so that the claims and the exports read a year of 300,000 models a day in
milliseconds (bench/claims_year.py). The SQL that computes them lives in sql/ (the `*_from(day_rows)`
macros, hf_daily_downloads_for and hf_model_attribution); this module only says when to run it:

  * every Hub commit is followed by a second short transaction (`catch_up`) that re-attributes the
    models (hf_attribution) and rolls up the day it wrote (and any day a failed catch-up left out),
    so a day's figures are attributed with what the store knew when it was written;
  * when the views or the reference CSVs change, store.refresh_views drops these tables, the view files
    create them empty and `refresh` fills them for every day (once, on the first write after an upgrade).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from collector import hf_store

# (table, macro computing it from a batch of days' rows), in dependency order
ROLLUPS = (
    ("hf_rollup_sets", "hf_snapshot_sets_from('hf_day_rows', $days)"),
    ("hf_rollup_family", "hf_downloads_by_family_from('hf_day_rows')"),
    ("hf_rollup_organisation", "hf_downloads_by_organisation_from('hf_day_rows')"),
    ("hf_rollup_country", "hf_downloads_by_country_from('hf_day_rows')"),
)
BATCH_DAYS = 7
TABLES = ("hf_ids", "hf_attribution",) + tuple(table for table, _ in ROLLUPS)


def refresh_ids(con) -> None:
    """Number every id seen and remake hf_ids."""
    # every id in the metadata and the lineage gets a number too, so that hf_model_ids (every id the
    # store has seen) reads one table instead of a union of four, once per view that uses it
    hf_store.register_ids(con, "SELECT model_id FROM hf_models UNION SELECT child_id FROM hf_lineage "
                               "UNION SELECT parent_id FROM hf_lineage")
    con.execute("DELETE FROM hf_ids")
    con.execute("INSERT INTO hf_ids SELECT k.model_no, min(k.model_no) OVER (PARTITION BY i.model_key), i.* "
                "FROM hf_model_keys k JOIN hf_model_ids i USING (model_id)")


def refresh(con, days: list[date] | None = None, progress: Callable[[str], None] | None = None,
            ids: bool = True) -> None:
    """Re-attribute every model, then roll up `days` (None: every snapshot day). Statements run in
    the caller's transaction, if any (see catch_up for why ids come first and committed)."""
    if ids:
        refresh_ids(con)
    con.execute("DELETE FROM hf_attribution")
    con.execute("INSERT INTO hf_attribution SELECT * FROM hf_model_attribution")
    if days is None:
        for table, _ in ROLLUPS:
            con.execute(f"DELETE FROM {table}")
        every = [r[0] for r in con.execute("SELECT DISTINCT snapshot_date FROM hf_snapshots ORDER BY 1").fetchall()]
        # a week at a time: each batch reads only its days' listings (bounded memory on a year of data)
        batches = [every[i:i + BATCH_DAYS] for i in range(0, len(every), BATCH_DAYS)]
    else:
        batches = [days]
    for done, batch in enumerate(batches, start=1):
        # the days' rows once (the one read of listings and counters), then every roll-up from them
        con.execute("CREATE OR REPLACE TEMP TABLE hf_day_rows AS SELECT * FROM hf_daily_downloads_for($days, NULL)",
                    {"days": batch})
        for table, source in ROLLUPS:
            con.execute(f"DELETE FROM {table} WHERE list_contains($days, snapshot_date)", {"days": batch})
            con.execute(f"INSERT INTO {table} SELECT * FROM {source}", {"days": batch} if "$days" in source else None)
        if progress and len(batches) > 1:
            progress(f"roll-ups: {done}/{len(batches)} weeks ({batch[-1]})")
    con.execute("DELETE FROM hf_day_rows")


def catch_up(db, day: date | None = None) -> list[date]:
    """Roll up `day` and any Hub snapshot day the roll-ups lack, in two short transactions of their own
    after the snapshot's (the ids, then the rest): DuckDB plans over rows written earlier in the same transaction without
    statistics, and the lineage walk over 300,000 just-written models then spills tens of GB. A day
    left out by a failure here (the snapshot itself is committed) is caught up by the next Hub write.
    Returns the days rolled up."""
    from collector import store

    with store.writer(db) as con:
        missing = [r[0] for r in con.execute(
            "SELECT DISTINCT snapshot_date FROM hf_snapshots WHERE snapshot_date NOT IN "
            "(SELECT snapshot_date FROM hf_rollup_sets) ORDER BY 1").fetchall()]
        days = sorted(set(missing) | ({day} if day else set()))
        if not days:
            return []
        # the ids first, committed: the lineage walk must not read them as rows of its own transaction
        for step in (refresh_ids, lambda c: refresh(c, days, ids=False)):
            con.execute("BEGIN TRANSACTION")
            try:
                step(con)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
    return days


def drop(con) -> None:
    for table in TABLES:
        con.execute(f"DROP TABLE IF EXISTS {table}")
