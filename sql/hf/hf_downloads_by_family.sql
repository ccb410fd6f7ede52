-- hf_downloads_by_family: Hub downloads per model family (Llama, Qwen, DeepSeek, ...) and snapshot day, in two
-- scopes: 'first-party' (the family's own repos, ref.families) and 'with derivatives' (every collected model that
-- reaches the family through lineage: fine-tunes, quantizations, adapters, merges shared among their parents).
-- Only the models collected that day are counted (see coverage); family 'other' holds the rest.
-- Read from internal.hf_rollup_family, which the Hub source fills when it writes a day (computed by
-- hf_downloads_by_family_from; collector/sources/hf/rollups.py), so a year of daily snapshots reads in milliseconds.
-- Columns: snapshot_date, family, scope, models, downloads_30d, downloads_all_time,
-- lm_models, lm_downloads_30d, lm_downloads_all_time (language models only), as_of, coverage.
CREATE OR REPLACE VIEW hf_downloads_by_family AS
SELECT * FROM internal.hf_rollup_family
ORDER BY snapshot_date, scope, downloads_30d DESC NULLS LAST, family;
COMMENT ON VIEW hf_downloads_by_family IS 'Hub downloads per model family and snapshot day, first-party and with derivatives (lineage), over the models collected that day; columns: snapshot_date, family, scope, models, downloads_30d, downloads_all_time, lm_* (language models only), as_of, coverage';
