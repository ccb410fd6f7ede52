-- 0010: hf_models.meta_hash is the hash of the metadata as stored (the timestamps as TIMESTAMPTZ),
-- no longer of the text a staging file carried: a full-Hub dump is staged with its timestamps typed
-- (formatting 2.5 million of them as text and parsing them back cost seconds a day), and the Hub API's
-- text is cast before it is hashed (collector/sources/hf/commit.py). The stored hashes are remade the
-- same way, so the next run rewrites only the models whose metadata really changed.
UPDATE hf_models
SET meta_hash = hash(author, created_at, last_modified, pipeline_tag, library_name, tags, safetensors_total, gated);
