"""Roll-ups: the Hub figures per day (sets, families, organisations, countries) and the attribution
per model, kept as tables (made by migration 0005 in schema `internal`) so that the claims and the
exports read a year of 300,000 models a day in milliseconds (bench/claims_year.py). The SQL that
computes them lives in sql/hf/ (the `*_from(day_rows, ...)` macros, hf_daily_downloads_for and _from,
and hf_model_attribution); this module says when to run it. It belongs to the Hub source:

  * after each Hub commit (`after_commit`), in short transactions of their own, the new ids are
    numbered, the models whose attribution can have changed are re-attributed (the ones the commit
    touched whose inputs differ, and their descendants: `refresh_attribution`), and the day written
    is rolled up (with any day a failed roll-up left out), so a day's figures are attributed with
    what the store knew when it was written;
  * when the views or reference data changed since the roll-ups were computed (internal.store_state:
    'rollups_version' differs from 'views_version'), the first Hub write re-attributes every day,
    with progress and a log line a month; `collector refresh --rollups` does it on request. It
    replays the days in order (`Replay`, collector/sources/hf/replay.py), each day's figures made from
    the previous day's plus the rows that changed, so a year of 300,000 models a day costs a pass over
    the year's changes, not a roll-up of every model every day. A store of one day (a new store's
    first Hub write) has nothing to replay: that day is rolled up directly.

Both paths make a day's rows with the same macro (hf_daily_downloads_from): the after-commit days all of
them, rolled up by the `*_from` macros; the replay those of the models listed several times and, for
the models listed once, their listing's counters, and it keeps each group's sums from one day to the
next (the sets and countries written by the same hf_snapshot_sets_of and hf_downloads_by_country_of).
tests/test_rollups.py checks that they give the same rows.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from datetime import date

import duckdb

from collector.core import settings
from collector.core.errors import CollectorError
from collector.sources.hf import storage
from collector.sources.hf.replay import Replay
from collector.store import Store, views

log = logging.getLogger(__name__)

# The temporary tables (and CTE) the SQL macros read by name (query_table): each macro's header says
# which table it is given and what its rows are. They live only in this connection, for one batch.
DAY_ROWS = "hf_day_rows"  # a batch of days' hf_daily_downloads rows, read by the `*_from` roll-up macros

# (table, macro computing its rows for the batch of days in DAY_ROWS), in dependency order: a macro is
# given by name the roll-up tables it reads, already holding the batch's days (the sets give every
# figure its as_of and coverage; the countries sum the organisations)
ROLLUPS = (
    ("internal.hf_rollup_sets", f"hf_snapshot_sets_from('{DAY_ROWS}', $days)"),
    ("internal.hf_rollup_family", f"hf_downloads_by_family_from('{DAY_ROWS}', 'internal.hf_rollup_sets')"),
    (
        "internal.hf_rollup_organisation",
        f"hf_downloads_by_organisation_from('{DAY_ROWS}', 'internal.hf_rollup_sets')",
    ),
    (
        "internal.hf_rollup_country",
        f"hf_downloads_by_country_from('{DAY_ROWS}', 'internal.hf_rollup_organisation', 'internal.hf_rollup_sets')",
    ),
    ("internal.hf_rollup_top100", f"hf_top100_from('{DAY_ROWS}', 'internal.hf_rollup_sets')"),
)
# Days replayed per batch (batches never span two months): a month of 300,000 models is ~10 million
# listings, which the replay reads into one row per scope and model (a bit per day) and the changed
# rows, within the writer's memory limit (COLLECTOR_DB_MEMORY); each batch reads the attribution's
# tables and hf_ids once, so fewer batches cost less
BATCH_DAYS = 31
# Models per statement when every id is numbered or every model attributed (a new store, changed views
# or reference data), for a writer's memory limit (COLLECTOR_DB_MEMORY) of 1GB: a full Hub's 2.5 million
# at once need more than that. A smaller limit takes proportionally smaller chunks (chunk_models).
CHUNK_MODELS = 500_000


def chunk_models() -> int:
    """CHUNK_MODELS scaled to the writer's memory limit, when it is below 1GB (a larger limit keeps
    them: fewer chunks gain little, and each chunk's memory was measured at 1GB)."""
    memory = settings.size_bytes(settings.get("COLLECTOR_DB_MEMORY"))
    return max(1, int(CHUNK_MODELS * min(1.0, memory / 10**9)))


