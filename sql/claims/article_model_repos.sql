-- article_model_repos(as_of_date): the repos of the articles' models (article_models.csv) among the models
-- the store has seen by as_of_date (NULL = all): each model's namespace (renames applied, any case) and
-- repo-name pattern (id_pattern, a regular expression). The regexp would be compiled anew for every repo
-- (its pattern is a column), so a literal that every match contains decides first, and alone where the
-- pattern is no more than that literal. The claim claim_article_models_open_on_hf and the report's
-- report_article_models both read it.
--   SELECT * FROM article_model_repos(NULL) WHERE model = 'QwQ-32B';
-- Columns: model (article_models.csv's), model_id, model_key, canonical_id, created_at, safetensors_total, gated.
CREATE OR REPLACE MACRO article_model_repos(as_of_date := NULL) AS TABLE
WITH pattern_parts AS (   -- id_pattern without its (?i) flag and ^ anchor (p2), and without a leading optional group (p3)
    SELECT model, ci, anchored, p1, p2, p3, regexp_extract(p3, '^[A-Za-z0-9_-]*') AS run,
           regexp_extract(p2, '^\(([A-Za-z0-9_-]+)\)\?', 1) AS optional_group
    FROM (SELECT *, regexp_replace(p2, '^\([^()\\]*\)[?*]', '') AS p3
          FROM (SELECT *, starts_with(p1, '^') AS anchored, CASE WHEN starts_with(p1, '^') THEN substr(p1, 2) ELSE p1 END AS p2
                FROM (SELECT model, starts_with(id_pattern, '(?i)') AS ci,
                             CASE WHEN starts_with(id_pattern, '(?i)') THEN substr(id_pattern, 5) ELSE id_pattern END AS p1
                      FROM ref.article_models)))
),
pattern_literals AS (   -- a literal that every repo name the pattern matches contains (at its start when
                        -- anchored): its leading plain characters, minus one a quantifier makes optional; ''
                        -- (none) when the pattern has an alternation outside parentheses, a class or an escaped
                        -- parenthesis
    SELECT *, anchored AND p3 = p2 AS at_start,
           CASE WHEN contains(regexp_replace(regexp_replace(regexp_replace(p1, '\([^()]*\)', '', 'g'),
                                                            '\([^()]*\)', '', 'g'), '\([^()]*\)', '', 'g'), '|')
                     OR regexp_matches(p1, '[\[\]]|\\[()]') OR run = '' THEN ''
                WHEN substr(p3, length(run) + 1, 1) IN ('?', '*', '{') THEN left(run, length(run) - 1)
                ELSE run END AS literal
    FROM pattern_parts
),
patterns AS (   -- compared lower-case under (?i); `exact`: the pattern is that literal alone (or an optional
                -- plain group and the literal: `alternative` is both), so the literal test is the match itself;
                -- `names`: the pattern is ^literal(a|b|...)?$, which matches those names only
    SELECT model, ci, at_start,
           CASE WHEN ci THEN lower(literal) ELSE literal END AS literal,
           literal <> '' AND literal = p3 AND (p3 = p2 OR optional_group <> '') AS exact,
           CASE WHEN literal <> '' AND literal = p3 AND p3 <> p2 AND optional_group <> '' AND anchored
                THEN CASE WHEN ci THEN lower(optional_group || literal) ELSE optional_group || literal END END
               AS alternative,
           CASE WHEN literal <> '' AND at_start AND literal = run
                     AND regexp_full_match(substr(p3, length(run) + 1), '(\([A-Za-z0-9_-]+(\|[A-Za-z0-9_-]+)*\)\?)?\$')
                THEN list_transform(list_prepend('', string_split(regexp_extract(substr(p3, length(run) + 1),
                                                                                 '^\(([^()]*)\)', 1), '|')),
                                    x -> CASE WHEN ci THEN lower(literal || x) ELSE literal || x END) END AS names
    FROM pattern_literals
),
repo_names AS (   -- the repos of the articles' namespaces, the name as the pattern compares it
    SELECT a.model, a.id_pattern, p.literal, p.at_start, p.exact, p.alternative, p.names, i.model_id, i.model_key,
           i.canonical_id, i.repo_name, CASE WHEN p.ci THEN lower(i.repo_name) ELSE i.repo_name END AS name,
           strlen(i.repo_name) = length(i.repo_name) AS ascii
    FROM ref.article_models a
    JOIN patterns p USING (model)
    JOIN internal.hf_ids i ON lower(i.namespace) = lower(a.namespace)
),
repos AS (
    SELECT r.model, r.model_id, r.model_key, r.canonical_id, m.created_at, m.safetensors_total, m.gated
    FROM repo_names r
    JOIN hf_models m ON m.model_id = r.model_id
    WHERE (as_of_date IS NULL OR m.first_seen <= CAST(as_of_date AS DATE))
      -- the regexp is compiled anew for every row (its pattern is a column): the literal decides first. An
      -- ASCII name only ((?i) folds a few non-ASCII letters to ASCII ones; Hub repo names are ASCII)
      AND CASE WHEN r.literal = '' OR NOT r.ascii THEN regexp_matches(r.repo_name, r.id_pattern)
               WHEN NOT CASE WHEN r.at_start THEN starts_with(r.name, r.literal) ELSE contains(r.name, r.literal) END
                   THEN false
               WHEN r.names IS NOT NULL THEN list_contains(r.names, r.name)
               WHEN r.exact THEN r.alternative IS NULL OR starts_with(r.name, r.literal)
                                 OR starts_with(r.name, r.alternative)
               ELSE regexp_matches(r.repo_name, r.id_pattern) END
)
SELECT * FROM repos;
COMMENT ON MACRO TABLE article_model_repos IS 'article_model_repos(as_of_date): the repos of the articles'' models (article_models.csv) seen by as_of_date, by namespace and repo-name pattern; columns: model, model_id, model_key, canonical_id, created_at, safetensors_total, gated';
