-- claims: the news claims tested against the stored data, with the latest data and the latest complete
-- ISO week (claims_at() with its defaults; see 49_claims_at.sql for a date or a week).
--   duckdb data/adoption.duckdb -c "SELECT claim_id, scope, measured, verdict FROM claims"
-- Columns: claim_id, statement, source, scope, measured, expected, verdict, as_of, detail.
CREATE OR REPLACE VIEW claims AS
SELECT * FROM claims_at();
COMMENT ON VIEW claims IS 'claims: the news claims tested against the stored data, with the latest data and the latest complete ISO week (claims_at() with its defaults';
