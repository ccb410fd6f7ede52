-- claim_count_top_k_openrouter_from(rankings, as_of_date, asked_week): claim_count_top_k_openrouter (the same
-- rows), reading the OpenRouter rankings from the table or CTE named `rankings` (a string; the rows of
-- or_weekly_rankings_at(as_of_date)), so that claims_at computes them once for all the OpenRouter claims.
-- What it answers: every claim of kind 'count_top_k' whose list is
-- one OpenRouter ranking ("<count> of the top <k> OpenRouter models by tokens in <category> are made
-- in <country>"). Parameters: list=openrouter:<category> ('all', 'programming', ...); k; count;
-- country; apps=<app category> (optional: also a row on the top k apps of that category, which cannot
-- be measured: apps are not models).
-- Rows: per permaslug variant (as OpenRouter ranks them) and with variants merged, for the claim's own
-- ISO week (when = 'at_claim_date'; the tolerance of a weekly ranking is its week), the latest complete
-- week ('latest') and the week asked for ('asked_week'). Makers come from or_model_attribution; stealth
-- models, uncurated authors and unranked positions are unknown, which can leave the count undecided
-- (claim_count_judgement). For a category other than 'all', the detail says how many of the models
-- are also in that week's overall top 20, when that ranking is stored.
-- Columns: the claims columns plus claim_no, row_no, when_no.
CREATE OR REPLACE MACRO claim_count_top_k_openrouter_from(rankings, as_of_date, asked_week) AS TABLE
WITH claim AS (
    SELECT claim_no, claim_id, statement, source, CAST(dated AS DATE) AS dated,
           substr(claim_param(params, 'list'), 12) AS category,
           CAST(claim_param(params, 'k') AS INTEGER) AS k,
           CAST(claim_param(params, 'count') AS INTEGER) AS expected_count,
           claim_param(params, 'country') AS country,
           claim_param(params, 'apps') AS apps
    FROM ref.claims
    WHERE kind = 'count_top_k' AND regexp_matches(claim_param(params, 'list'), '^openrouter:[a-z-]+$')
),

ranked AS (   -- weeks, counts, history and the newest week (every category) read it
    SELECT * FROM query_table(rankings) WHERE NOT merged OR category IN (SELECT category FROM claim)
),
ranked_weeks AS (   -- completeness is or_weekly_top_models_at's own `complete`, never recomputed here
    SELECT category, week_start, bool_and(complete) AS complete, max(days) AS days
    FROM ranked
    WHERE NOT merged
    GROUP BY ALL
),
newest_week AS (   -- the latest complete week of any ranking: a category's own latest may be far older
    SELECT max(week_start) AS week_start FROM ranked WHERE NOT merged AND complete
),
roles AS (   -- as or_claim_weeks, per claim: the claim's own ISO week, the latest complete one, the one asked
    SELECT claim_id, category, 1 AS when_no, 'at_claim_date' AS "when",
           CAST(date_trunc('week', dated) AS DATE) AS week_start
    FROM claim
    UNION ALL
    SELECT c.claim_id, c.category, 2, 'latest',
           (SELECT max(r.week_start) FROM ranked_weeks r WHERE r.category = c.category AND r.complete)
    FROM claim c
    UNION ALL
    SELECT claim_id, category, 3, 'asked_week', CAST(date_trunc('week', CAST(asked_week AS DATE)) AS DATE)
    FROM claim WHERE asked_week IS NOT NULL
),
weeks AS (
    SELECT r.claim_id, r.when_no, r."when", r.week_start, w.week_start IS NOT NULL AS stored,
           coalesce(w.complete, false) AS complete, coalesce(w.days, 0) AS days
    FROM roles r
    LEFT JOIN ranked_weeks w ON w.category = r.category AND w.week_start = r.week_start
),
modes AS (
    SELECT * FROM (VALUES (1, false, 'per permaslug variant'), (2, true, 'variants merged')) AS t(mode_no, merged, mode)
),

overall AS (   -- each week's overall top 20 (per variant), for "them" in a category's count
    SELECT false AS merged, week_start, model_permaslug, rank FROM ranked WHERE category = 'all' AND NOT merged AND rank <= 20
),
overall_weeks AS (
    SELECT DISTINCT week_start FROM ranked WHERE category = 'all' AND NOT merged
),
labelled AS (
    SELECT r.*, o.rank AS overall_rank,
           format('#{} {}', r.rank, r.model_permaslug)
           || CASE WHEN r.country <> 'unknown' THEN ''
                   WHEN a.author IS NOT NULL THEN ' (stealth: maker hidden)'
                   ELSE ' (author ' || r.author || ' not in openrouter_authors.csv)' END AS label
    FROM ranked r
    LEFT JOIN overall o   -- equalities only (a hash join): the variants-merged rows find no match
           ON o.merged = r.merged AND o.week_start = r.week_start AND o.model_permaslug = r.model_permaslug
    LEFT JOIN ref.openrouter_authors a ON a.author = lower(r.author)
),
counted AS (
    SELECT c.claim_no, c.claim_id, c.category, c.k, c.expected_count, c.country AS wanted_country, c.dated,
           w.when_no, w."when", w.week_start, w.stored, w.complete AS week_complete, w.days AS week_days,
           m.mode_no, m.mode,
           count(r.rank) AS listed,
           count(r.rank) FILTER (WHERE r.country = c.country) AS matching,
           count(r.rank) FILTER (WHERE r.country = c.country AND r.overall_rank IS NOT NULL) AS matching_in_top20,
           count(r.rank) FILTER (WHERE r.country = 'unknown') AS unknown,
           string_agg(r.label, ', ' ORDER BY r.rank) FILTER (WHERE r.country = c.country) AS matching_models,
           string_agg(r.label, ', ' ORDER BY r.rank) FILTER (WHERE r.country = 'unknown') AS unknown_models,
           any_value(r.basis) AS basis, any_value(r.as_of) AS as_of, any_value(r.citation) AS citation,
           (SELECT count(*) FROM overall_weeks ow WHERE ow.week_start = w.week_start) > 0 AS overall_stored
    FROM claim c
    JOIN weeks w ON w.claim_id = c.claim_id
    CROSS JOIN modes m
    LEFT JOIN labelled r ON r.category = c.category AND r.week_start = w.week_start AND r.merged = m.merged
                        AND r.rank <= c.k
    GROUP BY ALL
),
history AS (   -- every complete week known on as_of_date: did the claim hold (makers known only)?
    SELECT c.claim_id, r.week_start, count(*) FILTER (WHERE r.country = c.country) >= any_value(c.expected_count) AS held
    FROM claim c
    JOIN ranked r ON r.category = c.category AND NOT r.merged AND r.rank <= c.k AND r.complete
    GROUP BY c.claim_id, r.week_start
),
crossing AS (   -- the first such week it held, and the complete week before it (as claim_crossings)
    SELECT h.claim_id, count(*) AS weeks, min(h.week_start) AS first_week, max(h.week_start) AS last_week,
           min(h.week_start) FILTER (WHERE h.held) AS held_from
    FROM history h
    GROUP BY h.claim_id
),
judged AS (
    SELECT *,
           CASE WHEN listed > 0 AND NOT week_complete
                    THEN {'verdict': 'inconclusive', 'note': format('The week is incomplete: {} of 7 days stored.', week_days)}
                ELSE claim_count_judgement(matching, unknown, listed, expected_count, expected_count, k) END AS judgement
    FROM counted
),
app_pulls AS (   -- per claim and week, the app ranking covering it (an exact ISO week first), else the newest
    SELECT c.claim_id, w.when_no, p.pull_id, p.start_date, p.end_date, p.as_of
    FROM claim c
    JOIN weeks w ON w.claim_id = c.claim_id
    JOIN or_pulls p ON p.dataset = 'app-rankings' AND p.category = c.apps
         AND (as_of_date IS NULL OR timezone('UTC', p.as_of) < CAST(as_of_date AS DATE) + INTERVAL 1 DAY)
         AND (w.week_start IS NULL OR (p.start_date <= w.week_start + 6 AND p.end_date >= w.week_start))
    QUALIFY row_number() OVER (PARTITION BY c.claim_id, w.when_no
                               ORDER BY (p.start_date = w.week_start AND p.end_date = w.week_start + 6) DESC,
                                        p.as_of DESC, p.pull_id DESC) = 1
),
apps AS (
    SELECT a.claim_id, a.when_no, a.start_date, a.end_date, a.as_of,
           string_agg(format('{}. {}', r.rank, coalesce(r.app_name, r.app_id)), ', ' ORDER BY r.rank) AS top_apps
    FROM app_pulls a
    JOIN or_app_rankings r ON r.pull_id = a.pull_id AND r.rank <= (SELECT k FROM claim WHERE claim_id = a.claim_id)
    GROUP BY ALL
),
week_label AS (
    SELECT DISTINCT claim_id, when_no, week_start,
           CASE WHEN week_start IS NULL THEN "when" || ': none stored'
                ELSE format('week of {} ({})', strftime(week_start, '%Y-%m-%d'), strftime(week_start, '%G-W%V')) END AS label
    FROM weeks
)
SELECT j.claim_no, j.mode_no AS row_no, j.when_no, c.claim_id, c.statement, c.source, j.dated, j."when",
       format('OpenRouter; {}top {} models by tokens, {}; ', CASE WHEN j.category = 'all' THEN ''
                  ELSE j.category || ' category (estimated), ' END, j.k, j.mode) || wl.label AS scope,
       CASE WHEN j.stored AND j.listed > 0 THEN j.week_start END AS data_date,
       CASE WHEN j.listed > 0 THEN format('{} of {}', j.matching, j.listed)
            || CASE WHEN j.unknown > 0 THEN format(' (+{} of unknown maker)', j.unknown) ELSE '' END END AS measured,
       CASE WHEN j.listed >= j.k AND j.unknown = 0 AND j.week_complete THEN CAST(j.matching AS DOUBLE) END AS measured_value,
       format('{} of {}', j.expected_count, j.k) AS expected,
       CAST(j.expected_count AS DOUBLE) AS expected_value,
       format('models made in {} among the top {}', j.wanted_country, j.k) AS unit,
       CASE WHEN j.listed = 0 THEN 'inconclusive' ELSE j.judgement.verdict END AS verdict,
       fmt_utc(j.as_of) AS as_of,
       CASE WHEN j.listed > 0 THEN j.citation END AS citation,
       CASE WHEN j.week_start IS NULL THEN
                format('No complete ISO week of OpenRouter rankings ({}) in the store{}: nothing to count.', j.category,
                       coalesce(' as of ' || CAST(as_of_date AS VARCHAR), ''))
            WHEN j.listed = 0 THEN concat_ws(' ',
                format('No OpenRouter rankings ({}) stored for the week of {} ({}){}.', j.category,
                       strftime(j.week_start, '%Y-%m-%d'), strftime(j.week_start, '%G-W%V'),
                       coalesce(' as of ' || CAST(as_of_date AS VARCHAR), '')),
                CASE WHEN j.when_no = 1 THEN format('A count of another week says nothing about this one. To decide it, '
                    'backfill that week: `collector collect openrouter --since {}` (needs OPENROUTER_API_KEY).',
                    strftime(j.week_start, '%Y-%m-%d')) END)
            ELSE concat_ws(' ',
                format('Made in {}: ', j.wanted_country) || coalesce(j.matching_models, 'none') || '.',
                CASE WHEN j.category <> 'all' AND j.mode_no = 1 THEN
                    CASE WHEN j.overall_stored THEN format('{} of them are also in that week''s overall top 20 (the '
                             'article''s "them").', j.matching_in_top20)
                         ELSE 'No overall ranking (category all) of that week is stored, so how many of them are also in '
                              'its top 20 (the article''s "them") is unknown.' END END,
                CASE WHEN j.unknown > 0 THEN 'Maker unknown: ' || j.unknown_models || '.' END,
                nullif(j.judgement.note, ''),
                CASE WHEN j.judgement.verdict = 'refuted' AND j.matching > j.expected_count THEN format(
                    'The claim is read as exactly {} of {}; "at least {}" would hold.', j.expected_count, j.k,
                    j.expected_count) END,
                CASE WHEN j.basis = 'days' THEN 'The week is the sum of its 7 daily top-50 rankings (a model outside a '
                    'day''s top 50 misses that day''s tokens), not OpenRouter''s own weekly ranking.' END,
                CASE WHEN j.mode_no = 2 THEN 'Variants such as :free are summed into their model before ranking.' END,
                CASE WHEN j.when_no = 2 AND j.week_start < (SELECT week_start FROM newest_week) THEN format(
                    'This is the latest complete week of the {} ranking, {} weeks before the latest complete week of '
                    'the rankings stored ({}): whether the claim still holds after it is unknown. '
                    '`collector collect openrouter --since {}` fills the weeks after it (needs OPENROUTER_API_KEY).',
                    j.category, ((SELECT week_start FROM newest_week) - j.week_start) // 7,
                    strftime((SELECT week_start FROM newest_week), '%G-W%V'),
                    strftime(j.week_start + 7, '%Y-%m-%d')) END,
                CASE WHEN j.category <> 'all' THEN format('The {} category is OpenRouter''s sampled, weekly estimate.',
                                                          j.category) END,
                CASE WHEN j.mode_no <> 1 OR x.weeks < 2 THEN NULL
                     WHEN x.held_from IS NULL THEN format('In none of the {} complete weeks from {} to {} were {} or more of '
                         'the top {} known to be made in {}.', x.weeks, strftime(x.first_week, '%Y-%m-%d'),
                         strftime(x.last_week, '%Y-%m-%d'), j.expected_count, j.k, j.wanted_country)
                     WHEN x.held_from = x.first_week THEN format('{} or more of the top {} were made in {} already in the '
                         'first complete week stored ({}).', j.expected_count, j.k, j.wanted_country,
                         strftime(x.held_from, '%G-W%V'))
                     ELSE format('First complete week with {} or more of the top {} made in {}: {} (the complete week '
                         'before, {}, had fewer).', j.expected_count, j.k, j.wanted_country, strftime(x.held_from, '%G-W%V'),
                         (SELECT strftime(max(h.week_start), '%G-W%V') FROM history h
                          WHERE h.claim_id = j.claim_id AND h.week_start < x.held_from)) END)
       END AS detail
FROM judged j
JOIN claim c USING (claim_id)
LEFT JOIN crossing x ON x.claim_id = j.claim_id
JOIN week_label wl ON wl.claim_id = j.claim_id AND wl.when_no = j.when_no
UNION ALL
SELECT c.claim_no, 3, w.when_no, c.claim_id, c.statement, c.source, c.dated, w."when",
       format('OpenRouter; top {} {} apps (openrouter.ai/apps); ', c.k, c.apps)
           || CASE WHEN a.start_date IS NOT NULL
                   THEN format('{} to {}', strftime(a.start_date, '%Y-%m-%d'), strftime(a.end_date, '%Y-%m-%d'))
                   ELSE wl.label END,
       a.start_date,
       CASE WHEN a.top_apps IS NOT NULL THEN 'not measurable' END,
       NULL,
       format('{} of {}', c.expected_count, c.k),
       CAST(c.expected_count AS DOUBLE),
       format('apps whose models are made in {}', c.country),
       'inconclusive',
       fmt_utc(a.as_of),
       CASE WHEN a.top_apps IS NOT NULL THEN 'Source: OpenRouter (openrouter.ai/apps), as of ' || fmt_utc(a.as_of) || '.' END,
       CASE WHEN a.top_apps IS NULL THEN
                format('No {} app ranking stored for this week, and none could settle the claim anyway: apps are not '
                       'models.', c.apps)
            ELSE format('Top {} {} apps: ', c.k, c.apps) || a.top_apps || '. Apps are not models: the app rankings say '
                 'neither which models an app uses nor who makes it, so "made in China" cannot be counted among them.'
       END
FROM claim c
JOIN weeks w ON w.claim_id = c.claim_id
JOIN week_label wl ON wl.claim_id = w.claim_id AND wl.when_no = w.when_no
LEFT JOIN apps a ON a.claim_id = c.claim_id AND a.when_no = w.when_no
WHERE c.apps IS NOT NULL;
COMMENT ON MACRO TABLE claim_count_top_k_openrouter_from IS 'claim_count_top_k_openrouter_from(rankings, as_of_date, asked_week): claim_count_top_k_openrouter reading the OpenRouter rankings from the table or CTE named `rankings` (the rows of or_weekly_rankings_at(as_of_date)), computed once by claims_at for every OpenRouter claim';
