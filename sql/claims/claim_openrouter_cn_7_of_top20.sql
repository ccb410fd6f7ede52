-- claim_openrouter_cn_7_of_top20(as_of_date, asked_week): "on OpenRouter, 7 of the top 20 most-used AI
-- models last week were made in China" (November 2025): the Chinese-made models among a week's top 20
-- by tokens (category all), for the latest complete ISO week, the week asked for, and the article's week
-- when stored; each counted per permaslug variant (as OpenRouter ranks them) and with variants merged.
-- Makers come from or_model_attribution; stealth models and uncurated authors are unknown, which can
-- leave the count undecided (claim_count_judgement).
-- Columns: the claims columns plus claim_no, row_no.
CREATE OR REPLACE MACRO claim_openrouter_cn_7_of_top20(as_of_date := NULL, asked_week := NULL) AS TABLE
WITH claim AS (
    SELECT claim_id, statement, source, CAST(dated AS DATE) AS dated
    FROM ref.claims WHERE claim_id = 'openrouter_cn_7_of_top20'
),
weeks AS (
    SELECT * FROM or_claim_weeks(as_of_date, asked_week, (SELECT dated FROM claim), 'all')
),
modes AS (
    SELECT * FROM (VALUES (1, false, 'per permaslug variant'), (2, true, 'variants merged')) AS t(mode_no, merged, mode)
),
ranked AS (
    SELECT false AS merged, * FROM or_weekly_top_models_at(as_of_date, false) WHERE category = 'all' AND rank <= 20
    UNION ALL BY NAME
    SELECT true AS merged, * FROM or_weekly_top_models_at(as_of_date, true) WHERE category = 'all' AND rank <= 20
),
labelled AS (
    SELECT r.*, format('#{} {}', r.rank, r.model_permaslug)
                || CASE WHEN r.country <> 'unknown' THEN ''
                        WHEN a.author IS NOT NULL THEN ' (stealth: maker hidden)'
                        ELSE ' (author ' || r.author || ' not in openrouter_authors.csv)' END AS label
    FROM ranked r
    LEFT JOIN ref.openrouter_authors a ON a.author = lower(r.author)
),
counted AS (
    SELECT w.week_no, w.week_role, w.week_start, w.is_claim_week, m.mode_no, m.mode,
           count(r.rank) AS listed,
           count(r.rank) FILTER (WHERE r.country = 'China') AS chinese,
           count(r.rank) FILTER (WHERE r.country = 'unknown') AS unknown,
           string_agg(r.label, ', ' ORDER BY r.rank) FILTER (WHERE r.country = 'China') AS chinese_models,
           string_agg(r.label, ', ' ORDER BY r.rank) FILTER (WHERE r.country = 'unknown') AS unknown_models,
           any_value(r.basis) AS basis, any_value(r.days) AS days, bool_and(r.complete) AS complete,
           any_value(r.as_of) AS as_of, any_value(r.citation) AS citation
    FROM weeks w
    CROSS JOIN modes m
    LEFT JOIN labelled r ON r.week_start = w.week_start AND r.merged = m.merged
    GROUP BY ALL
),
judged AS (
    SELECT *,
           CASE WHEN listed > 0 AND NOT complete
                    THEN {'verdict': 'inconclusive', 'note': format('The week is incomplete: {} of 7 days stored.', days)}
                ELSE claim_count_judgement(chinese, unknown, listed, 7, 7, 20) END AS judgement,
           (SELECT bool_or(is_claim_week) FROM weeks) AS claim_week_stored
    FROM counted
)
SELECT 3 AS claim_no, j.week_no * 10 + j.mode_no AS row_no, c.claim_id, c.statement, c.source,
       'OpenRouter; top 20 models by tokens, ' || j.mode || '; '
           || coalesce(format('week of {} ({}; {})', strftime(j.week_start, '%Y-%m-%d'), strftime(j.week_start, '%G-W%V'),
                              j.week_role),
                       j.week_role || ': none stored') AS scope,
       CASE WHEN j.listed > 0 THEN format('{} of {}', j.chinese, j.listed)
            || CASE WHEN j.unknown > 0 THEN format(' (+{} of unknown maker)', j.unknown) ELSE '' END END AS measured,
       '7 of 20' AS expected,
       j.judgement.verdict AS verdict,
       fmt_utc(j.as_of) AS as_of,
       CASE WHEN j.week_start IS NULL THEN
                'No complete ISO week of OpenRouter rankings (category all) in the store'
                || coalesce(' as of ' || CAST(as_of_date AS VARCHAR), '') || ': nothing to count.'
            WHEN j.listed = 0 THEN
                format('No OpenRouter rankings (category all) stored for the week of {}.', strftime(j.week_start, '%Y-%m-%d'))
            ELSE concat_ws(' ',
                'Made in China: ' || coalesce(j.chinese_models, 'none') || '.',
                CASE WHEN j.unknown > 0 THEN 'Maker unknown: ' || j.unknown_models || '.' END,
                nullif(j.judgement.note, ''),
                CASE WHEN j.basis = 'days' THEN 'The week is the sum of its 7 daily top-50 rankings (a model outside a '
                    'day''s top 50 misses that day''s tokens), not OpenRouter''s own weekly ranking.' END,
                CASE WHEN j.mode = 'variants merged' THEN 'Variants such as :free are summed into their model before ranking.' END,
                CASE WHEN NOT j.is_claim_week AND NOT coalesce(j.claim_week_stored, false) THEN
                    format('The article''s week (around {}) is not in the store: this count is for another week and '
                           'says nothing about that one.', strftime(c.dated, '%Y-%m-%d')) END,
                j.citation)
       END AS detail
FROM judged j CROSS JOIN claim c;
COMMENT ON MACRO TABLE claim_openrouter_cn_7_of_top20 IS 'claim_openrouter_cn_7_of_top20(as_of_date, asked_week): "on OpenRouter, 7 of the top 20 most-used AI models last week were made in China" (November 2025): the Chinese-made models among a week''s top 20 by tokens (category all), for the latest complete ISO week, the week asked for, and the article''s week when stored';
