-- claim_qwq_5pct_of_r1_params(as_of_date, asked_week): "QwQ-32B performs like R1 with only 5% of its
-- parameters" (spring 2025): the ratio of the safetensors parameter totals the Hub lists for
-- Qwen/QwQ-32B and deepseek-ai/DeepSeek-R1. Supported when it rounds to 5% (4.5% to 5.5%).
-- Performance is out of scope.
-- Columns: the claims columns plus claim_no, row_no.
CREATE OR REPLACE MACRO claim_qwq_5pct_of_r1_params(as_of_date := NULL, asked_week := NULL) AS TABLE
WITH claim AS (
    SELECT claim_id, statement, source FROM ref.claims WHERE claim_id = 'qwq_5pct_of_r1_params'
),
models AS (
    SELECT i.model_key, m.model_id, m.safetensors_total, m.last_seen
    FROM hf_models m
    JOIN internal.hf_ids i USING (model_id)
    WHERE i.model_key IN ('qwen/qwq-32b', 'deepseek-ai/deepseek-r1')
      AND (as_of_date IS NULL OR m.first_seen <= CAST(as_of_date AS DATE))
    QUALIFY row_number() OVER (PARTITION BY i.model_key ORDER BY m.last_seen DESC) = 1
),
pair AS (
    SELECT max(safetensors_total) FILTER (WHERE model_key = 'qwen/qwq-32b') AS qwq,
           max(safetensors_total) FILTER (WHERE model_key = 'deepseek-ai/deepseek-r1') AS r1,
           count(*) FILTER (WHERE model_key = 'qwen/qwq-32b') AS qwq_seen,
           count(*) FILTER (WHERE model_key = 'deepseek-ai/deepseek-r1') AS r1_seen,
           least(max(last_seen), CAST(coalesce(as_of_date, DATE '9999-12-31') AS DATE)) AS seen
    FROM models
),
measured AS (
    SELECT p.*, CAST(p.qwq AS DOUBLE) / nullif(p.r1, 0) AS ratio,
           (SELECT max(as_of) FROM hf_snapshot_sets s WHERE s.snapshot_date <= p.seen) AS as_of
    FROM pair p
)
SELECT 5 AS claim_no, 1 AS row_no, c.claim_id, c.statement, c.source,
       'Hugging Face Hub; safetensors parameter totals, Qwen/QwQ-32B / deepseek-ai/DeepSeek-R1' AS scope,
       CASE WHEN m.ratio IS NOT NULL THEN printf('%.2f%%', 100 * m.ratio) END AS measured,
       '5% (4.50% to 5.50%)' AS expected,
       CASE WHEN m.ratio IS NULL THEN 'inconclusive'
            WHEN m.ratio >= 0.045 AND m.ratio < 0.055 THEN 'supported'
            ELSE 'refuted' END AS verdict,
       CASE WHEN m.ratio IS NOT NULL THEN fmt_utc(m.as_of) END AS as_of,
       CASE WHEN m.ratio IS NULL THEN
                concat_ws(' ',
                    CASE WHEN m.qwq_seen = 0 THEN 'Qwen/QwQ-32B is not in the store.'
                         WHEN m.qwq IS NULL THEN 'The Hub lists no safetensors total for Qwen/QwQ-32B.' END,
                    CASE WHEN m.r1_seen = 0 THEN 'deepseek-ai/DeepSeek-R1 is not in the store.'
                         WHEN m.r1 IS NULL THEN 'The Hub lists no safetensors total for deepseek-ai/DeepSeek-R1.' END,
                    'Performance is out of scope.')
            ELSE format('{:,} / {:,} parameters (safetensors totals as the Hub lists them). ', m.qwq, m.r1)
                 || format('R1 is officially 671B parameters in total with 37B active per token: against the active '
                           'parameters QwQ-32B is {}, not 5%. ', printf('%.0f%%', 100 * m.qwq / 37e9))
                 || 'Whether it "performs like R1" is out of scope: only the parameter ratio is measured.'
       END AS detail
FROM measured m CROSS JOIN claim c;
COMMENT ON MACRO TABLE claim_qwq_5pct_of_r1_params IS 'claim_qwq_5pct_of_r1_params(as_of_date, asked_week): "QwQ-32B performs like R1 with only 5% of its parameters" (spring 2025): the ratio of the safetensors parameter totals the Hub lists for Qwen/QwQ-32B and deepseek-ai/DeepSeek-R1';