def refresh_ids(con: duckdb.DuckDBPyConnection, *, full: bool = False) -> None:
    """Bring internal.hf_ids up to date with the numbered ids (internal.hf_model_keys): the ids not in
    it yet, which go to internal.hf_touched for the attribution. An id's row depends only on the id
    and ref.hf_aliases, whose change makes `full` remake every row."""
    if full:
        # every id in the metadata and the lineage is numbered too (a Hub commit numbers the ones it
        # writes; this catches a store written before it did), so that hf_model_ids (every id the
        # store has seen) reads one table instead of a union of four, once per view that uses it
        storage.register_ids(
            con,
            "SELECT model_id FROM hf_models UNION SELECT child_id FROM hf_lineage UNION SELECT parent_id FROM hf_lineage",
        )
        con.execute("DELETE FROM internal.hf_ids")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE hf_new_ids AS "
        "SELECT model_no, model_id FROM internal.hf_model_keys ANTI JOIN internal.hf_ids USING (model_no)"
    )
    # In chunks of ascending numbers, so that a new store's 2.5 million ids fit in the writer's memory.
    # key_no is the smallest model_no of a model_key: numbers only grow, so a key already known keeps
    # its own, and a key first met in a chunk gets that chunk's smallest number, which is its smallest.
    low, high = con.execute("SELECT min(model_no), max(model_no) FROM hf_new_ids").fetchone()  # type: ignore[misc]
    chunk = chunk_models()
    for start in range(low or 0, (high or -1) + 1, chunk):
        con.execute(
            "CREATE OR REPLACE TEMP TABLE hf_id_chunk AS SELECT * FROM hf_new_ids WHERE model_no BETWEEN $a AND $b",
            {"a": start, "b": start + chunk - 1},
        )
        con.execute(
            """INSERT INTO internal.hf_ids
               WITH named AS (SELECT n.model_no, i.* FROM hf_id_chunk n JOIN hf_model_ids_of('hf_id_chunk') i USING (model_id)),
               known AS (SELECT model_key, min(key_no) AS key_no FROM internal.hf_ids
                         WHERE model_key IN (SELECT model_key FROM named) GROUP BY model_key)
               SELECT n.model_no, coalesce(k.key_no, min(n.model_no) OVER (PARTITION BY n.model_key)), n.model_id,
                      n.canonical_id, n.model_key, n.namespace, n.repo_name, n.renamed_from
               FROM named n LEFT JOIN known k USING (model_key)"""
        )
        con.execute("DROP TABLE hf_id_chunk")
    if not full:
        con.execute("INSERT INTO internal.hf_touched SELECT model_id FROM hf_new_ids")
    con.execute("DROP TABLE hf_new_ids")


