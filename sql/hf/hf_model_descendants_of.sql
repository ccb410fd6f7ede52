-- hf_model_descendants_of(keys): the models whose model_key is in the table named `keys` (a string;
-- column model_key) and every model whose lineage reaches one of them, a generation at a time through
-- the edges whose parent is in the last one (UNION ends a cycle). The Hub's after-commit step
-- (collector/sources/hf/rollups.py) re-attributes these when the keys' attribution inputs changed: a
-- derivative's family, organisation and language-model flag come from its ancestors.
-- Columns: model_key.
CREATE OR REPLACE MACRO hf_model_descendants_of(keys) AS TABLE
WITH RECURSIVE down(model_key) AS (
    SELECT model_key FROM query_table(keys)
    UNION
    SELECT c.model_key
    FROM down d
    JOIN internal.hf_ids p ON p.model_key = d.model_key
    JOIN hf_lineage l ON l.parent_id = p.model_id
    JOIN internal.hf_ids c ON c.model_id = l.child_id
)
SELECT model_key FROM down;

COMMENT ON MACRO TABLE hf_model_descendants_of IS 'hf_model_descendants_of(keys): the models whose model_key is in the table named keys (a string) and every model whose lineage reaches one of them';
