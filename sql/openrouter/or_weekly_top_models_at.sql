-- or_weekly_top_models_at(as_of_date, variants_merged): each ISO week's ranking of OpenRouter models by
-- tokens, with who made them (or_model_attribution), as known on as_of_date (NULL = everything).
--   * variants_merged = false: one row per permaslug as OpenRouter ranks them (':free' apart).
--   * variants_merged = true: the variants of one model summed (only variants that made the top 50
--     of a bucket are in the data) and ranked again.
-- One half of or_weekly_rankings_at (which makes both from one reading of the rankings).
-- 'other' (everything outside the top 50) is not ranked but counts in share's denominator.
-- Columns: category, week_start, rank, model_permaslug (model_slug when merged), variants (the
-- permaslugs summed), author, organisation, country, mapped_by, total_tokens, share (of all the week's
-- tokens), week_total_tokens, basis, days (of the week's seven, the days stored), complete (all seven
-- days stored, as or_weekly_tokens_at decides), estimated, as_of, citation.
CREATE OR REPLACE MACRO or_weekly_top_models_at(as_of_date := NULL, variants_merged := false) AS TABLE
SELECT * EXCLUDE (merged)
FROM or_weekly_rankings_at(as_of_date)
WHERE merged = variants_merged;
COMMENT ON MACRO TABLE or_weekly_top_models_at IS 'or_weekly_top_models_at(as_of_date, variants_merged): each ISO week''s ranking of OpenRouter models by tokens, with who made them (or_model_attribution), as known on as_of_date (NULL = everything)';
