-- claim_cn_41_of_top100(as_of_date, asked_week): "41 of the world's top 100 AI models are Chinese"
-- (a survey, spring 2025), on three lists:
--   * the Hub's top 100 by 30-day downloads, all models (the 'top_downloads:N' listing, N >= 100);
--   * the Hub's top 100 language models by 30-day downloads among the collected models (complete only
--     if the 100th is above the top-N cut-off: no language model outside the set can outrank it);
--   * OpenRouter's top 50 by tokens in the latest complete ISO week (41% of 50 is 20.5: 20 or 21).
-- A Hub model is Chinese when most of its attribution (hf_model_attribution, derivatives through
-- lineage) goes to an organisation in China; 'unknown' makers leave the count undecided.
-- The Hub lists use the snapshot nearest the survey's date.
-- Columns: the claims columns plus claim_no, row_no.
CREATE OR REPLACE MACRO claim_cn_41_of_top100(as_of_date := NULL, asked_week := NULL) AS TABLE
WITH claim AS (
    SELECT claim_id, statement, source, CAST(dated AS DATE) AS dated
    FROM ref.claims WHERE claim_id = 'cn_41_of_top100'
),
snapshot AS (
    SELECT * FROM hf_snapshot_nearest((SELECT dated FROM claim), as_of_date, 100)
),
model_country AS (   -- the country holding the largest share of each model (a tie is unknown)
    SELECT model_key, CASE WHEN count(*) FILTER (WHERE top) > 1 THEN 'unknown' ELSE max(country) FILTER (WHERE top) END AS country,
           any_value(language_model) AS language_model
    FROM (SELECT model_key, country, sum(family_weight) AS weight, any_value(language_model) AS language_model,
                 sum(family_weight) = max(sum(family_weight)) OVER (PARTITION BY model_key) AS top
          FROM internal.hf_attribution GROUP BY model_key, country)
    GROUP BY model_key
),
day_models AS (
    SELECT d.*, coalesce(mc.country, 'unknown') AS country, coalesce(mc.language_model, false) AS language_model
    FROM hf_daily_downloads_for((SELECT list(snapshot_date) FROM snapshot), NULL) d
    LEFT JOIN model_country mc USING (model_key)
),
hub_all AS (
    SELECT 1 AS row_no, * FROM day_models WHERE top_rank <= 100
),
hub_lm AS (
    SELECT 2 AS row_no, * FROM day_models WHERE language_model
    QUALIFY row_number() OVER (ORDER BY downloads_30d DESC NULLS LAST, model_id) <= 100
),
hub_counts AS (
    SELECT row_no, count(*) AS listed,
           count(*) FILTER (WHERE country = 'China') AS chinese,
           count(*) FILTER (WHERE country = 'unknown') AS unknown,
           min(downloads_30d) AS last_downloads_30d
    FROM (SELECT * FROM hub_all UNION ALL SELECT * FROM hub_lm)
    GROUP BY row_no
),
hub_rows AS (
    SELECT r.row_no, s.snapshot_date, s.as_of, s.coverage, s.days_after, s.top_n, s.top_cutoff_30d,
           coalesce(h.listed, 0) AS listed, coalesce(h.chinese, 0) AS chinese, coalesce(h.unknown, 0) AS unknown,
           h.last_downloads_30d,
           r.row_no = 1 OR coalesce(h.last_downloads_30d >= s.top_cutoff_30d, false) AS complete
    FROM (VALUES (1), (2)) AS r(row_no)
    LEFT JOIN snapshot s ON true
    LEFT JOIN hub_counts h USING (row_no)
),
or_week AS (
    SELECT * FROM or_claim_weeks(as_of_date, NULL, (SELECT dated FROM claim), 'all') WHERE week_no = 1
),
or_counts AS (
    SELECT w.week_start,
           count(t.rank) AS listed,
           count(t.rank) FILTER (WHERE t.country = 'China') AS chinese,
           count(t.rank) FILTER (WHERE t.country = 'unknown') AS unknown,
           any_value(t.basis) AS basis, any_value(t.as_of) AS as_of, any_value(t.citation) AS citation
    FROM or_week w
    LEFT JOIN or_weekly_top_models_at(as_of_date, false) t
           ON t.week_start = w.week_start AND t.category = 'all' AND t.rank <= 50
    GROUP BY w.week_start
)
SELECT 6 AS claim_no, h.row_no, c.claim_id, c.statement, c.source,
       'Hugging Face Hub; top 100 '
           || CASE WHEN h.row_no = 1 THEN 'models (all pipelines)' ELSE 'language models' END
           || ' by 30-day downloads' || coalesce(' on ' || strftime(h.snapshot_date, '%Y-%m-%d'), '') AS scope,
       CASE WHEN h.listed > 0 THEN format('{} of {}', h.chinese, h.listed)
            || CASE WHEN h.unknown > 0 THEN format(' (+{} of unknown maker)', h.unknown) ELSE '' END END AS measured,
       '41 of 100' AS expected,
       CASE WHEN h.listed > 0 AND NOT h.complete THEN 'inconclusive'
            ELSE (claim_count_judgement(h.chinese, h.unknown, h.listed, 41, 41, 100)).verdict END AS verdict,
       fmt_utc(h.as_of) AS as_of,
       CASE WHEN h.snapshot_date IS NULL THEN
                'No Hugging Face snapshot with a Hub-wide top 100 (top_downloads:N, N >= 100) in the store'
                || coalesce(' on or before ' || CAST(as_of_date AS VARCHAR), '') || ': nothing to count.'
            ELSE concat_ws(' ',
                format('{} Chinese, {} of unknown maker (unlisted uploaders without lineage, or makers with no single '
                       'country) among the {} listed.', h.chinese, h.unknown, h.listed),
                CASE WHEN h.row_no = 2 AND NOT h.complete THEN format(
                         'Incomplete: the 100th language model collected has {:,} 30-day downloads, below the top-{:,} '
                         'cut-off of {:,}, so language models outside the collected set could outrank it.',
                         h.last_downloads_30d, h.top_n, h.top_cutoff_30d) END,
                nullif((claim_count_judgement(h.chinese, h.unknown, h.listed, 41, 41, 100)).note, ''),
                CASE WHEN h.days_after > 7 THEN format('Measured {} days after the survey''s date: a ranking changes, so '
                         'this tests the claim on a later list, not on the survey''s.', h.days_after) END,
                'The survey''s list and method are not known: this tests the claim on the list named in the scope.',
                h.coverage || '.')
       END AS detail
