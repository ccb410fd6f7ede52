-- or_rankings_latest: OpenRouter's usage rankings as last published, one row per
-- (period, category, bucket_date, model_permaslug).
--
-- Every pull is kept in or_rankings (a restated day has one observation per pull that saw it
-- change); this view takes, for each bucket, the rows of the latest pull that observed it
-- (latest meta.as_of, then latest pull_id), so a bucket is always one consistent top 50 + `other`.
--
-- Columns:
--   period           'day' | 'week' (bucket_date = ISO week start) | 'month'
--   category         NULL = all models; 'programming' etc. = OpenRouter's sampled weekly estimate
--   estimated        true for category datasets (say "estimate" when quoting them)
--   bucket_date      the day, or the first day of the week / month
--   rank             position within the bucket as served (`other` is last)
--   model_permaslug  = a catalog canonical_slug (+ optional ':variant'); 'other' = the rest, aggregated
--   total_tokens     prompt + completion tokens (HUGEINT, exact)
--   observations     how many distinct observations of this bucket are stored (> 1: restated)
--   pull_id, as_of, fetched_at, version   provenance of the rows shown
--   citation         'Source: OpenRouter (openrouter.ai/rankings), as of <as_of>.' (CC BY 4.0)
CREATE OR REPLACE VIEW or_rankings_latest AS
WITH source AS (
    SELECT p.period, p.category, p.estimated, r.bucket_date, r.rank, r.model_permaslug, r.total_tokens,
           r.pull_id, p.as_of, p.fetched_at, p.version
    FROM or_rankings AS r
    JOIN or_pulls AS p USING (pull_id)
    WHERE p.dataset = 'rankings-daily'
),
ranked AS (
    SELECT *,
           dense_rank() OVER (PARTITION BY period, category, bucket_date ORDER BY as_of DESC, pull_id DESC) AS recency,
           count(DISTINCT pull_id) OVER (PARTITION BY period, category, bucket_date) AS observations
    FROM source
),
final AS (
    SELECT period, category, estimated, bucket_date, rank, model_permaslug, total_tokens, observations,
           pull_id, as_of, fetched_at, version,
           'Source: OpenRouter (openrouter.ai/rankings), as of '
               || strftime(timezone('UTC', as_of), '%Y-%m-%dT%H:%M:%SZ') || '.' AS citation
    FROM ranked
    WHERE recency = 1
)
SELECT * FROM final;
COMMENT ON VIEW or_rankings_latest IS 'or_rankings_latest: OpenRouter''s usage rankings as last published, one row per (period, category, bucket_date, model_permaslug)';
