-- or_token_share_by_country: each ISO week's OpenRouter tokens by the country of the model's maker.
-- Tokens outside the week's top 50 models are one row, country 'other (outside the top 50)': their
-- makers are not in the data. Stealth models and unmapped authors are 'unknown'.
-- All models (category 'all', OpenRouter's main ranking); check `complete` before quoting a week.
-- Columns: week_start, country, models, total_tokens, share (of all the week's tokens), basis,
-- complete, as_of, citation.
CREATE OR REPLACE VIEW or_token_share_by_country AS
WITH weekly AS (
    SELECT w.*, coalesce(a.country, 'unknown') AS maker_country
    FROM or_weekly_tokens_at(NULL) w
    LEFT JOIN or_model_attribution a USING (model_permaslug)
),
by_country AS (
    SELECT week_start, category,
           CASE WHEN model_permaslug = 'other' THEN 'other (outside the top 50)' ELSE maker_country END AS country,
           count(*) FILTER (WHERE model_permaslug <> 'other') AS models,
           sum(total_tokens) AS total_tokens,
           any_value(week_total_tokens) AS week_total_tokens,
           any_value(basis) AS basis, any_value(complete) AS complete, any_value(estimated) AS estimated,
           any_value(as_of) AS as_of, any_value(citation) AS citation
    FROM weekly
    WHERE category = 'all'
    GROUP BY ALL
)
SELECT week_start, country, models, total_tokens,
       CAST(total_tokens AS DOUBLE) / nullif(CAST(week_total_tokens AS DOUBLE), 0) AS share,
       basis, complete, as_of, citation
FROM by_country
ORDER BY week_start, total_tokens DESC;
COMMENT ON VIEW or_token_share_by_country IS 'or_token_share_by_country: each ISO week''s OpenRouter tokens by the country of the model''s maker';
