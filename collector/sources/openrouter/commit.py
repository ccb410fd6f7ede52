"""Committing what an OpenRouter run fetched: each pull with its `meta` in a transaction of its own as it
arrives (a bucket identical to its latest stored observation is not stored again), and today's catalog
snapshot (replacing an earlier one of the same day) with the run's end. The caller (the run wrapper)
holds the transactions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from collector.sources.openrouter.parse import CatalogResult, Pull

# --------------------------------------------------------------------------------------------
# The store
CATALOG_INSERT = """
INSERT INTO or_models
SELECT $snapshot_id, id, canonical_slug, author, name, hugging_face_id,
       to_timestamp(created), context_length, input_modalities, output_modalities,
       CAST(expiration_date AS DATE),
       CAST(price_prompt AS DECIMAL(38, 18)), CAST(price_completion AS DECIMAL(38, 18)),
       CAST(price_input_cache_read AS DECIMAL(38, 18)), CAST(price_request AS DECIMAL(38, 18)),
       CAST(price_image AS DECIMAL(38, 18))
FROM read_parquet($stage) ORDER BY position
"""


# A restated bucket is stored again, whole; a bucket identical to its latest stored observation
# (same models, tokens and ranks) is not, so reruns never duplicate rows.
RANKINGS_INSERT = """
INSERT INTO or_rankings
WITH new AS (
    SELECT bucket_date, model_permaslug, CAST(total_tokens AS HUGEINT) AS total_tokens, rank
    FROM staged_rankings WHERE pull_key = $pull_key
),
stored AS (
    SELECT r.pull_id, p.as_of, r.bucket_date, r.model_permaslug, r.total_tokens, r.rank
    FROM or_rankings r JOIN or_pulls p USING (pull_id)
    WHERE p.dataset = 'rankings-daily' AND p.period = $period AND p.category IS NOT DISTINCT FROM $category
      AND r.bucket_date IN (SELECT bucket_date FROM new)
),
latest AS (
    SELECT bucket_date, model_permaslug, total_tokens, rank FROM stored
    QUALIFY dense_rank() OVER (PARTITION BY bucket_date ORDER BY as_of DESC, pull_id DESC) = 1
),
changed AS (
    SELECT bucket_date FROM (SELECT * FROM new EXCEPT SELECT * FROM latest)
    UNION
    SELECT bucket_date FROM (SELECT * FROM latest EXCEPT SELECT * FROM new)
)
SELECT $pull_id, bucket_date, model_permaslug, total_tokens, rank
FROM new WHERE bucket_date IN (SELECT bucket_date FROM changed)
ORDER BY bucket_date, rank
"""


APPS_INSERT = """
INSERT INTO or_app_rankings
WITH new AS (
    SELECT rank, app_id, app_name, CAST(total_tokens AS HUGEINT) AS total_tokens,
           CAST(total_requests AS HUGEINT) AS total_requests
    FROM staged_apps WHERE pull_key = $pull_key
),
latest_pull AS (
    SELECT p.pull_id FROM or_pulls p
    WHERE p.dataset = 'app-rankings' AND p.category IS NOT DISTINCT FROM $category
      AND p.sort IS NOT DISTINCT FROM $sort AND p.start_date = $start AND p.end_date = $end
      AND EXISTS (SELECT 1 FROM or_app_rankings a WHERE a.pull_id = p.pull_id)
    ORDER BY p.as_of DESC, p.pull_id DESC LIMIT 1
),
latest AS (
    SELECT rank, app_id, app_name, total_tokens, total_requests
    FROM or_app_rankings WHERE pull_id IN (SELECT pull_id FROM latest_pull)
),
differences AS (
    SELECT count(*) AS n FROM (
        (SELECT * FROM new EXCEPT SELECT * FROM latest) UNION ALL (SELECT * FROM latest EXCEPT SELECT * FROM new)
    )
)
SELECT $pull_id, * FROM new WHERE (SELECT n FROM differences) > 0 ORDER BY rank
"""


def _count(con, sql: str, params: dict | list) -> int:
    return con.execute(sql, params).fetchone()[0]


def commit_catalog(con, stage: Path, catalog: CatalogResult, run_id: int, day: date) -> dict[str, int]:
    """Today's catalog snapshot, replacing an earlier one of the same day. The caller holds the
    transaction (the run's last)."""
    replaced = _count(con, "SELECT count(*) FROM or_catalog_snapshots WHERE snapshot_date = ?", [day])
    con.execute(
        "DELETE FROM or_models WHERE snapshot_id IN (SELECT snapshot_id FROM or_catalog_snapshots WHERE snapshot_date = ?)",
        [day],
    )
    con.execute("DELETE FROM or_catalog_snapshots WHERE snapshot_date = ?", [day])
    snapshot_id = con.execute(
        """INSERT INTO or_catalog_snapshots (snapshot_date, fetched_at, as_of, run_id, request, model_count)
           VALUES (?, ?, ?, ?, ?, ?) RETURNING snapshot_id""",
        [day, catalog.fetched_at, catalog.as_of, run_id, catalog.request, catalog.models],
    ).fetchone()[0]
    con.execute(CATALOG_INSERT, {"snapshot_id": snapshot_id, "stage": str(stage)})
    return {"or_catalog_snapshots": 1, "or_models": catalog.models, "replaced_catalog_snapshots": replaced}


def commit_pull(con, rankings: Path, apps: Path, pull: Pull, run_id: int) -> tuple[dict[str, int], int]:
    """One Data API response with its meta (`rankings` / `apps`: its staged rows). Returns its row
    counts and how many of its buckets were unchanged (not stored again). The caller holds the
    transaction: one per pull, so a run cut short keeps every pull completed before."""
    s = pull.window.series
    pull_id = con.execute(
        """INSERT INTO or_pulls (dataset, period, category, sort, start_date, end_date, as_of, version,
                                 estimated, fetched_at, run_id, request, row_count)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING pull_id""",
        [
            s.dataset,
            s.period,
            s.category,
            s.sort,
            pull.start_date,
            pull.end_date,
            pull.as_of,
            pull.version,
            s.estimated,
            pull.fetched_at,
            run_id,
            pull.request,
            pull.row_count,
        ],
    ).fetchone()[0]
    rankings_rows = app_rows = unchanged = 0
    if s.dataset == "rankings-daily":
        con.execute(
            "CREATE OR REPLACE TEMP TABLE staged_rankings AS SELECT * FROM read_parquet($p)", {"p": str(rankings)}
        )
        served = _count(con, "SELECT count(DISTINCT bucket_date) FROM staged_rankings WHERE pull_key = ?", [pull.key])
        con.execute(
            RANKINGS_INSERT, {"pull_key": pull.key, "pull_id": pull_id, "period": s.period, "category": s.category}
        )
        rankings_rows, buckets = con.execute(
            "SELECT count(*), count(DISTINCT bucket_date) FROM or_rankings WHERE pull_id = ?", [pull_id]
        ).fetchone()
        unchanged = served - buckets
        con.execute("DROP TABLE staged_rankings")
    else:
        con.execute("CREATE OR REPLACE TEMP TABLE staged_apps AS SELECT * FROM read_parquet($p)", {"p": str(apps)})
        con.execute(
            APPS_INSERT,
            {
                "pull_key": pull.key,
                "pull_id": pull_id,
                "category": s.category,
                "sort": s.sort,
                "start": pull.start_date,
                "end": pull.end_date,
            },
        )
        app_rows = _count(con, "SELECT count(*) FROM or_app_rankings WHERE pull_id = ?", [pull_id])
        if pull.row_count and not app_rows:
            unchanged = 1
        con.execute("DROP TABLE staged_apps")
    return {"or_pulls": 1, "or_rankings": rankings_rows, "or_app_rankings": app_rows}, unchanged
