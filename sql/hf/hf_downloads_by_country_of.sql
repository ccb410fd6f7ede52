-- hf_downloads_by_country_of(set_totals_table, by_organisation, sets): the rows of hf_downloads_by_country for the
-- days of the table named set_totals_table (snapshot_date, downloads_30d, lm_downloads_30d: each day's 30-day
-- downloads of its attributed models, and of the language models among them, the denominators of the shares),
-- summing the table named by_organisation (those days' hf_downloads_by_organisation rows), with each day's as_of
-- and coverage from the table named sets. hf_downloads_by_country_from computes the set totals from a day's rows;
-- the replay of collector/sources/hf/replay.py keeps them from one day to the next and passes them.
CREATE OR REPLACE MACRO hf_downloads_by_country_of(set_totals_table, by_organisation, sets) AS TABLE
WITH set_totals AS (
    SELECT snapshot_date, downloads_30d, lm_downloads_30d FROM query_table(set_totals_table)
),
by_country AS (
    SELECT snapshot_date, country, scope,
           sum(models) AS models,
           sum(downloads_30d) AS downloads_30d,
           sum(downloads_all_time) AS downloads_all_time,
           sum(lm_downloads_30d) AS lm_downloads_30d,
           sum(lm_downloads_all_time) AS lm_downloads_all_time
    FROM query_table(by_organisation)
    SEMI JOIN set_totals USING (snapshot_date)
    GROUP BY snapshot_date, country, scope
)
SELECT c.snapshot_date, c.country, c.scope, c.models, c.downloads_30d, c.downloads_all_time,
       CAST(c.downloads_30d AS DOUBLE) / nullif(t.downloads_30d, 0) AS share_30d,
       c.lm_downloads_30d, c.lm_downloads_all_time,
       CAST(c.lm_downloads_30d AS DOUBLE) / nullif(t.lm_downloads_30d, 0) AS lm_share_30d,
       s.as_of, s.coverage
FROM by_country c
JOIN set_totals t USING (snapshot_date)
JOIN query_table(sets) s USING (snapshot_date);
COMMENT ON MACRO TABLE hf_downloads_by_country_of IS 'hf_downloads_by_country_of(set_totals_table, by_organisation, sets): the rows of hf_downloads_by_country for the days of the table named set_totals_table (each day''s 30-day downloads of its attributed models, and of its language models), summing the table named by_organisation, with each day''s as_of and coverage from the table named sets';
