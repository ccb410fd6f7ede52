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
pattern_parts AS (   -- id_pattern without its (?i) flag and ^ anchor (p2), and without a leading optional group (p3)
    SELECT model, ci, anchored, p1, p2, p3, regexp_extract(p3, '^[A-Za-z0-9_-]*') AS run,
           regexp_extract(p2, '^\(([A-Za-z0-9_-]+)\)\?', 1) AS optional_group
    FROM (SELECT *, regexp_replace(p2, '^\([^()\\]*\)[?*]', '') AS p3
          FROM (SELECT *, starts_with(p1, '^') AS anchored, CASE WHEN starts_with(p1, '^') THEN substr(p1, 2) ELSE p1 END AS p2
                FROM (SELECT model, starts_with(id_pattern, '(?i)') AS ci,
                             CASE WHEN starts_with(id_pattern, '(?i)') THEN substr(id_pattern, 5) ELSE id_pattern END AS p1
                      FROM ref.article_models)))
),
pattern_literals AS (   -- a literal that every repo name the pattern matches contains (at its start when
                        -- anchored): its leading plain characters, minus one a quantifier makes optional; ''
                        -- (none) when the pattern has an alternation outside parentheses, a class or an escaped
                        -- parenthesis
    SELECT *, anchored AND p3 = p2 AS at_start,
           CASE WHEN contains(regexp_replace(regexp_replace(regexp_replace(p1, '\([^()]*\)', '', 'g'),
                                                            '\([^()]*\)', '', 'g'), '\([^()]*\)', '', 'g'), '|')
                     OR regexp_matches(p1, '[\[\]]|\\[()]') OR run = '' THEN ''
                WHEN substr(p3, length(run) + 1, 1) IN ('?', '*', '{') THEN left(run, length(run) - 1)
                ELSE run END AS literal
    FROM pattern_parts
),
patterns AS (   -- compared lower-case under (?i); `exact`: the pattern is that literal alone (or an optional
                -- plain group and the literal: `alternative` is both), so the literal test is the match itself;
                -- `names`: the pattern is ^literal(a|b|...)?$, which matches those names only
    SELECT model, ci, at_start,
           CASE WHEN ci THEN lower(literal) ELSE literal END AS literal,
           literal <> '' AND literal = p3 AND (p3 = p2 OR optional_group <> '') AS exact,
           CASE WHEN literal <> '' AND literal = p3 AND p3 <> p2 AND optional_group <> '' AND anchored
                THEN CASE WHEN ci THEN lower(optional_group || literal) ELSE optional_group || literal END END
               AS alternative,
           CASE WHEN literal <> '' AND at_start AND literal = run
                     AND regexp_full_match(substr(p3, length(run) + 1), '(\([A-Za-z0-9_-]+(\|[A-Za-z0-9_-]+)*\)\?)?\$')
                THEN list_transform(list_prepend('', string_split(regexp_extract(substr(p3, length(run) + 1),
                                                                                 '^\(([^()]*)\)', 1), '|')),
                                    x -> CASE WHEN ci THEN lower(literal || x) ELSE literal || x END) END AS names
    FROM pattern_literals
),
repo_names AS (   -- the repos of the articles' namespaces, the name as the pattern compares it
    SELECT a.model, a.id_pattern, p.literal, p.at_start, p.exact, p.alternative, p.names, i.model_id, i.model_key,
           i.canonical_id, i.repo_name, CASE WHEN p.ci THEN lower(i.repo_name) ELSE i.repo_name END AS name,
           strlen(i.repo_name) = length(i.repo_name) AS ascii
    FROM articles a
    JOIN patterns p USING (model)
    JOIN internal.hf_ids i ON lower(i.namespace) = lower(a.namespace)
),
repos AS (
    SELECT r.model AS article_model, r.model_key, r.canonical_id, m.created_at, m.safetensors_total, m.gated
    FROM repo_names r
    JOIN hf_models m ON m.model_id = r.model_id
    WHERE (as_of_date IS NULL OR m.first_seen <= CAST(as_of_date AS DATE))
      -- the regexp is compiled anew for every row (its pattern is a column): the literal decides first. An
      -- ASCII name only ((?i) folds a few non-ASCII letters to ASCII ones; Hub repo names are ASCII)
      AND CASE WHEN r.literal = '' OR NOT r.ascii THEN regexp_matches(r.repo_name, r.id_pattern)
               WHEN NOT CASE WHEN r.at_start THEN starts_with(r.name, r.literal) ELSE contains(r.name, r.literal) END
                   THEN false
               WHEN r.names IS NOT NULL THEN list_contains(r.names, r.name)
               WHEN r.exact THEN r.alternative IS NULL OR starts_with(r.name, r.literal)
                                 OR starts_with(r.name, r.alternative)
               ELSE regexp_matches(r.repo_name, r.id_pattern) END
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
