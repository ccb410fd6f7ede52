-- report_hub_top100_country(ctry, as_of_date): per snapshot day known on as_of_date (NULL = all) with a
-- Hub-wide top 100 (a full-Hub day, or a top-N listing 'top_downloads:N' with N >= 100), how many of the
-- Hub's top 100 models by 30-day downloads are made in country ctry (a model's country: the one holding
-- most of its attribution, through lineage for derivatives; a tie or an unknown maker counts as
-- unknown). Reads the day's roll-up (internal.hf_rollup_top100), 100 rows a day, so a year of full-Hub
-- days stays quick.
-- Columns: snapshot_date, in_country, unknown, listed, as_of.
CREATE OR REPLACE MACRO report_hub_top100_country(ctry, as_of_date := NULL) AS TABLE
WITH ranked AS (   -- each day's Hub-wide top 100, from the day's roll-up (hf_top100_from)
    SELECT t.snapshot_date, s.as_of, t.model_key
    FROM internal.hf_rollup_top100 t
    JOIN internal.hf_rollup_sets s USING (snapshot_date)
    WHERE t.list = 'all' AND (as_of_date IS NULL OR t.snapshot_date <= CAST(as_of_date AS DATE))
),
model_country AS (   -- the country holding the largest share of each model (a tie is unknown)
    SELECT model_key,
           CASE WHEN count(*) FILTER (WHERE top) > 1 THEN 'unknown' ELSE max(country) FILTER (WHERE top) END AS country
    FROM (SELECT model_key, country,
                 sum(family_weight) = max(sum(family_weight)) OVER (PARTITION BY model_key) AS top
          FROM internal.hf_attribution
          WHERE model_key IN (SELECT model_key FROM ranked)
          GROUP BY model_key, country)
    GROUP BY model_key
)
SELECT r.snapshot_date,
       count(*) FILTER (WHERE c.country = ctry) AS in_country,
       count(*) FILTER (WHERE c.country IS NULL OR c.country = 'unknown') AS unknown,
       count(*) AS listed,
       fmt_utc(max(r.as_of)) AS as_of
FROM ranked r
LEFT JOIN model_country c USING (model_key)
GROUP BY r.snapshot_date
ORDER BY r.snapshot_date;
COMMENT ON MACRO TABLE report_hub_top100_country IS 'report_hub_top100_country(ctry, as_of_date): per Hub snapshot day with a Hub-wide top 100 (a full-Hub day, or a top-N listing with N >= 100), how many of the top 100 by 30-day downloads are made in country ctry, of unknown country, and listed; columns: snapshot_date, in_country, unknown, listed, as_of';
