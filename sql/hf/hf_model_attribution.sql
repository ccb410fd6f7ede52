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
SELECT * FROM hf_model_attribution_of('internal.hf_ids');

-- The roll-ups and claims read this as a table (internal.hf_attribution), remade on every Hub commit and when
-- the views or reference data change (collector/sources/hf/rollups.py): the lineage walk over 300,000 models
-- takes seconds, too long to repeat in every query.
COMMENT ON VIEW hf_model_attribution IS 'hf_model_attribution: who made each model, and where: model -> organisation -> country, plus its family and whether it is a language model';
