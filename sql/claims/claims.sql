-- claims: the news claims tested against the stored data, with the latest data and the latest complete
-- ISO week (claims_at() with its defaults; see claims_at.sql for a date or a week).
--   duckdb data/adoption.duckdb -c "SELECT claim_id, scope, measured, verdict FROM claims"
-- Columns: claim_id, statement, source, scope, measured, expected, verdict, as_of, detail.
CREATE OR REPLACE VIEW claims AS
SELECT * FROM claims_at();
COMMENT ON VIEW claims IS 'The news claims tested against the stored data (latest data, latest complete ISO week): one row per claim and scope with measured, expected, verdict, as_of and the reason; claims_at(as_of_date, week_start) for another date or week';
