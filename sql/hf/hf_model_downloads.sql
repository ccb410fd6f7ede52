-- hf_model_downloads: every model of every Hub snapshot with the counters observed in it, one row per
-- snapshot and model (the columns of the table it replaced in schema version 4). The store keeps
-- listings in full and counters only when they change (collector/sources/hf/storage.py); this view puts them
-- back together: a listed model's counters are its latest row of the same scope at or before that day.
-- Reading every day of a large store is a big join: filter on snapshot_id or a day where you can.
-- Columns: snapshot_id, model_id, rank (1-based position in the listing), downloads_30d (last 30 days),
-- downloads_all_time, likes, trending_score.
CREATE OR REPLACE VIEW hf_model_downloads AS
WITH listed AS (
    SELECT l.snapshot_id, s.scope, s.snapshot_date, l.model_no, l.rank
    FROM internal.hf_listings l
    JOIN hf_snapshots s USING (snapshot_id)
),
counted AS (
    SELECT s.scope, s.snapshot_date, c.model_no, c.downloads_30d, c.downloads_all_time, c.likes, c.trending_score
    FROM internal.hf_counters c
    JOIN hf_snapshots s USING (snapshot_id)
)
SELECT l.snapshot_id, k.model_id, l.rank, c.downloads_30d, c.downloads_all_time, c.likes, c.trending_score
FROM listed l
ASOF JOIN counted c ON c.scope = l.scope AND c.model_no = l.model_no AND l.snapshot_date >= c.snapshot_date
JOIN internal.hf_model_keys k ON k.model_no = l.model_no;
COMMENT ON VIEW hf_model_downloads IS 'Every model of every Hub snapshot with the counters observed in it (30-day and all-time downloads, likes, trending score), one row per snapshot and model';
