-- 0007: claims as data (issue 12). Each row of collector/reference/claims.csv names a kind (threshold,
-- count_top_k, ratio, a_vs_b, published_with_weights) and its parameters, the outlet and link of its
-- source, and the tolerance within which data count as "at the claim's date"; claim_no keeps the
-- file's order for the report. The columns are text like the CSV (claim_no excepted): the claims
-- macros (sql/claims/) read them.
ALTER TABLE ref.claims ADD COLUMN kind VARCHAR;
ALTER TABLE ref.claims ADD COLUMN outlet VARCHAR;
ALTER TABLE ref.claims ADD COLUMN link VARCHAR;
ALTER TABLE ref.claims ADD COLUMN tolerance VARCHAR;
ALTER TABLE ref.claims ADD COLUMN params VARCHAR;
ALTER TABLE ref.claims ADD COLUMN claim_no INTEGER;
