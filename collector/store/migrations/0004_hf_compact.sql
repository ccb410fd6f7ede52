-- 0004: compact Hub counters (issue 6: a year of daily snapshots of 300,000 models in at most 8 bytes
-- per model-day). Three changes, none losing an observation:
--   * model ids are stored once (hf_model_keys) and referred to by a 32-bit number;
--   * a snapshot's membership and order are kept in full (hf_listings: snapshot, rank, model);
--   * counters are kept only when they change (hf_counters): a row per scope and model whenever the
--     observed values differ from that model's previous row in the same scope. A day's value is the
--     latest row at or before that day (view hf_model_downloads, which keeps the old table's columns).
-- hf_counter_state caches the latest row per scope and model, so that a daily commit compares with
-- it instead of the whole history; it can be rebuilt from hf_counters at any time.

CREATE TABLE hf_model_keys (
    model_no INTEGER NOT NULL,           -- unique, assigned in order of first appearance
    model_id VARCHAR NOT NULL            -- unique, exactly as the Hub served it
);

CREATE TABLE hf_listings (
    snapshot_id BIGINT NOT NULL,
    rank        INTEGER NOT NULL,        -- 1-based position in the scope's listing
    model_no    INTEGER NOT NULL
);

CREATE TABLE hf_counters (
    snapshot_id        BIGINT NOT NULL,  -- the first snapshot of its scope that observed these values
    model_no           INTEGER NOT NULL,
    downloads_30d      BIGINT,           -- `downloads`: last 30 days
    downloads_all_time BIGINT,           -- `downloadsAllTime`
    likes              BIGINT,
    trending_score     DOUBLE
);

CREATE TABLE hf_counter_state (
    scope              VARCHAR NOT NULL,
    model_no           INTEGER NOT NULL, -- (scope, model_no) unique
    downloads_30d      BIGINT,
    downloads_all_time BIGINT,
    likes              BIGINT,
    trending_score     DOUBLE
);

-- Existing snapshots move over as they are: same ids, ranks and values.
INSERT INTO hf_model_keys
SELECT row_number() OVER (ORDER BY first_snapshot, model_id)::INTEGER, model_id
FROM (SELECT model_id, min(snapshot_id) AS first_snapshot FROM hf_model_downloads GROUP BY model_id);

INSERT INTO hf_listings
SELECT d.snapshot_id, d.rank, k.model_no
FROM hf_model_downloads d JOIN hf_model_keys k USING (model_id)
ORDER BY d.snapshot_id, d.rank;

INSERT INTO hf_counters
SELECT snapshot_id, model_no, downloads_30d, downloads_all_time, likes, trending_score
FROM (
    SELECT d.snapshot_id, k.model_no, d.downloads_30d, d.downloads_all_time, d.likes, d.trending_score,
           lag(row(d.downloads_30d, d.downloads_all_time, d.likes, d.trending_score))
               OVER (PARTITION BY s.scope, k.model_no ORDER BY s.snapshot_date, d.snapshot_id) AS previous,
           row_number() OVER (PARTITION BY s.scope, k.model_no ORDER BY s.snapshot_date, d.snapshot_id) AS nth
    FROM hf_model_downloads d
    JOIN hf_snapshots s USING (snapshot_id)
    JOIN hf_model_keys k USING (model_id)
)
WHERE nth = 1 OR previous IS DISTINCT FROM row(downloads_30d, downloads_all_time, likes, trending_score)
ORDER BY snapshot_id, model_no;

-- (arg_max of a struct: arg_max of a bare column would skip a NULL value and pick an older one)
INSERT INTO hf_counter_state
SELECT scope, model_no, latest.downloads_30d, latest.downloads_all_time, latest.likes, latest.trending_score
FROM (
    SELECT s.scope, c.model_no,
           arg_max({'downloads_30d': c.downloads_30d, 'downloads_all_time': c.downloads_all_time,
                    'likes': c.likes, 'trending_score': c.trending_score}, s.snapshot_date) AS latest
    FROM hf_counters c JOIN hf_snapshots s USING (snapshot_id)
    GROUP BY s.scope, c.model_no
);

DROP TABLE hf_model_downloads;
