-- claim_cn_41_of_top100(as_of_date, asked_week): "41 of the world's top 100 AI models are Chinese"
-- (a survey, spring 2025; kind count_top_k over several lists), on three lists:
--   * the Hub's top 100 by 30-day downloads, all models (a 'top_downloads:N' listing, N >= 100, or a
--     full-Hub day);
--   * the Hub's top 100 language models by 30-day downloads among the collected models (complete only
--     on a full-Hub day or if the 100th is above the top-N cut-off: no language model outside the set
--     can outrank it);
--   * OpenRouter's top 50 by tokens (41% of 50 is 20.5: 20 or 21).
-- A Hub model is Chinese when most of its attribution (hf_model_attribution, derivatives through
-- lineage) goes to an organisation in China; 'unknown' makers leave the count undecided.
-- when = 'at_claim_date': the Hub snapshot nearest the survey's date within the claim's tolerance, and
-- the ISO week holding it on OpenRouter; when = 'latest': the latest such snapshot, the latest
-- complete week. Only snapshots known on as_of_date are read (an empty day list reads no day).
-- Columns: the claims columns plus claim_no, row_no, when_no.
-- The rows are claim_cn_41_of_top100_from's, on the rankings as known on as_of_date.
CREATE OR REPLACE MACRO claim_cn_41_of_top100(as_of_date := NULL, asked_week := NULL) AS TABLE
WITH claim_or_rankings AS MATERIALIZED (
    SELECT * FROM or_weekly_rankings_at(as_of_date)
)
SELECT * FROM claim_cn_41_of_top100_from('claim_or_rankings', as_of_date, asked_week);
COMMENT ON MACRO TABLE claim_cn_41_of_top100 IS 'claim_cn_41_of_top100(as_of_date, asked_week): "41 of the world''s top 100 AI models are Chinese" (a survey, spring 2025; kind count_top_k over several lists), on three lists: * the Hub''s top 100 by 30-day downloads, all models (a ''top_downloads:N'' listing, N >= 100, or a full-Hub day)';
