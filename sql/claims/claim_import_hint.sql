-- claim_import_hint(dated, tolerance_days): what to import so that a Hub claim can be judged at its
-- own date: a full-Hub dump of that day (a local file, or a dataset's history around the day).
-- Returns VARCHAR (a sentence).
CREATE OR REPLACE MACRO claim_import_hint(dated, tolerance_days) AS
format('To decide it, import a full-Hub dump of that day: `collector import hub-stats FILE --date {}` (a hub-stats '
       'parquet file), or from a dataset''s history: `collector import hub-stats --dataset cfahlgren1/hub-stats '
       '--since {} --until {}`.', strftime(CAST(dated AS DATE), '%Y-%m-%d'),
       strftime(CAST(dated AS DATE) - least(tolerance_days, 7), '%Y-%m-%d'),
       strftime(CAST(dated AS DATE) + least(tolerance_days, 7), '%Y-%m-%d'));
COMMENT ON MACRO claim_import_hint IS 'claim_import_hint(dated, tolerance_days): what to import so that a Hub claim can be judged at its own date: a full-Hub dump of that day (a local file, or a dataset''s history around the day)';
