-- hf_model_attribution_inputs_of(keys): the rows of hf_model_attribution_inputs for the models whose
-- model_key is in the table named `keys` (a string; column model_key): what the Hub's after-commit step
-- compares for the models a commit touched (collector/sources/hf/rollups.py).
CREATE OR REPLACE MACRO hf_model_attribution_inputs_of(keys) AS TABLE
WITH asked AS (
    SELECT model_no, model_id, model_key, renamed_from
    FROM internal.hf_ids
    WHERE model_key IN (SELECT model_key FROM query_table(keys))
),
ids AS (
    SELECT model_key, count(*) AS ids, bit_xor(hash(model_id)) AS ids_hash
    FROM asked
    GROUP BY model_key
),
tags AS (
    SELECT i.model_key,
           -- (in a struct: arg_max skips a NULL value, and the tag hf_model_attribution takes may be NULL)
           arg_max({'tag': m.pipeline_tag}, row(i.renamed_from IS NULL, m.last_seen, -i.model_no)).tag AS pipeline_tag,
           bit_xor(hash(m.model_id, m.pipeline_tag)) AS tags_hash
    FROM hf_models m
    JOIN asked i USING (model_id)
    GROUP BY i.model_key
),
parents AS (
    SELECT c.model_key, count(*) AS parents, bit_xor(hash(p.model_key, l.relation)) AS parents_hash
    FROM hf_lineage l   -- (child_id, parent_id, relation) is unique
    JOIN asked c ON c.model_id = l.child_id
    JOIN internal.hf_ids p ON p.model_id = l.parent_id
    WHERE c.model_key <> p.model_key
    GROUP BY c.model_key
)
SELECT i.model_key, i.ids, i.ids_hash, t.pipeline_tag, t.tags_hash,
       coalesce(p.parents, 0) AS parents, p.parents_hash
FROM ids i
LEFT JOIN tags t USING (model_key)
LEFT JOIN parents p USING (model_key);

COMMENT ON MACRO TABLE hf_model_attribution_inputs_of IS 'hf_model_attribution_inputs_of(keys): the rows of hf_model_attribution_inputs for the models whose model_key is in the table named keys (a string)';
