-- or_app_rankings_latest: OpenRouter's app rankings (apps such as Cline or Kilo Code, not models)
-- as last published, one row per (category, sort, start_date, end_date, rank).
--
-- Each pull ranks apps over one window (the collector asks for whole ISO weeks); a window fetched
-- again with different figures keeps both pulls in or_app_rankings. This view takes, per window, the
-- rows of the latest pull (latest meta.as_of, then latest pull_id).
--
-- Columns:
--   category, sort         e.g. 'coding', 'popular'
--   start_date, end_date   the window (meta.start_date / meta.end_date)
--   rank, app_id, app_name, total_tokens, total_requests   as served (counts HUGEINT, exact)
--   observations           how many distinct observations of this window are stored (> 1: restated)
--   pull_id, as_of, fetched_at, version   provenance of the rows shown
--   citation               'Source: OpenRouter (openrouter.ai/apps), as of <as_of>.' (CC BY 4.0)
CREATE OR REPLACE VIEW or_app_rankings_latest AS
WITH source AS (
    SELECT p.category, p.sort, p.start_date, p.end_date, a.rank, a.app_id, a.app_name, a.total_tokens,
           a.total_requests, a.pull_id, p.as_of, p.fetched_at, p.version
    FROM or_app_rankings AS a
    JOIN or_pulls AS p USING (pull_id)
    WHERE p.dataset = 'app-rankings'
),
ranked AS (
    SELECT *,
           dense_rank() OVER (PARTITION BY category, sort, start_date, end_date ORDER BY as_of DESC, pull_id DESC) AS recency,
           count(DISTINCT pull_id) OVER (PARTITION BY category, sort, start_date, end_date) AS observations
    FROM source
),
final AS (
    SELECT category, sort, start_date, end_date, rank, app_id, app_name, total_tokens, total_requests,
           observations, pull_id, as_of, fetched_at, version,
           'Source: OpenRouter (openrouter.ai/apps), as of '
               || strftime(timezone('UTC', as_of), '%Y-%m-%dT%H:%M:%SZ') || '.' AS citation
    FROM ranked
    WHERE recency = 1
)
SELECT * FROM final;
COMMENT ON VIEW or_app_rankings_latest IS 'or_app_rankings_latest: OpenRouter''s app rankings (apps such as Cline or Kilo Code, not models) as last published, one row per (category, sort, start_date, end_date, rank)';
