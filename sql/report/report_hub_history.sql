-- report_hub_history(kind, name, as_of_date): the Hub series behind a claim's chart, one row per snapshot
-- day known on as_of_date (NULL = all), for a family (kind 'family', e.g. 'Llama') or a maker's country
-- (kind 'country', e.g. 'China'), in both scopes ('first-party', 'with derivatives'). Read from the
-- roll-ups (hf_downloads_by_family, hf_downloads_by_country), so a year of days is a few thousand rows.
-- full_hub is true on days whose set is a full-Hub dump (the totals are then Hub-wide).
-- Columns: snapshot_date, scope, downloads_30d, downloads_all_time, models, as_of, full_hub, coverage.
CREATE OR REPLACE MACRO report_hub_history(kind, name, as_of_date := NULL) AS TABLE
WITH source AS (
    SELECT snapshot_date, scope, downloads_30d, downloads_all_time, models, as_of, coverage
    FROM hf_downloads_by_family WHERE kind = 'family' AND family = name
    UNION ALL
    SELECT snapshot_date, scope, downloads_30d, downloads_all_time, models, as_of, coverage
    FROM hf_downloads_by_country WHERE kind = 'country' AND country = name
),
known AS (
    SELECT * FROM source WHERE as_of_date IS NULL OR snapshot_date <= CAST(as_of_date AS DATE)
)
SELECT k.snapshot_date, k.scope, k.downloads_30d, k.downloads_all_time, k.models, fmt_utc(k.as_of) AS as_of,
       coalesce(list_contains(s.scopes, 'full_hub'), false) AS full_hub, k.coverage
FROM known k
LEFT JOIN hf_snapshot_sets s USING (snapshot_date)
ORDER BY k.snapshot_date, k.scope;
COMMENT ON MACRO TABLE report_hub_history IS 'report_hub_history(kind, name, as_of_date): Hub downloads per snapshot day for a family (kind ''family'') or a maker country (kind ''country''), both scopes, known on as_of_date; columns: snapshot_date, scope, downloads_30d, downloads_all_time, models, as_of, full_hub, coverage';
