-- claim_llama_1b_downloads(as_of_date, asked_week): "Meta's Llama models passed one billion downloads"
-- (March 2025), measured on the Hub as all-time downloads of the Llama family, first-party and with
-- derivatives, at the snapshot nearest the claim's date. Threshold: >= 1,000,000,000 ("passed").
-- First-party is complete when every Llama namespace was crawled that day; with derivatives is always
-- a lower bound (only collected derivatives are counted).
-- Columns: the claims columns (see claims.sql) plus claim_no, row_no for ordering.
CREATE OR REPLACE MACRO claim_llama_1b_downloads(as_of_date := NULL, asked_week := NULL) AS TABLE
WITH claim AS (
    SELECT claim_id, statement, source, CAST(dated AS DATE) AS dated
    FROM ref.claims WHERE claim_id = 'llama_1b_downloads'
),
snapshot AS (
    SELECT * FROM hf_snapshot_nearest((SELECT dated FROM claim), as_of_date)
),
crawled AS (
    SELECT bool_and(list_contains(s.namespaces, f.namespace)) AS complete,
           string_agg(DISTINCT f.namespace, ', ') AS namespaces
    FROM ref.families f CROSS JOIN snapshot s
    WHERE f.family = 'Llama'
),
scopes AS (
    SELECT * FROM (VALUES (1, 'first-party'), (2, 'with derivatives')) AS t(row_no, family_scope)
),
measured AS (
    SELECT sc.row_no, sc.family_scope, s.snapshot_date, s.as_of, s.coverage, s.days_after,
           CASE WHEN s.snapshot_date IS NOT NULL THEN coalesce(f.downloads_all_time, 0) END AS downloads,
           coalesce(f.models, 0) AS models,
           sc.family_scope = 'first-party' AND coalesce(cr.complete, false) AS complete,
           cr.namespaces, coalesce(cr.complete, false) AS namespaces_crawled
    FROM scopes sc
    LEFT JOIN snapshot s ON true
    LEFT JOIN crawled cr ON true
    LEFT JOIN hf_downloads_by_family f
           ON f.snapshot_date = s.snapshot_date AND f.family = 'Llama' AND f.scope = sc.family_scope
),
judged AS (
    SELECT *, claim_threshold_judgement(downloads, 1000000000, false, complete, days_after) AS judgement
    FROM measured
)
SELECT 1 AS claim_no, j.row_no, c.claim_id, c.statement, c.source,
       'Hugging Face Hub; Llama family, ' || j.family_scope || '; all models; all-time downloads'
           || coalesce(' on ' || strftime(j.snapshot_date, '%Y-%m-%d'), '') AS scope,
       format('{:,}', j.downloads) AS measured,
       '>= 1,000,000,000' AS expected,
       j.judgement.verdict AS verdict,
       fmt_utc(j.as_of) AS as_of,
       CASE WHEN j.snapshot_date IS NULL THEN
                'No Hugging Face snapshot in the store' || coalesce(' on or before ' || CAST(as_of_date AS VARCHAR), '')
                || ': nothing to measure.'
            ELSE concat_ws(' ',
                CASE WHEN j.family_scope = 'first-party' THEN
                         format('{:,} first-party Llama repos ({}) hold {:,} all-time downloads;', j.models, j.namespaces, j.downloads)
                         || CASE WHEN j.namespaces_crawled THEN ' the namespace was crawled in full that day.'
                                 ELSE ' the namespace was not crawled that day: only its repos in the Hub-wide top N count.' END
                     ELSE format('{:,} collected models reach the Llama family (its own repos, fine-tunes, quantizations, '
                                 'adapters; merges shared among their parents) with {:,} all-time downloads.', j.models, j.downloads)
                END,
                nullif(j.judgement.note, ''),
                'Meta''s billion counts every distribution channel (its own downloads, cloud providers, the Hub), so a '
                'Hub figure measures only part of it: below the threshold it refutes the Hub reading, not Meta''s count.',
                j.coverage || '.')
       END AS detail
FROM judged j CROSS JOIN claim c;
COMMENT ON MACRO TABLE claim_llama_1b_downloads IS 'claim_llama_1b_downloads(as_of_date, asked_week): "Meta''s Llama models passed one billion downloads" (March 2025), measured on the Hub as all-time downloads of the Llama family, first-party and with derivatives, at the snapshot nearest the claim''s date';
