-- hf_downloads_by_organisation: Hub downloads per organisation (and its country) and snapshot day, in two scopes:
-- 'first-party' (models under the organisation's developer namespaces, renamed namespaces merged) and 'with
-- derivatives' (every collected model attributed as in hf_model_attribution: repackagers' and community models
-- through lineage to the organisation of their base model's family, the rest to 'unknown').
-- Only the models collected that day are counted (see coverage).
-- Read from internal.hf_rollup_organisation, which the Hub source fills when it writes a day (computed by
-- hf_downloads_by_organisation_from; collector/sources/hf/rollups.py).
-- Columns: snapshot_date, organisation, country, scope, models, downloads_30d, downloads_all_time,
-- lm_models, lm_downloads_30d, lm_downloads_all_time (language models only), as_of, coverage.
CREATE OR REPLACE VIEW hf_downloads_by_organisation AS
SELECT * FROM internal.hf_rollup_organisation
ORDER BY snapshot_date, scope, downloads_30d DESC NULLS LAST, organisation;
COMMENT ON VIEW hf_downloads_by_organisation IS 'Hub downloads per organisation (with its country) and snapshot day, first-party and with derivatives, over the models collected that day; columns: snapshot_date, organisation, country, scope, models, downloads_30d, downloads_all_time, lm_*, as_of, coverage';
