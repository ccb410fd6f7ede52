-- hf_top100_from(day_rows, sets): the Hub's top 100 models of each snapshot day in the table named
-- day_rows (those days' hf_daily_downloads rows: collector/sources/hf/rollups.py passes its temporary
-- table 'hf_day_rows'; `sets` names the table of their hf_snapshot_sets rows). Kept as the roll-up
-- internal.hf_rollup_top100, so that the claims and the report read 200 rows a day instead of ranking
-- a full-Hub day's 2.5 million models each time they are asked:
--   * list = 'all': the Hub-wide top 100 by 30-day downloads: on a full-Hub day every model ranked
--     (ties by id); on another day the first 100 ranks of its top-N listing (N >= 100), if it has one;
--   * list = 'language', on a full-Hub day: the Hub's top 100 language models (hf_model_attribution's
--     language_model) by 30-day downloads (ties by id). On another day the claim ranks the few hundred
--     thousand collected models itself, when asked.
-- As every roll-up, a day is attributed with what the store knew when it was rolled up.
-- Columns: snapshot_date, list ('all' | 'language'), rank, model_key, model_id, downloads_30d.
CREATE OR REPLACE MACRO hf_top100_from(day_rows, sets) AS TABLE
WITH days AS (
    SELECT snapshot_date, list_contains(scopes, 'full_hub') AS full_hub, coalesce(top_n, 0) >= 100 AS has_top
    FROM query_table(sets)
    WHERE snapshot_date IN (SELECT DISTINCT snapshot_date FROM query_table(day_rows))
),
rows AS (
    SELECT r.snapshot_date, r.model_key, r.model_id, r.downloads_30d, r.top_rank, d.full_hub, d.has_top
    FROM query_table(day_rows) r
    JOIN days d USING (snapshot_date)
),
hub_rows AS (   -- a full-Hub day's models, each marked whether it is a language model
    SELECT r.*, l.model_key IS NOT NULL AS language
    FROM rows r
    LEFT JOIN (   -- the language models, once each (a model of one family, weight 1, has one row)
        SELECT model_key FROM internal.hf_attribution WHERE language_model AND family_weight >= 1
        UNION ALL
        SELECT DISTINCT model_key FROM internal.hf_attribution WHERE language_model AND family_weight < 1
    ) l USING (model_key)
    WHERE r.full_hub
),
floors AS (   -- each day's 100th largest 30-day count, of all models and of language models: a top 100
              -- is at or above it, so only those rows are sorted (max(x, 100) keeps 100 values a day;
              -- ranking every model of a full-Hub day cost seconds). Fewer than 100 counted: no floor.
    SELECT snapshot_date,
           CASE WHEN count(downloads_30d) >= 100 THEN list_min(max(downloads_30d, 100)) END AS all_floor,
           CASE WHEN count(downloads_30d) FILTER (WHERE language) >= 100
                THEN list_min(max(downloads_30d, 100) FILTER (WHERE language)) END AS language_floor
    FROM hub_rows
    GROUP BY snapshot_date
),
full_hub AS (
    SELECT snapshot_date, 'all' AS list,
           row_number() OVER (PARTITION BY snapshot_date ORDER BY downloads_30d DESC NULLS LAST, model_id) AS rank,
           model_key, model_id, downloads_30d
    FROM hub_rows JOIN floors USING (snapshot_date)
    WHERE all_floor IS NULL OR downloads_30d >= all_floor
    QUALIFY rank <= 100
),
listed AS (
    SELECT snapshot_date, 'all' AS list, top_rank AS rank, model_key, model_id, downloads_30d
    FROM rows
    WHERE NOT full_hub AND has_top AND top_rank <= 100
),
language AS (
    SELECT snapshot_date, 'language' AS list,
           row_number() OVER (PARTITION BY snapshot_date ORDER BY downloads_30d DESC NULLS LAST, model_id) AS rank,
           model_key, model_id, downloads_30d
    FROM hub_rows JOIN floors USING (snapshot_date)
    WHERE language AND (language_floor IS NULL OR downloads_30d >= language_floor)
    QUALIFY rank <= 100
)
SELECT * FROM full_hub
UNION ALL
SELECT * FROM listed
UNION ALL
SELECT * FROM language;
COMMENT ON MACRO TABLE hf_top100_from IS 'hf_top100_from(day_rows, sets): the Hub''s top 100 models of each snapshot day in the table named day_rows (all models: a full-Hub day ranked, else its top-N listing; language models on a full-Hub day), kept as the roll-up internal.hf_rollup_top100; columns: snapshot_date, list, rank, model_key, model_id, downloads_30d';
