-- hf_model_ids_of(seen): the rows of hf_model_ids for the ids in the table named `seen` (a string;
-- column model_id): what each id is called today and its model_key. hf_model_ids gives them for
-- every id the store has seen; the Hub's after-commit step (collector/sources/hf/rollups.py) for the
-- ids it has not numbered yet, so that a day's new ids cost their own string work, not every id's.
CREATE OR REPLACE MACRO hf_model_ids_of(seen) AS TABLE
WITH seen AS (
    SELECT model_id FROM query_table(seen)
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

COMMENT ON MACRO TABLE hf_model_ids_of IS 'hf_model_ids_of(seen): the rows of hf_model_ids for the ids in the table named seen (a string; column model_id)';
