-- claim_deepseek_40x_cheaper(as_of_date, asked_week): "using DeepSeek models costs up to 40 times less
-- than OpenAI" (a broker's report): OpenAI's price divided by DeepSeek's, per million input (prompt)
-- and output (completion) tokens, for the pairs in claim_price_pairs.csv, from the newest OpenRouter
-- catalog snapshot known on as_of_date; one row per pair and one for the maximum over all pairs.
-- Supported when the ratio reaches 40. A missing model or a zero price (a free variant) leaves a pair
-- inconclusive.
-- Columns: the claims columns plus claim_no, row_no.
CREATE OR REPLACE MACRO claim_deepseek_40x_cheaper(as_of_date := NULL, asked_week := NULL) AS TABLE
WITH claim AS (
    SELECT claim_id, statement, source FROM ref.claims WHERE claim_id = 'deepseek_40x_cheaper'
),
catalog AS (
    SELECT * FROM or_catalog_snapshots
    WHERE as_of_date IS NULL OR snapshot_date <= CAST(as_of_date AS DATE)
    ORDER BY snapshot_date DESC, snapshot_id DESC
    LIMIT 1
),
listed AS (
    SELECT m.id, CAST(m.price_prompt AS DOUBLE) * 1e6 AS prompt, CAST(m.price_completion AS DOUBLE) * 1e6 AS completion
    FROM or_models m JOIN catalog USING (snapshot_id)
),
pairs AS (
    SELECT row_number() OVER (ORDER BY p.deepseek_model, p.openai_model) AS row_no, p.deepseek_model, p.openai_model,
           d.prompt AS d_prompt, d.completion AS d_completion, o.prompt AS o_prompt, o.completion AS o_completion,
           o.prompt / nullif(d.prompt, 0) AS prompt_ratio,
           o.completion / nullif(d.completion, 0) AS completion_ratio,
           d.id IS NOT NULL AS d_listed, o.id IS NOT NULL AS o_listed
    FROM ref.claim_price_pairs p
    LEFT JOIN listed d ON d.id = p.deepseek_model
    LEFT JOIN listed o ON o.id = p.openai_model
),
measured AS (
    SELECT *, greatest(prompt_ratio, completion_ratio) AS best_ratio FROM pairs
),
maximum AS (
    SELECT max(best_ratio) AS best_ratio,
           arg_max(deepseek_model || ' vs ' || openai_model, best_ratio) AS best_pair,
           count(best_ratio) AS measured_pairs, count(*) AS pairs
    FROM measured
),
snap AS (
    SELECT (SELECT snapshot_date FROM catalog) AS snapshot_date, (SELECT as_of FROM catalog) AS as_of
)
SELECT 7 AS claim_no, m.row_no, c.claim_id, c.statement, c.source,
       format('OpenRouter catalog prices; {} vs {}, per million tokens', m.deepseek_model, m.openai_model)
           || coalesce(' on ' || strftime(s.snapshot_date, '%Y-%m-%d'), '') AS scope,
       CASE WHEN m.best_ratio IS NOT NULL THEN
           format('input {}x, output {}x', coalesce(printf('%.1f', m.prompt_ratio), 'n/a'),
                  coalesce(printf('%.1f', m.completion_ratio), 'n/a')) END AS measured,
       'up to 40x (>= 40x)' AS expected,
       CASE WHEN m.best_ratio IS NULL THEN 'inconclusive' WHEN m.best_ratio >= 40 THEN 'supported' ELSE 'refuted' END
           AS verdict,
       fmt_utc(s.as_of) AS as_of,
       CASE WHEN s.snapshot_date IS NULL THEN 'No OpenRouter catalog snapshot in the store'
                || coalesce(' on or before ' || CAST(as_of_date AS VARCHAR), '') || ': no prices to compare.'
            WHEN NOT m.d_listed OR NOT m.o_listed THEN
                concat_ws(' and ', CASE WHEN NOT m.d_listed THEN m.deepseek_model END,
                          CASE WHEN NOT m.o_listed THEN m.openai_model END)
                || format(' not in the catalog of {}: no ratio.', strftime(s.snapshot_date, '%Y-%m-%d'))
            WHEN m.best_ratio IS NULL THEN 'A zero or missing DeepSeek price (a free variant?): no ratio.'
            ELSE format('USD per million tokens, input / output: {} {} / {}, {} {} / {}.',
                        m.deepseek_model, printf('%.2f', m.d_prompt), printf('%.2f', m.d_completion),
                        m.openai_model, printf('%.2f', m.o_prompt), printf('%.2f', m.o_completion))
                 || ' Prices are those of the catalog''s date, not of the report''s; the report''s pairs are not known.'
                 || format(' Source: OpenRouter model catalog (openrouter.ai/models), as of {}.', fmt_utc(s.as_of))
       END AS detail
FROM measured m CROSS JOIN claim c CROSS JOIN snap s
UNION ALL
SELECT 7, 100, c.claim_id, c.statement, c.source,
       'OpenRouter catalog prices; the largest ratio over the compared pairs'
           || coalesce(' on ' || strftime(s.snapshot_date, '%Y-%m-%d'), ''),
       CASE WHEN x.best_ratio IS NOT NULL THEN printf('%.1fx', x.best_ratio) END,
       'up to 40x (>= 40x)',
       CASE WHEN x.best_ratio IS NULL THEN 'inconclusive' WHEN x.best_ratio >= 40 THEN 'supported' ELSE 'refuted' END,
       fmt_utc(s.as_of),
       CASE WHEN x.best_ratio IS NULL THEN
                CASE WHEN s.snapshot_date IS NULL THEN 'No OpenRouter catalog snapshot in the store'
                         || coalesce(' on or before ' || CAST(as_of_date AS VARCHAR), '') || ': no prices to compare.'
                     ELSE 'None of the pairs in claim_price_pairs.csv could be priced from the catalog.' END
            ELSE format('{} ({} of {} pairs priced; the largest of input and output ratios). ', x.best_pair,
                        x.measured_pairs, x.pairs)
                 || '"Up to" is read as: some DeepSeek model is at least 40 times cheaper than the OpenAI model it is '
                 || 'compared with. Prices are those of the catalog''s date, not of the report''s.'
                 || format(' Source: OpenRouter model catalog (openrouter.ai/models), as of {}.', fmt_utc(s.as_of))
       END
FROM maximum x CROSS JOIN claim c CROSS JOIN snap s;
COMMENT ON MACRO TABLE claim_deepseek_40x_cheaper IS 'claim_deepseek_40x_cheaper(as_of_date, asked_week): "using DeepSeek models costs up to 40 times less than OpenAI" (a broker''s report): OpenAI''s price divided by DeepSeek''s, per million input (prompt) and output (completion) tokens, for the pairs in claim_price_pairs.csv, from the newest OpenRouter catalog snapshot known on as_of_date';
