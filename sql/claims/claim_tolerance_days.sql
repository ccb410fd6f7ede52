-- claim_tolerance_days(tolerance): the tolerance of ref.claims in days: 'N days' is N, 'ISO week' is 0
-- (a weekly ranking counts only for the claim's own ISO week, which the OpenRouter kinds check
-- themselves), 'any' (a property that does not change, such as a repo's parameter count) is 36500.
-- Returns INTEGER.
CREATE OR REPLACE MACRO claim_tolerance_days(tolerance) AS
CASE WHEN tolerance = 'any' THEN 36500
     WHEN tolerance = 'ISO week' THEN 0
     ELSE coalesce(TRY_CAST(regexp_extract(tolerance, '^(\d+)', 1) AS INTEGER), 7) END;
COMMENT ON MACRO claim_tolerance_days IS 'claim_tolerance_days(tolerance): the tolerance of ref.claims in days: ''N days'' is N, ''ISO week'' is 0 (a weekly ranking counts only for the claim''s own ISO week, which the OpenRouter kinds check themselves), ''any'' (a property that does not change, such as a repo''s parameter count) is 36500';
