-- 0008: incremental attribution. What each model was last attributed with (the rows of the view
-- hf_model_attribution_inputs when internal.hf_attribution was last brought up to date): the Hub's
-- after-commit step re-attributes only the models whose inputs differ from these, and their
-- descendants, instead of walking the lineage of every model each day (collector/sources/hf/rollups.py).
-- Empty after the upgrade: the first Hub write then re-attributes every model once.
CREATE TABLE internal.hf_attribution_inputs (
    model_key    VARCHAR,
    ids          BIGINT,
    ids_hash     UBIGINT,
    pipeline_tag VARCHAR,
    tags_hash    UBIGINT,
    parents      BIGINT,
    parents_hash UBIGINT
);

-- The ids whose attribution inputs a Hub commit may have changed (metadata written, lineage edges
-- added, ids numbered for the first time), left by the commit for the after-commit step, which
-- compares only their models' inputs and empties the table in the same transaction as it
-- re-attributes them (a failed roll-up leaves them for the next write).
CREATE TABLE internal.hf_touched (
    model_id VARCHAR
);
