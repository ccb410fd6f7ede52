-- hf_snapshot_sets_of(totals_table, top_table, days): the rows of hf_snapshot_sets for the snapshot days in the list
-- `days`, given the names of two tables: totals_table (snapshot_date, models, downloads_30d, downloads_all_time: each
-- day's count and sums over its hf_daily_downloads rows) and top_table (snapshot_date, downloads_30d, scopes: the
-- day's rows that have a top_rank). hf_snapshot_sets_from computes both from a day's rows; the replay of
-- collector/sources/hf/replay.py keeps the totals from one day to the next and passes them, so that both say
-- what a day covered in the same words.
CREATE OR REPLACE MACRO hf_snapshot_sets_of(totals_table, top_table, days) AS TABLE
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
top_cutoff AS (
    -- the Hub-wide top N's last model (a model of a top_downloads scope has a top_rank: the list
    -- test runs on those few rows only)
    SELECT d.snapshot_date, min(d.downloads_30d) AS top_cutoff_30d
    FROM query_table(top_table) d
    JOIN scopes t ON t.snapshot_date = d.snapshot_date AND list_contains(d.scopes, 'top_downloads:' || t.top_n)
    GROUP BY d.snapshot_date
),
totals AS (
    SELECT snapshot_date, models, downloads_30d, downloads_all_time FROM query_table(totals_table)
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
COMMENT ON MACRO TABLE hf_snapshot_sets_of IS 'hf_snapshot_sets_of(totals_table, top_table, days): the rows of hf_snapshot_sets for the snapshot days in the list `days`, given the names of a table of each day''s totals (models, downloads_30d, downloads_all_time) and of a table of the day''s rows that have a top_rank';
