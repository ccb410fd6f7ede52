-- fmt_utc(ts): a TIMESTAMPTZ as ISO 8601 in UTC ('2026-05-01T06:00:00Z'), whatever the client's
-- TimeZone setting, so the report reads the same from Python and from the plain DuckDB CLI.
CREATE OR REPLACE MACRO fmt_utc(ts) AS strftime(timezone('UTC', ts), '%Y-%m-%dT%H:%M:%SZ');
COMMENT ON MACRO fmt_utc IS 'fmt_utc(ts): a TIMESTAMPTZ as ISO 8601 in UTC (''2026-05-01T06:00:00Z''), whatever the client''s TimeZone setting, so the report reads the same from Python and from the plain DuckDB CLI';
