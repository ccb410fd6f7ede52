-- claim_a_vs_b(as_of_date, asked_week): every claim of kind 'a_vs_b' ("<family A>'s Hub downloads
-- reached <family B>'s", e.g. qwen_overtakes_llama: "Chinese models challenge Llama's dominance", read as
-- Qwen's 30-day downloads against Llama's). Parameters: a=family:<A>; b=family:<B>;
-- metric=downloads_30d | downloads_all_time; op='>=' (reached) or '>' (passed).
-- Scopes: first-party and with derivatives. A comparison is decided only when both figures are
-- complete: first-party when every namespace of both families listed models that day, or on a full-Hub
-- day; with derivatives only on a full-Hub day (otherwise both are lower bounds and either may be
-- larger). 30-day downloads rise and fall, so only a snapshot within the claim's tolerance of its date
-- answers 'at_claim_date'; 'latest' is the latest snapshot. The detail follows the history known on
-- as_of_date: the first snapshot at which A reached B, with the snapshot before it
-- (claim_crossings lists the same for every claim).
-- Columns: the claims columns plus claim_no, row_no, when_no.
CREATE OR REPLACE MACRO claim_a_vs_b(as_of_date := NULL, asked_week := NULL) AS TABLE
WITH series AS MATERIALIZED (
    SELECT * FROM claim_a_vs_b_series
    WHERE as_of_date IS NULL OR snapshot_date <= CAST(as_of_date AS DATE)
),
claims AS (
    SELECT * FROM claim_a_vs_b_scopes
),
leads AS (
    SELECT *, lag(reached) OVER w AS previously_reached, lag(snapshot_date) OVER w AS previous_date
    FROM series
    WINDOW w AS (PARTITION BY claim_id, scope_no ORDER BY snapshot_date)
),
history AS (
    SELECT claim_id, scope_no, count(*) AS snapshots, min(snapshot_date) AS first_date, max(snapshot_date) AS last_date,
           min(snapshot_date) FILTER (WHERE reached AND NOT previously_reached) AS crossed_on,
           arg_min(previous_date, snapshot_date) FILTER (WHERE reached AND NOT previously_reached) AS crossed_after,
           bool_and(reached) AS always_reached
    FROM leads
    GROUP BY claim_id, scope_no
),
at_date AS (
    SELECT * FROM series WHERE abs(days_after) <= tol
    QUALIFY row_number() OVER (PARTITION BY claim_id, scope_no ORDER BY abs(days_after), snapshot_date DESC) = 1
),
latest AS (
    SELECT * FROM series
    QUALIFY row_number() OVER (PARTITION BY claim_id, scope_no ORDER BY snapshot_date DESC) = 1
),
nearest AS (
    SELECT * FROM series
    QUALIFY row_number() OVER (PARTITION BY claim_id, scope_no ORDER BY abs(days_after), snapshot_date DESC) = 1
),
picked AS (
    SELECT c.*, w.when_no, w."when",
           CASE WHEN w.when_no = 1 THEN d.snapshot_date ELSE l.snapshot_date END AS data_date,
           CASE WHEN w.when_no = 1 THEN d.a_value ELSE l.a_value END AS a_value,
           CASE WHEN w.when_no = 1 THEN d.b_value ELSE l.b_value END AS b_value,
           CASE WHEN w.when_no = 1 THEN d.complete ELSE l.complete END AS complete,
           CASE WHEN w.when_no = 1 THEN d.reached ELSE l.reached END AS reached,
           CASE WHEN w.when_no = 1 THEN d.days_after ELSE l.days_after END AS days_after,
           CASE WHEN w.when_no = 1 THEN d.as_of ELSE l.as_of END AS as_of,
           CASE WHEN w.when_no = 1 THEN d.coverage ELSE l.coverage END AS coverage,
           CASE WHEN w.when_no = 1 THEN d.citation ELSE l.citation END AS citation,
           CASE WHEN w.when_no = 1 THEN d.hub_total ELSE l.hub_total END AS hub_total,
           n.snapshot_date AS nearest_date, n.days_after AS nearest_days_after,
           h.snapshots, h.first_date, h.last_date, h.crossed_on, h.crossed_after, h.always_reached
    FROM claims c
    CROSS JOIN (VALUES (1, 'at_claim_date'), (2, 'latest')) AS w(when_no, "when")
    LEFT JOIN at_date d ON d.claim_id = c.claim_id AND d.scope_no = c.scope_no
    LEFT JOIN latest l ON l.claim_id = c.claim_id AND l.scope_no = c.scope_no
    LEFT JOIN nearest n ON n.claim_id = c.claim_id AND n.scope_no = c.scope_no
    LEFT JOIN history h ON h.claim_id = c.claim_id AND h.scope_no = c.scope_no
)
SELECT p.claim_no, p.scope_no AS row_no, p.when_no, p.claim_id, p.statement, p.source, p.dated, p."when",
       format('Hugging Face Hub; {} vs {} families, {}; all models; {}', p.a, p.b, p.attribution, p.metric_label)
           || coalesce(' on ' || strftime(p.data_date, '%Y-%m-%d'), '') AS scope,
       p.data_date,
       CASE WHEN p.data_date IS NOT NULL THEN format('{} {:,} vs {} {:,}', p.a, p.a_value, p.b, p.b_value) END AS measured,
       CAST(p.a_value AS DOUBLE) / nullif(CAST(p.b_value AS DOUBLE), 0) AS measured_value,
       format('{} {} {}', p.a, p.op, p.b) AS expected,
       1.0 AS expected_value,
       format('ratio of {} ({} / {})', p.metric_label, p.a, p.b) AS unit,
       CASE WHEN p.data_date IS NULL OR (p.a_value = 0 AND p.b_value = 0) OR NOT p.complete THEN 'inconclusive'
            WHEN p.reached THEN 'supported'
            ELSE 'refuted' END AS verdict,
       fmt_utc(p.as_of) AS as_of,
       p.citation,
       CASE WHEN p.data_date IS NULL AND p.nearest_date IS NULL THEN
                'No Hugging Face snapshot in the store' || coalesce(' on or before ' || CAST(as_of_date AS VARCHAR), '')
                || ': nothing to compare.' || CASE WHEN p.when_no = 1 THEN ' ' || claim_import_hint(p.dated, p.tol) ELSE '' END
            WHEN p.data_date IS NULL THEN format(
                'No Hub snapshot within {} days of {}{}: the nearest is of {} ({} days {}), and {} rise and fall, so a '
                'comparison of another period is no verdict on the claim''s date. ', p.tol, strftime(p.dated, '%Y-%m-%d'),
                coalesce(' as known on ' || CAST(as_of_date AS VARCHAR), ''), strftime(p.nearest_date, '%Y-%m-%d'),
                abs(p.nearest_days_after), CASE WHEN p.nearest_days_after < 0 THEN 'before' ELSE 'after' END,
                p.metric_label) || claim_import_hint(p.dated, p.tol)
            ELSE concat_ws(' ',
                CASE WHEN p.a_value = 0 AND p.b_value = 0 THEN 'Neither family has a model in the collected set.' END,
                CASE WHEN NOT p.complete AND p.attribution = 'first-party' THEN format(
                         'The namespaces of {} and {} were not all crawled in full that day: both figures count only their '
                         'repos in the collected set (lower bounds), so either may be the larger.', p.a, p.b)
                     WHEN NOT p.complete THEN 'With derivatives both figures are lower bounds (only collected models '
                         'declaring their lineage count; a full-Hub day would decide it), so either may be the larger.' END,
                CASE WHEN p.hub_total IS NOT NULL THEN format('{} holds {} and {} {} of all Hub {} that day.', p.a,
                     printf('%.1f%%', 100.0 * p.a_value / nullif(p.hub_total, 0)), p.b,
                     printf('%.1f%%', 100.0 * p.b_value / nullif(p.hub_total, 0)), p.metric_label) END,
                CASE WHEN p.crossed_on IS NOT NULL THEN format('{} first reached {} on the snapshot of {} (the one before, {}, '
                         'had {} behind).', p.a, p.b, strftime(p.crossed_on, '%Y-%m-%d'),
                         strftime(p.crossed_after, '%Y-%m-%d'), p.a)
                     WHEN p.snapshots > 1 AND p.always_reached THEN format('{} at least level in all {} snapshots from {} to {}.',
                         p.a, p.snapshots, strftime(p.first_date, '%Y-%m-%d'), strftime(p.last_date, '%Y-%m-%d'))
                     WHEN p.snapshots > 1 THEN format('No crossover in the {} snapshots from {} to {}: {} ahead throughout.',
                         p.snapshots, strftime(p.first_date, '%Y-%m-%d'), strftime(p.last_date, '%Y-%m-%d'), p.b)
                     ELSE 'A single snapshot: no history to date a crossover.' END,
                p.coverage || '.')
       END AS detail
FROM picked p;
COMMENT ON MACRO TABLE claim_a_vs_b IS 'claim_a_vs_b(as_of_date, asked_week): every claim of kind ''a_vs_b'' ("<family A>''s Hub downloads reached <family B>''s", e.g. qwen_overtakes_llama: "Chinese models challenge Llama''s dominance", read as Qwen''s 30-day downloads against Llama''s)';
