-- hf_model_attribution_inputs: what each model's row of hf_model_attribution is computed from, besides
-- the reference data: its ids, its metadata's pipeline tags and its own lineage edges. A model's
-- attribution can change only when these change for it or for a model its lineage reaches, so the
-- Hub's after-commit step (collector/sources/hf/rollups.py) keeps the rows it last attributed with
-- (internal.hf_attribution_inputs) and re-attributes only the models whose row differs, and their
-- descendants. A change of reference data or views re-attributes every model.
-- Columns: model_key, ids (how many ids the model goes by), ids_hash, pipeline_tag (the one
-- hf_model_attribution uses: an id under a renamed namespace gives way, then the latest seen),
-- tags_hash (every id's pipeline tag), parents (lineage edges to other models), parents_hash.
-- Hashes are order-free (a bitwise xor of the items' hashes): equal sets, equal hashes.
CREATE OR REPLACE VIEW hf_model_attribution_inputs AS
SELECT * FROM hf_model_attribution_inputs_of('internal.hf_ids');

COMMENT ON VIEW hf_model_attribution_inputs IS 'hf_model_attribution_inputs: what each model''s row of hf_model_attribution is computed from, besides the reference data (ids, pipeline tags, own lineage edges); the Hub re-attributes a model when these change for it or an ancestor';
