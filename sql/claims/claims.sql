-- claims: the news claims tested against the stored data, each judged at its own date (when =
-- 'at_claim_date') and on the latest complete data (when = 'latest'): claims_at() with its defaults
-- (see claims_at.sql for a date or a week).
--   duckdb data/adoption.duckdb -c "SELECT claim_id, \"when\", scope, measured, verdict FROM claims"
-- Columns: claim_id, statement, source, dated, when, scope, data_date, measured, measured_value,
-- expected, expected_value, unit, verdict, as_of, citation, detail.
CREATE OR REPLACE VIEW claims AS
SELECT * FROM claims_at();
COMMENT ON VIEW claims IS 'The news claims tested against the stored data, each judged at its own date (when = at_claim_date) and on the latest complete data (when = latest): one row per claim, scope and when with measured, measured_value, expected, expected_value, unit, verdict, as_of, citation and the reason; claims_at(as_of_date, week_start) for another date or week';
