"""`collector status`: the latest run of each job, rows per table, and the database's path, size and
schema version."""

from __future__ import annotations

import json

import duckdb

from collector.store.connect import scalar


def status(con: duckdb.DuckDBPyConnection) -> dict:
    runs = con.execute(
        """SELECT job, run_id, status, started_at, finished_at, row_counts, error FROM runs
           QUALIFY row_number() OVER (PARTITION BY job ORDER BY run_id DESC) = 1 ORDER BY job"""
    ).fetchall()
    tables = [
        (schema, name)
        for schema, name in con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
            "AND table_schema IN ('main', 'ref', 'internal') "
            "ORDER BY table_schema = 'internal', table_schema = 'ref', table_name"
        ).fetchall()
    ]
    counts = {
        (name if schema == "main" else f"{schema}.{name}"): scalar(con, f'SELECT count(*) FROM {schema}."{name}"')
        for schema, name in tables
    }
    out_runs = []
    for job, run_id, run_status, started, finished, row_counts, error in runs:
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
    return {"runs": out_runs, "tables": counts}
