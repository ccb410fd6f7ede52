-- hf_daily_downloads: one row per model and snapshot day, whichever scopes listed it that day
-- (a model can be in 'author:Qwen' and 'top_downloads:1000'; the counters of the latest-finished
-- listing are kept, and an id under a renamed namespace gives way to the current id).
-- Counters are as observed: never clamped, never smoothed. Every day of a large store is a big read:
-- hf_daily_downloads_for(days, keys) reads only the days or models asked for.
-- Columns: snapshot_date, model_id (canonical), model_key, downloads_30d, downloads_all_time,
-- as_of (when that listing finished), scopes (the day's scopes that listed it), top_rank (rank in a
-- 'top_downloads:N' listing that day, else NULL).
CREATE OR REPLACE VIEW hf_daily_downloads AS
SELECT * FROM hf_daily_downloads_for(NULL, NULL);
COMMENT ON VIEW hf_daily_downloads IS 'One row per model and Hub snapshot day, whichever scopes listed it that day (the latest-finished listing''s counters; renamed ids merged); every day is a big read on a large store: hf_daily_downloads_for(days, keys) reads a few days or models';
