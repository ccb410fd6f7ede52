-- claims_at(as_of_date, week_start): the claims report as known on as_of_date (NULL = all data) and,
-- for the weekly OpenRouter claims, also for the ISO week starting week_start (a Monday; NULL = only
-- the latest complete week and the article's). The `claims` view is claims_at() with the defaults;
-- `collector claims --as-of DATE --week YYYY-Www` calls this macro, so both share one definition.
--   SELECT * FROM claims_at(DATE '2026-06-01', DATE '2026-05-18');
-- Columns: claim_id, statement, source, scope, measured, expected, verdict ('supported' | 'refuted' |
-- 'inconclusive'), as_of (ISO 8601 UTC of the data used, NULL when there is none), detail. Several
-- scopes of one claim are several rows; a claim without data is inconclusive, never missing.
CREATE OR REPLACE MACRO claims_at(as_of_date := NULL, week_start := NULL) AS TABLE
WITH parts AS (
    SELECT * FROM claim_llama_1b_downloads(as_of_date, week_start)
    UNION ALL SELECT * FROM claim_hf_cn_540m_downloads(as_of_date, week_start)
    UNION ALL SELECT * FROM claim_openrouter_cn_7_of_top20(as_of_date, week_start)
    UNION ALL SELECT * FROM claim_openrouter_cn_4_of_top10_programming(as_of_date, week_start)
    UNION ALL SELECT * FROM claim_qwq_5pct_of_r1_params(as_of_date, week_start)
    UNION ALL SELECT * FROM claim_cn_41_of_top100(as_of_date, week_start)
    UNION ALL SELECT * FROM claim_deepseek_40x_cheaper(as_of_date, week_start)
    UNION ALL SELECT * FROM claim_qwen_overtakes_llama(as_of_date, week_start)
    UNION ALL SELECT * FROM claim_article_models_open_on_hf(as_of_date, week_start)
)
SELECT claim_id, statement, source, scope, measured, expected, verdict, as_of, detail
FROM parts
ORDER BY claim_no, row_no;
COMMENT ON MACRO TABLE claims_at IS 'claims_at(as_of_date, week_start): the claims report as known on as_of_date (NULL = all data) and, for the weekly OpenRouter claims, also for the ISO week starting week_start (a Monday';
