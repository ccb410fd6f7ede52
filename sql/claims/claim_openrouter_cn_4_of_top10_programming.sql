-- claim_openrouter_cn_4_of_top10_programming(as_of_date, asked_week): "4 of them [the Chinese models of
-- the top 20] are among the top 10 most popular programming tools" (November 2025), in both readings:
--   * models: the Chinese-made models in the top 10 of OpenRouter's programming category (a sampled,
--     weekly estimate), per permaslug variant; the detail says how many are also in that week's
--     overall top 20 (the article's "them");
--   * apps: the top 10 coding apps (openrouter.ai/apps). Apps are not models and the app rankings say
--     neither which models an app uses nor who makes it, so this reading cannot be measured: the row
--     lists the apps and stays inconclusive.
-- Weeks: the latest complete programming week, the week asked for, and the article's week when stored.
-- Columns: the claims columns plus claim_no, row_no.
CREATE OR REPLACE MACRO claim_openrouter_cn_4_of_top10_programming(as_of_date := NULL, asked_week := NULL) AS TABLE
WITH claim AS (
    SELECT claim_id, statement, source, CAST(dated AS DATE) AS dated
    FROM ref.claims WHERE claim_id = 'openrouter_cn_4_of_top10_programming'
),
weeks AS (
    SELECT * FROM or_claim_weeks(as_of_date, asked_week, (SELECT dated FROM claim), 'programming')
),
top10 AS (
    SELECT p.*, o.rank AS overall_rank
    FROM or_weekly_top_models_at(as_of_date, false) p
    LEFT JOIN (SELECT week_start, model_permaslug, rank FROM or_weekly_top_models_at(as_of_date, false)
               WHERE category = 'all' AND rank <= 20) o USING (week_start, model_permaslug)
    WHERE p.category = 'programming' AND p.rank <= 10
),
labelled AS (
    SELECT t.*, format('#{} {}', t.rank, t.model_permaslug)
                || CASE WHEN t.country <> 'unknown' THEN ''
                        WHEN a.author IS NOT NULL THEN ' (stealth: maker hidden)'
                        ELSE ' (author ' || t.author || ' not in openrouter_authors.csv)' END AS label
    FROM top10 t
    LEFT JOIN ref.openrouter_authors a ON a.author = lower(t.author)
),
counted AS (
    SELECT w.week_no, w.week_role, w.week_start, w.is_claim_week,
           count(t.rank) AS listed,
           count(t.rank) FILTER (WHERE t.country = 'China') AS chinese,
           count(t.rank) FILTER (WHERE t.country = 'China' AND t.overall_rank IS NOT NULL) AS chinese_in_top20,
           count(t.rank) FILTER (WHERE t.country = 'unknown') AS unknown,
           string_agg(t.label, ', ' ORDER BY t.rank) FILTER (WHERE t.country = 'China') AS chinese_models,
           string_agg(t.label, ', ' ORDER BY t.rank) FILTER (WHERE t.country = 'unknown') AS unknown_models,
           bool_and(t.complete) AS complete, any_value(t.days) AS days,
           any_value(t.as_of) AS as_of, any_value(t.citation) AS citation
    FROM weeks w
    LEFT JOIN labelled t ON t.week_start = w.week_start
    GROUP BY ALL
),
app_pulls AS (   -- per claim week, the coding app ranking covering it (an exact ISO week first), else the newest
    SELECT w.week_no, p.pull_id, p.start_date, p.end_date, p.as_of
    FROM weeks w
    JOIN or_pulls p ON p.dataset = 'app-rankings' AND p.category = 'coding'
         AND (as_of_date IS NULL OR timezone('UTC', p.as_of) < CAST(as_of_date AS DATE) + INTERVAL 1 DAY)
         AND (w.week_start IS NULL OR (p.start_date <= w.week_start + 6 AND p.end_date >= w.week_start))
    QUALIFY row_number() OVER (PARTITION BY w.week_no
                               ORDER BY (p.start_date = w.week_start AND p.end_date = w.week_start + 6) DESC,
                                        p.as_of DESC, p.pull_id DESC) = 1
),
apps AS (
    SELECT a.week_no, a.start_date, a.end_date, a.as_of,
           string_agg(format('{}. {}', r.rank, coalesce(r.app_name, r.app_id)), ', ' ORDER BY r.rank) AS top_apps
    FROM app_pulls a
    JOIN or_app_rankings r ON r.pull_id = a.pull_id AND r.rank <= 10
    GROUP BY ALL
),
model_rows AS (
    SELECT c.*,
           CASE WHEN listed > 0 AND NOT complete
                    THEN {'verdict': 'inconclusive', 'note': format('The week is incomplete: {} of 7 days stored.', days)}
                ELSE claim_count_judgement(chinese, unknown, listed, 4, 4, 10) END AS judgement,
           (SELECT bool_or(is_claim_week) FROM weeks) AS claim_week_stored
    FROM counted c
)
SELECT 4 AS claim_no, m.week_no * 10 + 1 AS row_no, c.claim_id, c.statement, c.source,
       'OpenRouter; programming category (estimated), top 10 models by tokens, per permaslug variant; '
           || coalesce(format('week of {} ({}; {})', strftime(m.week_start, '%Y-%m-%d'), strftime(m.week_start, '%G-W%V'),
                              m.week_role),
                       m.week_role || ': none stored') AS scope,
       CASE WHEN m.listed > 0 THEN format('{} of {}', m.chinese, m.listed)
            || CASE WHEN m.unknown > 0 THEN format(' (+{} of unknown maker)', m.unknown) ELSE '' END END AS measured,
       '4 of 10' AS expected,
       m.judgement.verdict AS verdict,
       fmt_utc(m.as_of) AS as_of,
       CASE WHEN m.week_start IS NULL THEN
                'No complete ISO week of OpenRouter''s programming category in the store'
                || coalesce(' as of ' || CAST(as_of_date AS VARCHAR), '') || ': nothing to count.'
            WHEN m.listed = 0 THEN
                format('No OpenRouter programming-category rankings stored for the week of {}.', strftime(m.week_start, '%Y-%m-%d'))
            ELSE concat_ws(' ',
                'Made in China: ' || coalesce(m.chinese_models, 'none') || '.',
                format('{} of them are also in that week''s overall top 20 (the article''s "them").', m.chinese_in_top20),
                CASE WHEN m.unknown > 0 THEN 'Maker unknown: ' || m.unknown_models || '.' END,
                nullif(m.judgement.note, ''),
                'The programming category is OpenRouter''s sampled, weekly estimate.',
                CASE WHEN NOT m.is_claim_week AND NOT coalesce(m.claim_week_stored, false) THEN
                    format('The article''s week (around {}) is not in the store: this count is for another week and '
                           'says nothing about that one.', strftime(c.dated, '%Y-%m-%d')) END,
                m.citation)
       END AS detail
FROM model_rows m CROSS JOIN claim c
UNION ALL
SELECT 4, m.week_no * 10 + 2, c.claim_id, c.statement, c.source,
       'OpenRouter; top 10 coding apps (openrouter.ai/apps); '
           || CASE WHEN a.start_date IS NOT NULL
                   THEN format('{} to {}', strftime(a.start_date, '%Y-%m-%d'), strftime(a.end_date, '%Y-%m-%d'))
                   ELSE coalesce(format('week of {}', strftime(m.week_start, '%Y-%m-%d')), 'latest') END
           || ' (' || m.week_role || ')',
       CASE WHEN a.top_apps IS NOT NULL THEN 'not measurable' END,
       '4 of 10',
       'inconclusive',
       fmt_utc(a.as_of),
       CASE WHEN a.top_apps IS NULL THEN
                'No coding app ranking stored for this week, and none could settle the claim anyway: apps are not models.'
            ELSE 'Top 10 coding apps: ' || a.top_apps || '. Apps are not models: the app rankings say neither which '
                 'models an app uses nor who makes it, so "made in China" cannot be counted among them. '
                 || 'Source: OpenRouter (openrouter.ai/apps), as of ' || fmt_utc(a.as_of) || '.'
       END
FROM model_rows m
CROSS JOIN claim c
LEFT JOIN apps a USING (week_no);
COMMENT ON MACRO TABLE claim_openrouter_cn_4_of_top10_programming IS 'claim_openrouter_cn_4_of_top10_programming(as_of_date, asked_week): "4 of them [the Chinese models of the top 20] are among the top 10 most popular programming tools" (November 2025), in both readings: * models: the Chinese-made models in the top 10 of OpenRouter''s programming category (a sampled, weekly estimate), per permaslug variant';
