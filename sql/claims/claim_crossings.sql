-- claim_crossings: when each claim first came true in the stored history, with the bracketing data:
--   * a threshold claim (claim_threshold_series): the first Hub snapshot at which the subject's figure
--     reached the threshold, per scope (e.g. Llama's all-time downloads, first-party and with
--     derivatives, reaching one billion);
--   * an a_vs_b claim (claim_a_vs_b_series): the first snapshot at which A reached B after a snapshot
--     where it had not (e.g. Qwen's 30-day downloads passing Llama's);
--   * a count_top_k claim on one OpenRouter ranking: the first complete ISO week in which at least
--     `count` of the top k were made in the claim's country (per permaslug variant; makers known only).
-- previous_date is the last snapshot (or complete week) before crossed_on, when it was not yet true:
-- the crossing happened after previous_date and on or before crossed_on. A claim true from the first
-- data on has previous_date NULL (already true then); one never true has crossed_on NULL.
-- Columns: claim_id, scope, crossed_on, previous_date, first_date, last_date, observations, detail.
CREATE OR REPLACE VIEW claim_crossings AS
WITH threshold AS (
    SELECT claim_id, scope_no,
           any_value(subject_label || ', ' || attribution
                     || CASE WHEN language_models_only THEN ', language models only' ELSE '' END || '; '
                     || metric_label || ' ' || op || ' ' || format('{:,}', threshold)) AS scope,
           min(snapshot_date) FILTER (WHERE passes) AS crossed_on,
           min(snapshot_date) AS first_date, max(snapshot_date) AS last_date, count(*) AS observations
    FROM claim_threshold_series
    GROUP BY claim_id, scope_no
),
threshold_rows AS (
    SELECT t.claim_id, t.scope_no, t.scope, t.crossed_on,
           (SELECT max(s.snapshot_date) FROM claim_threshold_series s
            WHERE s.claim_id = t.claim_id AND s.scope_no = t.scope_no AND s.snapshot_date < t.crossed_on) AS previous_date,
           t.first_date, t.last_date, t.observations, 'snapshot' AS unit
    FROM threshold t
),
a_vs_b AS (
    SELECT *, lag(reached) OVER w AS previously_reached, lag(snapshot_date) OVER w AS previous_date
    FROM claim_a_vs_b_series
    WINDOW w AS (PARTITION BY claim_id, scope_no ORDER BY snapshot_date)
),
a_vs_b_rows AS (
    SELECT claim_id, scope_no,
           any_value(a || ' vs ' || b || ', ' || attribution || '; ' || metric_label || ' ' || a || ' ' || op || ' ' || b)
               AS scope,
           coalesce(min(snapshot_date) FILTER (WHERE reached AND NOT previously_reached),
                    min(snapshot_date) FILTER (WHERE reached AND previously_reached IS NULL)) AS crossed_on,
           arg_min(previous_date, snapshot_date) FILTER (WHERE reached AND NOT previously_reached) AS previous_date,
           min(snapshot_date) AS first_date, max(snapshot_date) AS last_date, count(*) AS observations,
           'snapshot' AS unit
    FROM a_vs_b
    GROUP BY claim_id, scope_no
),
or_claims AS (
    SELECT claim_id, substr(claim_param(params, 'list'), 12) AS category, CAST(claim_param(params, 'k') AS INTEGER) AS k,
           CAST(claim_param(params, 'count') AS INTEGER) AS wanted, claim_param(params, 'country') AS country
    FROM ref.claims
    WHERE kind = 'count_top_k' AND regexp_matches(claim_param(params, 'list'), '^openrouter:[a-z-]+$')
),
or_weeks AS (
    SELECT c.claim_id, c.category, c.k, c.wanted, c.country, t.week_start,
           count(*) FILTER (WHERE t.country = c.country) >= any_value(c.wanted) AS held
    FROM or_claims c
    JOIN or_weekly_top_models_by_category t ON t.category = c.category AND t.rank <= c.k AND t.complete
    GROUP BY c.claim_id, c.category, c.k, c.wanted, c.country, t.week_start
),
or_rows AS (
    SELECT w.claim_id, 1 AS scope_no,
           any_value(format('OpenRouter; {} top {} by tokens, per permaslug variant; at least {} made in {}', w.category,
                            w.k, w.wanted, w.country)) AS scope,
           min(w.week_start) FILTER (WHERE w.held) AS crossed_on,
           NULL::DATE AS previous_date,
           min(w.week_start) AS first_date, max(w.week_start) AS last_date, count(*) AS observations,
           'complete ISO week' AS unit
    FROM or_weeks w
    GROUP BY w.claim_id
),
or_bracketed AS (
    SELECT r.* REPLACE ((SELECT max(w.week_start) FROM or_weeks w WHERE w.claim_id = r.claim_id
                         AND w.week_start < r.crossed_on) AS previous_date)
    FROM or_rows r
),
rows AS (
    SELECT * FROM threshold_rows
    UNION ALL BY NAME SELECT * FROM a_vs_b_rows
    UNION ALL BY NAME SELECT * FROM or_bracketed
)
SELECT r.claim_id, r.scope, r.crossed_on, r.previous_date, r.first_date, r.last_date, r.observations,
       CASE WHEN r.crossed_on IS NULL THEN format('Not true in any of the {} {}s from {} to {}.', r.observations, r.unit,
                                                 strftime(r.first_date, '%Y-%m-%d'), strftime(r.last_date, '%Y-%m-%d'))
            WHEN r.previous_date IS NULL THEN format('Already true at the first {} ({}).', r.unit,
                                                     strftime(r.crossed_on, '%Y-%m-%d'))
            ELSE format('First true at the {} of {}; not yet at the one before ({}).', r.unit,
                        strftime(r.crossed_on, '%Y-%m-%d'), strftime(r.previous_date, '%Y-%m-%d')) END AS detail
FROM rows r
JOIN ref.claims c USING (claim_id)
ORDER BY c.claim_no, r.scope_no;
COMMENT ON VIEW claim_crossings IS 'When each claim first came true in the stored history (a threshold reached, A reaching B, a weekly OpenRouter count held), with the bracketing snapshot or week before it';
