-- hf_model_family: the family (Llama, Qwen, DeepSeek, ...) of every model the store has seen, reached
-- through lineage for derivatives.
--   * A model is first-party when its namespace and repo name match a row of ref.families (the
--     longest matching pattern wins); it belongs to that family only, even if it is itself a
--     fine-tune of another family (DeepSeek-R1-Distill-Qwen is DeepSeek's; Llama-Nemotron NVIDIA's).
--   * Any other model walks up hf_lineage (finetune, quantized, adapter, merge; transitively) to its
--     nearest first-party ancestors. A model with several parents (a merge) is shared equally among
--     them: a merge of a Qwen and a Llama model is 0.5 Qwen and 0.5 Llama. The weights of a model
--     always add up to 1.
--   * No first-party ancestor (no lineage, or more than 20 steps, which is where a lineage cycle
--     ends): family 'other'.
-- Columns: model_key, model_id (canonical), family, family_organisation ('unknown' for 'other'),
-- weight, first_party (the model itself matches the family), base_model_ids (the ancestors where the
-- walk stopped), relation ('self', or the relations along one shortest walk, from the model up, e.g.
-- 'quantized' or 'quantized > finetune'), depth (steps of the shortest walk).
CREATE OR REPLACE VIEW hf_model_family AS
WITH RECURSIVE models AS (
    SELECT model_key, any_value(canonical_id) AS model_id, any_value(namespace) AS namespace,
           any_value(repo_name) AS repo_name
    FROM internal.hf_ids
    GROUP BY model_key
),
pattern_matches AS (
    SELECT m.model_key, f.family, f.organisation
    FROM models m
    JOIN ref.families f ON lower(f.namespace) = lower(m.namespace) AND regexp_matches(m.repo_name, f.id_pattern)
    QUALIFY row_number() OVER (PARTITION BY m.model_key ORDER BY length(f.id_pattern) DESC, f.family) = 1
),
edges AS (
    SELECT c.model_key AS child_key, p.model_key AS parent_key, min(l.relation) AS relation
    FROM hf_lineage l
    JOIN internal.hf_ids c ON c.model_id = l.child_id
    JOIN internal.hf_ids p ON p.model_id = l.parent_id
    WHERE c.model_key <> p.model_key
    GROUP BY ALL
),
parents AS (
    SELECT *, count(*) OVER (PARTITION BY child_key) AS parent_count FROM edges
),
walk AS (
    -- One row per (model, ancestor reached, steps): weights arriving at the same ancestor in the same
    -- number of steps are summed at every step, so merge-heavy lineage costs graph size, not paths.
    SELECT model_key AS start_key, model_key AS at_key, 1.0::DOUBLE AS weight, 0 AS depth, 'self' AS relation
    FROM models
    UNION ALL
    SELECT w.start_key, e.parent_key, sum(w.weight / e.parent_count), w.depth + 1,
           min(CASE WHEN w.depth = 0 THEN e.relation ELSE w.relation || ' > ' || e.relation END)
    FROM walk w
    JOIN parents e ON e.child_key = w.at_key
    LEFT JOIN pattern_matches stop ON stop.model_key = w.at_key
    WHERE stop.model_key IS NULL AND w.depth < 20
    GROUP BY w.start_key, e.parent_key, w.depth
),
ends AS (   -- where the walk stopped: a first-party model, or a dead end (no parent, or 20 steps: a cycle)
    SELECT w.*, pm.family, pm.organisation, at_model.model_id AS at_id
    FROM walk w
    JOIN models at_model ON at_model.model_key = w.at_key
    LEFT JOIN pattern_matches pm ON pm.model_key = w.at_key
    WHERE pm.model_key IS NOT NULL
       OR w.depth >= 20
       OR NOT EXISTS (SELECT 1 FROM parents e WHERE e.child_key = w.at_key)
),
shares AS (
    SELECT start_key AS model_key,
           coalesce(family, 'other') AS family,
           coalesce(any_value(organisation), 'unknown') AS family_organisation,
           sum(weight) AS weight,
           bool_or(depth = 0 AND family IS NOT NULL) AS first_party,
           list_sort(list(DISTINCT at_id)) AS base_model_ids,
           arg_min(relation, depth) AS relation,
           min(depth) AS depth
    FROM ends
    GROUP BY start_key, coalesce(family, 'other')
)
SELECT s.model_key, m.model_id, s.family, s.family_organisation, s.weight, s.first_party,
       s.base_model_ids,
       s.relation, s.depth
FROM shares s
JOIN models m USING (model_key);
COMMENT ON VIEW hf_model_family IS 'hf_model_family: the family (Llama, Qwen, DeepSeek, ...) of every model the store has seen, reached through lineage for derivatives';
