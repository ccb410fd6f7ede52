-- hf_daily_downloads_from(observed, ids): the rows of hf_daily_downloads made from the listings with their
-- counters in the table or CTE named `observed` (a string), one row per snapshot and model listed, with
-- the columns snapshot_id, snapshot_date, scope, as_of, rank, model_no, downloads_30d, downloads_all_time
-- (the counters the listing had: its scope's latest counter row at or before its day); `ids` names the
-- internal.hf_ids rows to read (the table itself, or a CTE of the few models asked for: a join with
-- the whole table builds a hash of every id, even for a dozen listed models). The one place
-- that turns listings into a day's rows: hf_daily_downloads_for passes its CTEs 'observed' and 'ids',
-- and the replay of collector/sources/hf/replay.py its CTE 'hf_replay_observed' and
-- 'internal.hf_ids', so that a day rolled up on its own and a day replayed from the previous day's
-- state give the same rows.
CREATE OR REPLACE MACRO hf_daily_downloads_from(observed, ids) AS TABLE
WITH keyed AS MATERIALIZED (   -- key_no: one number per model_key (case, renamed namespaces); read three times
    SELECT o.snapshot_id, o.snapshot_date, o.scope, o.as_of, o.rank, o.model_no, o.downloads_30d,
           o.downloads_all_time, i.key_no, i.renamed_from IS NOT NULL AS old_id
    FROM query_table(observed) o
    JOIN (SELECT model_no, key_no, renamed_from FROM query_table(ids)) i USING (model_no)
),
shared AS (   -- the days and models listed more than once (by several scopes, under several ids): few
    SELECT snapshot_date, key_no FROM keyed GROUP BY snapshot_date, key_no HAVING count(*) > 1
),
once AS (   -- the rest need no aggregate (lists and arg_max over most rows would cost time and memory)
    SELECT k.snapshot_date, k.model_no, k.downloads_30d, k.downloads_all_time, k.as_of, [k.scope] AS scopes,
           CASE WHEN starts_with(k.scope, 'top_downloads:') THEN k.rank END AS top_rank
    FROM keyed k
    ANTI JOIN shared s USING (snapshot_date, key_no)
),
several AS (
    -- One row per day and model: the counters of the listing that finished last that day, an id
    -- under a renamed namespace giving way to the current one (the struct keeps NULL counters:
    -- arg_max of a bare column would skip them); its ids share one model_key
    SELECT k.snapshot_date, any_value(k.model_no) AS model_no,
           arg_max({'downloads_30d': k.downloads_30d, 'downloads_all_time': k.downloads_all_time, 'as_of': k.as_of},
                   row(NOT k.old_id, k.as_of, k.snapshot_id)) AS v,
           list_sort(list_distinct(list(k.scope))) AS scopes,   -- (list_distinct: cheaper than DISTINCT; a scope is never NULL)
           min(k.rank) FILTER (WHERE starts_with(k.scope, 'top_downloads:')) AS top_rank
    FROM keyed k
    SEMI JOIN shared s USING (snapshot_date, key_no)
    GROUP BY k.snapshot_date, k.key_no
),
day_rows AS (
    SELECT * FROM once
    UNION ALL
    SELECT snapshot_date, model_no, v.downloads_30d, v.downloads_all_time, v.as_of, scopes, top_rank FROM several
)
SELECT d.snapshot_date, i.canonical_id AS model_id, i.model_key, d.downloads_30d, d.downloads_all_time, d.as_of,
       d.scopes, d.top_rank
FROM day_rows d
JOIN query_table(ids) i USING (model_no);
COMMENT ON MACRO TABLE hf_daily_downloads_from IS 'hf_daily_downloads_from(observed, ids): the rows of hf_daily_downloads made from the listings with their counters in the table or CTE named `observed` (a string), one row per snapshot and model listed; `ids` names the internal.hf_ids rows of those models (the table itself, or a CTE of the few asked for)';
