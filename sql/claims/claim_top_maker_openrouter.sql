-- claim_top_maker_openrouter(as_of_date, asked_week): every claim of kind 'top_maker' ("<maker> is
-- OpenRouter's most-used maker"): the organisation with the most tokens in a week's ranking.
-- Parameters: list=openrouter:<category>; maker=<organisation of organisations.csv>.
-- Tokens outside the week's top 50 (the 'other' row) and tokens of models whose maker is unknown
-- (stealth, uncurated authors) could belong to anyone: supported only when the maker leads even if all
-- of them went to the runner-up, refuted only when another maker leads even if all of them went to the
-- maker; otherwise inconclusive with the margins. Rows: the claim's ISO week ('at_claim_date'), the
-- latest complete week ('latest'), the week asked for ('asked_week'); completeness is
-- or_weekly_top_models_at's `complete`.
-- Columns: the claims columns plus claim_no, row_no, when_no.
-- The rows are claim_top_maker_openrouter_from's, on the rankings as known on as_of_date.
CREATE OR REPLACE MACRO claim_top_maker_openrouter(as_of_date := NULL, asked_week := NULL) AS TABLE
WITH claim_or_rankings AS MATERIALIZED (
    SELECT * FROM or_weekly_rankings_at(as_of_date)
)
SELECT * FROM claim_top_maker_openrouter_from('claim_or_rankings', as_of_date, asked_week);
COMMENT ON MACRO TABLE claim_top_maker_openrouter IS 'claim_top_maker_openrouter(as_of_date, asked_week): every claim of kind ''top_maker'' ("<maker> is OpenRouter''s most-used maker"): the organisation with the most tokens in a week''s ranking';
