-- hf_downloads_by_country_from(day_rows, by_organisation, sets): the rows of hf_downloads_by_country for the days
-- of the table named day_rows (those days' hf_daily_downloads rows: collector/sources/hf/rollups.py passes its
-- temporary table 'hf_day_rows', made once a batch), summing the table named by_organisation (those days'
-- hf_downloads_by_organisation rows: rollups.py passes 'internal.hf_rollup_organisation', written just before,
-- so that the organisations are not computed twice), with each day's as_of and coverage from the table named
-- sets (hf_snapshot_sets rows: 'internal.hf_rollup_sets'). hf_downloads_by_country reads them as rolled up
-- when each day was written. It computes the set totals and hands them to hf_downloads_by_country_of.
-- hf_downloads_by_country: Hub downloads per country of the maker and snapshot day, in the two scopes
-- of hf_downloads_by_organisation ('first-party', 'with derivatives'), with the share of the 30-day
-- downloads of every model collected that day (in 'first-party' the shares leave out repackagers'
-- and community uploads, so they add up to less than 1; in 'with derivatives' they add up to 1,
-- 'unknown' included).
-- Columns: snapshot_date, country, scope, models, downloads_30d, downloads_all_time, share_30d,
-- lm_downloads_30d, lm_downloads_all_time, lm_share_30d (of the language models' 30-day downloads),
-- as_of, coverage.
CREATE OR REPLACE MACRO hf_downloads_by_country_from(day_rows, by_organisation, sets) AS TABLE
WITH day_set_totals AS (   -- the denominators of the shares: a day without attributed rows has no country rows
    SELECT d.snapshot_date,
           sum(d.downloads_30d) AS downloads_30d,
           sum(d.downloads_30d) FILTER (WHERE a.language_model) AS lm_downloads_30d
    FROM query_table(day_rows) d
    JOIN (   -- a model once: a model of one family (weight 1) has one row, a merge's rows are grouped
        SELECT model_key, language_model FROM internal.hf_attribution WHERE family_weight >= 1
        UNION ALL
        SELECT model_key, any_value(language_model) FROM internal.hf_attribution WHERE family_weight < 1 GROUP BY model_key
    ) a USING (model_key)
    GROUP BY d.snapshot_date
)
SELECT * FROM hf_downloads_by_country_of('day_set_totals', by_organisation, sets);
COMMENT ON MACRO TABLE hf_downloads_by_country_from IS 'hf_downloads_by_country_from(day_rows, by_organisation, sets): the rows of hf_downloads_by_country for the days of the table named day_rows (those days'' hf_daily_downloads rows), summing the table named by_organisation (those days'' hf_downloads_by_organisation rows), with each day''s as_of and coverage from the table named sets';
