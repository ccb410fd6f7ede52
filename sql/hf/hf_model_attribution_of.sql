-- hf_model_attribution_of(starts): the rows of hf_model_attribution for the models whose model_key is
-- in the table named `starts` (a string; column model_key). The Hub's after-commit step
-- (collector/sources/hf/rollups.py) re-attributes only the models whose attribution can have
-- changed (hf_model_attribution_inputs), instead of every model.
CREATE OR REPLACE MACRO hf_model_attribution_of(starts) AS TABLE
WITH family AS MATERIALIZED (   -- the lineage walk, once (it is read twice below)
    SELECT * FROM hf_model_family_of(starts)
),
models AS (   -- named by the first-numbered id, as hf_model_family_of names them
    SELECT model_key, pick.canonical_id AS model_id, pick.namespace
    FROM (SELECT model_key, arg_min({'canonical_id': canonical_id, 'namespace': namespace}, model_no) AS pick
          FROM internal.hf_ids
          WHERE model_key IN (SELECT model_key FROM query_table(starts))
          GROUP BY model_key)
),
metadata AS (   -- the latest metadata per canonical id (an old-namespace row gives way to the new one)
    SELECT i.model_key, m.pipeline_tag
    FROM hf_models m
    JOIN internal.hf_ids i USING (model_id)
    WHERE i.model_key IN (SELECT model_key FROM query_table(starts))
    QUALIFY row_number() OVER (PARTITION BY i.model_key ORDER BY i.renamed_from IS NOT NULL, m.last_seen DESC, i.model_no) = 1
),
publishers AS (
    SELECT m.model_key, m.model_id, m.namespace,
           coalesce(n.organisation, 'unknown') AS publisher,
           coalesce(n.role, 'unlisted') AS publisher_role
    FROM models m
    LEFT JOIN ref.hf_namespaces n ON lower(n.namespace) = lower(m.namespace)
),
base_keys AS (   -- the base models each model's lineage reaches (a model_key is its canonical id in lower case)
    SELECT DISTINCT f.model_key, lower(b.base_id) AS base_key
    FROM family f, unnest(f.base_model_ids) AS b(base_id)
),
base_metadata AS (   -- their pipeline tags, picked as `metadata` picks a model's own
    SELECT i.model_key, m.pipeline_tag
    FROM hf_models m
    JOIN internal.hf_ids i USING (model_id)
    WHERE i.model_key IN (SELECT base_key FROM base_keys)
    QUALIFY row_number() OVER (PARTITION BY i.model_key ORDER BY i.renamed_from IS NOT NULL, m.last_seen DESC, i.model_no) = 1
),
base_language AS (   -- whether any base model the lineage reaches is a language model (for untagged derivatives)
    SELECT bk.model_key, bool_or(lt.pipeline_tag IS NOT NULL) AS base_is_lm
    FROM base_keys bk
    JOIN base_metadata bm ON bm.model_key = bk.base_key
    LEFT JOIN ref.hf_language_pipeline_tags lt ON lt.pipeline_tag = bm.pipeline_tag
    GROUP BY bk.model_key
),
with_family AS (
    SELECT p.*, f.family, f.family_organisation, f.weight AS family_weight, f.first_party AS family_first_party,
           f.base_model_ids, f.relation, md.pipeline_tag,
           CASE WHEN md.pipeline_tag IS NOT NULL THEN lt.pipeline_tag IS NOT NULL
                ELSE coalesce(bl.base_is_lm, false) END AS language_model
    FROM publishers p
    JOIN family f USING (model_key)
    LEFT JOIN metadata md USING (model_key)
    LEFT JOIN ref.hf_language_pipeline_tags lt ON lt.pipeline_tag = md.pipeline_tag
    LEFT JOIN base_language bl USING (model_key)
),
attributed AS (
    SELECT *,
           CASE WHEN publisher_role = 'developer' THEN publisher
                WHEN family <> 'other' THEN family_organisation
                WHEN publisher_role = 'community' THEN publisher
                ELSE 'unknown' END AS organisation
    FROM with_family
)
SELECT a.model_key, a.model_id, a.namespace, a.publisher, a.publisher_role,
       a.publisher_role = 'developer' AS first_party,
       a.family, a.family_weight, a.family_first_party, a.base_model_ids, a.relation,
       a.organisation, coalesce(o.country, 'unknown') AS country,
       a.pipeline_tag, a.language_model
FROM attributed a
LEFT JOIN ref.organisations o ON o.organisation = a.organisation;

COMMENT ON MACRO TABLE hf_model_attribution_of IS 'hf_model_attribution_of(starts): the rows of hf_model_attribution for the models whose model_key is in the table named starts (a string)';
