-- hf_family_download_deltas: per family and scope, the change of all-time downloads between two
-- successive snapshot days, summed over the models collected on both days only (a model entering or
-- leaving the collected set is counted in entered / left, never as downloads). Negative model deltas
-- are kept as observed and counted; a gap of more than a day is flagged, never spread.
-- Columns: snapshot_date, previous_date, days, family, scope ('first-party' | 'with derivatives'),
-- models_compared, delta_all_time, negative_models, models_entered, models_left, gap, as_of.
CREATE OR REPLACE VIEW hf_family_download_deltas AS
WITH days AS (
    SELECT snapshot_date, lag(snapshot_date) OVER (ORDER BY snapshot_date) AS previous_date, as_of
    FROM hf_snapshot_sets
),
today AS (
    SELECT d.snapshot_date, d.previous_date, m.model_key, m.downloads_all_time
    FROM days d JOIN hf_daily_downloads m USING (snapshot_date)
    WHERE d.previous_date IS NOT NULL
),
before AS (
    SELECT d.snapshot_date, d.previous_date, m.model_key, m.downloads_all_time
    FROM days d JOIN hf_daily_downloads m ON m.snapshot_date = d.previous_date
),
matched AS (
    SELECT coalesce(t.snapshot_date, b.snapshot_date) AS snapshot_date,
           coalesce(t.previous_date, b.previous_date) AS previous_date,
           coalesce(t.model_key, b.model_key) AS model_key,
           t.downloads_all_time AS now_all_time, b.downloads_all_time AS before_all_time,
           t.model_key IS NOT NULL AS in_today, b.model_key IS NOT NULL AS in_before
    FROM today t
    FULL JOIN before b ON b.snapshot_date = t.snapshot_date AND b.model_key = t.model_key
),
attributed AS (
    SELECT m.*, a.family, a.family_weight, a.family_first_party
    FROM matched m JOIN internal.hf_attribution a USING (model_key)   -- hf_model_attribution as kept by the Hub commits
),
scoped AS (
    SELECT *, 'first-party' AS scope, 1.0 AS weight FROM attributed WHERE family_first_party
    UNION ALL
    SELECT *, 'with derivatives' AS scope, family_weight AS weight FROM attributed
)
SELECT s.snapshot_date, s.previous_date, s.snapshot_date - s.previous_date AS days, s.family, s.scope,
       count(*) FILTER (WHERE in_today AND in_before) AS models_compared,
       CAST(round(sum(weight * (now_all_time - before_all_time)) FILTER (WHERE in_today AND in_before)) AS BIGINT)
           AS delta_all_time,
       count(*) FILTER (WHERE in_today AND in_before AND now_all_time < before_all_time) AS negative_models,
       count(*) FILTER (WHERE in_today AND NOT in_before) AS models_entered,
       count(*) FILTER (WHERE in_before AND NOT in_today) AS models_left,
       s.snapshot_date - s.previous_date > 1 AS gap,
       d.as_of
FROM scoped s
JOIN days d USING (snapshot_date)
GROUP BY s.snapshot_date, s.previous_date, s.family, s.scope, d.as_of
ORDER BY s.snapshot_date, s.scope, s.family;
COMMENT ON VIEW hf_family_download_deltas IS 'hf_family_download_deltas: per family and scope, the change of all-time downloads between two successive snapshot days, summed over the models collected on both days only (a model entering or leaving the collected set is counted in entered / left, never as downloads)';
