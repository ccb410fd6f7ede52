-- hf_downloads_by_organisation_from(day_rows): the rows of hf_downloads_by_organisation for the days of the table named day_rows
-- (those days' hf_daily_downloads rows, computed once a batch by collector/rollups.py); hf_downloads_by_organisation
-- reads them as rolled up when each day was written.
-- hf_downloads_by_organisation: Hub downloads per organisation (and its country) and snapshot day:
--   * 'first-party': models published under the organisation's developer namespaces (renamed
--     namespaces merged). Repackagers' and community uploads are not anyone's first-party.
--   * 'with derivatives': every collected model, attributed as in hf_model_attribution: developers'
--     models to the developer, repackagers' and community models through lineage to the organisation
--     of their base model's family (a merge shared among its parents), the rest to 'unknown'.
-- Only the models collected that day are counted (see coverage).
-- Columns: snapshot_date, organisation, country, scope, models, downloads_30d, downloads_all_time,
-- lm_models, lm_downloads_30d, lm_downloads_all_time (language models only), as_of, coverage.
CREATE OR REPLACE MACRO hf_downloads_by_organisation_from(day_rows) AS TABLE
WITH daily AS (
    SELECT d.snapshot_date, d.model_key, d.downloads_30d, d.downloads_all_time,
           a.publisher, a.first_party, a.organisation, a.country, a.family_weight, a.language_model
    FROM query_table(day_rows) d
    JOIN internal.hf_attribution a USING (model_key)
),
per_model_first_party AS (   -- one row per model (a developer's merge has one row per family share)
    SELECT snapshot_date, model_key, any_value(publisher) AS organisation,
           any_value(downloads_30d) AS downloads_30d, any_value(downloads_all_time) AS downloads_all_time,
           any_value(language_model) AS language_model
    FROM daily
    WHERE first_party
    GROUP BY snapshot_date, model_key
),
first_party AS (
    SELECT p.snapshot_date, p.organisation, coalesce(o.country, 'unknown') AS country, 'first-party' AS scope,
           count(*) AS models,
           sum(p.downloads_30d) AS downloads_30d,
           sum(p.downloads_all_time) AS downloads_all_time,
           count(*) FILTER (WHERE p.language_model) AS lm_models,
           coalesce(sum(p.downloads_30d) FILTER (WHERE p.language_model), 0) AS lm_downloads_30d,
           coalesce(sum(p.downloads_all_time) FILTER (WHERE p.language_model), 0) AS lm_downloads_all_time
    FROM per_model_first_party p
    LEFT JOIN ref.organisations o USING (organisation)
    GROUP BY p.snapshot_date, p.organisation, o.country
),
per_model_attributed AS (
    SELECT snapshot_date, model_key, organisation, any_value(country) AS country, sum(family_weight) AS weight,
           any_value(downloads_30d) AS downloads_30d, any_value(downloads_all_time) AS downloads_all_time,
           any_value(language_model) AS language_model
    FROM daily
    GROUP BY snapshot_date, model_key, organisation
),
with_derivatives AS (
    SELECT snapshot_date, organisation, country, 'with derivatives' AS scope,
           count(*) AS models,
           CAST(round(sum(weight * downloads_30d)) AS BIGINT) AS downloads_30d,
           CAST(round(sum(weight * downloads_all_time)) AS BIGINT) AS downloads_all_time,
           count(*) FILTER (WHERE language_model) AS lm_models,
           coalesce(CAST(round(sum(weight * downloads_30d) FILTER (WHERE language_model)) AS BIGINT), 0)
               AS lm_downloads_30d,
           coalesce(CAST(round(sum(weight * downloads_all_time) FILTER (WHERE language_model)) AS BIGINT), 0)
               AS lm_downloads_all_time
    FROM per_model_attributed
    GROUP BY snapshot_date, organisation, country
),
both_scopes AS (
    SELECT * FROM first_party UNION ALL SELECT * FROM with_derivatives
)
SELECT b.snapshot_date, b.organisation, b.country, b.scope, b.models, b.downloads_30d, b.downloads_all_time,
       b.lm_models, b.lm_downloads_30d, b.lm_downloads_all_time, s.as_of, s.coverage
FROM both_scopes b
JOIN internal.hf_rollup_sets s USING (snapshot_date);
COMMENT ON MACRO TABLE hf_downloads_by_organisation_from IS 'hf_downloads_by_organisation_from(day_rows): the rows of hf_downloads_by_organisation for the days of the table named day_rows (those days'' hf_daily_downloads rows, computed once a batch by collector/rollups.py)';
