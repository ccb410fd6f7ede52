-- or_model_attribution: who made each OpenRouter model: model_permaslug (minus any ':variant') ->
-- canonical_slug in the catalog snapshots -> id(s) -> author slug -> organisation -> country, and the
-- Hugging Face repo through hugging_face_id where the catalog gives one.
--   * Mapped through the newest catalog snapshot that lists the slug, never by string rules; a model
--     no longer (or never) in any stored catalog falls back to its author prefix (mapped_by says so).
--   * Author slugs map to organisations through ref.openrouter_authors: stealth models (openrouter/,
--     stealth/) and authors not in that list are 'unknown'.
-- Rows: every permaslug in the rankings and every canonical slug in the catalog snapshots.
-- Columns: model_permaslug, model_slug (without the variant), variant (e.g. 'free', or NULL),
-- catalog_ids, catalog_date (the snapshot used; NULL when not listed), mapped_by ('catalog' |
-- 'author prefix'), author, organisation, country, hugging_face_id (canonical: renamed namespaces
-- applied), name.
CREATE OR REPLACE VIEW or_model_attribution AS
WITH slugs AS (
    SELECT DISTINCT model_permaslug FROM or_rankings WHERE model_permaslug <> 'other'
    UNION
    SELECT canonical_slug FROM or_models WHERE canonical_slug IS NOT NULL
),
split AS (
    SELECT model_permaslug,
           split_part(model_permaslug, ':', 1) AS model_slug,
           nullif(split_part(model_permaslug, ':', 2), '') AS variant
    FROM slugs
),
catalog AS (
    SELECT m.canonical_slug, m.id, m.author, m.name, nullif(m.hugging_face_id, '') AS hugging_face_id,
           c.snapshot_date
    FROM or_models m
    JOIN or_catalog_snapshots c USING (snapshot_id)
    WHERE m.canonical_slug IS NOT NULL
),
newest_listing AS (
    SELECT canonical_slug, max(snapshot_date) AS snapshot_date FROM catalog GROUP BY canonical_slug
),
listed AS (   -- the author of the plain id wins over a variant's (they agree in practice)
    SELECT c.canonical_slug, c.snapshot_date,
           list_sort(list(DISTINCT c.id)) AS catalog_ids,
           arg_min(c.author, contains(c.id, ':')) AS author,
           arg_min(c.name, contains(c.id, ':')) AS name,
           max(c.hugging_face_id) AS hugging_face_id
    FROM catalog c
    JOIN newest_listing n USING (canonical_slug, snapshot_date)
    GROUP BY c.canonical_slug, c.snapshot_date
),
mapped AS (
    SELECT s.model_permaslug, s.model_slug, s.variant, l.catalog_ids, l.snapshot_date AS catalog_date,
           CASE WHEN l.canonical_slug IS NOT NULL THEN 'catalog' ELSE 'author prefix' END AS mapped_by,
           coalesce(l.author, split_part(s.model_slug, '/', 1)) AS author,
           l.hugging_face_id, l.name
    FROM split s
    LEFT JOIN listed l ON l.canonical_slug = s.model_slug
)
SELECT m.model_permaslug, m.model_slug, m.variant, m.catalog_ids, m.catalog_date, m.mapped_by, m.author,
       coalesce(a.organisation, 'unknown') AS organisation,
       coalesce(o.country, 'unknown') AS country,
       CASE WHEN m.hugging_face_id IS NULL THEN NULL
            WHEN al.new_namespace IS NOT NULL
                THEN al.new_namespace || substr(m.hugging_face_id, strpos(m.hugging_face_id, '/'))
            ELSE m.hugging_face_id END AS hugging_face_id,
       m.name
FROM mapped m
LEFT JOIN ref.openrouter_authors a ON a.author = lower(m.author)
LEFT JOIN ref.organisations o ON o.organisation = a.organisation
LEFT JOIN ref.hf_aliases al ON lower(al.old_namespace) = lower(split_part(m.hugging_face_id, '/', 1));
COMMENT ON VIEW or_model_attribution IS 'or_model_attribution: who made each OpenRouter model: model_permaslug (minus any '':variant'') -> canonical_slug in the catalog snapshots -> id(s) -> author slug -> organisation -> country, and the Hugging Face repo through hugging_face_id where the catalog gives one';
