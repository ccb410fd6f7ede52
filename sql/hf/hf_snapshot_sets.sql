-- hf_snapshot_sets: what was collected each snapshot day, i.e. the set of models every Hub figure of that day
-- is computed over, and how much of the Hub it covers: the scopes listed, the tracked namespaces crawled in
-- full, the Hub-wide top N and its cut-off (every model outside the set has at most that many 30-day downloads).
-- Read from internal.hf_rollup_sets, which the Hub source fills when it writes a day (computed by
-- hf_snapshot_sets_from; collector/sources/hf/rollups.py).
-- Columns: snapshot_date, as_of, scopes, namespaces, top_n, top_cutoff_30d, models, downloads_30d,
-- downloads_all_time, coverage (a sentence for a figure's detail).
CREATE OR REPLACE VIEW hf_snapshot_sets AS
SELECT * FROM internal.hf_rollup_sets ORDER BY snapshot_date;
COMMENT ON VIEW hf_snapshot_sets IS 'What was collected each Hub snapshot day (scopes, namespaces, top N and its cut-off, models, totals): the set every Hub figure of that day is computed over; columns: snapshot_date, as_of, scopes, namespaces, top_n, top_cutoff_30d, models, downloads_30d, downloads_all_time, coverage';
