-- 0006: provenance of Hub snapshots imported from full-Hub dumps (`collector import hub-stats`).
-- An imported day is an ordinary Hub snapshot of the scope 'full_hub' (hf_snapshots, counters in the
-- change-only layout, hf_models, hf_lineage), back-dated to the dump's UTC day; this table says where
-- each such snapshot came from, so that a figure can name its file or dataset revision. Importing the
-- same day again replaces the snapshot and its row here.
CREATE TABLE hf_imports (
    snapshot_id   BIGINT NOT NULL,        -- unique: the hf_snapshots row this import made
    snapshot_date DATE NOT NULL,          -- the UTC day the dump stands for
    format        VARCHAR NOT NULL,       -- 'hub-stats' (the columns of cfahlgren1/hub-stats' models.parquet)
    file_name     VARCHAR NOT NULL,       -- the file's name (a local file) or its path in the dataset
    sha256        VARCHAR NOT NULL,       -- of the file's bytes
    file_bytes    BIGINT NOT NULL,
    rows          BIGINT NOT NULL,        -- rows in the file
    models        BIGINT NOT NULL,        -- distinct model ids stored (a repeated id is kept once)
    dataset       VARCHAR,                -- the Hub dataset it came from (NULL for a local file)
    revision      VARCHAR,                -- the dataset's commit (NULL for a local file)
    revision_at   TIMESTAMPTZ,            -- that commit's time
    derived       BOOLEAN NOT NULL,       -- counters derived from another series, not observed as such
    run_id        BIGINT NOT NULL,
    imported_at   TIMESTAMPTZ NOT NULL
);
