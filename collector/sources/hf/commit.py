"""Committing a staged Hub run: one snapshot per scope for the day (replacing that day's earlier
snapshot of the same scopes), counters through the change-only storage, metadata and lineage merged.
The caller (the run wrapper) holds the transaction."""

from __future__ import annotations

from collector.core.errors import CollectorError
from collector.sources.hf import storage
from collector.sources.hf.client import ScopeResult
from collector.sources.hf.parse import META_HASH, HfStage

# hf_models' columns a changed model's row gets in place (all but its id and its tags)
_IN_PLACE = (
    "author",
    "created_at",
    "last_modified",
    "pipeline_tag",
    "library_name",
    "safetensors_total",
    "gated",
    "meta_hash",
    "first_seen",
    "last_seen",
)


def commit(con, stage: HfStage, scopes: list[ScopeResult], run_id: int, day) -> dict[str, int]:
    """Write the staged crawl as one snapshot per scope for `day`, replacing that day's earlier
    snapshot of the same scopes. The caller holds the transaction."""
    files = {name: s.sources() for name, s in (("dl", stage.downloads), ("md", stage.models), ("ln", stage.lineage))}
    names = [s.scope for s in scopes]
    replaced = storage.delete_day(con, day, names)
    for s in scopes:
        con.execute(
            """INSERT INTO hf_snapshots (scope, snapshot_date, fetched_at, as_of, run_id, request, pages, model_count, duplicates)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [s.scope, day, s.fetched_at, s.as_of, run_id, s.request, s.pages, s.models, s.duplicates],
        )
    counter_rows = storage.append(
        con,
        f"""SELECT h.snapshot_id, d.model_id, d.rank, d.downloads_30d, d.downloads_all_time, d.likes, d.trending_score,
                  {"d.model_no" if stage.numbered else "NULL::INTEGER AS model_no"}
           FROM read_parquet($dl) d JOIN hf_snapshots h ON h.scope = d.scope AND h.snapshot_date = $day AND h.run_id = $run""",
        {"dl": files["dl"], "day": day, "run": run_id},
        ranked=stage.ranked,
    )
    # Latest metadata wins; first_seen / last_seen keep the span. Most models do not change from one
    # day to the next, so unchanged rows only get their span widened (a narrow update), and only
    # new or changed models are written in full (bench/hf_ingest.py measures both cases).
    # One join of the staged and the stored models (2.5 million each for a full Hub), of their ids and
    # hashes only: each staged model with its stored row's id, if any. The hash is of the metadata as
    # stored (migration 0010: the Hub API's timestamps are staged as its text, a dump's typed); a dump's
    # staging computes it while it writes the file (stage.hashed), so the comparison reads two columns.
    hashed = "meta_hash" if stage.hashed else f"{META_HASH} AS meta_hash"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE compared_models AS
            SELECT s.model_id, s.meta_hash, t.rowid AS stored, t.meta_hash = s.meta_hash AS same,
                   t.first_seen AS stored_first, t.last_seen AS stored_last
            FROM (SELECT model_id, {hashed} FROM read_parquet($md)) s
            LEFT JOIN hf_models t ON t.model_id = s.model_id""",
        {"md": files["md"]},
    )
    con.execute(
        """UPDATE hf_models AS t SET first_seen = least(t.first_seen, $day), last_seen = greatest(t.last_seen, $day)
           WHERE t.rowid IN (SELECT stored FROM compared_models WHERE same OR $day < stored_last)""",
        {"day": day},
    )
    # the new and the changed models, their metadata read again for them alone (a few thousand a day)
    con.execute(
        """CREATE OR REPLACE TEMP TABLE written_models AS
           SELECT m.model_id, m.author, CAST(m.created_at AS TIMESTAMPTZ) AS created_at,
                  CAST(m.last_modified AS TIMESTAMPTZ) AS last_modified, m.pipeline_tag, m.library_name, m.tags,
                  m.safetensors_total, m.gated, c.meta_hash, c.stored,
                  coalesce(least(c.stored_first, $day), $day) AS first_seen, $day AS last_seen, c.stored IS NULL AS is_new
           FROM read_parquet($md) m
           JOIN (SELECT * FROM compared_models WHERE stored IS NULL OR (NOT same AND $day >= stored_last)) c
             USING (model_id)""",
        {"day": day, "md": files["md"]},
    )
    # A stager gives each model once (HfStage); twice, a changed model would be written from one row
    # and hashed from another. Checked on the written rows only (a few thousand, not 2.5 million).
    twice = con.execute(
        "SELECT any_value(model_id) FROM written_models GROUP BY model_id HAVING count(*) > 1 LIMIT 1"
    ).fetchone()
    if twice:
        raise CollectorError(f"the staged models list {twice[0]} more than once: nothing stored (a staging fault)")
    # what the after-commit step re-attributes from: models whose metadata is written (new or changed)
    con.execute("INSERT INTO internal.hf_touched SELECT model_id FROM written_models")
    # A changed model's row is updated where it is, not deleted and written again: DuckDB updates plain
    # columns in place, but a deleted row leaves a hole that a later checkpoint closes by rewriting
    # the table's row groups (about 1.5 s a day for a full Hub). A list (the tags) cannot be updated
    # in place (DuckDB deletes and appends the row), so the tags are set only where they changed.
    con.execute(
        f"""UPDATE hf_models AS t SET {", ".join(f"{c} = s.{c}" for c in _IN_PLACE)}
            FROM written_models s WHERE NOT s.is_new AND t.rowid = s.stored"""
    )
    con.execute(
        """UPDATE hf_models AS t SET tags = s.tags
           FROM written_models s WHERE NOT s.is_new AND t.rowid = s.stored AND t.tags IS DISTINCT FROM s.tags"""
    )
    con.execute("INSERT INTO hf_models BY NAME SELECT * EXCLUDE (is_new, stored) FROM written_models WHERE is_new")
    for table in ("compared_models", "written_models"):
        con.execute(f"DROP TABLE {table}")
    # One join of the staged and the stored edges (2.3 million each for a full Hub): each staged edge
    # with its stored row's id, if any. The staged edges are distinct (HfStage).
    con.execute(
        """CREATE OR REPLACE TEMP TABLE compared_edges AS
           SELECT s.child_id, s.parent_id, s.relation, t.rowid AS stored, t.first_seen, t.last_seen
           FROM (SELECT child_id, parent_id, relation FROM read_parquet($ln)) s
           LEFT JOIN hf_lineage t ON t.child_id = s.child_id AND t.parent_id = s.parent_id AND t.relation = s.relation""",
        {"ln": files["ln"]},
    )
    # the edges not stored before: their children are touched (the after-commit step re-attributes
    # from them), and their ids are numbered now (the listing's were by storage.append; an edge's ids
    # were numbered when it was first stored), so that the after-commit step need not look for
    # unnumbered ids in every table
    con.execute("INSERT INTO internal.hf_touched SELECT DISTINCT child_id FROM compared_edges WHERE stored IS NULL")
    storage.register_ids(
        con,
        "SELECT child_id AS model_id FROM compared_edges WHERE stored IS NULL "
        "UNION SELECT parent_id FROM compared_edges WHERE stored IS NULL",
    )
    # the stored edges seen again widen their span (only where it grows: most were seen the day before)
    con.execute(
        """UPDATE hf_lineage AS t SET first_seen = least(t.first_seen, $day), last_seen = greatest(t.last_seen, $day)
           WHERE t.rowid IN (SELECT stored FROM compared_edges WHERE first_seen > $day OR last_seen < $day)""",
        {"day": day},
    )
    con.execute(
        """INSERT INTO hf_lineage (child_id, parent_id, relation, first_seen, last_seen)
           SELECT child_id, parent_id, relation, $day, $day FROM compared_edges WHERE stored IS NULL""",
        {"day": day},
    )
    con.execute("DROP TABLE compared_edges")
    return {
        "hf_snapshots": len(scopes),
        "hf_model_downloads": stage.downloads.rows,
        "hf_counters": counter_rows,
        "hf_models": stage.models.rows,
        "hf_lineage": stage.lineage.rows,
        "replaced_snapshots": replaced,
    }
