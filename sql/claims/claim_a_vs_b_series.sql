-- claim_a_vs_b_series: every Hub snapshot day's figures for every scope of every claim of kind 'a_vs_b'
-- (families a and b, first-party and with derivatives), whether a reached b (op), and whether both
-- figures are complete (first-party: every namespace of both families listed models that day, or a
-- full-Hub day; with derivatives: a full-Hub day).
-- Columns: claim_no, claim_id, statement, source, dated, tol, a, b, metric, metric_label, op, scope_no,
-- attribution, snapshot_date, as_of, coverage, citation, days_after, a_value, b_value, reached, complete,
-- hub_total (the Hub-wide total of the metric on a full-Hub day, else NULL).
CREATE OR REPLACE VIEW claim_a_vs_b_series AS
WITH scopes AS (
    SELECT * FROM claim_a_vs_b_scopes
),
claim AS (
    SELECT DISTINCT claim_id, a, b FROM scopes
),
crawl AS (
    SELECT c.claim_id, d.snapshot_date,
           bool_and(d.full_hub OR list_contains(d.crawled, f.namespace)) AS all_crawled
    FROM claim c
    JOIN ref.families f ON f.family IN (c.a, c.b)
    CROSS JOIN claim_hf_days d
    GROUP BY ALL
),
figures AS (
    SELECT s.claim_id, s.scope_no, f.snapshot_date,
           sum(CASE WHEN s.metric = 'downloads_all_time' THEN f.downloads_all_time ELSE f.downloads_30d END)
               FILTER (WHERE f.family = s.a) AS a_value,
           sum(CASE WHEN s.metric = 'downloads_all_time' THEN f.downloads_all_time ELSE f.downloads_30d END)
               FILTER (WHERE f.family = s.b) AS b_value
    FROM scopes s
    JOIN hf_downloads_by_family f ON f.scope = s.attribution AND f.family IN (s.a, s.b)
    GROUP BY ALL
)
SELECT s.*, d.snapshot_date, d.as_of, d.coverage, d.citation, d.snapshot_date - s.dated AS days_after,
       coalesce(f.a_value, 0) AS a_value,
       coalesce(f.b_value, 0) AS b_value,
       CASE WHEN s.op = '>' THEN coalesce(f.a_value, 0) > coalesce(f.b_value, 0)
            ELSE coalesce(f.a_value, 0) >= coalesce(f.b_value, 0) END AS reached,
       CASE WHEN s.attribution = 'first-party' THEN coalesce(c.all_crawled, false) ELSE d.full_hub END AS complete,
       CASE WHEN d.full_hub THEN CASE WHEN s.metric = 'downloads_all_time' THEN d.hub_downloads_all_time
                                      ELSE d.hub_downloads_30d END END AS hub_total
FROM scopes s
CROSS JOIN claim_hf_days d
LEFT JOIN figures f ON f.claim_id = s.claim_id AND f.scope_no = s.scope_no AND f.snapshot_date = d.snapshot_date
LEFT JOIN crawl c ON c.claim_id = s.claim_id AND c.snapshot_date = d.snapshot_date;
COMMENT ON VIEW claim_a_vs_b_series IS 'Every Hub snapshot day''s figures for every scope of every claim of kind ''a_vs_b'' (families a and b, first-party and with derivatives), whether a reached b (op), and whether both figures are complete';
