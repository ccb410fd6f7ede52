-- hf_daily_downloads_for(days, keys): the rows of hf_daily_downloads for the snapshot days in the list
-- `days` and the model keys in the list `keys` (NULL: all). Reading one day or a few models reads
-- only their listings and counters; a scope's newest day reads the cached latest counters
-- (hf_counter_state) instead of the history. The claims and the daily roll-ups use it.
-- Columns: those of hf_daily_downloads.
CREATE OR REPLACE MACRO hf_daily_downloads_for(days, keys) AS TABLE
WITH ids AS (
    SELECT k.model_no, i.canonical_id, i.model_key, i.renamed_from IS NOT NULL AS old_id
    FROM hf_model_keys k
    JOIN hf_model_ids i USING (model_id)
    WHERE keys IS NULL OR list_contains(keys, i.model_key)
),
snapshots AS (
    SELECT snapshot_id, scope, snapshot_date, as_of, newest FROM (
        SELECT *, snapshot_date = max(snapshot_date) OVER (PARTITION BY scope) AS newest FROM hf_snapshots)
    WHERE days IS NULL OR list_contains(days, snapshot_date)
),
listed AS MATERIALIZED (
    SELECT s.*, l.model_no, l.rank, i.canonical_id, i.model_key, i.old_id
    FROM hf_listings l
    JOIN snapshots s USING (snapshot_id)
    JOIN ids i USING (model_no)
),
older_days AS (
    SELECT max(snapshot_date) AS last_day FROM listed WHERE NOT newest
),
counted AS (   -- history, only as far as the older days asked for need it
    SELECT s.scope, s.snapshot_date, c.model_no, c.downloads_30d, c.downloads_all_time
    FROM hf_counters c
    JOIN hf_snapshots s USING (snapshot_id)
    WHERE s.snapshot_date <= (SELECT last_day FROM older_days)
      AND (keys IS NULL OR c.model_no IN (SELECT model_no FROM ids))
),
observed AS MATERIALIZED (
    -- a scope's newest snapshot: its counters are the cached latest row (hf_counter_state)
    SELECT l.*, c.downloads_30d, c.downloads_all_time
    FROM listed l
    JOIN hf_counter_state c ON c.scope = l.scope AND c.model_no = l.model_no
    WHERE l.newest
    UNION ALL
    -- an older one: its latest counter row of the scope at or before the day
    SELECT l.*, c.downloads_30d, c.downloads_all_time
    FROM (SELECT * FROM listed WHERE NOT newest) l
    ASOF JOIN counted c ON c.scope = l.scope AND c.model_no = l.model_no AND l.snapshot_date >= c.snapshot_date
),
picked AS (
    SELECT * FROM observed
    QUALIFY row_number() OVER (PARTITION BY snapshot_date, model_key
                               ORDER BY old_id, as_of DESC, snapshot_id DESC) = 1
),
listed_by AS (
    SELECT snapshot_date, model_key,
           list_sort(list(DISTINCT scope)) AS scopes,
           min(rank) FILTER (WHERE starts_with(scope, 'top_downloads:')) AS top_rank
    FROM observed
    GROUP BY snapshot_date, model_key
)
SELECT p.snapshot_date, p.canonical_id AS model_id, p.model_key, p.downloads_30d, p.downloads_all_time,
       p.as_of, l.scopes, l.top_rank
FROM picked p
JOIN listed_by l USING (snapshot_date, model_key);
