-- claim_ratio_params(as_of_date, asked_week): every claim of kind 'ratio' with metric=safetensors_params
-- ("<a> has <value> of <b>'s parameters", e.g. QwQ-32B with 5% of R1's): the ratio of the safetensors
-- parameter totals the Hub lists for repos a and b (parameters a=, b=; supported when the ratio is in
-- [low, high], refuted outside it). A published repo's parameter count does not change, so the row at
-- the claim's date reads the same metadata as the latest one (tolerance 'any').
-- Columns: the claims columns plus claim_no, row_no, when_no.
CREATE OR REPLACE MACRO claim_ratio_params(as_of_date := NULL, asked_week := NULL) AS TABLE
WITH claim AS (
    SELECT claim_no, claim_id, statement, source, CAST(dated AS DATE) AS dated,
           claim_param(params, 'a') AS a, claim_param(params, 'b') AS b,
           CAST(claim_param(params, 'value') AS DOUBLE) AS target,
           CAST(coalesce(claim_param(params, 'low'), claim_param(params, 'value')) AS DOUBLE) AS low,
           CAST(coalesce(claim_param(params, 'high'), claim_param(params, 'value')) AS DOUBLE) AS high
    FROM ref.claims
    WHERE kind = 'ratio' AND claim_param(params, 'metric') = 'safetensors_params'
),
ids AS (   -- the few ids of repos a and b (renamed ones too): hf_models is then read for them only
    SELECT c.claim_id, i.model_key, i.model_id
    FROM claim c
    JOIN internal.hf_ids i ON i.model_key IN (lower(c.a), lower(c.b))
),
models AS (
    SELECT i.claim_id, i.model_key, m.model_id, m.safetensors_total, m.last_seen
    FROM ids i
    JOIN (SELECT * FROM hf_models WHERE model_id IN (SELECT model_id FROM ids)) m USING (model_id)
    WHERE as_of_date IS NULL OR m.first_seen <= CAST(as_of_date AS DATE)
    QUALIFY row_number() OVER (PARTITION BY i.claim_id, i.model_key ORDER BY m.last_seen DESC) = 1
),
pair AS (
    SELECT c.*,
           max(m.safetensors_total) FILTER (WHERE m.model_key = lower(c.a)) AS a_params,
           max(m.safetensors_total) FILTER (WHERE m.model_key = lower(c.b)) AS b_params,
           count(m.model_key) FILTER (WHERE m.model_key = lower(c.a)) AS a_seen,
           count(m.model_key) FILTER (WHERE m.model_key = lower(c.b)) AS b_seen,
           least(max(m.last_seen), CAST(coalesce(as_of_date, DATE '9999-12-31') AS DATE)) AS seen
    FROM claim c
    LEFT JOIN models m USING (claim_id)
    GROUP BY ALL
),
measured AS (
    SELECT p.*, CAST(p.a_params AS DOUBLE) / nullif(p.b_params, 0) AS ratio,
           (SELECT max(as_of) FROM hf_snapshot_sets s WHERE s.snapshot_date <= p.seen) AS as_of
    FROM pair p
)
SELECT m.claim_no, 1 AS row_no, w.when_no, m.claim_id, m.statement, m.source, m.dated, w."when",
       format('Hugging Face Hub; safetensors parameter totals, {} / {}', m.a, m.b) AS scope,
       CASE WHEN m.ratio IS NOT NULL THEN m.seen END AS data_date,
       CASE WHEN m.ratio IS NOT NULL THEN printf('%.2f%%', 100 * m.ratio) END AS measured,
       m.ratio AS measured_value,
       format('{} ({} to {})', printf('%g%%', 100 * m.target), printf('%.2f%%', 100 * m.low), printf('%.2f%%', 100 * m.high))
           AS expected,
       m.target AS expected_value,
       'ratio of parameter counts' AS unit,
       CASE WHEN m.ratio IS NULL THEN 'inconclusive'
            WHEN m.ratio >= m.low AND m.ratio < m.high THEN 'supported'
            ELSE 'refuted' END AS verdict,
       CASE WHEN m.ratio IS NOT NULL THEN fmt_utc(m.as_of) END AS as_of,
       CASE WHEN m.ratio IS NOT NULL THEN format('Source: Hugging Face Hub (huggingface.co), model metadata as of {}.',
                                                 fmt_utc(m.as_of)) END AS citation,
       CASE WHEN m.ratio IS NULL THEN
                concat_ws(' ',
                    CASE WHEN m.a_seen = 0 THEN m.a || ' is not in the store.'
                         WHEN m.a_params IS NULL THEN 'The Hub lists no safetensors total for ' || m.a || '.' END,
                    CASE WHEN m.b_seen = 0 THEN m.b || ' is not in the store.'
                         WHEN m.b_params IS NULL THEN 'The Hub lists no safetensors total for ' || m.b || '.' END,
                    'Performance is out of scope.')
            ELSE concat_ws(' ',
                 format('{:,} / {:,} parameters (safetensors totals as the Hub lists them).', m.a_params, m.b_params),
                 CASE WHEN w.when_no = 1 THEN 'A published repo''s parameter count does not change, so the latest metadata '
                      'answers the claim''s date too.' END,
                 CASE WHEN lower(m.b) = 'deepseek-ai/deepseek-r1' THEN format('R1 is officially 671B parameters in total '
                      'with 37B active per token: against the active parameters {} is {}.', m.a,
                      printf('%.0f%%', 100 * m.a_params / 37e9)) END,
                 'Whether it "performs like" the other is out of scope: only the parameter ratio is measured.')
       END AS detail
FROM measured m
CROSS JOIN (VALUES (1, 'at_claim_date'), (2, 'latest')) AS w(when_no, "when");
COMMENT ON MACRO TABLE claim_ratio_params IS 'claim_ratio_params(as_of_date, asked_week): every claim of kind ''ratio'' with metric=safetensors_params ("<a> has <value> of <b>''s parameters", e.g. QwQ-32B with 5% of R1''s): the ratio of the safetensors parameter totals the Hub lists for repos a and b';
