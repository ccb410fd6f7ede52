-- hf_snapshot_sets_from(day_rows, days): the rows of hf_snapshot_sets for the snapshot days in the list
-- `days`, given the name of a table holding those days' hf_daily_downloads rows (collector/sources/hf/rollups.py
-- passes its temporary table 'hf_day_rows', made once a batch; hf_snapshot_sets reads the result as rolled
-- up at write time). It computes the day's totals and top rows and hands them to hf_snapshot_sets_of.
-- hf_snapshot_sets: what was collected each snapshot day, i.e. the set of models every Hub figure of
-- that day is computed over, and how much of the Hub it covers.
-- Columns: snapshot_date, as_of (when the day's last listing finished), scopes (list), namespaces
-- (list of crawled namespaces, 'author:<ns>' scopes), top_n (largest N of a 'top_downloads:N' scope,
-- NULL if none), top_cutoff_30d (the 30-day downloads of the last model of that top N: every model
-- outside the set has at most this many), models, downloads_30d, downloads_all_time (set totals),
-- coverage (one sentence for a figure's detail). A day with a 'full_hub' snapshot (a full-Hub dump imported
-- by `collector import hub-stats`) lists every public model, so its totals are the Hub-wide totals and its
-- coverage says so, naming the dump (hf_imports: the file, or dataset@revision:path).
CREATE OR REPLACE MACRO hf_snapshot_sets_from(day_rows, days) AS TABLE
WITH daily AS (
    SELECT * FROM query_table(day_rows)
),
day_top_rows AS (
    SELECT snapshot_date, downloads_30d, scopes FROM daily WHERE top_rank IS NOT NULL
),
day_totals AS (
    SELECT snapshot_date, count(*) AS models, sum(downloads_30d) AS downloads_30d,
           sum(downloads_all_time) AS downloads_all_time
    FROM daily
    GROUP BY snapshot_date
)
SELECT * FROM hf_snapshot_sets_of('day_totals', 'day_top_rows', days);
COMMENT ON MACRO TABLE hf_snapshot_sets_from IS 'hf_snapshot_sets_from(day_rows, days): the rows of hf_snapshot_sets for the snapshot days in the list `days`, given the name of a table holding those days'' hf_daily_downloads rows';
