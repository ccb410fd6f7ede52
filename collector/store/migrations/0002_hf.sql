-- 0002: Hugging Face Hub download snapshots.
CREATE SEQUENCE hf_snapshot_seq START 1;

-- One row per scope per UTC day ('author:Qwen', 'top_downloads:1000').
-- A rerun the same day replaces that day's snapshot of the scope (in one transaction).
CREATE TABLE hf_snapshots (
    snapshot_id   BIGINT PRIMARY KEY DEFAULT nextval('hf_snapshot_seq'),
    scope         VARCHAR NOT NULL,
    snapshot_date DATE NOT NULL,          -- UTC day the snapshot stands for
    fetched_at    TIMESTAMPTZ NOT NULL,   -- when the first page was requested
    as_of         TIMESTAMPTZ NOT NULL,   -- when the last page arrived (the Hub publishes no as_of)
    run_id        BIGINT NOT NULL,
    request       VARCHAR NOT NULL,       -- first URL with its query (never a token)
    pages         INTEGER NOT NULL,
    model_count   INTEGER NOT NULL,
    duplicates    INTEGER NOT NULL        -- models the keyset cursor served twice (first kept)
);

-- Counters as observed, append-only: never clamped, never smoothed.
CREATE TABLE hf_model_downloads (
    snapshot_id        BIGINT NOT NULL,
    model_id           VARCHAR NOT NULL,
    rank               INTEGER NOT NULL,  -- 1-based position in the scope's listing
    downloads_30d      BIGINT,            -- `downloads`: last 30 days
    downloads_all_time BIGINT,            -- `downloadsAllTime`
    likes              BIGINT,
    trending_score     DOUBLE
);

-- Slowly changing metadata, latest observation wins; first_seen / last_seen keep the history's span.
CREATE TABLE hf_models (
    model_id          VARCHAR NOT NULL,   -- unique (kept so by MERGE; no index: bulk merges stay fast)
    author            VARCHAR,
    created_at        TIMESTAMPTZ,
    last_modified     TIMESTAMPTZ,
    pipeline_tag      VARCHAR,
    library_name      VARCHAR,
    tags              VARCHAR[],
    safetensors_total BIGINT,
    gated             VARCHAR,            -- 'false' | 'auto' | 'manual'
    meta_hash         UBIGINT NOT NULL,   -- hash of the metadata: a daily run rewrites only changed rows
    first_seen        DATE NOT NULL,
    last_seen         DATE NOT NULL
);

-- Lineage from the Hub's `base_model:<relation>:<parent>` tags: one row per edge.
CREATE TABLE hf_lineage (
    child_id   VARCHAR NOT NULL,
    parent_id  VARCHAR NOT NULL,
    relation   VARCHAR NOT NULL,          -- finetune | quantized | adapter | merge
    first_seen DATE NOT NULL,
    last_seen  DATE NOT NULL             -- (child_id, parent_id, relation) unique, kept so by MERGE
);
