-- hf_model_attribution: who made each model, and where: model -> organisation -> country, plus its
-- family and whether it is a language model. One row per model and family share (a merge of two
-- families has two rows whose family_weight adds up to 1).
--   * publisher: the organisation of the model's own namespace (ref.hf_namespaces, after renames);
--     'unknown' for a namespace not in the list (publisher_role 'unlisted'). It stays visible.
--   * organisation (attributed): the publisher when the namespace is a developer's; otherwise
--     (repackagers, community fine-tunes, unlisted uploaders) the organisation of the family the
--     model reaches through lineage; with no family, a listed community namespace keeps its own
--     organisation and everything else is 'unknown'. Never a repackager's own name.
--   * country from ref.organisations ('unknown' when the organisation's is unknown).
--   * language_model: the pipeline tag is in ref.hf_language_pipeline_tags; a model without a tag
--     (many GGUF repos) is one when a base model its lineage reaches is one.
-- Columns: model_key, model_id, namespace, publisher, publisher_role, first_party (published by a
-- developer namespace), family, family_weight, family_first_party (matches the family's own
-- pattern), base_model_ids, relation, organisation, country, pipeline_tag, language_model.
CREATE OR REPLACE VIEW hf_model_attribution AS
WITH family AS MATERIALIZED (   -- the lineage walk, once (it is read twice below)
    SELECT * FROM hf_model_family
),
models AS (
    SELECT model_key, any_value(canonical_id) AS model_id, any_value(namespace) AS namespace
    FROM internal.hf_ids
    GROUP BY model_key
),
metadata AS (   -- the latest metadata per canonical id (an old-namespace row gives way to the new one)
    SELECT i.model_key, m.pipeline_tag
    FROM hf_models m
    JOIN internal.hf_ids i USING (model_id)
    QUALIFY row_number() OVER (PARTITION BY i.model_key ORDER BY i.renamed_from IS NOT NULL, m.last_seen DESC) = 1
),
publishers AS (
    SELECT m.model_key, m.model_id, m.namespace,
           coalesce(n.organisation, 'unknown') AS publisher,
           coalesce(n.role, 'unlisted') AS publisher_role
    FROM models m
    LEFT JOIN ref.hf_namespaces n ON lower(n.namespace) = lower(m.namespace)
),
base_language AS (   -- whether any base model the lineage reaches is a language model (for untagged derivatives)
    SELECT f.model_key, bool_or(lt.pipeline_tag IS NOT NULL) AS base_is_lm
    FROM family f, unnest(f.base_model_ids) AS b(base_id)
    JOIN hf_models bm ON bm.model_id = b.base_id
    LEFT JOIN ref.hf_language_pipeline_tags lt ON lt.pipeline_tag = bm.pipeline_tag
    GROUP BY f.model_key
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

-- The roll-ups and claims read this as a table (internal.hf_attribution), remade on every Hub commit and when
-- the views or reference data change (collector/sources/hf/rollups.py): the lineage walk over 300,000 models
-- takes seconds, too long to repeat in every query.
COMMENT ON VIEW hf_model_attribution IS 'hf_model_attribution: who made each model, and where: model -> organisation -> country, plus its family and whether it is a language model';
