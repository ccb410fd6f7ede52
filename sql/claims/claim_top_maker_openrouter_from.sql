-- claim_top_maker_openrouter_from(rankings, as_of_date, asked_week): claim_top_maker_openrouter (the same
-- rows), reading the OpenRouter rankings from the table or CTE named `rankings` (a string; the rows of
-- or_weekly_rankings_at(as_of_date)), so that claims_at computes them once for all the OpenRouter claims.
-- What it answers: every claim of kind 'top_maker' ("<maker> is
-- OpenRouter's most-used maker"): the organisation with the most tokens in a week's ranking.
-- Parameters: list=openrouter:<category>; maker=<organisation of organisations.csv>.
-- Tokens outside the week's top 50 (the 'other' row) and tokens of models whose maker is unknown
-- (stealth, uncurated authors) could belong to anyone: supported only when the maker leads even if all
-- of them went to the runner-up, refuted only when another maker leads even if all of them went to the
-- maker; otherwise inconclusive with the margins. Rows: the claim's ISO week ('at_claim_date'), the
-- latest complete week ('latest'), the week asked for ('asked_week'); completeness is
-- or_weekly_top_models_at's `complete`.
-- Columns: the claims columns plus claim_no, row_no, when_no.
CREATE OR REPLACE MACRO claim_top_maker_openrouter_from(rankings, as_of_date, asked_week) AS TABLE
WITH claim AS (
    SELECT claim_no, claim_id, statement, source, CAST(dated AS DATE) AS dated,
           substr(claim_param(params, 'list'), 12) AS category, claim_param(params, 'maker') AS maker
    FROM ref.claims
    WHERE kind = 'top_maker' AND regexp_matches(claim_param(params, 'list'), '^openrouter:[a-z-]+$')
),
ranked AS MATERIALIZED (
    SELECT * FROM query_table(rankings) WHERE NOT merged AND category IN (SELECT category FROM claim)
),
weeks AS (
    SELECT category, week_start, bool_and(complete) AS complete, max(days) AS days,
           any_value(week_total_tokens) AS week_total, sum(total_tokens) AS ranked_total,
           any_value(as_of) AS as_of, any_value(citation) AS citation
    FROM ranked GROUP BY category, week_start
),
roles AS (
    SELECT c.claim_id, 1 AS when_no, 'at_claim_date' AS "when", CAST(date_trunc('week', c.dated) AS DATE) AS week_start
    FROM claim c
    UNION ALL
    SELECT c.claim_id, 2, 'latest', (SELECT max(w.week_start) FROM weeks w WHERE w.category = c.category AND w.complete)
    FROM claim c
    UNION ALL
    SELECT claim_id, 3, 'asked_week', CAST(date_trunc('week', CAST(asked_week AS DATE)) AS DATE)
    FROM claim WHERE asked_week IS NOT NULL
),
makers AS (   -- tokens per known maker in each week of the claims' category
    SELECT category, week_start, organisation, sum(total_tokens) AS tokens
    FROM ranked WHERE organisation <> 'unknown'
    GROUP BY ALL
),
measured AS (
    SELECT c.claim_no, c.claim_id, c.statement, c.source, c.dated, c.category, c.maker, r.when_no, r."when",
           r.week_start, w.complete, w.days, w.as_of, w.citation, w.week_start IS NOT NULL AS stored,
           coalesce((SELECT m.tokens FROM makers m WHERE m.category = c.category AND m.week_start = r.week_start
                     AND m.organisation = c.maker), 0) AS maker_tokens,
           (SELECT arg_max(m.organisation, m.tokens) FROM makers m WHERE m.category = c.category
            AND m.week_start = r.week_start AND m.organisation <> c.maker) AS rival,
           coalesce((SELECT max(m.tokens) FROM makers m WHERE m.category = c.category AND m.week_start = r.week_start
                     AND m.organisation <> c.maker), 0) AS rival_tokens,
           -- tokens that could be anyone's: the week's 'other' row and unknown makers' models
           coalesce(w.week_total - w.ranked_total, 0)
               + coalesce((SELECT sum(x.total_tokens) FROM ranked x WHERE x.category = c.category
                           AND x.week_start = r.week_start AND x.organisation = 'unknown'), 0) AS open_tokens
    FROM claim c
    JOIN roles r USING (claim_id)
    LEFT JOIN weeks w ON w.category = c.category AND w.week_start = r.week_start
)
SELECT claim_no, 1 AS row_no, when_no, claim_id, statement, source, dated, "when",
       format('OpenRouter; makers by tokens ({}), top 50 models per week; ', category)
           || coalesce(format('week of {} ({})', strftime(week_start, '%Y-%m-%d'), strftime(week_start, '%G-W%V')),
                       "when" || ': none stored') AS scope,
       CASE WHEN stored THEN week_start END AS data_date,
       CASE WHEN stored THEN format('{} {:,} tokens; {} {:,}', maker, maker_tokens, coalesce(rival, 'no other maker'),
                                    rival_tokens) END AS measured,
       CASE WHEN stored AND complete AND open_tokens = 0 THEN CAST(maker_tokens AS DOUBLE) / nullif(rival_tokens, 0) END
           AS measured_value,
       format('{} first', maker) AS expected,
       1.0 AS expected_value,
       format('ratio of tokens ({} / the largest other maker)', maker) AS unit,
       CASE WHEN NOT stored OR NOT complete THEN 'inconclusive'
            WHEN maker_tokens > rival_tokens + open_tokens THEN 'supported'
            WHEN rival_tokens > maker_tokens + open_tokens THEN 'refuted'
            ELSE 'inconclusive' END AS verdict,
       CASE WHEN stored THEN fmt_utc(as_of) END AS as_of,
       CASE WHEN stored THEN citation END AS citation,
       CASE WHEN week_start IS NULL THEN format('No complete ISO week of OpenRouter rankings ({}) in the store: '
                                                'nothing to compare.', category)
            WHEN NOT stored THEN format('No OpenRouter rankings ({}) stored for the week of {} ({}): a week''s ranking '
                'says nothing about another. To decide it, backfill that week: `collector collect openrouter --since {}` '
                '(needs OPENROUTER_API_KEY).', category, strftime(week_start, '%Y-%m-%d'), strftime(week_start, '%G-W%V'),
                strftime(week_start, '%Y-%m-%d'))
            WHEN NOT complete THEN format('The week is incomplete: {} of 7 days stored.', days)
            ELSE concat_ws(' ',
                format('{} {:,} tokens, the largest other maker ({}) {:,}; {:,} tokens could be anyone''s (outside the '
                       'top 50, or of unknown maker).', maker, maker_tokens, coalesce(rival, 'none'), rival_tokens,
                       open_tokens),
                CASE WHEN maker_tokens > rival_tokens + open_tokens THEN 'It leads even if all of them went to the runner-up.'
                     WHEN rival_tokens > maker_tokens + open_tokens THEN 'Another maker leads even if all of them went to it.'
                     ELSE 'Those tokens decide who leads.' END)
       END AS detail
FROM measured;
COMMENT ON MACRO TABLE claim_top_maker_openrouter_from IS 'claim_top_maker_openrouter_from(rankings, as_of_date, asked_week): claim_top_maker_openrouter reading the OpenRouter rankings from the table or CTE named `rankings` (the rows of or_weekly_rankings_at(as_of_date)), computed once by claims_at for every OpenRouter claim';
