-- hf_snapshot_sets_from(day_rows, days): the rows of hf_snapshot_sets for the snapshot days in the list
-- `days`, given the name of a table holding those days' hf_daily_downloads rows (collector/sources/hf/rollups.py
-- passes its temporary table 'hf_day_rows', made once a batch; hf_snapshot_sets reads the result as rolled
-- up at write time).
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
WITH scopes AS (
    SELECT snapshot_date,
           max(as_of) AS as_of,
           list_sort(list(DISTINCT scope)) AS scopes,
           list_sort(list(DISTINCT substr(scope, 8)) FILTER (WHERE starts_with(scope, 'author:'))) AS namespaces,
           max(TRY_CAST(substr(scope, 15) AS INTEGER)) FILTER (WHERE starts_with(scope, 'top_downloads:')) AS top_n
    FROM hf_snapshots
    WHERE list_contains(days, snapshot_date)
    GROUP BY snapshot_date
),
dumps AS (   -- the full-Hub dump each day was imported from
    SELECT i.snapshot_date,
           any_value(CASE WHEN i.dataset IS NOT NULL THEN i.dataset || '@' || left(i.revision, 12) || ':' || i.file_name
                          ELSE i.file_name END) AS dump
    FROM hf_imports i
    JOIN hf_snapshots h ON h.snapshot_id = i.snapshot_id AND h.scope = 'full_hub'
    WHERE list_contains(days, i.snapshot_date)
    GROUP BY i.snapshot_date
),
daily AS (
    SELECT * FROM query_table(day_rows)
),
top_cutoff AS (
    -- the Hub-wide top N's last model (a model of a top_downloads scope has a top_rank: the list
    -- test runs on those few rows only)
    SELECT d.snapshot_date, min(d.downloads_30d) AS top_cutoff_30d
    FROM (SELECT * FROM daily WHERE top_rank IS NOT NULL) d
    JOIN scopes t ON t.snapshot_date = d.snapshot_date AND list_contains(d.scopes, 'top_downloads:' || t.top_n)
    GROUP BY d.snapshot_date
),
totals AS (
    SELECT snapshot_date, count(*) AS models, sum(downloads_30d) AS downloads_30d,
           sum(downloads_all_time) AS downloads_all_time
    FROM daily
    GROUP BY snapshot_date
)
SELECT s.snapshot_date, s.as_of, s.scopes, coalesce(s.namespaces, []) AS namespaces, s.top_n,
       c.top_cutoff_30d,
       coalesce(t.models, 0) AS models,
       coalesce(t.downloads_30d, 0) AS downloads_30d,
       coalesce(t.downloads_all_time, 0) AS downloads_all_time,
       CASE WHEN list_contains(s.scopes, 'full_hub') THEN
           format('{:,} models on {}: every public model on the Hub (full-Hub dump of {}), so these totals are the Hub-wide totals',
                  coalesce(t.models, 0), strftime(s.snapshot_date, '%Y-%m-%d'), coalesce(d.dump, 'an imported file'))
       ELSE
       format('{:,} models collected on {}', coalesce(t.models, 0), strftime(s.snapshot_date, '%Y-%m-%d'))
       || ' (' || concat_ws(' + ',
              CASE WHEN s.top_n IS NOT NULL THEN format('the Hub-wide top {:,} by 30-day downloads', s.top_n) END,
              CASE WHEN len(coalesce(s.namespaces, [])) > 0
                   THEN format('every model of {} tracked namespace{}', len(s.namespaces),
                               CASE WHEN len(s.namespaces) = 1 THEN '' ELSE 's' END) END)
       || '); the Hub-wide total is not collected, so the share of all Hub downloads this set covers is unknown'
       || CASE WHEN c.top_cutoff_30d IS NOT NULL
               THEN format(' (each model outside it has at most {:,} 30-day downloads)', c.top_cutoff_30d)
               ELSE ' (no Hub-wide top N that day: only the tracked namespaces)' END
       END
       AS coverage
FROM scopes s
LEFT JOIN top_cutoff c USING (snapshot_date)
LEFT JOIN totals t USING (snapshot_date)
LEFT JOIN dumps d USING (snapshot_date);
COMMENT ON MACRO TABLE hf_snapshot_sets_from IS 'hf_snapshot_sets_from(day_rows, days): the rows of hf_snapshot_sets for the snapshot days in the list `days`, given the name of a table holding those days'' hf_daily_downloads rows';
