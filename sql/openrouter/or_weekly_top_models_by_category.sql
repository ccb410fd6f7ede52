-- or_weekly_top_models_by_category: each ISO week's OpenRouter ranking per Data API category
-- ('programming', ...; 'all' is the main ranking), one row per permaslug. Category datasets are
-- OpenRouter's sampled weekly estimates (estimated = true): say so wherever a figure is used. A
-- category's week is complete only with its own whole-week bucket and all seven of OpenRouter's days
-- stored (see or_weekly_tokens_at): `days` counts them.
-- Columns: category, week_start, rank, model_permaslug, organisation, country, author, mapped_by,
-- total_tokens, share, basis, days, complete, estimated, as_of, citation.
CREATE OR REPLACE VIEW or_weekly_top_models_by_category AS
SELECT category, week_start, rank, model_permaslug, organisation, country, author, mapped_by,
       total_tokens, share, basis, days, complete, estimated, as_of, citation
FROM or_weekly_top_models_at(NULL, false)
ORDER BY category, week_start, rank;
COMMENT ON VIEW or_weekly_top_models_by_category IS 'Each ISO week''s OpenRouter ranking per Data API category (programming: OpenRouter''s sampled estimate), with the maker''s organisation and country and the citation line';
