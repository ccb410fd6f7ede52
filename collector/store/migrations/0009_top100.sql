-- 0009: the Hub's top 100 of each snapshot day, all models and language models (sql/hf/hf_top100_from.sql),
-- kept as a roll-up like the others (collector/sources/hf/rollups.py): the claim "41 of the top 100"
-- and the report's chart read 200 rows a day instead of ranking every model of a full-Hub day.
-- Empty after the upgrade: the views changed, so the next Hub write (or `collector refresh --rollups`)
-- rolls every day up again, this table with them.
CREATE TABLE internal.hf_rollup_top100 (
    snapshot_date DATE,
    list          VARCHAR,
    rank          BIGINT,
    model_key     VARCHAR,
    model_id      VARCHAR,
    downloads_30d BIGINT
);
