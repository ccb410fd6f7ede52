-- claim_threshold_series: every Hub snapshot day's figure for every scope of every threshold claim
-- (claim_threshold_scopes), with what makes it complete: a first-party figure is complete when every
-- developer namespace of the subject (ref.families for a family; the developer namespaces of the
-- organisation, or of every organisation of the country) listed models that day (claim_hf_days.crawled),
-- or on a full-Hub day; a figure with derivatives is always a lower bound (undeclared lineage).
-- Columns: the columns of claim_threshold_scopes, snapshot_date, as_of, citation, coverage, days_after
-- (snapshot_date - dated), value, models_counted, passes, complete, namespaces (how many the subject
-- has), crawled (how many listed models that day), empty_namespaces (text, NULL when none),
-- hub_total (the Hub-wide total of the metric on a full-Hub day, else NULL).
CREATE OR REPLACE VIEW claim_threshold_series AS
WITH subjects AS (
    SELECT DISTINCT claim_id, subject_kind, subject FROM claim_threshold_scopes
),
subject_namespaces AS (
    SELECT s.claim_id, f.namespace
    FROM subjects s JOIN ref.families f ON s.subject_kind = 'family' AND f.family = s.subject
    UNION
    SELECT s.claim_id, n.namespace
    FROM subjects s
    JOIN ref.organisations o ON (s.subject_kind = 'country' AND o.country = s.subject)
                             OR (s.subject_kind = 'organisation' AND o.organisation = s.subject)
    JOIN ref.hf_namespaces n ON n.organisation = o.organisation AND n.role = 'developer'
),
crawl AS (
    SELECT s.claim_id, d.snapshot_date,
           count(n.namespace) AS namespaces,
           count(n.namespace) FILTER (WHERE d.full_hub OR list_contains(d.crawled, n.namespace)) AS crawled,
           string_agg(n.namespace, ', ' ORDER BY n.namespace)
               FILTER (WHERE NOT d.full_hub AND list_contains(d.empty_namespaces, n.namespace)) AS empty_namespaces
    FROM subjects s
    CROSS JOIN claim_hf_days d
    LEFT JOIN subject_namespaces n ON n.claim_id = s.claim_id
    GROUP BY ALL
),
figures AS (
    SELECT 'family' AS subject_kind, family AS subject, snapshot_date, scope, models, downloads_30d,
           downloads_all_time, lm_models, lm_downloads_30d, lm_downloads_all_time
    FROM hf_downloads_by_family WHERE family IN (SELECT subject FROM subjects WHERE subject_kind = 'family')
    UNION ALL
    SELECT 'organisation', organisation, snapshot_date, scope, models, downloads_30d, downloads_all_time, lm_models,
           lm_downloads_30d, lm_downloads_all_time
    FROM hf_downloads_by_organisation
    WHERE organisation IN (SELECT subject FROM subjects WHERE subject_kind = 'organisation')
    UNION ALL
    SELECT 'country', country, snapshot_date, scope, models, downloads_30d, downloads_all_time, NULL, lm_downloads_30d,
           lm_downloads_all_time
    FROM hf_downloads_by_country WHERE country IN (SELECT subject FROM subjects WHERE subject_kind = 'country')
)
SELECT s.*, d.snapshot_date, d.as_of, d.citation, d.coverage,
       d.snapshot_date - s.dated AS days_after,
       coalesce(CASE WHEN s.language_models_only AND s.metric = 'downloads_30d' THEN f.lm_downloads_30d
                     WHEN s.language_models_only THEN f.lm_downloads_all_time
                     WHEN s.metric = 'downloads_30d' THEN f.downloads_30d
                     ELSE f.downloads_all_time END, 0) AS value,
       coalesce(CASE WHEN s.language_models_only THEN f.lm_models ELSE f.models END, f.models, 0) AS models_counted,
       CASE WHEN s.strict THEN value > s.threshold ELSE value >= s.threshold END AS passes,
       s.attribution = 'first-party' AND (d.full_hub OR (c.namespaces > 0 AND c.crawled = c.namespaces)) AS complete,
       c.namespaces, c.crawled, c.empty_namespaces,
       CASE WHEN d.full_hub AND NOT s.language_models_only THEN
                CASE WHEN s.metric = 'downloads_30d' THEN d.hub_downloads_30d ELSE d.hub_downloads_all_time END END
           AS hub_total
FROM claim_threshold_scopes s
CROSS JOIN claim_hf_days d
LEFT JOIN figures f ON f.subject_kind = s.subject_kind AND f.subject = s.subject AND f.snapshot_date = d.snapshot_date
                   AND f.scope = s.attribution
LEFT JOIN crawl c ON c.claim_id = s.claim_id AND c.snapshot_date = d.snapshot_date;
COMMENT ON VIEW claim_threshold_series IS 'Every Hub snapshot day''s figure for every scope of every threshold claim (claim_threshold_scopes), with what makes it complete (every developer namespace of the subject listed models that day, or a full-Hub day)';
