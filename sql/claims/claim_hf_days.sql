-- claim_hf_days: the Hub snapshot days as the claims read them: hf_snapshot_sets plus what was crawled
-- in full that day and whether the day is a full-Hub snapshot.
--   * crawled: the tracked namespaces whose listing that day returned at least one model. An
--     'author:<ns>' listing that came back empty (model_count 0) is not a full crawl: an active
--     namespace listing nothing is more likely a failed listing than an empty namespace, so it can
--     neither refute "published" nor make a figure complete (empty_namespaces lists them).
--   * full_hub: a scope of the day is 'full_hub' (a full-Hub dump, `collector import hub-stats`): every
--     model of the Hub is in the set, so every namespace counts as crawled and the day's totals
--     (hub_downloads_30d, hub_downloads_all_time) are Hub-wide; NULL on other days.
--   * coverage: hf_snapshot_sets' sentence, or on a full-Hub day one saying the totals are Hub-wide.
--   * citation: the Hub's citation line for a figure of that day.
-- Columns: snapshot_date, as_of, scopes, namespaces, crawled, empty_namespaces, full_hub, top_n,
-- top_cutoff_30d, models, downloads_30d, downloads_all_time, hub_downloads_30d, hub_downloads_all_time,
-- coverage, citation.
CREATE OR REPLACE VIEW claim_hf_days AS
WITH listings AS (
    SELECT snapshot_date,
           list_sort(list(DISTINCT substr(scope, 8)) FILTER (WHERE starts_with(scope, 'author:') AND model_count > 0))
               AS crawled,
           list_sort(list(DISTINCT substr(scope, 8)) FILTER (WHERE starts_with(scope, 'author:') AND model_count = 0))
               AS empty_namespaces
    FROM hf_snapshots
    GROUP BY snapshot_date
)
SELECT s.snapshot_date, s.as_of, s.scopes, s.namespaces,
       coalesce(l.crawled, []) AS crawled, coalesce(l.empty_namespaces, []) AS empty_namespaces,
       list_contains(s.scopes, 'full_hub') AS full_hub,
       s.top_n, s.top_cutoff_30d, s.models, s.downloads_30d, s.downloads_all_time,
       CASE WHEN list_contains(s.scopes, 'full_hub') THEN s.downloads_30d END AS hub_downloads_30d,
       CASE WHEN list_contains(s.scopes, 'full_hub') THEN s.downloads_all_time END AS hub_downloads_all_time,
       CASE WHEN list_contains(s.scopes, 'full_hub') THEN
                format('Full-Hub snapshot of {} ({:,} models, every model of the Hub): Hub-wide totals {:,} downloads '
                       'in 30 days, {:,} all-time', strftime(s.snapshot_date, '%Y-%m-%d'), s.models, s.downloads_30d,
                       s.downloads_all_time)
            ELSE s.coverage END AS coverage,
       format('Source: Hugging Face Hub (huggingface.co), download counters of {}, as of {}.',
              strftime(s.snapshot_date, '%Y-%m-%d'), fmt_utc(s.as_of)) AS citation
FROM hf_snapshot_sets s
LEFT JOIN listings l USING (snapshot_date);
COMMENT ON VIEW claim_hf_days IS 'The Hub snapshot days as the claims read them: hf_snapshot_sets plus the namespaces crawled in full (a listing that came back empty is not), whether the day is a full-Hub snapshot (its totals Hub-wide), a coverage sentence and the citation line';
