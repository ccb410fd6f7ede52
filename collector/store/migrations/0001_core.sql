-- 0001: the bookkeeping every job shares.
CREATE TABLE schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       VARCHAR NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL
);

CREATE SEQUENCE runs_seq START 1;

-- One row per job run: what ran, with which parameters (never secrets), how it ended.
CREATE TABLE runs (
    run_id      BIGINT PRIMARY KEY DEFAULT nextval('runs_seq'),
    job         VARCHAR NOT NULL,          -- e.g. 'collect hf'
    source      VARCHAR NOT NULL,          -- 'hf' | 'openrouter' | ...
    params      JSON,
    started_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    status      VARCHAR NOT NULL,          -- running | ok | failed | skipped
    row_counts  JSON,                      -- {"table": rows written}
    requests    INTEGER,                   -- HTTP requests made
    error       VARCHAR                    -- one line, when status = failed
);
