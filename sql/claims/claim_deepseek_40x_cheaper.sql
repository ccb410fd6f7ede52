-- claim_deepseek_40x_cheaper(as_of_date, asked_week): "using DeepSeek models costs up to 40 times less
-- than OpenAI" (a broker's report; kind ratio, metric=openrouter_price): OpenAI's price divided by
-- DeepSeek's, per million input (prompt) and output (completion) tokens, for the pairs in
-- claim_price_pairs.csv; one row per pair and one for the maximum over all pairs. Supported when the
-- ratio reaches the claim's value (40). A missing model or a zero price (a free variant) leaves a pair
-- inconclusive.
-- when = 'at_claim_date': the catalog snapshot nearest the claim's date within its tolerance (none:
-- inconclusive, prices change); when = 'latest': the newest catalog snapshot known on as_of_date.
-- Columns: the claims columns plus claim_no, row_no, when_no.
CREATE OR REPLACE MACRO claim_deepseek_40x_cheaper(as_of_date := NULL, asked_week := NULL) AS TABLE
WITH claim AS (
    SELECT claim_no, claim_id, statement, source, CAST(dated AS DATE) AS dated, claim_tolerance_days(tolerance) AS tol,
           CAST(claim_param(params, 'value') AS DOUBLE) AS target
    FROM ref.claims WHERE claim_id = 'deepseek_40x_cheaper'
),
known AS (
    SELECT s.*, s.snapshot_date - c.dated AS days_after, c.tol
    FROM or_catalog_snapshots s CROSS JOIN claim c
    WHERE as_of_date IS NULL OR s.snapshot_date <= CAST(as_of_date AS DATE)
),
catalog AS (
    SELECT 1 AS when_no, snapshot_id, snapshot_date, as_of FROM known WHERE abs(days_after) <= tol
    QUALIFY row_number() OVER (ORDER BY abs(days_after), snapshot_date DESC, snapshot_id DESC) = 1
    UNION ALL
    SELECT 2, snapshot_id, snapshot_date, as_of FROM known
    QUALIFY row_number() OVER (ORDER BY snapshot_date DESC, snapshot_id DESC) = 1
),
whens AS (
    SELECT w.when_no, w."when", c.snapshot_id, c.snapshot_date, c.as_of
    FROM (VALUES (1, 'at_claim_date'), (2, 'latest')) AS w(when_no, "when")
    LEFT JOIN catalog c USING (when_no)
),
listed AS (
    SELECT c.when_no, m.id, CAST(m.price_prompt AS DOUBLE) * 1e6 AS prompt,
           CAST(m.price_completion AS DOUBLE) * 1e6 AS completion
    FROM or_models m JOIN catalog c USING (snapshot_id)
),
pairs AS (
    SELECT w.when_no, row_number() OVER (PARTITION BY w.when_no ORDER BY p.deepseek_model, p.openai_model) AS row_no,
           p.deepseek_model, p.openai_model,
           d.prompt AS d_prompt, d.completion AS d_completion, o.prompt AS o_prompt, o.completion AS o_completion,
           o.prompt / nullif(d.prompt, 0) AS prompt_ratio,
           o.completion / nullif(d.completion, 0) AS completion_ratio,
           d.id IS NOT NULL AS d_listed, o.id IS NOT NULL AS o_listed
    FROM whens w
    CROSS JOIN ref.claim_price_pairs p
    LEFT JOIN listed d ON d.when_no = w.when_no AND d.id = p.deepseek_model
    LEFT JOIN listed o ON o.when_no = w.when_no AND o.id = p.openai_model
),
measured AS (
    SELECT *, greatest(prompt_ratio, completion_ratio) AS best_ratio FROM pairs
),
maximum AS (
    SELECT when_no, max(best_ratio) AS best_ratio,
           arg_max(deepseek_model || ' vs ' || openai_model, best_ratio) AS best_pair,
           count(best_ratio) AS measured_pairs, count(*) AS pairs
    FROM measured
    GROUP BY when_no
)
SELECT c.claim_no, m.row_no, w.when_no, c.claim_id, c.statement, c.source, c.dated, w."when",
       format('OpenRouter catalog prices; {} vs {}, per million tokens', m.deepseek_model, m.openai_model)
           || coalesce(' on ' || strftime(w.snapshot_date, '%Y-%m-%d'), '') AS scope,
       w.snapshot_date AS data_date,
       CASE WHEN m.best_ratio IS NOT NULL THEN
           format('input {}x, output {}x', coalesce(printf('%.1f', m.prompt_ratio), 'n/a'),
                  coalesce(printf('%.1f', m.completion_ratio), 'n/a')) END AS measured,
       m.best_ratio AS measured_value,
       format('up to {}x (>= {}x)', c.target, c.target) AS expected,
       c.target AS expected_value,
       'times cheaper (OpenAI price / DeepSeek price, the larger of input and output)' AS unit,
       CASE WHEN m.best_ratio IS NULL THEN 'inconclusive' WHEN m.best_ratio >= c.target THEN 'supported' ELSE 'refuted' END
           AS verdict,
       fmt_utc(w.as_of) AS as_of,
       CASE WHEN w.snapshot_id IS NOT NULL THEN
           format('Source: OpenRouter model catalog (openrouter.ai/models), as of {}.', fmt_utc(w.as_of)) END AS citation,
       CASE WHEN w.snapshot_date IS NULL THEN concat_ws(' ', 'No OpenRouter catalog snapshot'
                || CASE WHEN w.when_no = 1 THEN format(' within {} days of {}', c.tol, strftime(c.dated, '%Y-%m-%d')) ELSE '' END
                || ' in the store' || coalesce(' on or before ' || CAST(as_of_date AS VARCHAR), '') || ': no prices to compare.',
                CASE WHEN w.when_no = 1 THEN 'Prices change: those of another date say nothing about the claim''s. '
                     'The catalog has no history API, so only snapshots collected then can decide it.' END)
            WHEN NOT m.d_listed OR NOT m.o_listed THEN
                concat_ws(' and ', CASE WHEN NOT m.d_listed THEN m.deepseek_model END,
                          CASE WHEN NOT m.o_listed THEN m.openai_model END)
                || format(' not in the catalog of {}: no ratio.', strftime(w.snapshot_date, '%Y-%m-%d'))
            WHEN m.best_ratio IS NULL THEN 'A zero or missing DeepSeek price (a free variant?): no ratio.'
            ELSE format('USD per million tokens, input / output: {} {} / {}, {} {} / {}.',
                        m.deepseek_model, printf('%.2f', m.d_prompt), printf('%.2f', m.d_completion),
                        m.openai_model, printf('%.2f', m.o_prompt), printf('%.2f', m.o_completion))
                 || ' Prices are those of the catalog''s date, not of the report''s; the report''s pairs are not known.'
       END AS detail
