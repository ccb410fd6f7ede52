-- claim_hf_cn_540m_downloads(as_of_date, asked_week): "Hugging Face data show Chinese open models'
-- total downloads exceeded 540 million as of October" (2025): all-time downloads of models whose maker
-- is in China, first-party and with derivatives, all models and language models only, at the snapshot
-- nearest the claim's date. Threshold: > 540,000,000 ("exceeded"). First-party is complete when every
-- Chinese developer namespace in the reference list was crawled that day; otherwise, and always with
-- derivatives, the figure is a lower bound.
-- Columns: the claims columns plus claim_no, row_no.
CREATE OR REPLACE MACRO claim_hf_cn_540m_downloads(as_of_date := NULL, asked_week := NULL) AS TABLE
WITH claim AS (
    SELECT claim_id, statement, source, CAST(dated AS DATE) AS dated
    FROM ref.claims WHERE claim_id = 'hf_cn_540m_downloads'
),
snapshot AS (
    SELECT * FROM hf_snapshot_nearest((SELECT dated FROM claim), as_of_date)
),
chinese_namespaces AS (
    SELECT n.namespace
    FROM ref.hf_namespaces n JOIN ref.organisations o USING (organisation)
    WHERE n.role = 'developer' AND o.country = 'China'
),
crawled AS (
    SELECT count(*) AS namespaces,
           count(*) FILTER (WHERE list_contains(s.namespaces, c.namespace)) AS crawled
    FROM chinese_namespaces c CROSS JOIN snapshot s
),
scopes AS (
    SELECT * FROM (VALUES (1, 'first-party', false), (2, 'first-party', true),
                          (3, 'with derivatives', false), (4, 'with derivatives', true))
           AS t(row_no, attribution, language_models_only)
),
measured AS (
    SELECT sc.row_no, sc.attribution, sc.language_models_only, s.snapshot_date, s.as_of, s.coverage, s.days_after,
           CASE WHEN s.snapshot_date IS NULL THEN NULL
                WHEN sc.language_models_only THEN coalesce(cn.lm_downloads_all_time, 0)
                ELSE coalesce(cn.downloads_all_time, 0) END AS downloads,
           coalesce(cn.models, 0) AS models,
           cr.namespaces, cr.crawled,
           sc.attribution = 'first-party' AND cr.crawled = cr.namespaces AS complete
    FROM scopes sc
    LEFT JOIN snapshot s ON true
    LEFT JOIN crawled cr ON true
    LEFT JOIN hf_downloads_by_country cn
           ON cn.snapshot_date = s.snapshot_date AND cn.country = 'China' AND cn.scope = sc.attribution
),
judged AS (
    SELECT *, claim_threshold_judgement(downloads, 540000000, true, coalesce(complete, false), days_after) AS judgement
    FROM measured
)
SELECT 2 AS claim_no, j.row_no, c.claim_id, c.statement, c.source,
       'Hugging Face Hub; makers in China, ' || j.attribution || '; '
           || CASE WHEN j.language_models_only THEN 'language models only' ELSE 'all models' END
           || '; all-time downloads' || coalesce(' on ' || strftime(j.snapshot_date, '%Y-%m-%d'), '') AS scope,
       format('{:,}', j.downloads) AS measured,
       '> 540,000,000' AS expected,
       j.judgement.verdict AS verdict,
       fmt_utc(j.as_of) AS as_of,
       CASE WHEN j.snapshot_date IS NULL THEN
                'No Hugging Face snapshot in the store' || coalesce(' on or before ' || CAST(as_of_date AS VARCHAR), '')
                || ': nothing to measure.'
            ELSE concat_ws(' ',
                CASE WHEN j.attribution = 'first-party' THEN
                         format('Models published under Chinese developers'' namespaces: {:,} all-time downloads; {} of '
                                'the {} Chinese developer namespaces in the reference list were crawled in full that day.',
                                j.downloads, j.crawled, j.namespaces)
                     ELSE format('Models whose maker is in China, derivatives of Chinese families included (repackagers and '
                                 'community fine-tunes through lineage; merges shared): {:,} all-time downloads.', j.downloads)
                END,
                CASE WHEN j.language_models_only THEN
                         'Language models: pipeline tags in hf_language_pipeline_tags.csv (text-generation, '
                         'image-text-to-text, ...), a derivative without a tag taking its base model''s.'
                     ELSE 'All models: embedding, vision, speech and image models included.' END,
                nullif(j.judgement.note, ''),
                'Where the article''s 540 million comes from is not known.',
                j.coverage || '.')
       END AS detail
FROM judged j CROSS JOIN claim c;
COMMENT ON MACRO TABLE claim_hf_cn_540m_downloads IS 'claim_hf_cn_540m_downloads(as_of_date, asked_week): "Hugging Face data show Chinese open models'' total downloads exceeded 540 million as of October" (2025): all-time downloads of models whose maker is in China, first-party and with derivatives, all models and language models only, at the snapshot nearest the claim''s date';
