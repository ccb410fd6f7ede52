-- hf_model_family_of(starts): the rows of hf_model_family for the models whose model_key is in the
-- table named `starts` (a string; column model_key); the walk still reaches any ancestor, and reads only
-- the models it can reach. The Hub's after-commit step (collector/sources/hf/rollups.py) walks only the
-- models whose lineage or metadata changed, and their descendants, instead of every model.
CREATE OR REPLACE MACRO hf_model_family_of(starts) AS TABLE
WITH RECURSIVE starts AS (   -- the models whose families are asked for
    SELECT DISTINCT model_key FROM query_table(starts)
),
reach(model_key) AS (   -- they and every model their lineage reaches: all the walk can visit
    SELECT model_key FROM starts
    UNION
    SELECT p.model_key
    FROM reach r
    JOIN internal.hf_ids c ON c.model_key = r.model_key
    JOIN hf_lineage l ON l.child_id = c.model_id
    JOIN internal.hf_ids p ON p.model_id = l.parent_id
),
models AS (
    -- a model going by several ids (case, renames) is named by its first-numbered one: a pick that a
    -- later spelling never changes, the same in every query (any_value would vary with threads)
    SELECT model_key, pick.canonical_id AS model_id, pick.namespace, pick.repo_name
    FROM (SELECT model_key, arg_min({'canonical_id': canonical_id, 'namespace': namespace, 'repo_name': repo_name},
                                    model_no) AS pick
          FROM internal.hf_ids
          WHERE model_key IN (SELECT model_key FROM reach)
          GROUP BY model_key)
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
    WHERE c.model_key <> p.model_key AND c.model_key IN (SELECT model_key FROM models)
    GROUP BY ALL
),
parents AS (
    SELECT *, count(*) OVER (PARTITION BY child_key) AS parent_count FROM edges
),
walk AS (
    -- One row per (model, ancestor reached, steps): weights arriving at the same ancestor in the same
    -- number of steps are summed at every step, so merge-heavy lineage costs graph size, not paths.
    SELECT model_key AS start_key, model_key AS at_key, 1.0::DOUBLE AS weight, 0 AS depth, 'self' AS relation
    FROM starts
    UNION ALL
    -- (sums in a fixed order: floating-point addition in another order gives another last digit; the
    -- sum of the sorted list adds in the same order as sum(... ORDER BY ...), at a fraction of its cost)
    SELECT w.start_key, e.parent_key, list_sum(list_sort(list(w.weight / e.parent_count))), w.depth + 1,
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
           list_sum(list_sort(list(weight))) AS weight,   -- (as sum(weight ORDER BY weight), faster)
           bool_or(depth = 0 AND family IS NOT NULL) AS first_party,
           list_sort(list_distinct(list(at_id))) AS base_model_ids,   -- (an id is never NULL)
           arg_min(relation, row(depth, relation)) AS relation,
           min(depth) AS depth
    FROM ends
    GROUP BY start_key, coalesce(family, 'other')
)
SELECT s.model_key, m.model_id, s.family, s.family_organisation, s.weight, s.first_party,
       s.base_model_ids,
       s.relation, s.depth
FROM shares s
JOIN models m USING (model_key);

COMMENT ON MACRO TABLE hf_model_family_of IS 'hf_model_family_of(starts): the rows of hf_model_family for the models whose model_key is in the table named starts (a string)';
