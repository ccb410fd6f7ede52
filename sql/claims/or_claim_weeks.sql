-- or_claim_weeks(as_of_date, asked_week, claim_date, wanted_category): the ISO weeks an OpenRouter
-- claim is measured on, as known on as_of_date: the latest complete week, the week asked for (if any),
-- and the complete week nearest the date the claim speaks of (within a week of it, if stored).
-- A week with several roles is one row.
-- Columns: week_no (1 latest, 2 asked, 3 the claim's), week_role, week_start (NULL when no complete
-- week is stored), is_claim_week.
CREATE OR REPLACE MACRO or_claim_weeks(as_of_date, asked_week, claim_date, wanted_category) AS TABLE
WITH weeks AS (
    SELECT DISTINCT week_start, complete
    FROM or_weekly_tokens_at(as_of_date)
    WHERE category = wanted_category
),
claim_week AS (
    SELECT week_start FROM weeks
    WHERE complete
      AND abs(week_start - CAST(date_trunc('week', CAST(claim_date AS DATE)) AS DATE)) <= 7
    ORDER BY abs(week_start - CAST(date_trunc('week', CAST(claim_date AS DATE)) AS DATE)), week_start
    LIMIT 1
),
roles AS (
    SELECT 1 AS week_no, 'latest complete week' AS week_role,
           (SELECT max(week_start) FROM weeks WHERE complete) AS week_start
    UNION ALL
    SELECT 2, 'week asked', CAST(date_trunc('week', CAST(asked_week AS DATE)) AS DATE)
    WHERE asked_week IS NOT NULL
    UNION ALL
    SELECT 3, 'the claim''s week', week_start FROM claim_week
)
SELECT min(week_no) AS week_no, string_agg(week_role, ', ' ORDER BY week_no) AS week_role, week_start,
       bool_or(week_no = 3) AS is_claim_week
FROM roles
GROUP BY week_start
ORDER BY week_no;
COMMENT ON MACRO TABLE or_claim_weeks IS 'or_claim_weeks(as_of_date, asked_week, claim_date, wanted_category): the ISO weeks an OpenRouter claim is measured on, as known on as_of_date: the latest complete week, the week asked for (if any), and the complete week nearest the date the claim speaks of (within a week of it, if stored)';
