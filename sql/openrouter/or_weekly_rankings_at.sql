-- or_weekly_rankings_at(as_of_date): each ISO week's rankings of OpenRouter models by tokens, both per
-- permaslug variant (merged = false) and with the variants of a model summed (merged = true), with who
-- made them (or_model_attribution), as known on as_of_date (NULL = everything). Both come from one
-- reading of or_weekly_tokens_at: the claims read every ranking they need from it once
-- (or_weekly_top_models_at is one half of it).
-- 'other' (everything outside the top 50) is not ranked but counts in share's denominator.
-- Columns: merged, category, week_start, rank, model_permaslug (model_slug when merged), variants (the
-- permaslugs summed), author, organisation, country, mapped_by, total_tokens, share (of all the week's
-- tokens), week_total_tokens, basis, days (of the week's seven, the days stored), complete (all seven
-- days stored, as or_weekly_tokens_at decides), estimated, as_of, citation.
CREATE OR REPLACE MACRO or_weekly_rankings_at(as_of_date := NULL) AS TABLE
WITH models AS MATERIALIZED (   -- read twice: per variant and merged
    SELECT w.*, a.model_slug, a.author, a.organisation, a.country, a.mapped_by
    FROM or_weekly_tokens_at(as_of_date) w
    JOIN or_model_attribution a USING (model_permaslug)
    WHERE w.model_permaslug <> 'other'
),
keyed AS (   -- every row twice: under its variant (merged = false) and under its model (merged = true)
    SELECT false AS merged, model_permaslug AS ranked_as, * FROM models
    UNION ALL
    SELECT true AS merged, model_slug AS ranked_as, * FROM models
),
grouped AS (
    SELECT merged, category, week_start, ranked_as AS model_permaslug,
           list_sort(list(model_permaslug)) AS variants,
           any_value(author) AS author, any_value(organisation) AS organisation, any_value(country) AS country,
           any_value(mapped_by) AS mapped_by,
           sum(total_tokens) AS total_tokens,
           any_value(week_total_tokens) AS week_total_tokens,
           any_value(basis) AS basis, any_value(days) AS days, any_value(complete) AS complete,
           any_value(estimated) AS estimated, any_value(as_of) AS as_of, any_value(citation) AS citation
    FROM keyed
    GROUP BY merged, category, week_start, ranked_as
)
SELECT merged, category, week_start,
       row_number() OVER (PARTITION BY merged, category, week_start ORDER BY total_tokens DESC, model_permaslug) AS rank,
       model_permaslug, variants, author, organisation, country, mapped_by, total_tokens,
       CAST(total_tokens AS DOUBLE) / nullif(CAST(week_total_tokens AS DOUBLE), 0) AS share,
       week_total_tokens, basis, days, complete, estimated, as_of, citation
FROM grouped;
COMMENT ON MACRO TABLE or_weekly_rankings_at IS 'or_weekly_rankings_at(as_of_date): each ISO week''s rankings of OpenRouter models by tokens, both per permaslug variant (merged = false) and with the variants of a model summed (merged = true), with who made them (or_model_attribution), as known on as_of_date (NULL = everything)';
