-- hf_daily_downloads_for(days, keys): the rows of hf_daily_downloads for the snapshot days in the list
-- `days` and the model keys in the list `keys` (NULL: all). Reading one day or a few models reads
-- only their listings and counters; a scope's newest day reads the cached latest counters
-- (internal.hf_counter_state) instead of the history. The claims and the after-commit roll-ups use
-- it; a full re-attribution replays the days instead (collector/sources/hf/rollups.py), and both
-- make the day's rows with hf_daily_downloads_from.
-- Columns: those of hf_daily_downloads.
CREATE OR REPLACE MACRO hf_daily_downloads_for(days, keys) AS TABLE
WITH asked AS (   -- `keys` once: it may be a subquery's list, which must not be copied into every row
    SELECT keys IS NULL AS every_model
),
asked_keys AS (
    SELECT DISTINCT unnest(CAST(keys AS VARCHAR[])) AS model_key   -- (typed: keys may be a bare NULL)
),
key_ids AS (   -- the ids of the keys asked for (none when every model is)
    SELECT i.model_no, i.key_no, i.renamed_from, i.canonical_id, i.model_key
    FROM asked_keys k JOIN internal.hf_ids i USING (model_key)
),
ids AS (   -- the ids of the models asked for, for hf_daily_downloads_from: every id, or the few keys'
    SELECT model_no, key_no, renamed_from, canonical_id, model_key FROM internal.hf_ids
    WHERE (SELECT every_model FROM asked)
    UNION ALL
    SELECT * FROM key_ids
),
every_snapshot AS (   -- scopes numbered, so that the history below carries integers, not strings
    SELECT snapshot_id, scope, snapshot_date, as_of, dense_rank() OVER (ORDER BY scope) AS scope_no,
           snapshot_date = max(snapshot_date) OVER (PARTITION BY scope) AS newest
    FROM hf_snapshots
),
snapshots AS (
    SELECT * FROM every_snapshot WHERE days IS NULL OR list_contains(days, snapshot_date)
),
listed AS MATERIALIZED (   -- the ids join again in hf_daily_downloads_from: here they only filter
    SELECT s.*, l.model_no, l.rank
    FROM internal.hf_listings l
    JOIN snapshots s USING (snapshot_id)
    WHERE (SELECT every_model FROM asked) OR l.model_no IN (SELECT model_no FROM key_ids)
),
older_days AS (
    SELECT min(snapshot_date) AS first_day, max(snapshot_date) AS last_day FROM listed WHERE NOT newest
),
history_snapshots AS MATERIALIZED (   -- the snapshots up to the last older day asked for (often none)
    SELECT snapshot_id, scope_no, snapshot_date FROM every_snapshot
    WHERE snapshot_date <= (SELECT last_day FROM older_days)
),
history AS NOT MATERIALIZED (   -- their counter rows (the join skips internal.hf_counters when there are none)
    SELECT s.scope_no, s.snapshot_date, c.model_no, c.downloads_30d, c.downloads_all_time
    FROM internal.hf_counters c
    JOIN history_snapshots s USING (snapshot_id)
    WHERE (SELECT every_model FROM asked) OR c.model_no IN (SELECT model_no FROM key_ids)
),
latest_before AS (   -- each scope and model's last row on or before the first older day (integers only)
    SELECT scope_no, model_no, max(snapshot_date) AS snapshot_date
    FROM history
    WHERE snapshot_date <= (SELECT first_day FROM older_days)
    GROUP BY scope_no, model_no
),
counted AS (
    -- only as much history as the older days need: those last rows, then the rows up to the last day
    -- (bounded memory however long the history)
    SELECT h.* FROM history h JOIN latest_before USING (scope_no, model_no, snapshot_date)
    UNION ALL
    SELECT * FROM history WHERE snapshot_date > (SELECT first_day FROM older_days)
),
observed AS (   -- read once, by hf_daily_downloads_from
    -- a scope's newest snapshot: its counters are the cached latest row (internal.hf_counter_state)
    SELECT l.*, c.downloads_30d, c.downloads_all_time
    FROM listed l
    JOIN (SELECT * FROM internal.hf_counter_state
          WHERE (SELECT every_model FROM asked) OR model_no IN (SELECT model_no FROM key_ids)) c
      ON c.scope = l.scope AND c.model_no = l.model_no
    WHERE l.newest
    UNION ALL
    -- an older one: its latest counter row of the scope at or before the day
    SELECT l.*, c.downloads_30d, c.downloads_all_time
    FROM (SELECT * FROM listed WHERE NOT newest) l
    ASOF JOIN counted c ON c.scope_no = l.scope_no AND c.model_no = l.model_no AND l.snapshot_date >= c.snapshot_date
)
-- One row per day and model, made as every roll-up makes it (see that macro)
SELECT * FROM hf_daily_downloads_from('observed', 'ids');
COMMENT ON MACRO TABLE hf_daily_downloads_for IS 'hf_daily_downloads_for(days, keys): the rows of hf_daily_downloads for the snapshot days in the list `days` and the model keys in the list `keys` (NULL: all)';
