-- claim_article_models_open_on_hf(as_of_date, asked_week): are the models the articles present as open
-- (article_models.csv) published with weights on the Hub, since when, and with what downloads? One row
-- per model: its repos are found by namespace (renames applied) and repo-name pattern among the models
-- the store has seen by as_of_date.
--   * found: supported; since = the earliest createdAt; downloads = the matching repos' counters in the
--     newest snapshot that lists them.
--   * not found, and the namespace was crawled in full in the newest snapshot (its listing returned
--     models: an empty listing of an active namespace is not a full crawl): refuted (the Hub lists no
--     such repo under it).
--   * not found otherwise: inconclusive (the namespace is not crawled, or its listing came back empty).
-- when = 'latest' is the above; when = 'at_claim_date' asks whether a repo existed by the claim's date
-- (within its tolerance): supported when the earliest repo found was created by then; otherwise
-- inconclusive (a repo deleted since would not be listed, so absence then cannot be proven).
-- Kind published_with_weights (the models come from article_models.csv).
-- Columns: the claims columns plus claim_no, row_no, when_no.
CREATE OR REPLACE MACRO claim_article_models_open_on_hf(as_of_date := NULL, asked_week := NULL) AS TABLE
WITH claim AS (
    SELECT claim_no, claim_id, statement, source, CAST(dated AS DATE) AS dated, claim_tolerance_days(tolerance) AS tol
    FROM ref.claims WHERE claim_id = 'article_models_open_on_hf'
),
latest AS (
    SELECT * FROM claim_hf_days
    WHERE as_of_date IS NULL OR snapshot_date <= CAST(as_of_date AS DATE)
    ORDER BY snapshot_date DESC
    LIMIT 1
),
articles AS (
    SELECT row_number() OVER (ORDER BY model) AS row_no, * FROM ref.article_models
),
repos AS (
    SELECT model AS article_model, model_key, canonical_id, created_at, safetensors_total, gated
    FROM article_model_repos(as_of_date)
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
           arg_min(r.canonical_id, row(r.created_at, r.canonical_id)) FILTER (WHERE r.created_at IS NOT NULL) AS first_repo,  -- ties: the first id
           sum(n.downloads_30d) AS downloads_30d,
           sum(n.downloads_all_time) AS downloads_all_time,
           max(n.snapshot_date) AS counted_on, max(n.as_of) AS as_of,
           count(DISTINCT r.model_key) FILTER (WHERE r.safetensors_total IS NOT NULL) AS with_safetensors,
           count(DISTINCT r.model_key) FILTER (WHERE r.gated IN ('auto', 'manual')) AS gated
    FROM repos r
    LEFT JOIN newest_counts n USING (model_key)
    GROUP BY r.article_model
),
judged AS (
    SELECT a.*, w.when_no, w."when", l.snapshot_date AS listed_on, l.as_of AS listed_as_of, l.citation AS listed_citation,
           l.full_hub OR list_contains(l.crawled, a.namespace) AS crawled_in_full,
           list_contains(l.empty_namespaces, a.namespace) AS listing_empty,
           f.repos, f.since, f.first_repo, f.downloads_30d, f.downloads_all_time, f.counted_on, f.as_of AS found_as_of,
           f.with_safetensors, f.gated,
           CAST(timezone('UTC', f.since) AS DATE) AS since_day
    FROM articles a
    CROSS JOIN (VALUES (1, 'at_claim_date'), (2, 'latest')) AS w(when_no, "when")
    LEFT JOIN latest l ON true
    LEFT JOIN found f ON f.article_model = a.model
)
SELECT c.claim_no, j.row_no, j.when_no, c.claim_id, c.statement, c.source, c.dated, j."when",
       format('Hugging Face Hub; {} (article ({}); repos under {} matching {})', j.model, j.source, j.namespace,
              j.id_pattern) AS scope,
       CASE WHEN j.when_no = 1 AND j.repos > 0 THEN j.since_day
            WHEN j.when_no = 1 THEN NULL
            WHEN j.repos > 0 THEN j.counted_on
            ELSE j.listed_on END AS data_date,
       CASE WHEN j.when_no = 1 AND j.repos > 0 AND j.since_day <= c.dated + c.tol THEN
                format('published by then: first repo created {}', strftime(j.since_day, '%Y-%m-%d'))
            WHEN j.when_no = 1 AND j.repos > 0 THEN format('first repo created {}', strftime(j.since_day, '%Y-%m-%d'))
            WHEN j.when_no = 1 THEN NULL
            WHEN j.repos > 0 THEN format('published: {} repo(s) since {}; {:,} downloads in 30 days, {:,} all-time',
                                         j.repos, strftime(j.since_day, '%Y-%m-%d'),
                                         coalesce(j.downloads_30d, 0), coalesce(j.downloads_all_time, 0))
            WHEN j.crawled_in_full THEN 'not published'
       END AS measured,
       CASE WHEN j.when_no = 2 AND (j.repos > 0 OR j.crawled_in_full) THEN CAST(coalesce(j.repos, 0) AS DOUBLE)
            WHEN j.when_no = 1 AND j.repos > 0 AND j.since_day <= c.dated + c.tol THEN 1.0 END AS measured_value,
       'open weights on the Hub' AS expected,
       1.0 AS expected_value,
       'repos with weights' AS unit,
       CASE WHEN j.when_no = 1 AND j.repos > 0 AND j.since_day <= c.dated + c.tol THEN 'supported'
            WHEN j.when_no = 1 THEN 'inconclusive'
            WHEN j.repos > 0 THEN 'supported'
            WHEN j.crawled_in_full THEN 'refuted'
            ELSE 'inconclusive' END AS verdict,
       fmt_utc(coalesce(j.found_as_of, CASE WHEN j.crawled_in_full THEN j.listed_as_of END)) AS as_of,
       CASE WHEN j.repos > 0 OR j.crawled_in_full THEN format('Source: Hugging Face Hub (huggingface.co), as of {}.',
            fmt_utc(coalesce(j.found_as_of, j.listed_as_of))) END AS citation,
       CASE WHEN j.when_no = 1 AND j.repos > 0 THEN concat_ws(' ',
                format('First repo: {} (created {}); the claim''s date is {} (tolerance {} days).', j.first_repo,
                       strftime(j.since_day, '%Y-%m-%d'), strftime(c.dated, '%Y-%m-%d'), c.tol),
                CASE WHEN j.since_day > c.dated + c.tol THEN 'Created after the article''s date: the article announced it '
                     'ahead of the release, or an earlier repo was deleted since (a deleted repo is not listed), so its '
                     'absence then cannot be proven.' END,
                nullif(j.note, '') || '.')
            WHEN j.when_no = 1 THEN concat_ws(' ',
                format('No repo under {} matching {} in the store', j.namespace, j.id_pattern),
                '(a repo deleted since would not be listed, so absence at the claim''s date cannot be proven).',
                CASE WHEN j.listing_empty THEN format('The listing of {} came back empty on {}.', j.namespace,
                     strftime(j.listed_on, '%Y-%m-%d')) END)
            WHEN j.repos > 0 THEN concat_ws(' ',
                format('First repo: {} (created {}).', j.first_repo, strftime(j.since_day, '%Y-%m-%d')),
                CASE WHEN j.since_day > c.dated THEN format(
                    'Published after the article''s date ({}): the article announced it ahead of the release.',
                    strftime(c.dated, '%Y-%m-%d')) END,
                format('{} of {} repo(s) list safetensors weights{}.', j.with_safetensors, j.repos,
                       CASE WHEN j.with_safetensors < j.repos THEN ' (the others hold weights in another format, or none)'
                            ELSE '' END),
                CASE WHEN j.gated > 0 THEN format('{} repo(s) gated: weights after accepting a licence.', j.gated) END,
                CASE WHEN j.counted_on IS NOT NULL THEN format('Downloads as listed on {}; repos outside that day''s '
                    'collected set count nothing.', strftime(j.counted_on, '%Y-%m-%d'))
                     ELSE 'No download counts stored for these repos.' END,
                nullif(j.note, '') || '.')
            WHEN j.listed_on IS NULL THEN
                'No Hugging Face snapshot in the store' || coalesce(' on or before ' || CAST(as_of_date AS VARCHAR), '')
                || ': nothing to look up.'
            WHEN j.crawled_in_full THEN format(
                'The Hub lists no repo under {} matching {} in the full crawl of {} ({}).', j.namespace, j.id_pattern,
                strftime(j.listed_on, '%Y-%m-%d'), coalesce(nullif(j.note, ''), 'no note'))
            WHEN j.listing_empty THEN format(
                'No repo under {} matching {} in the store, but the listing of {} came back empty on {}: an active '
                'namespace listing nothing is no proof that the model is not published (collect it again).',
                j.namespace, j.id_pattern, j.namespace, strftime(j.listed_on, '%Y-%m-%d'))
            ELSE format('No repo under {} matching {} in the store, but {} was not crawled in full on {}: it may exist.',
                        j.namespace, j.id_pattern, j.namespace, strftime(j.listed_on, '%Y-%m-%d'))
       END AS detail
FROM judged j
CROSS JOIN claim c;
COMMENT ON MACRO TABLE claim_article_models_open_on_hf IS 'claim_article_models_open_on_hf(as_of_date, asked_week): are the models the articles present as open (article_models.csv) published with weights on the Hub, since when, and with what downloads? One row per model: its repos are found by namespace (renames applied) and repo-name pattern among the models the store has seen by as_of_date';
