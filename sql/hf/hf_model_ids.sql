-- hf_model_ids: every Hub model id the store has seen (listings, metadata, lineage children and
-- parents) and the id it goes by today, after renamed namespaces (ref.hf_aliases: THUDM -> zai-org, ...).
-- The Hub resolves ids case-insensitively and lineage tags are written by hand, so views join on
-- model_key = lower(canonical_id).
-- Columns: model_id (as observed), canonical_id, model_key, namespace (current; NULL for a legacy
-- un-namespaced id), repo_name, renamed_from (the old namespace, when renamed).
CREATE OR REPLACE VIEW hf_model_ids AS
-- internal.hf_model_keys registers every id seen (collector/sources/hf/rollups.py adds metadata and lineage ids)
SELECT * FROM hf_model_ids_of('internal.hf_model_keys');

-- The other views read these rows from the table internal.hf_ids (with the id's number, model_no, and key_no,
-- the smallest model_no of its model_key: one integer per model for grouping), remade at
-- the end of every Hub write (collector/sources/hf/rollups.py): the string work over every id seen (600,000 in
-- a store of 300,000 models and their lineage) would otherwise be repeated in each query.
COMMENT ON VIEW hf_model_ids IS 'hf_model_ids: every Hub model id the store has seen (listings, metadata, lineage children and parents) and the id it goes by today, after renamed namespaces (ref.hf_aliases: THUDM -> zai-org, ...)';
