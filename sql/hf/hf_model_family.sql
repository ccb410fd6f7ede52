-- hf_model_family: the family (Llama, Qwen, DeepSeek, ...) of every model the store has seen, reached
-- through lineage for derivatives.
--   * A model is first-party when its namespace and repo name match a row of ref.families (the
--     longest matching pattern wins); it belongs to that family only, even if it is itself a
--     fine-tune of another family (DeepSeek-R1-Distill-Qwen is DeepSeek's; Llama-Nemotron NVIDIA's).
--   * Any other model walks up hf_lineage (finetune, quantized, adapter, merge; transitively) to its
--     nearest first-party ancestors. A model with several parents (a merge) is shared equally among
--     them: a merge of a Qwen and a Llama model is 0.5 Qwen and 0.5 Llama. The weights of a model
--     always add up to 1.
--   * No first-party ancestor (no lineage, or more than 20 steps, which is where a lineage cycle
--     ends): family 'other'.
-- Columns: model_key, model_id (canonical), family, family_organisation ('unknown' for 'other'),
-- weight, first_party (the model itself matches the family), base_model_ids (the ancestors where the
-- walk stopped), relation ('self', or the relations along one shortest walk, from the model up, e.g.
-- 'quantized' or 'quantized > finetune'), depth (steps of the shortest walk).
CREATE OR REPLACE VIEW hf_model_family AS
SELECT * FROM hf_model_family_of('internal.hf_ids');
COMMENT ON VIEW hf_model_family IS 'hf_model_family: the family (Llama, Qwen, DeepSeek, ...) of every model the store has seen, reached through lineage for derivatives';
