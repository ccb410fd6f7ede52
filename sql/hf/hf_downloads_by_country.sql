-- hf_downloads_by_country: the rows of hf_downloads_by_country_from (see that file for what they answer), as rolled up
-- when each day was written (table internal.hf_rollup_country, collector/rollups.py): a year of daily snapshots of
-- 300,000 models reads in milliseconds. Re-attributed in full when the views or reference data change.
-- Columns: snapshot_date, country, scope, models, downloads_30d, downloads_all_time, share_30d,
-- lm_downloads_30d, lm_downloads_all_time, lm_share_30d (of the language models' 30-day downloads),
-- as_of, coverage.
CREATE OR REPLACE VIEW hf_downloads_by_country AS
SELECT * FROM internal.hf_rollup_country
ORDER BY snapshot_date, scope, downloads_30d DESC NULLS LAST, country;
COMMENT ON VIEW hf_downloads_by_country IS 'hf_downloads_by_country: the rows of hf_downloads_by_country_from (see that file for what they answer), as rolled up when each day was written (table internal.hf_rollup_country, collector/rollups.py): a year of daily snapshots of 300,000 models reads in milliseconds';
