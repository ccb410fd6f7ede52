-- or_weekly_top_models: each ISO week's OpenRouter ranking of models by tokens (all models, OpenRouter's
-- main ranking), one row per permaslug as OpenRouter ranks them (variants such as ':free' apart), with
-- the maker's organisation and country. Check `complete` before quoting a week: a week is complete only
-- when all seven of its days are stored (a week whose data ends on a Friday, or with an empty day, is
-- partial however long ago it ended; see or_weekly_tokens_at). Rankings by category (e.g. programming)
-- are in or_weekly_top_models_by_category.
-- Columns: week_start, rank, model_permaslug, organisation, country, author, mapped_by ('catalog' |
-- 'author prefix'), total_tokens, share (of all the week's tokens, 'other' included), basis ('week' |
-- 'days': summed from daily buckets), days (of the week's seven, the days stored), complete (all seven
-- stored), as_of (meta.as_of), citation.
CREATE OR REPLACE VIEW or_weekly_top_models AS
SELECT week_start, rank, model_permaslug, organisation, country, author, mapped_by,
       total_tokens, share, basis, days, complete, as_of, citation
FROM or_weekly_top_models_at(NULL, false)
WHERE category = 'all'
ORDER BY week_start, rank;
COMMENT ON VIEW or_weekly_top_models IS 'or_weekly_top_models: each ISO week''s OpenRouter ranking of models by tokens (all models, OpenRouter''s main ranking), one row per permaslug as OpenRouter ranks them (variants such as '':free'' apart), with the maker''s organisation and country';
