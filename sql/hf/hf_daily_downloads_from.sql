-- hf_daily_downloads_from(observed): the rows of hf_daily_downloads made from the listings with their
-- counters in the table or CTE named `observed` (a string), one row per snapshot and model listed, with
-- the columns snapshot_id, snapshot_date, scope, as_of, rank, model_no, downloads_30d, downloads_all_time
-- (the counters the listing had: its scope's latest counter row at or before its day). The one place
-- that turns listings into a day's rows: hf_daily_downloads_for passes its CTE 'observed', and the
-- replay of collector/sources/hf/rollups.py its temporary table 'hf_replay_observed', so that a day
-- rolled up on its own and a day replayed from the previous day's state give the same rows.
CREATE OR REPLACE MACRO hf_daily_downloads_from(observed) AS TABLE
WITH listed AS (
    SELECT o.snapshot_id, o.snapshot_date, o.scope, o.as_of, o.rank, o.downloads_30d, o.downloads_all_time,
           i.key_no, i.canonical_id, i.model_key, i.renamed_from IS NOT NULL AS old_id
    FROM query_table(observed) o
    JOIN internal.hf_ids i USING (model_no)
),
per_key AS (
    -- One row per day and model (key_no: one number per model_key): the counters of the listing that
    -- finished last that day, an id under a renamed namespace giving way to the current one (the struct
    -- keeps NULL counters: arg_max of a bare column would skip them).
    SELECT snapshot_date, key_no, any_value(canonical_id) AS canonical_id, any_value(model_key) AS model_key,
           arg_max({'downloads_30d': downloads_30d, 'downloads_all_time': downloads_all_time, 'as_of': as_of},
                   row(NOT old_id, as_of, snapshot_id)) AS v,
           list_sort(list(DISTINCT scope)) AS scopes,
           min(rank) FILTER (WHERE starts_with(scope, 'top_downloads:')) AS top_rank
    FROM listed
    GROUP BY snapshot_date, key_no
)
SELECT snapshot_date, canonical_id AS model_id, model_key,
       v.downloads_30d, v.downloads_all_time, v.as_of, scopes, top_rank
FROM per_key;
COMMENT ON MACRO TABLE hf_daily_downloads_from IS 'hf_daily_downloads_from(observed): the rows of hf_daily_downloads made from the listings with their counters in the table or CTE named `observed` (a string), one row per snapshot and model listed';
