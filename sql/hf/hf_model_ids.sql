-- hf_model_ids: every Hub model id the store has seen (listings, metadata, lineage children and
-- parents) and the id it goes by today, after renamed namespaces (ref.hf_aliases: THUDM -> zai-org, ...).
-- The Hub resolves ids case-insensitively and lineage tags are written by hand, so views join on
-- model_key = lower(canonical_id).
-- Columns: model_id (as observed), canonical_id, model_key, namespace (current; NULL for a legacy
-- un-namespaced id), repo_name, renamed_from (the old namespace, when renamed).
CREATE OR REPLACE VIEW hf_model_ids AS
WITH seen AS (   -- internal.hf_model_keys registers every id seen (collector/sources/hf/rollups.py adds metadata and lineage ids)
    SELECT model_id FROM internal.hf_model_keys
),
split AS (
    SELECT model_id,
           CASE WHEN contains(model_id, '/') THEN split_part(model_id, '/', 1) END AS namespace,
           CASE WHEN contains(model_id, '/') THEN substr(model_id, strpos(model_id, '/') + 1)
                ELSE model_id END AS repo_name
    FROM seen
),
renamed AS (
    SELECT s.model_id, coalesce(a.new_namespace, s.namespace) AS namespace, s.repo_name,
           a.old_namespace AS renamed_from
    FROM split s
    LEFT JOIN ref.hf_aliases a ON lower(a.old_namespace) = lower(s.namespace)
)
SELECT model_id,
       CASE WHEN namespace IS NULL THEN repo_name ELSE namespace || '/' || repo_name END AS canonical_id,
       lower(CASE WHEN namespace IS NULL THEN repo_name ELSE namespace || '/' || repo_name END) AS model_key,
       namespace,
       repo_name,
       renamed_from
FROM renamed;

-- The other views read these rows from the table internal.hf_ids (with the id's number, model_no, and key_no,
-- the smallest model_no of its model_key: one integer per model for grouping), remade at
-- the end of every Hub write (collector/sources/hf/rollups.py): the string work over every id seen (600,000 in
-- a store of 300,000 models and their lineage) would otherwise be repeated in each query.
COMMENT ON VIEW hf_model_ids IS 'hf_model_ids: every Hub model id the store has seen (listings, metadata, lineage children and parents) and the id it goes by today, after renamed namespaces (ref.hf_aliases: THUDM -> zai-org, ...)';
