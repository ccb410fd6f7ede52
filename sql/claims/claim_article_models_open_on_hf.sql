-- claim_article_models_open_on_hf(as_of_date, asked_week): are the models the articles present as open
-- (article_models.csv) published with weights on the Hub, since when, and with what downloads? One row
-- per model: its repos are found by namespace (renames applied) and repo-name pattern among the models
-- the store has seen by as_of_date.
--   * found: supported; since = the earliest createdAt; downloads = the matching repos' counters in the
--     newest snapshot that lists them.
--   * not found, and the namespace was crawled in full in the newest snapshot: refuted (the Hub lists
--     no such repo under it).
--   * not found otherwise: inconclusive (the namespace is not crawled).
-- Columns: the claims columns plus claim_no, row_no.
CREATE OR REPLACE MACRO claim_article_models_open_on_hf(as_of_date := NULL, asked_week := NULL) AS TABLE
WITH claim AS (
    SELECT claim_id, statement, source, CAST(dated AS DATE) AS dated
    FROM ref.claims WHERE claim_id = 'article_models_open_on_hf'
),
latest AS (
    SELECT * FROM hf_snapshot_sets
    WHERE as_of_date IS NULL OR snapshot_date <= CAST(as_of_date AS DATE)
    ORDER BY snapshot_date DESC
    LIMIT 1
),
articles AS (
    SELECT row_number() OVER (ORDER BY model) AS row_no, * FROM ref.article_models
),
repos AS (
    SELECT a.model AS article_model, i.model_key, i.canonical_id, m.created_at, m.safetensors_total, m.gated
    FROM articles a
    JOIN internal.hf_ids i ON lower(i.namespace) = lower(a.namespace) AND regexp_matches(i.repo_name, a.id_pattern)
    JOIN hf_models m ON m.model_id = i.model_id
    WHERE as_of_date IS NULL OR m.first_seen <= CAST(as_of_date AS DATE)
),
repo_seen AS (   -- the last day a listing carried each repo (hf_models.last_seen, renamed ids merged)
    SELECT r.model_key, max(m.last_seen) AS last_seen
    FROM (SELECT DISTINCT model_key FROM repos) r
    JOIN internal.hf_ids i USING (model_key)
    JOIN hf_models m ON m.model_id = i.model_id
    GROUP BY r.model_key
),
repo_days AS (   -- the newest snapshot day (known on as_of_date) that lists each repo
    SELECT model_key, last_seen AS snapshot_date FROM repo_seen
    WHERE as_of_date IS NULL OR last_seen <= CAST(as_of_date AS DATE)
    UNION ALL   -- seen again after as_of_date: its listings tell the newest day up to then
    SELECT n.model_key, max(s.snapshot_date)
    FROM internal.hf_listings l
    JOIN (SELECT i.model_no, i.model_key FROM internal.hf_ids i JOIN repo_seen r USING (model_key)
          WHERE r.last_seen > CAST(as_of_date AS DATE)) n USING (model_no)
    JOIN hf_snapshots s USING (snapshot_id)
    WHERE s.snapshot_date <= CAST(as_of_date AS DATE)
    GROUP BY n.model_key
),
newest_counts AS (   -- each repo's counters on that day (reading only those days and repos)
    SELECT d.model_key, d.snapshot_date, d.downloads_30d, d.downloads_all_time, d.as_of
    FROM hf_daily_downloads_for((SELECT list(DISTINCT snapshot_date) FROM repo_days),
                                (SELECT list(model_key) FROM repo_days)) d
    JOIN repo_days USING (model_key, snapshot_date)
),
found AS (
    SELECT r.article_model,
           count(DISTINCT r.model_key) AS repos,
           min(r.created_at) AS since,
           arg_min(r.canonical_id, r.created_at) AS first_repo,
           sum(n.downloads_30d) AS downloads_30d,
           sum(n.downloads_all_time) AS downloads_all_time,
           max(n.snapshot_date) AS counted_on, max(n.as_of) AS as_of,
           count(DISTINCT r.model_key) FILTER (WHERE r.safetensors_total IS NOT NULL) AS with_safetensors,
           count(DISTINCT r.model_key) FILTER (WHERE r.gated IN ('auto', 'manual')) AS gated
    FROM repos r
    LEFT JOIN newest_counts n USING (model_key)
    GROUP BY r.article_model
)
SELECT 9 AS claim_no, a.row_no, c.claim_id, c.statement, c.source,
       format('Hugging Face Hub; {} (article ({}); repos under {} matching {})', a.model, a.source, a.namespace,
              a.id_pattern) AS scope,
       CASE WHEN f.repos > 0 THEN format('published: {} repo(s) since {}; {:,} downloads in 30 days, {:,} all-time',
                                         f.repos, strftime(timezone('UTC', f.since), '%Y-%m-%d'),
                                         coalesce(f.downloads_30d, 0), coalesce(f.downloads_all_time, 0))
            WHEN l.snapshot_date IS NOT NULL AND list_contains(l.namespaces, a.namespace) THEN 'not published'
       END AS measured,
       'open weights on the Hub' AS expected,
       CASE WHEN f.repos > 0 THEN 'supported'
            WHEN l.snapshot_date IS NOT NULL AND list_contains(l.namespaces, a.namespace) THEN 'refuted'
            ELSE 'inconclusive' END AS verdict,
       fmt_utc(coalesce(f.as_of, CASE WHEN list_contains(l.namespaces, a.namespace) THEN l.as_of END)) AS as_of,
       CASE WHEN f.repos > 0 THEN concat_ws(' ',
                format('First repo: {} (created {}).', f.first_repo, strftime(timezone('UTC', f.since), '%Y-%m-%d')),
                CASE WHEN CAST(timezone('UTC', f.since) AS DATE) > c.dated THEN format(
                    'Published after the article''s date ({}): the article announced it ahead of the release.',
                    strftime(c.dated, '%Y-%m-%d')) END,
                format('{} of {} repo(s) list safetensors weights{}.', f.with_safetensors, f.repos,
                       CASE WHEN f.with_safetensors < f.repos THEN ' (the others hold weights in another format, or none)'
                            ELSE '' END),
                CASE WHEN f.gated > 0 THEN format('{} repo(s) gated: weights after accepting a licence.', f.gated) END,
                CASE WHEN f.counted_on IS NOT NULL THEN format('Downloads as listed on {}; repos outside that day''s '
                    'collected set count nothing.', strftime(f.counted_on, '%Y-%m-%d'))
                     ELSE 'No download counts stored for these repos.' END,
                nullif(a.note, '') || '.')
            WHEN l.snapshot_date IS NULL THEN
                'No Hugging Face snapshot in the store' || coalesce(' on or before ' || CAST(as_of_date AS VARCHAR), '')
                || ': nothing to look up.'
            WHEN list_contains(l.namespaces, a.namespace) THEN format(
                'The Hub lists no repo under {} matching {} in the full crawl of {} ({}).', a.namespace, a.id_pattern,
                strftime(l.snapshot_date, '%Y-%m-%d'), coalesce(nullif(a.note, ''), 'no note'))
            ELSE format('No repo under {} matching {} in the store, but {} was not crawled in full on {}: it may exist.',
                        a.namespace, a.id_pattern, a.namespace, strftime(l.snapshot_date, '%Y-%m-%d'))
       END AS detail
FROM articles a
CROSS JOIN claim c
LEFT JOIN latest l ON true
LEFT JOIN found f ON f.article_model = a.model;
COMMENT ON MACRO TABLE claim_article_models_open_on_hf IS 'claim_article_models_open_on_hf(as_of_date, asked_week): are the models the articles present as open (article_models.csv) published with weights on the Hub, since when, and with what downloads? One row per model: its repos are found by namespace (renames applied) and repo-name pattern among the models the store has seen by as_of_date';
