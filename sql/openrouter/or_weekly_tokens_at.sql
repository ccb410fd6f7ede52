-- or_weekly_tokens_at(as_of_date): tokens per model and ISO week from the Data API rankings, as known
-- on as_of_date (pulls whose meta.as_of is later are ignored; NULL = everything stored).
--   * A bucket is read from its newest pull only (a restated day or week is never mixed with its
--     older version), so a bucket's top 50 plus its 'other' row add up to all its tokens.
--   * A week comes from a period=week bucket when one covers the whole week (the pull's end_date
--     reaches the Sunday); otherwise it is the sum of its daily buckets. Summed days are close to, not
--     equal to, the week's own ranking: a model outside a day's top 50 is inside that day's 'other' row.
--   * A week is complete only when all seven of its days are stored. OpenRouter's days are the main
--     daily series (category all): a day is stored when its daily bucket has rows; a day a daily pull
--     asked for that came back without rows is a gap, and so is a day whose rows arrived on a later
--     UTC day than the weekly bucket was last fetched (that bucket was cut while the day was missing).
--     A weekly bucket's days are its own only where no daily pull asked for them. This holds for every
--     category: a category (e.g. programming, weekly only) has no days of its own, so its week is
--     complete only with its whole-week bucket and OpenRouter's seven days. A weekly bucket pulled
--     (meta.as_of) before its week ended is never complete.
-- Columns: category ('all', or the Data API category such as 'programming'), week_start (Monday),
-- model_permaslug ('other' = everything outside the top 50), total_tokens, week_total_tokens (all
-- rows of the week, 'other' included), basis ('week' | 'days'), days (of the week's seven, the days
-- stored), complete (all seven days stored), estimated, as_of (newest meta.as_of used), citation.
CREATE OR REPLACE MACRO or_weekly_tokens_at(as_of_date := NULL) AS TABLE
WITH pulls AS (
    SELECT * FROM or_pulls
    WHERE dataset = 'rankings-daily' AND period IN ('day', 'week')
      AND (as_of_date IS NULL OR timezone('UTC', as_of) < CAST(as_of_date AS DATE) + INTERVAL 1 DAY)
),
bucket_pulls AS (   -- each pull's buckets with rows (the pairs first: the pull's columns join a few rows)
    SELECT p.period, p.category, r.bucket_date, p.pull_id, p.as_of, p.estimated, p.end_date, p.fetched_at
    FROM (SELECT DISTINCT pull_id, bucket_date FROM or_rankings) r
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
asked_days AS (   -- the days some main daily pull asked for, with rows or not
    SELECT DISTINCT CAST(unnest(generate_series(start_date, end_date, INTERVAL 1 DAY)) AS DATE) AS day
    FROM pulls WHERE period = 'day' AND category IS NULL
),
filled_days AS (  -- the days with rows in the main daily series, and the UTC day their rows first arrived
    SELECT bucket_date AS day, min(CAST(timezone('UTC', fetched_at) AS DATE)) AS filled_on
    FROM bucket_pulls
    WHERE period = 'day' AND category IS NULL
    GROUP BY 1
),
week_fetched AS (  -- per category and week: the UTC day its weekly bucket was last fetched with rows
    SELECT coalesce(p.category, 'all') AS category, CAST(date_trunc('week', p.start_date) AS DATE) + CAST(7 * w AS INTEGER) AS week_start,
           max(CAST(timezone('UTC', p.fetched_at) AS DATE)) AS fetched_on
    FROM pulls p, range(0, (p.end_date - CAST(date_trunc('week', p.start_date) AS DATE)) // 7 + 1) t(w)
    WHERE p.period = 'week' AND p.row_count > 0
    GROUP BY ALL
),
weekly AS (
    SELECT DISTINCT category, bucket_date AS week_start, end_date, as_of FROM bucket_rows WHERE period = 'week'
),
weekly_days AS (   -- per weekly bucket, how many of its seven days are stored
    SELECT w.category, w.week_start,
           count(*) FILTER (
               WHERE w.end_date >= w.week_start + 6
                 AND timezone('UTC', w.as_of) >= w.week_start + INTERVAL 7 DAY
                 AND w.week_start + d >= DATE '2025-01-01'
                 AND CASE WHEN f.day IS NOT NULL THEN f.filled_on <= coalesce(wf.fetched_on, DATE '9999-12-31')
                          ELSE a.day IS NULL END
           ) AS days
    FROM weekly w
    CROSS JOIN (SELECT CAST(d AS INTEGER) AS d FROM range(0, 7) r(d)) t
    LEFT JOIN filled_days f ON f.day = w.week_start + d
    LEFT JOIN asked_days a ON a.day = w.week_start + d
    LEFT JOIN week_fetched wf ON wf.category = w.category AND wf.week_start = w.week_start
    GROUP BY ALL
),
from_weeks AS (
    SELECT b.category, b.bucket_date AS week_start, b.model_permaslug, b.total_tokens,
           'week' AS basis, d.days, d.days = 7 AS complete, b.estimated, b.as_of
    FROM bucket_rows b
    JOIN weekly_days d ON d.category = b.category AND d.week_start = b.bucket_date
    WHERE b.period = 'week'
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
bases AS (   -- per week, the basis chosen: a complete one first, then a weekly bucket before summed days
    SELECT category, week_start,
           arg_max(basis, CASE WHEN complete THEN 2 ELSE 0 END + CASE WHEN basis = 'week' THEN 1 ELSE 0 END) AS basis
    FROM (SELECT category, week_start, 'week' AS basis, days = 7 AS complete FROM weekly_days
          UNION ALL
          SELECT category, week_start, 'days', days = 7 FROM day_counts)
    GROUP BY category, week_start
),
chosen AS (   -- (decided per week, not per row: the same rows as a rank over every row of the week)
    SELECT c.* FROM candidates c SEMI JOIN bases b USING (category, week_start, basis)
)
SELECT category, week_start, model_permaslug, total_tokens,
       sum(total_tokens) OVER (PARTITION BY category, week_start) AS week_total_tokens,
       basis, days, complete, estimated, as_of,
       'Source: OpenRouter (openrouter.ai/rankings), as of ' || fmt_utc(as_of) || '.' AS citation
FROM chosen;
COMMENT ON MACRO TABLE or_weekly_tokens_at IS 'or_weekly_tokens_at(as_of_date): tokens per model and ISO week from the Data API rankings, as known on as_of_date (pulls whose meta.as_of is later are ignored; NULL = everything stored); a week is complete only when all seven of its days are stored';