def refresh_attribution(con: duckdb.DuckDBPyConnection, *, full: bool = False) -> int:
    """Bring internal.hf_attribution up to date; returns how many models were (re-)attributed.

    A model's attribution follows from the reference data and, for it and every model its lineage
    reaches, the inputs of hf_model_attribution_inputs (ids, pipeline tags, lineage edges). Those
    change only for the models a Hub commit touched (internal.hf_touched: metadata written, lineage
    edges added, new ids) and, through the order of their last_seen, for models that go by several
    ids. So only the touched models' inputs are compared with the ones they were last attributed
    with, and the models whose inputs differ are walked again with their descendants: a day of a
    2.5-million-model Hub re-attributes a few thousand (bench/hub_stats_import.py). `full`
    re-attributes every model (the views or reference data changed, or a new store)."""
    if full:
        con.execute("DELETE FROM internal.hf_attribution")
        con.execute("DELETE FROM internal.hf_attribution_inputs")
        # every model, in chunks of keys (by hash), so that a new store's 2.5 million models fit in the
        # writer's memory: each chunk walks only the lineage its models reach
        con.execute("CREATE OR REPLACE TEMP TABLE hf_all_keys AS SELECT DISTINCT model_key FROM internal.hf_ids")
        keys = con.execute("SELECT count(*) FROM hf_all_keys").fetchone()[0]  # type: ignore[index]
        chunks = max(1, -(-keys // chunk_models()))
        for chunk in range(chunks):
            # integers in the text, not parameters: with `% $n = $i` the filter took 0.7 s a chunk at a
            # million keys, with literals 0.03 s
            con.execute(
                "CREATE OR REPLACE TEMP TABLE hf_reattribute AS "
                f"SELECT model_key FROM hf_all_keys WHERE hash(model_key) % {int(chunks)} = {int(chunk)}"
            )
            con.execute("INSERT INTO internal.hf_attribution SELECT * FROM hf_model_attribution_of('hf_reattribute')")
            con.execute(
                "INSERT INTO internal.hf_attribution_inputs "
                "SELECT * FROM hf_model_attribution_inputs_of('hf_reattribute')"
            )
            con.execute("DROP TABLE hf_reattribute")
        con.execute("DROP TABLE hf_all_keys")
        con.execute("DELETE FROM internal.hf_touched")
        return keys
    con.execute(
        """CREATE OR REPLACE TEMP TABLE hf_candidates AS
           SELECT DISTINCT i.model_key FROM internal.hf_touched t JOIN internal.hf_ids i USING (model_id)
           UNION
           SELECT model_key FROM internal.hf_attribution_inputs WHERE ids > 1"""
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE hf_changed_inputs AS
           SELECT * FROM hf_model_attribution_inputs_of('hf_candidates')
           EXCEPT
           SELECT * FROM internal.hf_attribution_inputs WHERE model_key IN (SELECT model_key FROM hf_candidates)"""
    )
    # the changed models and every model whose lineage reaches one
    con.execute(
        "CREATE OR REPLACE TEMP TABLE hf_reattribute AS SELECT * FROM hf_model_descendants_of('hf_changed_inputs')"
    )
    con.execute("DELETE FROM internal.hf_attribution WHERE model_key IN (SELECT model_key FROM hf_reattribute)")
    con.execute("INSERT INTO internal.hf_attribution SELECT * FROM hf_model_attribution_of('hf_reattribute')")
    # only the changed models' inputs are new: a descendant's own did not change (or it would be one)
    con.execute(
        "DELETE FROM internal.hf_attribution_inputs WHERE model_key IN (SELECT model_key FROM hf_changed_inputs)"
    )
    con.execute("INSERT INTO internal.hf_attribution_inputs SELECT * FROM hf_changed_inputs")
    con.execute("DELETE FROM internal.hf_touched")
    done = con.execute("SELECT count(*) FROM hf_reattribute").fetchone()[0]  # type: ignore[index]
    for table in ("hf_candidates", "hf_changed_inputs", "hf_reattribute"):
        con.execute(f"DROP TABLE {table}")
    return done


def _write_rollups(con: duckdb.DuckDBPyConnection, days: list[date]) -> None:
    """Replace the roll-ups of `days` by the macros' rows over DAY_ROWS (those days' rows)."""
    for table, source in ROLLUPS:
        con.execute(f"DELETE FROM {table} WHERE list_contains($days, snapshot_date)", {"days": days})
        con.execute(f"INSERT INTO {table} SELECT * FROM {source}", {"days": days} if "$days" in source else None)
    con.execute(f"DROP TABLE {DAY_ROWS}")


def roll_up(con: duckdb.DuckDBPyConnection, days: list[date]) -> None:
    """Compute the roll-ups of `days` from their rows, read with hf_daily_downloads_for: quick for a
    scope's newest day (the cached latest counters), a read of history before an older day."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {DAY_ROWS} AS SELECT * FROM hf_daily_downloads_for($days, NULL)", {"days": days}
    )
    _write_rollups(con, days)


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


def batches(days: list[date], size: int) -> list[list[date]]:
    """`days` (sorted) in batches of at most `size` days, none spanning two months (progress is
    logged a month at a time)."""
    out: list[list[date]] = []
    for day in days:
        if out and len(out[-1]) < size and (out[-1][0].year, out[-1][0].month) == (day.year, day.month):
            out[-1].append(day)
        else:
            out.append([day])
    return out


def reattribute(con: duckdb.DuckDBPyConnection, progress: Callable[[str], None] | None = None) -> int:
    """Re-attribute every model and roll up every snapshot day again, replaying the days in order
    (`Replay`), a batch per transaction (a store of one day: that day rolled up directly); returns the
    days done. Logs a line a month. The ids are
    committed first: DuckDB plans over rows written earlier in the same transaction without
    statistics, and the lineage walk over 300,000 just-written models then spills tens of GB."""
    version = views.state(con, "views_version")
    _in_transaction(con, lambda: refresh_ids(con, full=True))
    days = snapshot_days(con)

    def attribute() -> None:
        refresh_attribution(con, full=True)
        for table, _ in ROLLUPS:
            con.execute(f"DELETE FROM {table}")

    _in_transaction(con, attribute)
    if len(days) == 1:
        # a store of one day (a new store's first Hub write): nothing to carry from a day before, which is
        # what the replay is for; that day's roll-up gives the same rows (tests/test_rollups.py) without
        # the replay's set-up (a first day of a million models: 2.0 to 2.6 s, where the replay and its
        # set-up took 12.7 to 13.6 s; bench/hf_ingest.py)
        _in_transaction(con, lambda: roll_up(con, days))
        if progress:
            progress(f"re-attributing the Hub history: 1/1 days ({days[0]})")
    elif days:
        _replay(con, days, progress)
    if version:
        _in_transaction(con, lambda: views.set_state(con, "rollups_version", version))
    return len(days)


def _replay(con: duckdb.DuckDBPyConnection, days: list[date], progress: Callable[[str], None] | None) -> None:
    """Roll up every one of `days` (all the store's) by the replay, a batch per transaction; logs a line a month."""
    started = time.monotonic()
    replay = Replay(con)
    try:
        todo = batches(days, BATCH_DAYS)
        done = 0
        for n, batch in enumerate(todo):
            _in_transaction(con, functools.partial(replay.batch, batch))
            done += len(batch)
            if progress:
                progress(f"re-attributing the Hub history: {done}/{len(days)} days ({batch[-1]})")
            month_done = n + 1 == len(todo) or todo[n + 1][0].strftime("%Y-%m") != batch[-1].strftime("%Y-%m")
            if month_done and len(todo) > 1:
                log.info(
                    "re-attributing the Hub history: %s done (%d/%d days, %.0f s)",
                    batch[-1].strftime("%Y-%m"),
                    done,
                    len(days),
                    time.monotonic() - started,
                )
    finally:
        replay.close()


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
            log.debug("re-attributed %d Hub models", refresh_attribution(con))
            roll_up(con, days)

        _in_transaction(con, step)
    return days


def after_commit_or_say(store: Store, day: date, job: str, progress: Callable[[str], None] | None = None) -> None:
    """after_commit for a job that has just committed `day`: a failure is one line saying the
    snapshot is safe and the next Hub write retries the roll-ups (collect hf and import hub-stats)."""
    try:
        after_commit(store, day, progress=progress)
    except duckdb.OutOfMemoryException as exc:  # retrying with the same limit would fail the same way
        memory = settings.get("COLLECTOR_DB_MEMORY")
        raise CollectorError(
            f"{job}: the snapshot of {day} is committed, but rolling it up ran out of memory "
            f"(COLLECTOR_DB_MEMORY={memory}): set COLLECTOR_DB_MEMORY higher (twice that, say) "
            "and run `collector refresh --rollups`, or the next Hub write retries it"
        ) from exc
    except Exception as exc:  # the snapshot is safe; say so, and that the next write retries
        raise CollectorError(
            f"{job}: the snapshot of {day} is committed, but rolling it up failed "
            f"({' '.join(str(exc).split())}): the next Hub write retries it"
        ) from exc
