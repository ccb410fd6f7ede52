-- 0005: the store's layout made readable (issue 10). Every table is made by a migration:
--   * schema `internal`: what only the collector reads and writes (the compact Hub counters of 0004,
--     the roll-ups and the attribution cache, the store's own state), out of the user's way in
--     `SHOW TABLES`; the views in `main` are what a user queries;
--   * schema `ref`: the curated reference CSVs, reloaded by the refresh step when they change;
--   * the roll-up tables, which view files used to create, are made here, empty: the Hub source
--     fills them (collector/sources/hf/rollups.py), and the next Hub write re-attributes every day
--     (internal.store_state has no 'rollups_version' yet).
-- Views and macros of an older collector were dropped before this runs (collector/store/migrations.py).
CREATE SCHEMA IF NOT EXISTS internal;
CREATE SCHEMA IF NOT EXISTS ref;

CREATE TABLE internal.hf_model_keys AS SELECT * FROM main.hf_model_keys ORDER BY model_no;
DROP TABLE main.hf_model_keys;
CREATE TABLE internal.hf_listings AS SELECT * FROM main.hf_listings;
DROP TABLE main.hf_listings;
CREATE TABLE internal.hf_counters AS SELECT * FROM main.hf_counters;
DROP TABLE main.hf_counters;
CREATE TABLE internal.hf_counter_state AS SELECT * FROM main.hf_counter_state;
DROP TABLE main.hf_counter_state;

DROP TABLE IF EXISTS main.hf_ids;
DROP TABLE IF EXISTS main.hf_attribution;
DROP TABLE IF EXISTS main.hf_rollup_sets;
DROP TABLE IF EXISTS main.hf_rollup_family;
DROP TABLE IF EXISTS main.hf_rollup_organisation;
DROP TABLE IF EXISTS main.hf_rollup_country;

-- Every id the store has seen, numbered (model_no) and keyed once per model across renames (key_no).
CREATE TABLE internal.hf_ids (
    model_no     INTEGER,
    key_no       INTEGER,
    model_id     VARCHAR,
    canonical_id VARCHAR,
    model_key    VARCHAR,
    namespace    VARCHAR,
    repo_name    VARCHAR,
    renamed_from VARCHAR
);

-- The view hf_model_attribution as a table (the lineage walk takes seconds on 300,000 models).
CREATE TABLE internal.hf_attribution (
    model_key          VARCHAR,
    model_id           VARCHAR,
    namespace          VARCHAR,
    publisher          VARCHAR,
    publisher_role     VARCHAR,
    first_party        BOOLEAN,
    family             VARCHAR,
    family_weight      DOUBLE,
    family_first_party BOOLEAN,
    base_model_ids     VARCHAR[],
    relation           VARCHAR,
    organisation       VARCHAR,
    country            VARCHAR,
    pipeline_tag       VARCHAR,
    language_model     BOOLEAN
);

-- The Hub figures per day (read by the views hf_snapshot_sets, hf_downloads_by_*).
CREATE TABLE internal.hf_rollup_sets (
    snapshot_date      DATE,
    as_of              TIMESTAMPTZ,
    scopes             VARCHAR[],
    namespaces         VARCHAR[],
    top_n              INTEGER,
    top_cutoff_30d     BIGINT,
    models             BIGINT,
    downloads_30d      HUGEINT,
    downloads_all_time HUGEINT,
    coverage           VARCHAR
);

CREATE TABLE internal.hf_rollup_family (
    snapshot_date         DATE,
    family                VARCHAR,
    scope                 VARCHAR,
    models                BIGINT,
    downloads_30d         HUGEINT,
    downloads_all_time    HUGEINT,
    lm_models             BIGINT,
    lm_downloads_30d      HUGEINT,
    lm_downloads_all_time HUGEINT,
    as_of                 TIMESTAMPTZ,
    coverage              VARCHAR
);

CREATE TABLE internal.hf_rollup_organisation (
    snapshot_date         DATE,
    organisation          VARCHAR,
    country               VARCHAR,
    scope                 VARCHAR,
    models                BIGINT,
    downloads_30d         HUGEINT,
    downloads_all_time    HUGEINT,
    lm_models             BIGINT,
    lm_downloads_30d      HUGEINT,
    lm_downloads_all_time HUGEINT,
    as_of                 TIMESTAMPTZ,
    coverage              VARCHAR
);

CREATE TABLE internal.hf_rollup_country (
    snapshot_date         DATE,
    country               VARCHAR,
    scope                 VARCHAR,
    models                HUGEINT,
    downloads_30d         HUGEINT,
    downloads_all_time    HUGEINT,
    share_30d             DOUBLE,
    lm_downloads_30d      HUGEINT,
    lm_downloads_all_time HUGEINT,
    lm_share_30d          DOUBLE,
    as_of                 TIMESTAMPTZ,
    coverage              VARCHAR
);

-- What the derived parts of the store were built from: 'views_version' (the digest of sql/ and the
-- reference CSVs the views were created from), 'rollups_version' (the digest the roll-ups were
-- computed with; when it differs, the Hub source re-attributes every day).
CREATE TABLE internal.store_state (
    name  VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

-- The reference CSVs (collector/reference/*.csv), as text.
DROP TABLE IF EXISTS main.ref_organisations;
DROP TABLE IF EXISTS main.ref_hf_namespaces;
DROP TABLE IF EXISTS main.ref_hf_aliases;
DROP TABLE IF EXISTS main.ref_openrouter_authors;
DROP TABLE IF EXISTS main.ref_families;
DROP TABLE IF EXISTS main.ref_hf_language_pipeline_tags;
DROP TABLE IF EXISTS main.ref_claims;
DROP TABLE IF EXISTS main.ref_article_models;
DROP TABLE IF EXISTS main.ref_claim_price_pairs;
CREATE TABLE ref.organisations (organisation VARCHAR, country VARCHAR, note VARCHAR);
CREATE TABLE ref.hf_namespaces (namespace VARCHAR, organisation VARCHAR, role VARCHAR, collect VARCHAR);
CREATE TABLE ref.hf_aliases (old_namespace VARCHAR, new_namespace VARCHAR, note VARCHAR);
CREATE TABLE ref.openrouter_authors (author VARCHAR, organisation VARCHAR, note VARCHAR);
CREATE TABLE ref.families (family VARCHAR, organisation VARCHAR, namespace VARCHAR, id_pattern VARCHAR, note VARCHAR);
CREATE TABLE ref.hf_language_pipeline_tags (pipeline_tag VARCHAR, note VARCHAR);
CREATE TABLE ref.claims (claim_id VARCHAR, statement VARCHAR, source VARCHAR, dated VARCHAR, note VARCHAR);
CREATE TABLE ref.article_models (model VARCHAR, source VARCHAR, namespace VARCHAR, id_pattern VARCHAR, note VARCHAR);
CREATE TABLE ref.claim_price_pairs (deepseek_model VARCHAR, openai_model VARCHAR, note VARCHAR);
