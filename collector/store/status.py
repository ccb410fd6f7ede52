"""`collector status`: the latest run of each job, how fresh each source's data is (with the gaps of
the last 90 days), rows per table, and the database's path, size and schema version."""

from __future__ import annotations

import json
from datetime import timedelta

import duckdb

from collector.core import clock
from collector.store import runs as runs_journal
from collector.store.connect import scalar

GAP_DAYS = 90

# Each source's newest data and the days of the last GAP_DAYS it lacks (a gap is a day with no
# snapshot, or an OpenRouter day with no ranking rows: an empty answer is not coverage).
FRESHNESS_SQL = """
WITH window_days AS (
    SELECT CAST(d AS DATE) AS day FROM range($first::TIMESTAMP, $last::TIMESTAMP + INTERVAL 1 DAY, INTERVAL 1 DAY) t(d)
),
hf_days AS (SELECT DISTINCT snapshot_date AS day FROM hf_snapshots),
or_days AS (
    SELECT DISTINCT r.bucket_date AS day FROM or_rankings r JOIN or_pulls p USING (pull_id)
    WHERE p.dataset = 'rankings-daily' AND p.period = 'day' AND p.category IS NULL
)
SELECT
    (SELECT max(snapshot_date) FROM hf_snapshots),
    (SELECT max(as_of) FROM hf_snapshots),
    (SELECT max(day) FROM or_days),
    (SELECT max(r.bucket_date) FROM or_rankings r JOIN or_pulls p USING (pull_id)
     WHERE p.period = 'week' AND p.category IS NULL),
    (SELECT max(snapshot_date) FROM or_catalog_snapshots),
    (SELECT list(day ORDER BY day) FROM window_days WHERE day >= (SELECT min(day) FROM hf_days)
        AND day NOT IN (SELECT day FROM hf_days)),
    (SELECT list(day ORDER BY day) FROM window_days WHERE day >= (SELECT min(day) FROM or_days)
        AND day NOT IN (SELECT day FROM or_days))
"""


def ranges(days: list) -> list[str]:
    """Consecutive days as 'first..last' (or one day)."""
    out: list[list] = []
    for day in days:
        if out and (day - out[-1][1]).days == 1:
            out[-1][1] = day
        else:
            out.append([day, day])
    return [f"{a}" if a == b else f"{a}..{b}" for a, b in out]


def freshness(con: duckdb.DuckDBPyConnection) -> dict:
    today = clock.today()
    last = today - timedelta(days=1)
    first = today - timedelta(days=GAP_DAYS)
    row = con.execute(FRESHNESS_SQL, {"first": first, "last": last}).fetchone() or (None,) * 7
    hf_day, hf_as_of, or_day, or_week, catalog_day, hf_gaps, or_gaps = row
    try:  # a week with all seven days stored (the views decide it; a store without views has none yet)
        complete = con.execute("SELECT max(week_start) FROM or_weekly_top_models WHERE complete").fetchone()
    except duckdb.Error:
        complete = None
    return {
        "hf": {"latest_snapshot_day": hf_day, "as_of": hf_as_of, "gaps_last_90_days": ranges(hf_gaps or [])},
        "openrouter": {
            "latest_day": or_day,
            "latest_week": or_week,
            "latest_complete_week": complete[0] if complete else None,
            "latest_catalog_day": catalog_day,
            "gaps_last_90_days": ranges(or_gaps or []),
        },
    }


def status(con: duckdb.DuckDBPyConnection) -> dict:
    runs = con.execute(
        """SELECT job, run_id, status, started_at, finished_at, row_counts, error FROM runs
           QUALIFY row_number() OVER (PARTITION BY job ORDER BY run_id DESC) = 1 ORDER BY job"""
    ).fetchall()
    tables = [
        (schema, name)
        for schema, name in con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
            "AND table_schema IN ('main', 'ref', 'internal') AND table_catalog = current_database() "
            "ORDER BY table_schema = 'internal', table_schema = 'ref', table_name"
        ).fetchall()
    ]
    counts = {
        (name if schema == "main" else f"{schema}.{name}"): scalar(con, f'SELECT count(*) FROM {schema}."{name}"')
        for schema, name in tables
    }
    out_runs = []
    dead = runs_journal.dead_runs(con)  # shown as abandoned at once; the next write records it
    for job, run_id, run_status, started, finished, row_counts, error in runs:
        if run_status == "running" and run_id in dead:
            run_status, error = "abandoned", f"process {dead[run_id]} ended before the run finished (killed or crashed)"
        rows = json.loads(row_counts) if row_counts else {}
        total = sum(v for k, v in rows.items() if isinstance(v, int) and not k.startswith("replaced"))
        out_runs.append(
            {
                "job": job,
                "run_id": run_id,
                "status": run_status,
                "started_at": started.strftime("%Y-%m-%d %H:%M:%SZ") if started else None,
                "finished_at": finished.strftime("%Y-%m-%d %H:%M:%SZ") if finished else None,
                "rows": total,
                "row_counts": rows,
                "error": error,
            }
        )
    return {"runs": out_runs, "freshness": freshness(con), "tables": counts}
