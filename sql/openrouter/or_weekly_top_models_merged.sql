-- or_weekly_top_models_merged: as or_weekly_top_models, with the variants of a model (':free',
-- ':exacto', ...) summed into one row per model slug and ranked again (only variants that made a
-- bucket's top 50 are in the data).
-- Columns: week_start, rank, model_slug, variants (the permaslugs summed), organisation, country, author,
-- mapped_by, total_tokens, share, basis, days (of the week's seven, the days stored), complete (all seven
-- stored: see or_weekly_tokens_at), as_of, citation.
CREATE OR REPLACE VIEW or_weekly_top_models_merged AS
SELECT week_start, rank, model_permaslug AS model_slug, variants, organisation, country, author,
       mapped_by, total_tokens, share, basis, days, complete, as_of, citation
FROM or_weekly_top_models_at(NULL, true)
WHERE category = 'all'
ORDER BY week_start, rank;
COMMENT ON VIEW or_weekly_top_models_merged IS 'or_weekly_top_models_merged: as or_weekly_top_models, with the variants of a model ('':free'', '':exacto'', ...) summed into one row per model slug and ranked again (only variants that made a bucket''s top 50 are in the data)';
