-- or_weekly_tokens_at(as_of_date): tokens per model and ISO week from the Data API rankings, as known
-- on as_of_date (pulls whose meta.as_of is later are ignored; NULL = everything stored).
--   * A bucket is read from its newest pull only (a restated day or week is never mixed with its
--     older version), so a bucket's top 50 plus its 'other' row add up to all its tokens.
--   * A week comes from a period=week bucket when one covers the whole week (the pull's end_date
--     reaches the Sunday); otherwise it is the sum of its daily buckets, complete only when all 7 days
--     are stored. Summed days are close to, not equal to, the week's own ranking: a model outside a
--     day's top 50 is inside that day's 'other' row.
-- Columns: category ('all', or the Data API category such as 'programming'), week_start (Monday),
-- model_permaslug ('other' = everything outside the top 50), total_tokens, week_total_tokens (all
-- rows of the week, 'other' included), basis ('week' | 'days'), days (daily buckets stored, 7 for a
-- weekly bucket), complete, estimated, as_of (newest meta.as_of used), citation.
CREATE OR REPLACE MACRO or_weekly_tokens_at(as_of_date := NULL) AS TABLE
WITH pulls AS (
    SELECT * FROM or_pulls
    WHERE dataset = 'rankings-daily' AND period IN ('day', 'week')
      AND (as_of_date IS NULL OR timezone('UTC', as_of) < CAST(as_of_date AS DATE) + INTERVAL 1 DAY)
),
bucket_pulls AS (
    SELECT DISTINCT p.period, p.category, r.bucket_date, p.pull_id, p.as_of, p.estimated, p.end_date
    FROM or_rankings r
    JOIN pulls p USING (pull_id)
),
newest AS (
    SELECT * FROM bucket_pulls
    QUALIFY row_number() OVER (PARTITION BY period, category, bucket_date ORDER BY as_of DESC, pull_id DESC) = 1
),
bucket_rows AS (
    SELECT n.period, coalesce(n.category, 'all') AS category, n.bucket_date, n.as_of, n.estimated, n.end_date,
           r.model_permaslug, r.total_tokens
    FROM newest n
    JOIN or_rankings r USING (pull_id, bucket_date)
),
from_weeks AS (
    SELECT category, bucket_date AS week_start, model_permaslug, total_tokens,
           'week' AS basis, 7 AS days, end_date >= bucket_date + 6 AS complete, estimated, as_of
    FROM bucket_rows
    WHERE period = 'week'
),
day_counts AS (
    SELECT category, CAST(date_trunc('week', bucket_date) AS DATE) AS week_start,
           count(DISTINCT bucket_date) AS days, max(as_of) AS as_of, bool_or(estimated) AS estimated
    FROM bucket_rows
    WHERE period = 'day'
    GROUP BY ALL
),
from_days AS (
    SELECT b.category, d.week_start, b.model_permaslug, sum(b.total_tokens) AS total_tokens,
           'days' AS basis, d.days, d.days = 7 AS complete, d.estimated, d.as_of
    FROM bucket_rows b
    JOIN day_counts d ON d.category = b.category AND d.week_start = CAST(date_trunc('week', b.bucket_date) AS DATE)
    WHERE b.period = 'day'
    GROUP BY b.category, d.week_start, b.model_permaslug, d.days, d.estimated, d.as_of
),
candidates AS (
    SELECT * FROM from_weeks UNION ALL SELECT * FROM from_days
),
chosen AS (   -- per week: a complete basis first, and a weekly bucket before summed days
    SELECT * FROM candidates
    QUALIFY dense_rank() OVER (PARTITION BY category, week_start
                               ORDER BY complete DESC, basis = 'week' DESC) = 1
)
SELECT category, week_start, model_permaslug, total_tokens,
       sum(total_tokens) OVER (PARTITION BY category, week_start) AS week_total_tokens,
       basis, days, complete, estimated, as_of,
       'Source: OpenRouter (openrouter.ai/rankings), as of ' || fmt_utc(as_of) || '.' AS citation
FROM chosen;
COMMENT ON MACRO TABLE or_weekly_tokens_at IS 'or_weekly_tokens_at(as_of_date): tokens per model and ISO week from the Data API rankings, as known on as_of_date (pulls whose meta.as_of is later are ignored';
