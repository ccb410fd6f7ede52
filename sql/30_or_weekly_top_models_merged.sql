-- or_weekly_top_models_merged: as or_weekly_top_models, with the variants of a model (':free',
-- ':exacto', ...) summed into one row per model slug and ranked again.
-- Columns: week_start, category, rank, model_slug, variants, organisation, country, author, mapped_by,
-- total_tokens, share, basis, days, complete, estimated, as_of, citation.
CREATE OR REPLACE VIEW or_weekly_top_models_merged AS
SELECT week_start, category, rank, model_permaslug AS model_slug, variants, organisation, country, author,
       mapped_by, total_tokens, share, basis, days, complete, estimated, as_of, citation
FROM or_weekly_top_models_at(NULL, true)
ORDER BY category, week_start, rank;
