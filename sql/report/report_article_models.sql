-- report_article_models(as_of_date): the articles' models (article_models.csv) with their first release on
-- the Hub: the earliest created_at of a repo matching the model's namespace and id pattern among the
-- repos the store has seen by as_of_date (NULL = all). A model with no matching repo has NULL dates.
-- Columns: model, source, namespace, repos, first_release (date), first_repo, note.
CREATE OR REPLACE MACRO report_article_models(as_of_date := NULL) AS TABLE
WITH articles AS (
    SELECT * FROM ref.article_models
),
repos AS (   -- the repos matching each model's namespace and pattern (shared with the claim)
    SELECT model, canonical_id, created_at FROM article_model_repos(as_of_date)
),
firsts AS (
    SELECT model, count(DISTINCT canonical_id) AS repos, CAST(min(created_at) AS DATE) AS first_release,
           arg_min(canonical_id, row(created_at, canonical_id)) FILTER (WHERE created_at IS NOT NULL) AS first_repo
    FROM repos
    GROUP BY model
)
SELECT a.model, a.source, a.namespace, coalesce(f.repos, 0) AS repos, f.first_release, f.first_repo, a.note
FROM articles a
LEFT JOIN firsts f USING (model)
ORDER BY f.first_release NULLS LAST, a.model;
COMMENT ON MACRO TABLE report_article_models IS 'report_article_models(as_of_date): the articles'' models with their first release on the Hub (earliest created_at of a matching repo seen by as_of_date); columns: model, source, namespace, repos, first_release, first_repo, note';
