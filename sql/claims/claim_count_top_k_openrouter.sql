-- claim_count_top_k_openrouter(as_of_date, asked_week): every claim of kind 'count_top_k' whose list is
-- one OpenRouter ranking ("<count> of the top <k> OpenRouter models by tokens in <category> are made
-- in <country>"). Parameters: list=openrouter:<category> ('all', 'programming', ...); k; count;
-- country; apps=<app category> (optional: also a row on the top k apps of that category, which cannot
-- be measured: apps are not models).
-- Rows: per permaslug variant (as OpenRouter ranks them) and with variants merged, for the claim's own
-- ISO week (when = 'at_claim_date'; the tolerance of a weekly ranking is its week), the latest complete
-- week ('latest') and the week asked for ('asked_week'). Makers come from or_model_attribution; stealth
-- models, uncurated authors and unranked positions are unknown, which can leave the count undecided
-- (claim_count_judgement). For a category other than 'all', the detail says how many of the models
-- are also in that week's overall top 20, when that ranking is stored.
-- Columns: the claims columns plus claim_no, row_no, when_no.
-- The rows are claim_count_top_k_openrouter_from's, on the rankings as known on as_of_date.
CREATE OR REPLACE MACRO claim_count_top_k_openrouter(as_of_date := NULL, asked_week := NULL) AS TABLE
WITH claim_or_rankings AS MATERIALIZED (
    SELECT * FROM or_weekly_rankings_at(as_of_date)
)
SELECT * FROM claim_count_top_k_openrouter_from('claim_or_rankings', as_of_date, asked_week);
COMMENT ON MACRO TABLE claim_count_top_k_openrouter IS 'claim_count_top_k_openrouter(as_of_date, asked_week): every claim of kind ''count_top_k'' whose list is one OpenRouter ranking ("<count> of the top <k> OpenRouter models by tokens in <category> are made in <country>")';
