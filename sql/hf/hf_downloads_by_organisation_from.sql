-- hf_downloads_by_organisation_from(day_rows, sets): the rows of hf_downloads_by_organisation for the days of the table
-- named day_rows (those days' hf_daily_downloads rows: collector/sources/hf/rollups.py passes its temporary
-- table 'hf_day_rows', made once a batch), with each day's as_of and coverage from the table named sets
-- (hf_snapshot_sets rows of those days: rollups.py passes 'internal.hf_rollup_sets', written just before).
-- hf_downloads_by_organisation reads them as rolled up when each day was written.
-- hf_downloads_by_organisation: Hub downloads per organisation (and its country) and snapshot day:
--   * 'first-party': models published under the organisation's developer namespaces (renamed
--     namespaces merged). Repackagers' and community uploads are not anyone's first-party.
--   * 'with derivatives': every collected model, attributed as in hf_model_attribution: developers'
--     models to the developer, repackagers' and community models through lineage to the organisation
--     of their base model's family (a merge shared among its parents), the rest to 'unknown'.
-- Only the models collected that day are counted (see coverage).
-- Columns: snapshot_date, organisation, country, scope, models, downloads_30d, downloads_all_time,
-- lm_models, lm_downloads_30d, lm_downloads_all_time (language models only), as_of, coverage.
CREATE OR REPLACE MACRO hf_downloads_by_organisation_from(day_rows, sets) AS TABLE
WITH first_party_models AS (   -- per model, not per day: a developer's merge has one row per family share
    SELECT model_key, any_value(publisher) AS organisation, any_value(language_model) AS language_model
    FROM internal.hf_attribution
    WHERE first_party
    GROUP BY model_key
),
attributed_models AS (   -- per model and organisation, not per day: a merge's shares of one organisation summed;
                         -- a model of one family (weight 1: its only row, the weights of a model add up to 1)
                         -- as it is (grouping a full Hub's 2.5 million keys cost more than the rest)
    SELECT model_key, organisation, country, family_weight AS weight, language_model
    FROM internal.hf_attribution
    WHERE family_weight >= 1
    UNION ALL
    SELECT model_key, organisation, any_value(country) AS country, sum(family_weight) AS weight,
           any_value(language_model) AS language_model
    FROM internal.hf_attribution
    WHERE family_weight < 1
    GROUP BY model_key, organisation
),
daily AS (   -- hf_daily_downloads has one row per day and model_key
    SELECT snapshot_date, model_key, downloads_30d, downloads_all_time FROM query_table(day_rows)
),
first_party AS (
    SELECT d.snapshot_date, p.organisation, coalesce(o.country, 'unknown') AS country, 'first-party' AS scope,
           count(*) AS models,
           sum(d.downloads_30d) AS downloads_30d,
           sum(d.downloads_all_time) AS downloads_all_time,
           count(*) FILTER (WHERE p.language_model) AS lm_models,
           coalesce(sum(d.downloads_30d) FILTER (WHERE p.language_model), 0) AS lm_downloads_30d,
           coalesce(sum(d.downloads_all_time) FILTER (WHERE p.language_model), 0) AS lm_downloads_all_time
    FROM daily d
    JOIN first_party_models p USING (model_key)
    LEFT JOIN ref.organisations o USING (organisation)
    GROUP BY d.snapshot_date, p.organisation, o.country
),
with_derivatives AS (
    SELECT d.snapshot_date, a.organisation, a.country, 'with derivatives' AS scope,
           count(*) AS models,
           CAST(round(sum(a.weight * d.downloads_30d)) AS BIGINT) AS downloads_30d,
           CAST(round(sum(a.weight * d.downloads_all_time)) AS BIGINT) AS downloads_all_time,
           count(*) FILTER (WHERE a.language_model) AS lm_models,
           coalesce(CAST(round(sum(a.weight * d.downloads_30d) FILTER (WHERE a.language_model)) AS BIGINT), 0)
               AS lm_downloads_30d,
           coalesce(CAST(round(sum(a.weight * d.downloads_all_time) FILTER (WHERE a.language_model)) AS BIGINT), 0)
               AS lm_downloads_all_time
    FROM daily d
    JOIN attributed_models a USING (model_key)
    GROUP BY d.snapshot_date, a.organisation, a.country
),
both_scopes AS (
    SELECT * FROM first_party UNION ALL SELECT * FROM with_derivatives
)
SELECT b.snapshot_date, b.organisation, b.country, b.scope, b.models, b.downloads_30d, b.downloads_all_time,
       b.lm_models, b.lm_downloads_30d, b.lm_downloads_all_time, s.as_of, s.coverage
FROM both_scopes b
JOIN query_table(sets) s USING (snapshot_date);
COMMENT ON MACRO TABLE hf_downloads_by_organisation_from IS 'hf_downloads_by_organisation_from(day_rows, sets): the rows of hf_downloads_by_organisation for the days of the table named day_rows (those days'' hf_daily_downloads rows), with each day''s as_of and coverage from the table named sets (hf_snapshot_sets rows of those days)';
