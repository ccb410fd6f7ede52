-- report_hub_top100_country(ctry, as_of_date): per snapshot day known on as_of_date (NULL = all) that has a
-- Hub-wide top-N listing ('top_downloads:N', N >= 100), how many of the Hub's top 100 models by 30-day
-- downloads are made in country ctry (a model's country: the one holding most of its attribution, through
-- lineage for derivatives; a tie or an unknown maker counts as unknown). Reads only the listings' first
-- 100 ranks, so a year of days stays quick.
-- Columns: snapshot_date, in_country, unknown, listed, as_of.
CREATE OR REPLACE MACRO report_hub_top100_country(ctry, as_of_date := NULL) AS TABLE
WITH listings AS (
    SELECT s.snapshot_id, s.snapshot_date, s.as_of
    FROM hf_snapshots s
    WHERE s.scope LIKE 'top_downloads:%'
      AND TRY_CAST(split_part(s.scope, ':', 2) AS INTEGER) >= 100
      AND (as_of_date IS NULL OR s.snapshot_date <= CAST(as_of_date AS DATE))
    QUALIFY row_number() OVER (PARTITION BY s.snapshot_date ORDER BY s.as_of DESC) = 1
),
ranked AS (
    SELECT t.snapshot_date, t.as_of, i.model_key
    FROM listings t
    JOIN internal.hf_listings l ON l.snapshot_id = t.snapshot_id AND l.rank <= 100
    JOIN internal.hf_ids i ON i.model_no = l.model_no
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
COMMENT ON MACRO TABLE report_hub_top100_country IS 'report_hub_top100_country(ctry, as_of_date): per Hub snapshot day with a top-N listing (N >= 100), how many of the top 100 by 30-day downloads are made in country ctry, of unknown country, and listed; columns: snapshot_date, in_country, unknown, listed, as_of';
