-- report_or_weekly_counts(cat, k, ctry, as_of_date): per ISO week known on as_of_date (NULL = all), how many
-- of OpenRouter's top k models by tokens in category cat ('all' = the main ranking, 'programming', ...) are
-- made in country ctry, how many are of unknown country, and how many positions are ranked at all; the
-- week's completeness and citation come with it (a partial week is drawn as such, never as a full one).
-- Columns: week_start, week (ISO label 'YYYY-Www'), in_country, unknown, ranked, complete, estimated,
-- as_of, citation.
CREATE OR REPLACE MACRO report_or_weekly_counts(cat, k, ctry, as_of_date := NULL) AS TABLE
WITH source AS (
    SELECT * FROM or_weekly_top_models_by_category
    WHERE category = cat AND rank <= k
      AND (as_of_date IS NULL OR week_start <= CAST(as_of_date AS DATE))
),
weekly AS (
    SELECT week_start,
           count(*) FILTER (WHERE country = ctry) AS in_country,
           count(*) FILTER (WHERE country IS NULL OR country = 'unknown') AS unknown,
           count(*) AS ranked,
           bool_and(complete) AS complete,
           bool_or(estimated) AS estimated,
           max(as_of) AS as_of,
           any_value(citation) AS citation
    FROM source
    GROUP BY week_start
)
SELECT week_start, strftime(week_start, '%G-W%V') AS week, in_country, unknown, ranked, complete, estimated,
       fmt_utc(as_of) AS as_of, citation
FROM weekly
ORDER BY week_start;
COMMENT ON MACRO TABLE report_or_weekly_counts IS 'report_or_weekly_counts(cat, k, ctry, as_of_date): per ISO week, how many of OpenRouter''s top k in category cat are made in country ctry, of unknown country, and ranked at all, with the week''s completeness and citation; columns: week_start, week, in_country, unknown, ranked, complete, estimated, as_of, citation';
