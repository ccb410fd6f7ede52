-- hf_downloads_by_country: Hub downloads per country of the maker and snapshot day, in the two scopes of
-- hf_downloads_by_organisation ('first-party', 'with derivatives'), with each country's share of the 30-day
-- downloads of every model collected that day (in 'first-party' the shares leave out repackagers' and community
-- uploads, so they add up to less than 1; in 'with derivatives' they add up to 1, 'unknown' included).
-- Read from internal.hf_rollup_country, which the Hub source fills when it writes a day (computed by
-- hf_downloads_by_country_from; collector/sources/hf/rollups.py).
-- Columns: snapshot_date, country, scope, models, downloads_30d, downloads_all_time, share_30d,
-- lm_downloads_30d, lm_downloads_all_time, lm_share_30d (of the language models' 30-day downloads),
-- as_of, coverage.
CREATE OR REPLACE VIEW hf_downloads_by_country AS
SELECT * FROM internal.hf_rollup_country
ORDER BY snapshot_date, scope, downloads_30d DESC NULLS LAST, country;
COMMENT ON VIEW hf_downloads_by_country IS 'Hub downloads per country of the maker and snapshot day, first-party and with derivatives, with each country''s share of the 30-day downloads collected that day; columns: snapshot_date, country, scope, models, downloads_30d, downloads_all_time, share_30d, lm_*, as_of, coverage';
