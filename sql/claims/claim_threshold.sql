-- claim_threshold(as_of_date, asked_week): every claim of kind 'threshold' in ref.claims ("<subject>'s
-- Hub downloads passed <value> by <date>"), judged at the claim's own date and on the latest data.
-- Parameters (claims.csv `params`): subject=family:<family> | organisation:<organisation> |
-- country:<country>; metric=downloads_all_time | downloads_30d; op='>=' (passed, reached) or '>'
-- (exceeded); value=<threshold>; models=all or all,language (also a "language models only" scope).
-- Scopes: first-party (complete when every developer namespace of the subject listed models that day,
-- or on a full-Hub day; otherwise a lower bound) and with derivatives (always a lower bound: only
-- models declaring their lineage are counted), times all models / language models only.
-- when = 'at_claim_date': the snapshot nearest the claim's date within its tolerance; outside it, a
-- cumulative count decides only when an earlier snapshot is already above the threshold (supported) or
-- a later complete one is still below it (refuted), and the row says which snapshot; otherwise
-- inconclusive with NULL figures, saying what to import. when = 'latest': the latest snapshot (does it
-- still hold?). The detail names the first snapshot at or above the threshold and the one before it
-- (claim_threshold_crossings).
-- Columns: the claims columns (see claims_at.sql) plus claim_no, row_no, when_no for ordering.
CREATE OR REPLACE MACRO claim_threshold(as_of_date := NULL, asked_week := NULL) AS TABLE
WITH measured AS MATERIALIZED (
    SELECT m.* FROM claim_threshold_series m
    WHERE as_of_date IS NULL OR m.snapshot_date <= CAST(as_of_date AS DATE)
),
judged AS (
    SELECT m.*, abs(m.days_after) <= m.tol AS within,
           claim_threshold_judgement(m.value, m.threshold, m.strict, m.complete, m.days_after, m.tol) AS judgement,
           claim_threshold_judgement(m.value, m.threshold, m.strict, m.complete, 0, 0) AS judgement_now
    FROM measured m
),
at_date AS (   -- the one snapshot that answers the claim at its date, if any
    SELECT * FROM judged
    WHERE within OR judgement.verdict <> 'inconclusive'
    QUALIFY row_number() OVER (PARTITION BY claim_id, scope_no
                               ORDER BY judgement.verdict <> 'inconclusive' DESC, within DESC, abs(days_after),
                                        snapshot_date DESC) = 1
),
nearest AS (   -- the snapshot nearest the claim's date, to say why it does not decide
    SELECT * FROM judged
    QUALIFY row_number() OVER (PARTITION BY claim_id, scope_no ORDER BY abs(days_after), snapshot_date DESC) = 1
),
latest AS (
    SELECT * FROM judged
    QUALIFY row_number() OVER (PARTITION BY claim_id, scope_no ORDER BY snapshot_date DESC) = 1
),
first_pass AS (   -- the first snapshot at or above the threshold (known on as_of_date)
    SELECT claim_id, scope_no, count(*) AS snapshots, min(snapshot_date) AS first_date, max(snapshot_date) AS last_date,
           min(snapshot_date) FILTER (WHERE passes) AS crossed_on
    FROM judged
    GROUP BY claim_id, scope_no
),
crossing AS (   -- and the snapshot before it
    SELECT f.*, (SELECT max(j.snapshot_date) FROM judged j
                 WHERE j.claim_id = f.claim_id AND j.scope_no = f.scope_no AND j.snapshot_date < f.crossed_on)
               AS crossed_after
    FROM first_pass f
),
whens AS (
    SELECT * FROM (VALUES (1, 'at_claim_date'), (2, 'latest')) AS t(when_no, "when")
),
picked AS (
    SELECT s.*, w.when_no, w."when",
           CASE WHEN w.when_no = 1 THEN a.snapshot_date ELSE l.snapshot_date END AS data_date,
           CASE WHEN w.when_no = 1 THEN a.value ELSE l.value END AS value,
           CASE WHEN w.when_no = 1 THEN a.judgement ELSE l.judgement_now END AS judgement,
           CASE WHEN w.when_no = 1 THEN a.days_after ELSE l.days_after END AS days_after,
           CASE WHEN w.when_no = 1 THEN a.as_of ELSE l.as_of END AS as_of,
           CASE WHEN w.when_no = 1 THEN a.citation ELSE l.citation END AS citation,
           CASE WHEN w.when_no = 1 THEN a.coverage ELSE l.coverage END AS coverage,
           CASE WHEN w.when_no = 1 THEN a.models_counted ELSE l.models_counted END AS models_counted,
           CASE WHEN w.when_no = 1 THEN a.namespaces ELSE l.namespaces END AS namespaces,
           CASE WHEN w.when_no = 1 THEN a.crawled ELSE l.crawled END AS crawled,
           CASE WHEN w.when_no = 1 THEN a.empty_namespaces ELSE l.empty_namespaces END AS empty_namespaces,
           CASE WHEN w.when_no = 1 THEN a.hub_total ELSE l.hub_total END AS hub_total,
           CASE WHEN w.when_no = 1 THEN a.complete ELSE l.complete END AS complete,
           n.snapshot_date AS nearest_date, n.days_after AS nearest_days_after, n.value AS nearest_value,
           n.judgement.note AS nearest_note,
           x.snapshots, x.first_date, x.last_date, x.crossed_on, x.crossed_after
    FROM claim_threshold_scopes s
    CROSS JOIN whens w
    LEFT JOIN at_date a ON a.claim_id = s.claim_id AND a.scope_no = s.scope_no
    LEFT JOIN latest l ON l.claim_id = s.claim_id AND l.scope_no = s.scope_no
    LEFT JOIN nearest n ON n.claim_id = s.claim_id AND n.scope_no = s.scope_no
    LEFT JOIN crossing x ON x.claim_id = s.claim_id AND x.scope_no = s.scope_no
)
SELECT p.claim_no, p.scope_no AS row_no, p.when_no, p.claim_id, p.statement, p.source, p.dated, p."when",
       'Hugging Face Hub; ' || p.subject_label || ', ' || p.attribution || '; '
           || CASE WHEN p.language_models_only THEN 'language models only' ELSE 'all models' END
           || '; ' || p.metric_label || coalesce(' on ' || strftime(p.data_date, '%Y-%m-%d'), '') AS scope,
       p.data_date,
       format('{:,}', p.value) AS measured,
       CAST(p.value AS DOUBLE) AS measured_value,
       p.op || ' ' || format('{:,}', p.threshold) AS expected,
       CAST(p.threshold AS DOUBLE) AS expected_value,
       p.metric_label AS unit,
       coalesce(p.judgement.verdict, 'inconclusive') AS verdict,
       fmt_utc(p.as_of) AS as_of,
       p.citation,
       CASE WHEN p.data_date IS NULL AND p.nearest_date IS NULL THEN
                'No Hugging Face snapshot in the store' || coalesce(' on or before ' || CAST(as_of_date AS VARCHAR), '')
                || ': nothing to measure.' || CASE WHEN p.when_no = 1 THEN ' ' || claim_import_hint(p.dated, p.tol) ELSE '' END
            WHEN p.data_date IS NULL THEN concat_ws(' ',
                format('No Hub snapshot within {} days of {} decides it{}: the nearest, of {} ({} days {}), measures {:,}.',
                       p.tol, strftime(p.dated, '%Y-%m-%d'), coalesce(' as known on ' || CAST(as_of_date AS VARCHAR), ''),
                       strftime(p.nearest_date, '%Y-%m-%d'), abs(p.nearest_days_after),
                       CASE WHEN p.nearest_days_after < 0 THEN 'before' ELSE 'after' END, p.nearest_value),
                nullif(p.nearest_note, ''),
                'A measurement of another period is no verdict on the claim''s date.',
                claim_import_hint(p.dated, p.tol))
            ELSE concat_ws(' ',
                CASE WHEN p.attribution = 'first-party' THEN
                         format('Models published under the developer namespaces of the {} ({:,} models): {:,} {}; {} of the {} '
                                'namespaces in the reference list were crawled in full that day{}.',
                                p.subject_label, p.models_counted, p.value, p.metric_label, p.crawled, p.namespaces,
                                CASE WHEN p.complete THEN '' ELSE ' (the others count only their repos in the collected set)' END)
                     ELSE format('{:,} collected models reach {} (its own repos and derivatives through lineage: fine-tunes, '
                                 'quantizations, adapters; merges shared among their parents) with {:,} {}.',
                                 p.models_counted, p.subject_label, p.value, p.metric_label)
                END,
                CASE WHEN p.empty_namespaces IS NOT NULL THEN format('The listing of {} came back empty that day: not '
                     'counted as crawled in full.', p.empty_namespaces) END,
                CASE WHEN p.language_models_only THEN
                         'Language models: pipeline tags in hf_language_pipeline_tags.csv (text-generation, '
                         'image-text-to-text, ...), a derivative without a tag taking its base model''s.' END,
                CASE WHEN p.when_no = 1 THEN nullif(p.judgement.note, '')
                     WHEN p.judgement.verdict = 'supported' THEN 'On the latest snapshot the claim still holds.'
                     WHEN p.judgement.verdict = 'refuted' THEN 'On the latest snapshot the count is still below the threshold.'
                     ELSE nullif(p.judgement.note, '') END,
                CASE WHEN p.hub_total IS NOT NULL THEN format('This scope holds {} of all Hub {} that day ({:,} of {:,}).',
                     printf('%.1f%%', 100.0 * p.value / nullif(p.hub_total, 0)), p.metric_label, p.value, p.hub_total) END,
                CASE WHEN p.crossed_on IS NULL AND p.snapshots > 1 THEN format(
                         'Below the threshold in all {} snapshots from {} to {}.', p.snapshots,
                         strftime(p.first_date, '%Y-%m-%d'), strftime(p.last_date, '%Y-%m-%d'))
                     WHEN p.crossed_on IS NOT NULL AND p.crossed_after IS NULL THEN format(
                         'Already at or above the threshold at the first snapshot ({}).', strftime(p.crossed_on, '%Y-%m-%d'))
                     WHEN p.crossed_on IS NOT NULL THEN format(
                         'First at or above the threshold on the snapshot of {} (the one before, {}, was below).',
                         strftime(p.crossed_on, '%Y-%m-%d'), strftime(p.crossed_after, '%Y-%m-%d')) END,
                'The scope counts Hub downloads only: a figure a maker announces may count other channels (its own '
                'site, cloud providers), so a Hub figure below the threshold refutes the Hub reading, not that count.',
                p.coverage || '.')
       END AS detail
FROM picked p;
COMMENT ON MACRO TABLE claim_threshold IS 'claim_threshold(as_of_date, asked_week): every claim of kind ''threshold'' in ref.claims ("<subject>''s Hub downloads passed <value> by <date>"), judged at the claim''s own date and on the latest data';
