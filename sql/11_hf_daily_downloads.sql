-- hf_daily_downloads: one row per model and snapshot day, whichever scopes listed it that day
-- (a model can be in 'author:Qwen' and 'top_downloads:1000'; the counters of the latest-finished
-- listing are kept, and an id under a renamed namespace gives way to the current id).
-- Counters are as observed: never clamped, never smoothed.
-- Columns: snapshot_date, model_id (canonical), model_key, downloads_30d, downloads_all_time,
-- as_of (when that listing finished), scopes (the day's scopes that listed it), top_rank (rank in a
-- 'top_downloads:N' listing that day, else NULL).
CREATE OR REPLACE VIEW hf_daily_downloads AS
WITH observed AS (
    SELECT s.snapshot_date, s.scope, s.as_of, s.snapshot_id, d.model_id, d.rank,
           d.downloads_30d, d.downloads_all_time
    FROM hf_model_downloads d
    JOIN hf_snapshots s USING (snapshot_id)
),
keyed AS (
    SELECT o.*, i.canonical_id, i.model_key, i.renamed_from IS NOT NULL AS old_id
    FROM observed o
    JOIN hf_model_ids i USING (model_id)
),
picked AS (
    SELECT * FROM keyed
    QUALIFY row_number() OVER (PARTITION BY snapshot_date, model_key
                               ORDER BY old_id, as_of DESC, snapshot_id DESC) = 1
),
listed_by AS (
    SELECT snapshot_date, model_key,
           list_sort(list(DISTINCT scope)) AS scopes,
           min(rank) FILTER (WHERE starts_with(scope, 'top_downloads:')) AS top_rank
    FROM keyed
    GROUP BY snapshot_date, model_key
)
SELECT p.snapshot_date, p.canonical_id AS model_id, p.model_key, p.downloads_30d, p.downloads_all_time,
       p.as_of, l.scopes, l.top_rank
FROM picked p
JOIN listed_by l USING (snapshot_date, model_key);
