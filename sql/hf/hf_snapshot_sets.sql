-- hf_snapshot_sets: what was collected each snapshot day (the set of models every Hub figure of that
-- day is computed over, and how much of the Hub it covers), as rolled up when the day was written:
-- the rows of hf_snapshot_sets_from, kept in the table internal.hf_rollup_sets (collector/rollups.py), so that a
-- year of 300,000 models a day reads in milliseconds.
-- Columns: snapshot_date, as_of, scopes, namespaces, top_n, top_cutoff_30d, models, downloads_30d,
-- downloads_all_time, coverage (see 12_hf_snapshot_sets_from.sql).
CREATE OR REPLACE VIEW hf_snapshot_sets AS
SELECT * FROM internal.hf_rollup_sets ORDER BY snapshot_date;
COMMENT ON VIEW hf_snapshot_sets IS 'hf_snapshot_sets: what was collected each snapshot day (the set of models every Hub figure of that day is computed over, and how much of the Hub it covers), as rolled up when the day was written: the rows of hf_snapshot_sets_from, kept in the table internal.hf_rollup_sets (collector/rollups.py), so that a year of 300,000 models a day reads in milliseconds';
