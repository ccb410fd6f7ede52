-- report_price_pairs(as_of_date): the DeepSeek / OpenAI price pairs of claim_price_pairs.csv in the newest
-- OpenRouter catalog snapshot known on as_of_date (NULL = the newest), in USD per million tokens, with
-- OpenAI's price divided by DeepSeek's (NULL where a model is missing or a price is zero).
-- Columns: pair ('deepseek vs openai'), token ('input' | 'output'), deepseek_usd, openai_usd, ratio,
-- catalog_date, as_of, citation.
CREATE OR REPLACE MACRO report_price_pairs(as_of_date := NULL) AS TABLE
WITH catalog AS (
    SELECT * FROM or_catalog_snapshots
    WHERE as_of_date IS NULL OR snapshot_date <= CAST(as_of_date AS DATE)
    ORDER BY snapshot_date DESC, snapshot_id DESC
    LIMIT 1
),
listed AS (
    SELECT m.id, CAST(m.price_prompt AS DOUBLE) * 1e6 AS input, CAST(m.price_completion AS DOUBLE) * 1e6 AS output
    FROM or_models m JOIN catalog USING (snapshot_id)
),
pairs AS (
    SELECT p.deepseek_model, p.openai_model, t.token,
           CASE t.token WHEN 'input' THEN d.input ELSE d.output END AS deepseek_usd,
           CASE t.token WHEN 'input' THEN o.input ELSE o.output END AS openai_usd
    FROM ref.claim_price_pairs p
    CROSS JOIN (VALUES ('input'), ('output')) t(token)
    LEFT JOIN listed d ON d.id = p.deepseek_model
    LEFT JOIN listed o ON o.id = p.openai_model
)
SELECT deepseek_model || ' vs ' || openai_model AS pair, token, deepseek_usd, openai_usd,
       CASE WHEN deepseek_usd > 0 AND openai_usd IS NOT NULL THEN openai_usd / deepseek_usd END AS ratio,
       (SELECT snapshot_date FROM catalog) AS catalog_date,
       (SELECT fmt_utc(as_of) FROM catalog) AS as_of,
       'Source: OpenRouter (openrouter.ai/models), as of ' || (SELECT fmt_utc(as_of) FROM catalog) || '.' AS citation
FROM pairs
ORDER BY pair, token;
COMMENT ON MACRO TABLE report_price_pairs IS 'report_price_pairs(as_of_date): the DeepSeek / OpenAI price pairs in the newest OpenRouter catalog known on as_of_date, USD per million tokens, with the ratio; columns: pair, token, deepseek_usd, openai_usd, ratio, catalog_date, as_of, citation';
