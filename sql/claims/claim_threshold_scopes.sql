-- claim_threshold_scopes: the claims of kind 'threshold' (ref.claims) with their parameters read, one
-- row per scope each is measured in: first-party and with derivatives, all models and (models=all,language)
-- language models only.
-- Columns: claim_no, claim_id, statement, source, dated, tol (tolerance in days), subject_kind ('family' |
-- 'organisation' | 'country'), subject, subject_label, metric, metric_label, strict, op, threshold,
-- scope_no, attribution ('first-party' | 'with derivatives'), language_models_only.
CREATE OR REPLACE VIEW claim_threshold_scopes AS
WITH claim AS (
    SELECT claim_no, claim_id, statement, source, CAST(dated AS DATE) AS dated, claim_tolerance_days(tolerance) AS tol,
           split_part(claim_param(params, 'subject'), ':', 1) AS subject_kind,
           substr(claim_param(params, 'subject'), strpos(claim_param(params, 'subject'), ':') + 1) AS subject,
           claim_param(params, 'metric') AS metric,
           claim_param(params, 'op') AS op,
           TRY_CAST(claim_param(params, 'value') AS HUGEINT) AS threshold,
           list_contains(string_split(coalesce(claim_param(params, 'models'), 'all'), ','), 'language') AS with_language
    FROM ref.claims
    WHERE kind = 'threshold'
)
SELECT c.claim_no, c.claim_id, c.statement, c.source, c.dated, c.tol, c.subject_kind, c.subject,
       CASE c.subject_kind WHEN 'family' THEN c.subject || ' family'
                           WHEN 'country' THEN 'makers in ' || c.subject
                           ELSE c.subject END AS subject_label,
       c.metric,
       CASE c.metric WHEN 'downloads_30d' THEN '30-day downloads' ELSE 'all-time downloads' END AS metric_label,
       c.op = '>' AS strict, c.op, c.threshold,
       a.attr_no * 10 + m.m_no AS scope_no, a.attribution, m.language_models_only
FROM claim c
CROSS JOIN (VALUES (1, 'first-party'), (2, 'with derivatives')) AS a(attr_no, attribution)
CROSS JOIN (VALUES (1, false), (2, true)) AS m(m_no, language_models_only)
WHERE NOT m.language_models_only OR c.with_language;
COMMENT ON VIEW claim_threshold_scopes IS 'The claims of kind ''threshold'' (ref.claims) with their parameters read, one row per scope each is measured in: first-party and with derivatives, all models and (models=all,language) language models only';
