-- hf_downloads_by_family: the rows of hf_downloads_by_family_from (see that file for what they answer), as rolled up
-- when each day was written (table internal.hf_rollup_family, collector/rollups.py): a year of daily snapshots of
-- 300,000 models reads in milliseconds. Re-attributed in full when the views or reference data change.
-- Columns: snapshot_date, family, scope, models, downloads_30d, downloads_all_time,
-- lm_models, lm_downloads_30d, lm_downloads_all_time (language models only), as_of, coverage.
CREATE OR REPLACE VIEW hf_downloads_by_family AS
SELECT * FROM internal.hf_rollup_family
ORDER BY snapshot_date, scope, downloads_30d DESC NULLS LAST, family;
COMMENT ON VIEW hf_downloads_by_family IS 'hf_downloads_by_family: the rows of hf_downloads_by_family_from (see that file for what they answer), as rolled up when each day was written (table internal.hf_rollup_family, collector/rollups.py): a year of daily snapshots of 300,000 models reads in milliseconds';