FROM hub_rows h CROSS JOIN claim c
UNION ALL
SELECT 6, 3, c.claim_id, c.statement, c.source,
       'OpenRouter; top 50 models by tokens, per permaslug variant; '
           || coalesce(format('week of {} ({}; latest complete week)', strftime(o.week_start, '%Y-%m-%d'),
                              strftime(o.week_start, '%G-W%V')), 'latest complete week: none stored'),
       CASE WHEN o.listed > 0 THEN format('{} of {}', o.chinese, o.listed)
            || CASE WHEN o.unknown > 0 THEN format(' (+{} of unknown maker)', o.unknown) ELSE '' END END,
       '41% of 50 (20 or 21)',
       (claim_count_judgement(o.chinese, o.unknown, o.listed, 20, 21, 50)).verdict,
       fmt_utc(o.as_of),
       CASE WHEN o.week_start IS NULL THEN 'No complete ISO week of OpenRouter rankings in the store'
                || coalesce(' as of ' || CAST(as_of_date AS VARCHAR), '') || ': nothing to count.'
            ELSE concat_ws(' ',
                format('{} Chinese and {} of unknown maker among the week''s top {}.', o.chinese, o.unknown, o.listed),
                nullif((claim_count_judgement(o.chinese, o.unknown, o.listed, 20, 21, 50)).note, ''),
                CASE WHEN o.basis = 'days' THEN 'The week is the sum of its 7 daily top-50 rankings.' END,
                'OpenRouter ranks its top 50 only, so 41% of them stands in for 41 of 100.',
                o.citation)
       END
FROM or_counts o CROSS JOIN claim c;
COMMENT ON MACRO TABLE claim_cn_41_of_top100 IS 'claim_cn_41_of_top100(as_of_date, asked_week): "41 of the world''s top 100 AI models are Chinese" (a survey, spring 2025), on three lists: * the Hub''s top 100 by 30-day downloads, all models (the ''top_downloads:N'' listing, N >= 100)';
