-- or_weekly_top_models: each ISO week's OpenRouter ranking by tokens, one row per permaslug as
-- OpenRouter ranks them (variants such as ':free' apart), with organisation and country.
-- category = 'all' is the main ranking; other categories (e.g. 'programming') are OpenRouter's
-- sampled weekly estimates. Check `complete` before quoting a week.
-- Columns: week_start, category, rank, model_permaslug, organisation, country, author, mapped_by,
-- total_tokens, share (of all the week's tokens, 'other' included), basis ('week' | 'days'), days,
-- complete, estimated, as_of, citation.
CREATE OR REPLACE VIEW or_weekly_top_models AS
SELECT week_start, category, rank, model_permaslug, organisation, country, author, mapped_by,
       total_tokens, share, basis, days, complete, estimated, as_of, citation
FROM or_weekly_top_models_at(NULL, false)
ORDER BY category, week_start, rank;
