-- claims_at(as_of_date, week_start): the claims report as known on as_of_date (NULL = all data): every
-- claim of ref.claims (collector/reference/claims.csv) in every scope it is measured in, judged at the
-- claim's own date (when = 'at_claim_date': data within the claim's tolerance of its date; a weekly
-- ranking only in the claim's ISO week) and on the latest complete data (when = 'latest'); for the
-- weekly OpenRouter claims also for the ISO week starting week_start (when = 'asked_week').
-- Nothing after as_of_date reaches any row. The `claims` view is claims_at() with the defaults;
-- `collector claims --as-of DATE --week YYYY-Www` calls this macro, so both share one definition.
-- Each claim's kind is one macro (claim_threshold, claim_count_top_k_openrouter, claim_ratio_params,
-- claim_a_vs_b, claim_top_maker_openrouter; cn_41_of_top100, deepseek_40x_cheaper and article_models_open_on_hf have their own).
-- The OpenRouter rankings (or_weekly_rankings_at) are computed once here, for the _from forms of the
-- OpenRouter kinds' macros (the same rows as the macros themselves).
--   SELECT * FROM claims_at(DATE '2026-06-01', DATE '2026-05-18');
-- Columns: claim_id, statement, source, dated, when, scope, data_date (the day of the data used, or the
-- Monday of its week), measured (text), measured_value (a number, or NULL when no single figure is
-- known), expected, expected_value, unit, verdict ('supported' | 'refuted' | 'inconclusive'), as_of (ISO
-- 8601 UTC of the data used, NULL when there is none), citation (the source's citation line), detail.
CREATE OR REPLACE MACRO claims_at(as_of_date := NULL, week_start := NULL) AS TABLE
WITH claim_or_rankings AS MATERIALIZED (   -- every OpenRouter claim's rankings, computed once
    SELECT * FROM or_weekly_rankings_at(as_of_date)
),
parts AS (
    SELECT * FROM claim_threshold(as_of_date, week_start)
    UNION ALL BY NAME SELECT * FROM claim_count_top_k_openrouter_from('claim_or_rankings', as_of_date, week_start)
    UNION ALL BY NAME SELECT * FROM claim_ratio_params(as_of_date, week_start)
    UNION ALL BY NAME SELECT * FROM claim_cn_41_of_top100_from('claim_or_rankings', as_of_date, week_start)
    UNION ALL BY NAME SELECT * FROM claim_deepseek_40x_cheaper(as_of_date, week_start)
    UNION ALL BY NAME SELECT * FROM claim_a_vs_b(as_of_date, week_start)
    UNION ALL BY NAME SELECT * FROM claim_article_models_open_on_hf(as_of_date, week_start)
    UNION ALL BY NAME SELECT * FROM claim_top_maker_openrouter_from('claim_or_rankings', as_of_date, week_start)
)
SELECT claim_id, statement, source, CAST(dated AS DATE) AS dated, "when", scope, CAST(data_date AS DATE) AS data_date,
       measured, CAST(measured_value AS DOUBLE) AS measured_value, expected, CAST(expected_value AS DOUBLE) AS expected_value,
       unit, verdict, as_of, citation, detail
FROM parts
ORDER BY claim_no, row_no, when_no;
COMMENT ON MACRO TABLE claims_at IS 'claims_at(as_of_date, week_start): the claims report as known on as_of_date (NULL = all data): every claim of ref.claims (collector/reference/claims.csv) in every scope it is measured in, judged at the claim''s own date (when = ''at_claim_date'': data within the claim''s tolerance of its date';
