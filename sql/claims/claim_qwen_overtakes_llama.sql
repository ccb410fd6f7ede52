-- claim_qwen_overtakes_llama(as_of_date, asked_week): "Chinese models challenge Llama's dominance"
-- (spring 2025), read as the Qwen family's 30-day Hub downloads against the Llama family's, first-party
-- and with derivatives. Judged at the snapshot nearest the claim's date (supported when Qwen's are at
-- least Llama's); the detail follows the history up to as_of_date: the latest figures and, when the
-- lead changed between two snapshots, the crossover (the latest one).
-- Columns: the claims columns plus claim_no, row_no.
CREATE OR REPLACE MACRO claim_qwen_overtakes_llama(as_of_date := NULL, asked_week := NULL) AS TABLE
WITH claim AS (
    SELECT claim_id, statement, source, CAST(dated AS DATE) AS dated
    FROM ref.claims WHERE claim_id = 'qwen_overtakes_llama'
),
days AS (
    SELECT snapshot_date, as_of, coverage, namespaces FROM hf_snapshot_sets
    WHERE as_of_date IS NULL OR snapshot_date <= CAST(as_of_date AS DATE)
),
scopes AS (
    SELECT * FROM (VALUES (1, 'first-party'), (2, 'with derivatives')) AS t(row_no, family_scope)
),
series AS (
    SELECT sc.row_no, sc.family_scope, d.snapshot_date, d.as_of, d.coverage,
           list_contains(d.namespaces, 'Qwen') AND list_contains(d.namespaces, 'meta-llama') AS both_crawled,
           coalesce(sum(f.downloads_30d) FILTER (WHERE f.family = 'Qwen'), 0) AS qwen_30d,
           coalesce(sum(f.downloads_30d) FILTER (WHERE f.family = 'Llama'), 0) AS llama_30d,
           coalesce(sum(f.downloads_all_time) FILTER (WHERE f.family = 'Qwen'), 0) AS qwen_all_time,
           coalesce(sum(f.downloads_all_time) FILTER (WHERE f.family = 'Llama'), 0) AS llama_all_time
    FROM scopes sc
    CROSS JOIN days d
    LEFT JOIN hf_downloads_by_family f
           ON f.snapshot_date = d.snapshot_date AND f.scope = sc.family_scope AND f.family IN ('Qwen', 'Llama')
    GROUP BY ALL
),
leads AS (
    SELECT *, sign(qwen_30d - llama_30d) AS lead,
           lag(sign(qwen_30d - llama_30d)) OVER w AS previous_lead,
           lag(snapshot_date) OVER w AS previous_date
    FROM series
    WINDOW w AS (PARTITION BY row_no ORDER BY snapshot_date)
),
history AS (
    SELECT row_no, count(*) AS snapshots, min(snapshot_date) AS first_date, max(snapshot_date) AS last_date,
           arg_max(qwen_30d, snapshot_date) AS latest_qwen_30d, arg_max(llama_30d, snapshot_date) AS latest_llama_30d,
           max(snapshot_date) FILTER (WHERE lead <> previous_lead) AS crossed_on,
           arg_max(previous_date, snapshot_date) FILTER (WHERE lead <> previous_lead) AS crossed_after,
           arg_max(lead, snapshot_date) FILTER (WHERE lead <> previous_lead) AS crossed_to,
           bool_and(lead >= 0) AS qwen_never_behind, bool_and(lead < 0) AS llama_always_ahead
    FROM leads
    GROUP BY row_no
),
nearest AS (
    SELECT * FROM hf_snapshot_nearest((SELECT dated FROM claim), as_of_date)
),
judged AS (
    SELECT sc.row_no, sc.family_scope, n.snapshot_date, n.days_after, s.as_of, s.coverage, s.both_crawled,
           s.qwen_30d, s.llama_30d, s.qwen_all_time, s.llama_all_time, h.*
               EXCLUDE (row_no),
           CASE WHEN n.snapshot_date IS NULL OR (s.qwen_30d = 0 AND s.llama_30d = 0) THEN 'inconclusive'
                WHEN s.qwen_30d >= s.llama_30d THEN 'supported'
                ELSE 'refuted' END AS verdict
    FROM scopes sc
    LEFT JOIN nearest n ON true
    LEFT JOIN series s ON s.row_no = sc.row_no AND s.snapshot_date = n.snapshot_date
    LEFT JOIN history h ON h.row_no = sc.row_no
)
SELECT 8 AS claim_no, j.row_no, c.claim_id, c.statement, c.source,
       'Hugging Face Hub; Qwen vs Llama families, ' || j.family_scope || '; all models; 30-day downloads'
           || coalesce(' on ' || strftime(j.snapshot_date, '%Y-%m-%d'), '') AS scope,
       CASE WHEN j.snapshot_date IS NOT NULL THEN format('Qwen {:,} vs Llama {:,}', j.qwen_30d, j.llama_30d) END AS measured,
       'Qwen >= Llama' AS expected,
       j.verdict,
       fmt_utc(j.as_of) AS as_of,
       CASE WHEN j.snapshot_date IS NULL THEN
                'No Hugging Face snapshot in the store' || coalesce(' on or before ' || CAST(as_of_date AS VARCHAR), '')
                || ': nothing to compare.'
            ELSE concat_ws(' ',
                CASE WHEN j.qwen_30d = 0 AND j.llama_30d = 0 THEN 'Neither family has a model in the collected set.' END,
                format('All-time: Qwen {:,} vs Llama {:,}.', j.qwen_all_time, j.llama_all_time),
                CASE WHEN j.family_scope = 'first-party' AND NOT j.both_crawled THEN
                    'Qwen and meta-llama were not both crawled in full that day: first-party figures count only their '
                    'repos in the collected set.' END,
                CASE WHEN j.days_after > 7 THEN format('Measured {} days after the article (no earlier snapshot): this '
                    'tests whether Qwen has challenged Llama since, not the state at the time.', j.days_after) END,
                CASE WHEN j.last_date > j.snapshot_date THEN format('Latest ({}): Qwen {:,} vs Llama {:,}.',
                    strftime(j.last_date, '%Y-%m-%d'), j.latest_qwen_30d, j.latest_llama_30d) END,
                CASE WHEN j.crossed_on IS NOT NULL THEN format('{} overtook {} between the snapshots of {} and {}.',
                         CASE WHEN j.crossed_to > 0 THEN 'Qwen' WHEN j.crossed_to < 0 THEN 'Llama' ELSE 'Neither: they drew level' END,
                         CASE WHEN j.crossed_to > 0 THEN 'Llama' WHEN j.crossed_to < 0 THEN 'Qwen' ELSE '' END,
                         strftime(j.crossed_after, '%Y-%m-%d'), strftime(j.crossed_on, '%Y-%m-%d'))
                     WHEN j.snapshots > 1 THEN format('No crossover in the {} snapshots from {} to {}: {} throughout.',
                         j.snapshots, strftime(j.first_date, '%Y-%m-%d'), strftime(j.last_date, '%Y-%m-%d'),
                         CASE WHEN j.qwen_never_behind THEN 'Qwen at least level' ELSE 'Llama ahead' END)
                     ELSE 'A single snapshot: no history to date a crossover.' END,
                j.coverage || '.')
       END AS detail
FROM judged j CROSS JOIN claim c;
COMMENT ON MACRO TABLE claim_qwen_overtakes_llama IS 'claim_qwen_overtakes_llama(as_of_date, asked_week): "Chinese models challenge Llama''s dominance" (spring 2025), read as the Qwen family''s 30-day Hub downloads against the Llama family''s, first-party and with derivatives';
