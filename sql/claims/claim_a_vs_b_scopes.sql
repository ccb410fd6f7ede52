-- claim_a_vs_b_scopes: the claims of kind 'a_vs_b' (ref.claims) with their parameters read (a=family:<A>,
-- b=family:<B>, metric, op), one row per scope: first-party and with derivatives.
-- Columns: claim_no, claim_id, statement, source, dated, tol, a, b, metric, metric_label, op, scope_no,
-- attribution.
CREATE OR REPLACE VIEW claim_a_vs_b_scopes AS
WITH claim AS (
    SELECT claim_no, claim_id, statement, source, CAST(dated AS DATE) AS dated, claim_tolerance_days(tolerance) AS tol,
           substr(claim_param(params, 'a'), 8) AS a, substr(claim_param(params, 'b'), 8) AS b,
           claim_param(params, 'metric') AS metric,
           CASE claim_param(params, 'metric') WHEN 'downloads_all_time' THEN 'all-time downloads'
                ELSE '30-day downloads' END AS metric_label,
           claim_param(params, 'op') AS op
    FROM ref.claims
    WHERE kind = 'a_vs_b'
)
SELECT c.*, s.scope_no, s.attribution
FROM claim c CROSS JOIN (VALUES (1, 'first-party'), (2, 'with derivatives')) AS s(scope_no, attribution);
COMMENT ON VIEW claim_a_vs_b_scopes IS 'The claims of kind ''a_vs_b'' (ref.claims) with their parameters read (a=family:<A>, b=family:<B>, metric, op), one row per scope: first-party and with derivatives';
