-- claim_cn_41_of_top100_from(rankings, as_of_date, asked_week): claim_cn_41_of_top100 (the same rows),
-- reading the OpenRouter rankings from the table or CTE named `rankings` (a string; the rows of
-- or_weekly_rankings_at(as_of_date)), so that claims_at computes them once for all the OpenRouter claims.
-- What it answers: "41 of the world's top 100 AI models are Chinese"
-- (a survey, spring 2025; kind count_top_k over several lists), on three lists:
--   * the Hub's top 100 by 30-day downloads, all models (a 'top_downloads:N' listing, N >= 100, or a
--     full-Hub day);
--   * the Hub's top 100 language models by 30-day downloads among the collected models (complete only
--     on a full-Hub day or if the 100th is above the top-N cut-off: no language model outside the set
--     can outrank it);
--   * OpenRouter's top 50 by tokens (41% of 50 is 20.5: 20 or 21).
-- A Hub model is Chinese when most of its attribution (hf_model_attribution, derivatives through
-- lineage) goes to an organisation in China; 'unknown' makers leave the count undecided.
-- when = 'at_claim_date': the Hub snapshot nearest the survey's date within the claim's tolerance, and
-- the ISO week holding it on OpenRouter; when = 'latest': the latest such snapshot, the latest
-- complete week. Only snapshots known on as_of_date are read (an empty day list reads no day).
-- Columns: the claims columns plus claim_no, row_no, when_no.
CREATE OR REPLACE MACRO claim_cn_41_of_top100_from(rankings, as_of_date, asked_week) AS TABLE
WITH claim AS (
    SELECT claim_no, claim_id, statement, source, CAST(dated AS DATE) AS dated, claim_tolerance_days(tolerance) AS tol
    FROM ref.claims WHERE claim_id = 'cn_41_of_top100'
),
eligible AS (   -- days with a Hub-wide top 100, known on as_of_date
    SELECT d.*, d.snapshot_date - c.dated AS days_after, c.tol
    FROM claim_hf_days d CROSS JOIN claim c
    WHERE (as_of_date IS NULL OR d.snapshot_date <= CAST(as_of_date AS DATE))
      AND (d.full_hub OR coalesce(d.top_n, 0) >= 100)
),
snapshot AS (
    SELECT 1 AS when_no, * FROM eligible WHERE abs(days_after) <= tol
    QUALIFY row_number() OVER (ORDER BY abs(days_after), snapshot_date DESC) = 1
    UNION ALL
    SELECT 2, * FROM eligible
    QUALIFY row_number() OVER (ORDER BY snapshot_date DESC) = 1
),
ranked AS (   -- each chosen day's top 100 lists, from the day's roll-up (hf_top100_from)
    SELECT s.when_no, t.list, t.snapshot_date, t.model_key, t.model_id, t.downloads_30d
    FROM snapshot s
    JOIN internal.hf_rollup_top100 t USING (snapshot_date)
),
ranked_all AS (   -- the Hub-wide top 100 (a full-Hub day ranks every model itself)
    SELECT when_no, snapshot_date, model_key, model_id, downloads_30d FROM ranked WHERE list = 'all'
),
day_models AS MATERIALIZED (   -- the collected models of a chosen day that is not a full-Hub day (every model
                                -- of it; no model at all when there is no such day: nothing is read then)
    SELECT d.snapshot_date, d.model_key, d.model_id, d.downloads_30d
    FROM hf_daily_downloads_for(coalesce((SELECT list(DISTINCT snapshot_date) FROM snapshot
                                          WHERE NOT coalesce(full_hub, false)), []::DATE[]),
                                CASE WHEN NOT EXISTS (SELECT 1 FROM snapshot WHERE NOT coalesce(full_hub, false))
                                     THEN []::VARCHAR[] END) d
),
language AS (   -- the language models among them (a key once: cheaper than their countries). On full-Hub
                 -- days there are none, and the attribution is not even read: the inner filter stops its
                 -- scan at once (the planner may build the join's hash of every language model first)
    SELECT DISTINCT model_key
    FROM (SELECT model_key FROM internal.hf_attribution
          WHERE language_model AND (SELECT count(*) > 0 FROM day_models))
    WHERE model_key IN (SELECT model_key FROM day_models)
),
ranked_lm AS (   -- the top 100 language models among the collected models (a full-Hub day's from its roll-up)
    SELECT when_no, snapshot_date, model_key, model_id, downloads_30d FROM ranked WHERE list = 'language'
    UNION ALL
    (SELECT 1 AS when_no, m.* FROM snapshot s JOIN day_models m USING (snapshot_date) JOIN language l USING (model_key)
     WHERE s.when_no = 1 ORDER BY m.downloads_30d DESC NULLS LAST, m.model_id LIMIT 100)
    UNION ALL
    (SELECT 2, m.* FROM snapshot s JOIN day_models m USING (snapshot_date) JOIN language l USING (model_key)
     WHERE s.when_no = 2 ORDER BY m.downloads_30d DESC NULLS LAST, m.model_id LIMIT 100)
),
model_country AS (   -- the country holding the largest share of each listed model (a tie is unknown)
    SELECT model_key, CASE WHEN count(*) FILTER (WHERE top) > 1 THEN 'unknown' ELSE max(country) FILTER (WHERE top) END AS country
    FROM (SELECT model_key, country,
                 sum(family_weight) = max(sum(family_weight)) OVER (PARTITION BY model_key) AS top
          FROM internal.hf_attribution
          WHERE model_key IN (SELECT model_key FROM ranked_all UNION SELECT model_key FROM ranked_lm)
          GROUP BY model_key, country)
    GROUP BY model_key
),
hub_all AS (
    SELECT 1 AS row_no, r.*, coalesce(mc.country, 'unknown') AS country
    FROM ranked_all r LEFT JOIN model_country mc USING (model_key)
),
hub_lm AS (
    SELECT 2 AS row_no, r.*, coalesce(mc.country, 'unknown') AS country
    FROM ranked_lm r LEFT JOIN model_country mc USING (model_key)
),
hub_counts AS (
    SELECT row_no, when_no, count(*) AS listed,
           count(*) FILTER (WHERE country = 'China') AS chinese,
           count(*) FILTER (WHERE country = 'unknown') AS unknown,
           min(downloads_30d) AS last_downloads_30d
    FROM (SELECT * FROM hub_all UNION ALL BY NAME SELECT * FROM hub_lm)
    GROUP BY row_no, when_no
),
hub_rows AS (
    SELECT r.row_no, w.when_no, w."when", s.snapshot_date, s.as_of, s.coverage, s.citation, s.days_after, s.top_n,
           s.top_cutoff_30d, s.full_hub,
           coalesce(h.listed, 0) AS listed, coalesce(h.chinese, 0) AS chinese, coalesce(h.unknown, 0) AS unknown,
           h.last_downloads_30d,
           r.row_no = 1 OR coalesce(s.full_hub, false) OR coalesce(h.last_downloads_30d >= s.top_cutoff_30d, false)
               AS complete
    FROM (VALUES (1), (2)) AS r(row_no)
    CROSS JOIN (VALUES (1, 'at_claim_date'), (2, 'latest')) AS w(when_no, "when")
    LEFT JOIN snapshot s ON s.when_no = w.when_no
    LEFT JOIN hub_counts h ON h.row_no = r.row_no AND h.when_no = w.when_no
),
hub_judged AS (
    SELECT *, CASE WHEN listed > 0 AND NOT complete THEN {'verdict': 'inconclusive', 'note': ''}
                   ELSE claim_count_judgement(chinese, unknown, listed, 41, 41, 100) END AS judgement
    FROM hub_rows
),
or_ranked AS MATERIALIZED (   -- the main ranking, read once
    SELECT * FROM query_table(rankings) WHERE NOT merged AND category = 'all' AND rank <= 50
),
or_week AS (   -- as or_claim_weeks: the survey's ISO week, and the latest complete week
    SELECT w.when_no, w."when", w.week_start,
           coalesce((SELECT bool_and(r.complete) FROM or_ranked r WHERE r.week_start = w.week_start), false) AS complete
    FROM (SELECT 1 AS when_no, 'at_claim_date' AS "when",
                 CAST(date_trunc('week', (SELECT dated FROM claim)) AS DATE) AS week_start
          UNION ALL
          SELECT 2, 'latest', (SELECT max(week_start) FROM or_ranked WHERE complete)) w
),
or_counts AS (
    SELECT w.when_no, w."when", w.week_start, w.complete,
           count(t.rank) AS listed,
           count(t.rank) FILTER (WHERE t.country = 'China') AS chinese,
           count(t.rank) FILTER (WHERE t.country = 'unknown') AS unknown,
           any_value(t.basis) AS basis, any_value(t.as_of) AS as_of, any_value(t.citation) AS citation
    FROM or_week w
    LEFT JOIN or_ranked t ON t.week_start = w.week_start
    GROUP BY ALL
),
or_judged AS (
    SELECT *, CASE WHEN listed > 0 AND NOT complete THEN {'verdict': 'inconclusive', 'note': 'The week is incomplete.'}
                   ELSE claim_count_judgement(chinese, unknown, listed, 20, 21, 50) END AS judgement
    FROM or_counts
)
SELECT c.claim_no, h.row_no, h.when_no, c.claim_id, c.statement, c.source, c.dated, h."when",
       'Hugging Face Hub; top 100 '
           || CASE WHEN h.row_no = 1 THEN 'models (all pipelines)' ELSE 'language models' END
           || ' by 30-day downloads' || coalesce(' on ' || strftime(h.snapshot_date, '%Y-%m-%d'), '') AS scope,
       h.snapshot_date AS data_date,
       CASE WHEN h.listed > 0 THEN format('{} of {}', h.chinese, h.listed)
            || CASE WHEN h.unknown > 0 THEN format(' (+{} of unknown maker)', h.unknown) ELSE '' END END AS measured,
       CASE WHEN h.listed >= 100 AND h.unknown = 0 AND h.complete THEN CAST(h.chinese AS DOUBLE) END AS measured_value,
       '41 of 100' AS expected,
       41.0 AS expected_value,
       'models made in China among the top 100' AS unit,
       CASE WHEN h.listed = 0 THEN 'inconclusive' ELSE h.judgement.verdict END AS verdict,
       fmt_utc(h.as_of) AS as_of,
       h.citation,
       CASE WHEN h.snapshot_date IS NULL THEN concat_ws(' ',
                'No Hugging Face snapshot with a Hub-wide top 100 (top_downloads:N, N >= 100, or a full-Hub day)'
                || CASE WHEN h.when_no = 1 THEN format(' within {} days of {}', c.tol, strftime(c.dated, '%Y-%m-%d')) ELSE '' END
                || ' in the store' || coalesce(' on or before ' || CAST(as_of_date AS VARCHAR), '') || ': nothing to count.',
                CASE WHEN h.when_no = 1 THEN 'A ranking of another day says nothing about that one. '
                     || claim_import_hint(c.dated, c.tol) END)
            WHEN h.listed = 0 THEN format('The top 100 of {} is not rolled up yet (a failed or pending roll-up, or a '
                'store upgraded since): `collector refresh --rollups` computes it; nothing is counted until then.',
                strftime(h.snapshot_date, '%Y-%m-%d'))
            ELSE concat_ws(' ',
                format('{} Chinese, {} of unknown maker (unlisted uploaders without lineage, or makers with no single '
                       'country) among the {} listed.', h.chinese, h.unknown, h.listed),
                CASE WHEN h.row_no = 2 AND NOT h.complete THEN format(
                         'Incomplete: the 100th language model collected has {:,} 30-day downloads, below the top-{:,} '
                         'cut-off of {:,}, so language models outside the collected set could outrank it.',
                         h.last_downloads_30d, h.top_n, h.top_cutoff_30d) END,
                nullif(h.judgement.note, ''),
                CASE WHEN h.when_no = 1 THEN format('{} days from the survey''s date (tolerance {} days).',
                                                    abs(h.days_after), c.tol) END,
                'The survey''s list and method are not known: this tests the claim on the list named in the scope.',
                h.coverage || '.')
       END AS detail
FROM hub_judged h CROSS JOIN claim c
UNION ALL
SELECT c.claim_no, 3, o.when_no, c.claim_id, c.statement, c.source, c.dated, o."when",
       'OpenRouter; top 50 models by tokens, per permaslug variant; '
           || coalesce(format('week of {} ({})', strftime(o.week_start, '%Y-%m-%d'), strftime(o.week_start, '%G-W%V')),
                       'latest complete week: none stored'),
       CASE WHEN o.listed > 0 THEN o.week_start END,
       CASE WHEN o.listed > 0 THEN format('{} of {}', o.chinese, o.listed)
            || CASE WHEN o.unknown > 0 THEN format(' (+{} of unknown maker)', o.unknown) ELSE '' END END,
       CASE WHEN o.listed >= 50 AND o.unknown = 0 AND o.complete THEN CAST(o.chinese AS DOUBLE) END,
       '41% of 50 (20 or 21)',
       20.5,
       'models made in China among the top 50',
       CASE WHEN o.listed = 0 THEN 'inconclusive' ELSE o.judgement.verdict END,
       fmt_utc(o.as_of),
       CASE WHEN o.listed > 0 THEN o.citation END,
       CASE WHEN o.week_start IS NULL THEN 'No complete ISO week of OpenRouter rankings in the store'
                || coalesce(' as of ' || CAST(as_of_date AS VARCHAR), '') || ': nothing to count.'
            WHEN o.listed = 0 THEN format('No OpenRouter rankings stored for the week of {} ({}): a count of another '
                'week says nothing about that one. To decide it, backfill that week: `collector collect openrouter '
                '--since {}` (needs OPENROUTER_API_KEY).', strftime(o.week_start, '%Y-%m-%d'),
                strftime(o.week_start, '%G-W%V'), strftime(o.week_start, '%Y-%m-%d'))
            ELSE concat_ws(' ',
                format('{} Chinese and {} of unknown maker among the week''s top {}.', o.chinese, o.unknown, o.listed),
                nullif(o.judgement.note, ''),
                CASE WHEN o.basis = 'days' THEN 'The week is the sum of its 7 daily top-50 rankings.' END,
                'OpenRouter ranks its top 50 only, so 41% of them stands in for 41 of 100.')
       END
FROM or_judged o CROSS JOIN claim c;
COMMENT ON MACRO TABLE claim_cn_41_of_top100_from IS 'claim_cn_41_of_top100_from(rankings, as_of_date, asked_week): claim_cn_41_of_top100 reading the OpenRouter rankings from the table or CTE named `rankings` (the rows of or_weekly_rankings_at(as_of_date)), computed once by claims_at for every OpenRouter claim';
