-- 0003: OpenRouter model catalog snapshots and Data API rankings pulls.

CREATE SEQUENCE or_catalog_snapshot_seq START 1;
CREATE SEQUENCE or_pull_seq START 1;

-- One catalog snapshot per UTC day (`GET /models`). A rerun the same day replaces that day's snapshot.
CREATE TABLE or_catalog_snapshots (
    snapshot_id   BIGINT PRIMARY KEY DEFAULT nextval('or_catalog_snapshot_seq'),
    snapshot_date DATE NOT NULL,
    fetched_at    TIMESTAMPTZ NOT NULL,
    as_of         TIMESTAMPTZ NOT NULL,          -- the catalog has no as_of: when the response arrived
    run_id        BIGINT NOT NULL,
    request       VARCHAR NOT NULL,
    model_count   INTEGER NOT NULL
);

-- The catalog as listed that day; prices are exact decimals in USD (per token, per request, per image).
CREATE TABLE or_models (
    snapshot_id            BIGINT NOT NULL,
    id                     VARCHAR NOT NULL,     -- routable id, e.g. 'deepseek/deepseek-r1:free'
    canonical_slug         VARCHAR,              -- permanent slug, = rankings' model_permaslug (minus :variant)
    author                 VARCHAR NOT NULL,     -- id's prefix before '/'
    name                   VARCHAR,
    hugging_face_id        VARCHAR,              -- NULL when the API gives ''
    created                TIMESTAMPTZ,          -- when added to OpenRouter
    context_length         BIGINT,
    input_modalities       VARCHAR[],
    output_modalities      VARCHAR[],
    expiration_date        DATE,
    price_prompt           DECIMAL(38, 18),
    price_completion       DECIMAL(38, 18),
    price_input_cache_read DECIMAL(38, 18),
    price_request          DECIMAL(38, 18),
    price_image            DECIMAL(38, 18)
);

-- One row per Data API response ("pull"), with its `meta` kept verbatim in columns.
CREATE TABLE or_pulls (
    pull_id     BIGINT PRIMARY KEY DEFAULT nextval('or_pull_seq'),
    dataset     VARCHAR NOT NULL,               -- 'rankings-daily' | 'app-rankings'
    period      VARCHAR,                        -- 'day' | 'week' | 'month' (rankings-daily)
    category    VARCHAR,                        -- NULL = all; 'programming' etc. (sampled, weekly estimates)
    sort        VARCHAR,                        -- app-rankings: 'popular' | 'trending'
    start_date  DATE NOT NULL,                  -- meta.start_date
    end_date    DATE NOT NULL,                  -- meta.end_date
    as_of       TIMESTAMPTZ NOT NULL,           -- meta.as_of
    version     VARCHAR,                        -- meta.version
    estimated   BOOLEAN NOT NULL,               -- true for category datasets (OpenRouter's estimate)
    fetched_at  TIMESTAMPTZ NOT NULL,
    run_id      BIGINT NOT NULL,
    request     VARCHAR NOT NULL,               -- path and query (never the key)
    row_count   INTEGER NOT NULL
);

-- Every observation of every bucket: a restated day keeps both rows (see the or_rankings_latest view).
CREATE TABLE or_rankings (
    pull_id         BIGINT NOT NULL,
    bucket_date     DATE NOT NULL,              -- day, or ISO week start for period=week
    model_permaslug VARCHAR NOT NULL,           -- 'other' = the aggregated rest, always last
    total_tokens    HUGEINT NOT NULL,
    rank            INTEGER NOT NULL            -- position within the bucket as served (other = last)
);

CREATE TABLE or_app_rankings (
    pull_id        BIGINT NOT NULL,
    rank           INTEGER NOT NULL,
    app_id         VARCHAR NOT NULL,
    app_name       VARCHAR,
    total_tokens   HUGEINT,
    total_requests HUGEINT
);
