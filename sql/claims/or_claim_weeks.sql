-- or_claim_weeks(as_of_date, asked_week, claim_date, wanted_category): the ISO weeks an OpenRouter
-- claim is measured on, as known on as_of_date, one row per `when`:
--   * 'at_claim_date': exactly the ISO week holding claim_date (a weekly ranking counts only for its
--     own week), stored or not;
--   * 'latest': the latest complete week (NULL when none);
--   * 'asked_week': the week asked for, when asked_week is given.
-- Completeness is or_weekly_top_models_at's `complete` (a week is complete when its weekly bucket or
-- all seven of its days are stored), never recomputed here.
-- Columns: when_no (1, 2, 3), when, week_start, stored (rankings of the week are stored), complete, days.
CREATE OR REPLACE MACRO or_claim_weeks(as_of_date, asked_week, claim_date, wanted_category) AS TABLE
WITH weeks AS (
    SELECT week_start, bool_and(complete) AS complete, max(days) AS days
    FROM or_weekly_top_models_at(as_of_date, false)
    WHERE category = wanted_category
    GROUP BY week_start
),
roles AS (
    SELECT 1 AS when_no, 'at_claim_date' AS "when",
           CAST(date_trunc('week', CAST(claim_date AS DATE)) AS DATE) AS week_start
    UNION ALL
    SELECT 2, 'latest', (SELECT max(week_start) FROM weeks WHERE complete)
    UNION ALL
    SELECT 3, 'asked_week', CAST(date_trunc('week', CAST(asked_week AS DATE)) AS DATE)
    WHERE asked_week IS NOT NULL
)
SELECT r.when_no, r."when", r.week_start, w.week_start IS NOT NULL AS stored, coalesce(w.complete, false) AS complete,
       coalesce(w.days, 0) AS days
FROM roles r
LEFT JOIN weeks w USING (week_start)
ORDER BY r.when_no;
COMMENT ON MACRO TABLE or_claim_weeks IS 'or_claim_weeks(as_of_date, asked_week, claim_date, wanted_category): the ISO weeks an OpenRouter claim is measured on, as known on as_of_date, one row per `when`';
