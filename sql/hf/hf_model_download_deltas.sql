-- hf_model_download_deltas: per model, the change of its all-time downloads between two successive
-- observations (successive snapshot days on which it was collected). Never clamped, never spread:
--   * negative = the Hub's counter went down (it happens); the delta is kept as observed.
--   * gap = the observations are more than a day apart (no collection, or the model was outside the
--     collected set in between); the delta covers all `days` and is not divided among them.
-- Columns: snapshot_date, model_id, model_key, previous_date, days, downloads_all_time,
-- previous_all_time, delta_all_time, downloads_30d, negative, gap, flag ('first observation' | 'ok' |
-- 'negative' | 'gap' | 'negative, gap' | 'missing counter'), as_of.
CREATE OR REPLACE VIEW hf_model_download_deltas AS
WITH paired AS (
    SELECT snapshot_date, model_id, model_key, downloads_all_time, downloads_30d, as_of,
           lag(snapshot_date) OVER w AS previous_date,
           lag(downloads_all_time) OVER w AS previous_all_time
    FROM hf_daily_downloads
    WINDOW w AS (PARTITION BY model_key ORDER BY snapshot_date)
),
measured AS (
    SELECT *, snapshot_date - previous_date AS days,
           downloads_all_time - previous_all_time AS delta_all_time
    FROM paired
)
SELECT snapshot_date, model_id, model_key, previous_date, days, downloads_all_time, previous_all_time,
       delta_all_time, downloads_30d,
       coalesce(delta_all_time < 0, false) AS negative,
       coalesce(days > 1, false) AS gap,
       CASE WHEN previous_date IS NULL THEN 'first observation'
            WHEN delta_all_time IS NULL THEN 'missing counter'
            ELSE coalesce(nullif(concat_ws(', ', CASE WHEN delta_all_time < 0 THEN 'negative' END,
                                                 CASE WHEN days > 1 THEN 'gap' END), ''), 'ok') END AS flag,
       as_of
FROM measured
ORDER BY model_key, snapshot_date;
COMMENT ON VIEW hf_model_download_deltas IS 'hf_model_download_deltas: per model, the change of its all-time downloads between two successive observations (successive snapshot days on which it was collected)';