FROM measured m
JOIN whens w USING (when_no)
CROSS JOIN claim c
UNION ALL
SELECT c.claim_no, 100, w.when_no, c.claim_id, c.statement, c.source, c.dated, w."when",
       'OpenRouter catalog prices; the largest ratio over the compared pairs'
           || coalesce(' on ' || strftime(w.snapshot_date, '%Y-%m-%d'), ''),
       w.snapshot_date,
       CASE WHEN x.best_ratio IS NOT NULL THEN printf('%.1fx', x.best_ratio) END,
       x.best_ratio,
       format('up to {}x (>= {}x)', c.target, c.target),
       c.target,
       'times cheaper (OpenAI price / DeepSeek price, the larger of input and output)',
       CASE WHEN x.best_ratio IS NULL THEN 'inconclusive' WHEN x.best_ratio >= c.target THEN 'supported' ELSE 'refuted' END,
       fmt_utc(w.as_of),
       CASE WHEN w.snapshot_id IS NOT NULL THEN
           format('Source: OpenRouter model catalog (openrouter.ai/models), as of {}.', fmt_utc(w.as_of)) END,
       CASE WHEN x.best_ratio IS NULL THEN
                CASE WHEN w.snapshot_date IS NULL THEN 'No OpenRouter catalog snapshot'
                         || CASE WHEN w.when_no = 1 THEN format(' within {} days of {}', c.tol, strftime(c.dated, '%Y-%m-%d')) ELSE '' END
                         || ' in the store' || coalesce(' on or before ' || CAST(as_of_date AS VARCHAR), '') || ': no prices to compare.'
                     ELSE 'None of the pairs in claim_price_pairs.csv could be priced from the catalog.' END
            ELSE format('{} ({} of {} pairs priced; the largest of input and output ratios). ', x.best_pair,
                        x.measured_pairs, x.pairs)
                 || '"Up to" is read as: some DeepSeek model is at least 40 times cheaper than the OpenAI model it is '
                 || 'compared with. Prices are those of the catalog''s date, not of the report''s.'
       END
FROM maximum x
JOIN whens w USING (when_no)
CROSS JOIN claim c;
COMMENT ON MACRO TABLE claim_deepseek_40x_cheaper IS 'claim_deepseek_40x_cheaper(as_of_date, asked_week): "using DeepSeek models costs up to 40 times less than OpenAI" (a broker''s report; kind ratio, metric=openrouter_price): OpenAI''s price divided by DeepSeek''s, per million input (prompt) and output (completion) tokens, for the pairs in claim_price_pairs.csv';
