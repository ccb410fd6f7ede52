-- claim_param(params, name): one parameter of a claim from the `params` text of ref.claims
-- ('subject=family:Llama; op=>=; value=1000000000'): the value after `name=` up to the next ';',
-- trimmed, or NULL when absent. The kind macros (claim_threshold, ...) read their parameters with it.
--   SELECT claim_param(params, 'value') FROM ref.claims;
-- Returns VARCHAR.
CREATE OR REPLACE MACRO claim_param(params, name) AS
nullif(trim(regexp_extract(';' || coalesce(params, ''), ';\s*' || name || '\s*=\s*([^;]*)', 1)), '');
COMMENT ON MACRO claim_param IS 'claim_param(params, name): one parameter of a claim from the `params` text of ref.claims (''subject=family:Llama; op=>=; value=1000000000''): the value after `name=` up to the next '';'', trimmed, or NULL when absent';
