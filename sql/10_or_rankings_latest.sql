-- or_rankings_latest: per (period, category, bucket_date, model_permaslug) the latest observation of
-- the Data API rankings (a restated bucket keeps every pull in or_rankings; this shows the newest).
-- Columns: period, category (NULL = all models), bucket_date, model_permaslug, total_tokens, rank,
-- as_of (the pull's meta.as_of), pull_id, estimated (category datasets are OpenRouter's estimates),
-- citation (the line every published figure carries).
-- (Also written by the OpenRouter fetcher's branch under the same name and columns.)
CREATE OR REPLACE VIEW or_rankings_latest AS
WITH observations AS (
    SELECT p.period, p.category, r.bucket_date, r.model_permaslug, r.total_tokens, r.rank,
           p.as_of, p.pull_id, p.estimated
    FROM or_rankings r
    JOIN or_pulls p USING (pull_id)
    WHERE p.dataset = 'rankings-daily'
),
latest AS (
    SELECT * FROM observations
    QUALIFY row_number() OVER (PARTITION BY period, category, bucket_date, model_permaslug
                               ORDER BY as_of DESC, pull_id DESC) = 1
)
SELECT period, category, bucket_date, model_permaslug, total_tokens, rank, as_of, pull_id, estimated,
       'Source: OpenRouter (openrouter.ai/rankings), as of ' || fmt_utc(as_of) || '.' AS citation
FROM latest;
