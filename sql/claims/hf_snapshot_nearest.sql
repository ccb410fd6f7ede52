-- hf_snapshot_nearest(target_date, as_of_date, min_top_n): the Hub snapshot day nearest target_date
-- among those known on as_of_date (NULL = all), optionally only days with a Hub-wide top N of at least
-- min_top_n; the later day wins a tie. One row of hf_snapshot_sets, or none.
CREATE OR REPLACE MACRO hf_snapshot_nearest(target_date, as_of_date := NULL, min_top_n := 0) AS TABLE
SELECT *, snapshot_date - CAST(target_date AS DATE) AS days_after
FROM hf_snapshot_sets
WHERE (as_of_date IS NULL OR snapshot_date <= CAST(as_of_date AS DATE))
  AND (min_top_n = 0 OR coalesce(top_n, 0) >= min_top_n)
ORDER BY abs(snapshot_date - CAST(target_date AS DATE)), snapshot_date DESC
LIMIT 1;
COMMENT ON MACRO TABLE hf_snapshot_nearest IS 'hf_snapshot_nearest(target_date, as_of_date, min_top_n): the Hub snapshot day nearest target_date among those known on as_of_date (NULL = all), optionally only days with a Hub-wide top N of at least min_top_n';
