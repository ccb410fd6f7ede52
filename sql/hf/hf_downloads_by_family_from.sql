-- hf_downloads_by_family_from(day_rows, sets): the rows of hf_downloads_by_family for the days of the table
-- named day_rows (those days' hf_daily_downloads rows: collector/sources/hf/rollups.py passes its temporary
-- table 'hf_day_rows', made once a batch), with each day's as_of and coverage from the table named sets
-- (hf_snapshot_sets rows of those days: rollups.py passes 'internal.hf_rollup_sets', written just before).
-- hf_downloads_by_family reads them as rolled up when each day was written.
-- hf_downloads_by_family: Hub downloads per family and snapshot day, in two scopes:
--   * 'first-party': the family's own repos (ref.families: namespace + repo-name pattern).
--   * 'with derivatives': every collected model that reaches the family through lineage (fine-tunes,
--     quantizations, adapters, merges; transitively), the first-party repos included. A merge counts
--     for each parent family with its share (downloads x weight, rounded; see hf_model_family).
-- Only the models collected that day are counted (see coverage); family 'other' holds the rest.
-- Counters are summed as observed (a missing counter counts as nothing).
-- Columns: snapshot_date, family, scope, models, downloads_30d, downloads_all_time,
-- lm_models, lm_downloads_30d, lm_downloads_all_time (language models only), as_of, coverage.
CREATE OR REPLACE MACRO hf_downloads_by_family_from(day_rows, sets) AS TABLE
WITH daily AS (
    SELECT d.snapshot_date, d.model_key, d.downloads_30d, d.downloads_all_time,
           a.family, a.family_weight, a.family_first_party, a.language_model
    FROM query_table(day_rows) d
    JOIN internal.hf_attribution a USING (model_key)
),
first_party AS (
    SELECT snapshot_date, family, 'first-party' AS scope,
           count(*) AS models,
           sum(downloads_30d) AS downloads_30d,
           sum(downloads_all_time) AS downloads_all_time,
           count(*) FILTER (WHERE language_model) AS lm_models,
           coalesce(sum(downloads_30d) FILTER (WHERE language_model), 0) AS lm_downloads_30d,
           coalesce(sum(downloads_all_time) FILTER (WHERE language_model), 0) AS lm_downloads_all_time
    FROM daily
    WHERE family_first_party
    GROUP BY snapshot_date, family
),
with_derivatives AS (
    SELECT snapshot_date, family, 'with derivatives' AS scope,
           count(*) AS models,
           CAST(round(sum(family_weight * downloads_30d)) AS BIGINT) AS downloads_30d,
           CAST(round(sum(family_weight * downloads_all_time)) AS BIGINT) AS downloads_all_time,
           count(*) FILTER (WHERE language_model) AS lm_models,
           coalesce(CAST(round(sum(family_weight * downloads_30d) FILTER (WHERE language_model)) AS BIGINT), 0)
               AS lm_downloads_30d,
           coalesce(CAST(round(sum(family_weight * downloads_all_time) FILTER (WHERE language_model)) AS BIGINT), 0)
               AS lm_downloads_all_time
    FROM daily
    GROUP BY snapshot_date, family
),
both_scopes AS (
    SELECT * FROM first_party UNION ALL SELECT * FROM with_derivatives
)
SELECT b.snapshot_date, b.family, b.scope, b.models, b.downloads_30d, b.downloads_all_time,
       b.lm_models, b.lm_downloads_30d, b.lm_downloads_all_time, s.as_of, s.coverage
FROM both_scopes b
JOIN query_table(sets) s USING (snapshot_date);
COMMENT ON MACRO TABLE hf_downloads_by_family_from IS 'hf_downloads_by_family_from(day_rows, sets): the rows of hf_downloads_by_family for the days of the table named day_rows (those days'' hf_daily_downloads rows), with each day''s as_of and coverage from the table named sets (hf_snapshot_sets rows of those days)';
