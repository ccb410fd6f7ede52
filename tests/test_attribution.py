"""Golden tests of the attribution views on small seeded stores: every answer is known by construction."""

from __future__ import annotations

from datetime import UTC

import pytest

from tests.conftest import query
from tests.seed import seeded


def family_rows(db, model_id):
    return query(
        db,
        """SELECT family, weight, first_party, base_model_ids, relation FROM hf_model_family
                        WHERE model_key = (SELECT model_key FROM hf_model_ids WHERE model_id = ?) ORDER BY family""",
        [model_id],
    )


def attribution(db, model_id):
    return query(
        db,
        """SELECT publisher, publisher_role, family, family_weight, organisation, country, language_model
                        FROM hf_model_attribution WHERE model_key = (SELECT model_key FROM hf_model_ids WHERE model_id = ?)
                        ORDER BY family""",
        [model_id],
    )


# ---- Hugging Face: model -> family -> organisation -> country ---------------------------------


def test_first_party_model_is_its_familys_and_its_publishers(db):
    with seeded(db) as s:
        s.hf_snapshot("2026-05-01", "author:Qwen", [("Qwen/Qwen3-8B", 100, 1000)])
    assert family_rows(db, "Qwen/Qwen3-8B") == [("Qwen", 1.0, True, ["Qwen/Qwen3-8B"], "self")]
    assert attribution(db, "Qwen/Qwen3-8B") == [("Alibaba", "developer", "Qwen", 1.0, "Alibaba", "China", True)]


def test_repackager_reaches_base_family_through_lineage_transitively(db):
    with seeded(db) as s:
        s.hf_snapshot(
            "2026-05-01",
            "top_downloads:10",
            [
                ("Qwen/Qwen2.5-32B", 10, 100),
                ("Qwen/QwQ-32B", 10, 100),
                ("someone/qwq-ft", 5, 50),
                ("unsloth/qwq-ft-GGUF", 7, 70, None),
            ],
        )
        s.lineage("Qwen/QwQ-32B", "Qwen/Qwen2.5-32B", "finetune")
        s.lineage("someone/qwq-ft", "Qwen/QwQ-32B", "finetune")
        s.lineage("unsloth/qwq-ft-GGUF", "someone/qwq-ft", "quantized")
    # the walk stops at the nearest first-party model (QwQ-32B), not at the grandparent
    assert family_rows(db, "unsloth/qwq-ft-GGUF") == [("Qwen", 1.0, False, ["Qwen/QwQ-32B"], "quantized > finetune")]
    # the repackager's own namespace stays visible; the model is attributed to the base family's maker,
    # and without a pipeline tag of its own it is a language model because its base is one
    assert attribution(db, "unsloth/qwq-ft-GGUF") == [("Unsloth", "repackager", "Qwen", 1.0, "Alibaba", "China", True)]


def test_merge_with_two_parents_is_shared_equally(db):
    with seeded(db) as s:
        s.hf_snapshot(
            "2026-05-01",
            "top_downloads:10",
            [("Qwen/Qwen3-8B", 100, 1000), ("meta-llama/Llama-3.1-8B", 60, 600), ("bob/merge", 10, 101)],
        )
        s.lineage("bob/merge", "Qwen/Qwen3-8B", "merge")
        s.lineage("bob/merge", "meta-llama/Llama-3.1-8B", "merge")
    assert [(f, w) for f, w, *_ in family_rows(db, "bob/merge")] == [("Llama", 0.5), ("Qwen", 0.5)]
    assert [(r[4], r[5], r[3]) for r in attribution(db, "bob/merge")] == [
        ("Meta", "United States", 0.5),
        ("Alibaba", "China", 0.5),
    ]
    fam = dict(
        query(
            db,
            """SELECT family, downloads_30d FROM hf_downloads_by_family
                            WHERE scope = 'with derivatives'""",
        )
    )
    assert fam == {"Qwen": 105, "Llama": 65}  # 100 + 10/2, 60 + 10/2
    first = dict(query(db, "SELECT family, downloads_30d FROM hf_downloads_by_family WHERE scope = 'first-party'"))
    assert first == {"Qwen": 100, "Llama": 60}
    # the merge's two halves add up to the whole: nothing invented, nothing lost
    assert query(db, "SELECT sum(downloads_30d) FROM hf_downloads_by_country WHERE scope = 'with derivatives'") == [
        (170,)
    ]


def test_renamed_namespace_merged_thudm_to_zai_org(db):
    with seeded(db) as s:
        # an old snapshot under the old name, a newer one under the new name, and a fine-tune whose
        # lineage tag still names the old repo
        s.hf_snapshot("2025-06-01", "author:THUDM", [("THUDM/glm-4-9b", 50, 1_000)])
        s.hf_snapshot("2026-05-01", "author:zai-org", [("zai-org/glm-4-9b", 40, 1_500)])
        s.hf_snapshot("2026-05-01", "top_downloads:10", [("zai-org/glm-4-9b", 40, 1_500), ("carol/glm-ft", 3, 30)])
        s.lineage("carol/glm-ft", "THUDM/glm-4-9b", "finetune")
    assert query(db, "SELECT DISTINCT model_id FROM hf_daily_downloads ORDER BY 1") == [
        ("carol/glm-ft",),
        ("zai-org/glm-4-9b",),
    ]
    assert (
        attribution(db, "THUDM/glm-4-9b")
        == attribution(db, "zai-org/glm-4-9b")
        == [("Zhipu AI", "developer", "GLM", 1.0, "Zhipu AI", "China", True)]
    )
    assert family_rows(db, "carol/glm-ft") == [("GLM", 1.0, False, ["zai-org/glm-4-9b"], "finetune")]
    # one history across the rename: the second observation is a delta, not a first observation
    assert query(
        db,
        """SELECT previous_date, delta_all_time, flag FROM hf_model_download_deltas
                        WHERE model_key = 'zai-org/glm-4-9b' AND snapshot_date = DATE '2026-05-01'""",
    ) == [(__import__("datetime").date(2025, 6, 1), 500, "gap")]
    # the same day listed by two scopes counts once
    assert query(
        db,
        """SELECT models, downloads_30d FROM hf_downloads_by_organisation
                        WHERE snapshot_date = DATE '2026-05-01' AND organisation = 'Zhipu AI' AND scope = 'first-party'""",
    ) == [(1, 40)]


def test_unknown_organisation_is_explicit(db):
    with seeded(db) as s:
        s.hf_snapshot(
            "2026-05-01",
            "top_downloads:10",
            [("nobody-listed/embedder", 500, 5000, "feature-extraction"), ("Qwen/Qwen3-8B", 100, 1000)],
        )
    assert attribution(db, "nobody-listed/embedder") == [
        ("unknown", "unlisted", "other", 1.0, "unknown", "unknown", False)
    ]
    rows = query(
        db,
        """SELECT country, scope, downloads_30d, round(share_30d, 4), lm_downloads_30d
                        FROM hf_downloads_by_country ORDER BY scope, country""",
    )
    assert rows == [
        ("China", "first-party", 100, round(100 / 600, 4), 100),
        ("China", "with derivatives", 100, round(100 / 600, 4), 100),
        ("unknown", "with derivatives", 500, round(500 / 600, 4), 0),
    ]


def test_developers_finetune_of_another_family_stays_the_developers(db):
    with seeded(db) as s:
        s.hf_snapshot(
            "2026-05-01",
            "top_downloads:10",
            [("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", 100, 1000), ("Qwen/Qwen2.5-Math-7B", 10, 100)],
        )
        s.lineage("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", "Qwen/Qwen2.5-Math-7B", "finetune")
    assert attribution(db, "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B") == [
        ("DeepSeek", "developer", "DeepSeek", 1.0, "DeepSeek", "China", True)
    ]


def test_lineage_cycle_and_dead_end_are_family_other(db):
    with seeded(db) as s:
        s.hf_snapshot("2026-05-01", "top_downloads:10", [("x/a", 1, 1), ("x/b", 1, 1)])
        s.lineage("x/a", "x/b")
        s.lineage("x/b", "x/a")
    assert [r[0] for r in family_rows(db, "x/a")] == ["other"]
    assert query(db, "SELECT sum(weight) FROM hf_model_family WHERE model_key = 'x/a'") == [(1.0,)]


def test_snapshot_set_states_its_coverage(db):
    with seeded(db) as s:
        s.hf_snapshot("2026-05-01", "author:Qwen", [("Qwen/Qwen3-8B", 100, 1000), ("Qwen/tiny", 1, 2)])
        s.hf_snapshot(
            "2026-05-01", "top_downloads:2", [("meta-llama/Llama-3.1-8B", 500, 9000), ("Qwen/Qwen3-8B", 100, 1000)]
        )
    ((models, top_n, cutoff, namespaces, coverage),) = query(
        db, "SELECT models, top_n, top_cutoff_30d, namespaces, coverage FROM hf_snapshot_sets"
    )
    assert (models, top_n, cutoff, namespaces) == (3, 2, 100, ["Qwen"])
    assert "top 2 by 30-day downloads" in coverage and "at most 100 30-day downloads" in coverage
    assert "unknown" in coverage


# ---- deltas: never clamped, never spread -------------------------------------------------------


def test_negative_delta_and_gap_flagged_not_clamped(db):
    with seeded(db) as s:
        s.hf_snapshot("2026-05-01", "author:Qwen", [("Qwen/Qwen3-8B", 100, 1000), ("Qwen/Qwen-other", 5, 50)])
        s.hf_snapshot("2026-05-02", "author:Qwen", [("Qwen/Qwen3-8B", 90, 990), ("Qwen/Qwen-other", 5, 55)])
        s.hf_snapshot("2026-05-05", "author:Qwen", [("Qwen/Qwen3-8B", 95, 1010)])
    rows = query(
        db,
        """SELECT snapshot_date::VARCHAR, days, delta_all_time, negative, gap, flag
                        FROM hf_model_download_deltas WHERE model_key = 'qwen/qwen3-8b' ORDER BY snapshot_date""",
    )
    assert rows == [
        ("2026-05-01", None, None, False, False, "first observation"),
        ("2026-05-02", 1, -10, True, False, "negative"),
        ("2026-05-05", 3, 20, False, True, "gap"),
    ]
    fam = query(
        db,
        """SELECT snapshot_date::VARCHAR, delta_all_time, models_compared, negative_models, models_left, gap
                       FROM hf_family_download_deltas WHERE family = 'Qwen' AND scope = 'first-party'
                       ORDER BY snapshot_date""",
    )
    assert fam == [("2026-05-02", -5, 2, 1, 0, False), ("2026-05-05", 20, 1, 0, 1, True)]


# ---- OpenRouter: permaslug -> catalog -> author -> organisation -> country ---------------------


def or_attr(db, slug):
    return query(
        db,
        """SELECT model_slug, variant, catalog_ids, mapped_by, author, organisation, country, hugging_face_id
                        FROM or_model_attribution WHERE model_permaslug = ?""",
        [slug],
    )


def test_permaslug_mapped_through_newest_catalog_with_variants_and_hf_repo(db):
    with seeded(db) as s:
        s.or_catalog(
            "2025-09-01", [{"id": "z-ai/glm-4.5", "canonical_slug": "z-ai/glm-4.5", "hugging_face_id": "THUDM/GLM-4.5"}]
        )
        s.or_catalog(
            "2025-10-01",
            [
                {"id": "z-ai/glm-4.5", "canonical_slug": "z-ai/glm-4.5", "hugging_face_id": "zai-org/GLM-4.5"},
                {"id": "z-ai/glm-4.5:free", "canonical_slug": "z-ai/glm-4.5"},
                # the id differs from the permaslug: only the catalog links them
                {"id": "openai/gpt-4o", "canonical_slug": "openai/gpt-4o-2024-11-20"},
            ],
        )
        s.or_week(
            "2025-10-27",
            [
                ("z-ai/glm-4.5:free", 10),
                ("openai/gpt-4o-2024-11-20", 9),
                ("openrouter/sonoma-sky-alpha", 8),
                ("stealth/kestrel", 7),
                ("newlab/model-x", 6),
                ("qwen/qwen-old-20240101", 5),
            ],
            other=100,
        )
    from datetime import date

    assert or_attr(db, "z-ai/glm-4.5:free") == [
        (
            "z-ai/glm-4.5",
            "free",
            ["z-ai/glm-4.5", "z-ai/glm-4.5:free"],
            "catalog",
            "z-ai",
            "Zhipu AI",
            "China",
            "zai-org/GLM-4.5",
        )
    ]
    assert or_attr(db, "openai/gpt-4o-2024-11-20")[0][3:7] == ("catalog", "openai", "OpenAI", "United States")
    assert or_attr(db, "openrouter/sonoma-sky-alpha")[0][3:7] == ("author prefix", "openrouter", "unknown", "unknown")
    assert or_attr(db, "stealth/kestrel")[0][5:7] == ("unknown", "unknown")
    assert or_attr(db, "newlab/model-x")[0][4:7] == ("newlab", "unknown", "unknown")
    # no longer listed: falls back to the author prefix
    assert or_attr(db, "qwen/qwen-old-20240101")[0][3:7] == ("author prefix", "qwen", "Alibaba", "China")
    assert query(db, "SELECT catalog_date FROM or_model_attribution WHERE model_permaslug = 'z-ai/glm-4.5'") == [
        (date(2025, 10, 1),)
    ]


def test_hf_repo_renamed_namespace_applied(db):
    with seeded(db) as s:
        s.or_catalog(
            "2025-09-01",
            [
                {
                    "id": "thudm/glm-4-32b",
                    "canonical_slug": "thudm/glm-4-32b-0414",
                    "hugging_face_id": "THUDM/GLM-4-32B-0414",
                }
            ],
        )
    assert or_attr(db, "thudm/glm-4-32b-0414")[0][5:] == ("Zhipu AI", "China", "zai-org/GLM-4-32B-0414")


def test_week_from_daily_buckets_complete_only_with_seven_days(db):
    with seeded(db) as s:
        days = [f"2026-08-{d:02d}" for d in range(10, 17)]  # Mon 10 .. Sun 16 August 2026
        rows = (
            [(d, "qwen/a", 10) for d in days] + [(d, "anthropic/b", 7) for d in days] + [(d, "other", 3) for d in days]
        )
        rows += [("2026-08-17", "qwen/a", 5), ("2026-08-17", "other", 1)]  # Monday of an incomplete week
        s.or_pull(period="day", start="2026-08-10", end="2026-08-17", rows=rows)
    weeks = query(
        db,
        """SELECT week_start::VARCHAR, model_permaslug, total_tokens, week_total_tokens, basis, days, complete
                         FROM or_weekly_tokens_at() ORDER BY week_start, total_tokens DESC""",
    )
    assert weeks == [
        ("2026-08-10", "qwen/a", 70, 140, "days", 7, True),
        ("2026-08-10", "anthropic/b", 49, 140, "days", 7, True),
        ("2026-08-10", "other", 21, 140, "days", 7, True),
        ("2026-08-17", "qwen/a", 5, 6, "days", 1, False),
        ("2026-08-17", "other", 1, 6, "days", 1, False),
    ]
    top = query(
        db,
        """SELECT rank, model_permaslug, organisation, country, share, citation FROM or_weekly_top_models
                       WHERE week_start = DATE '2026-08-10'""",
    )
    assert [r[:4] for r in top] == [(1, "qwen/a", "Alibaba", "China"), (2, "anthropic/b", "Anthropic", "United States")]
    assert top[0][4] == pytest.approx(0.5)
    assert top[0][5] == "Source: OpenRouter (openrouter.ai/rankings), as of 2026-08-18T01:00:00Z."
    shares = dict(
        query(db, """SELECT country, share FROM or_token_share_by_country WHERE week_start = DATE '2026-08-10'""")
    )
    assert shares == pytest.approx({"China": 0.5, "United States": 0.35, "other (outside the top 50)": 0.15})


def test_weekly_bucket_preferred_and_restated_bucket_read_from_newest_pull(db):
    from datetime import datetime

    with seeded(db) as s:
        s.or_week(
            "2026-08-10", [("qwen/a", 100), ("deepseek/b", 90)], other=10, as_of=datetime(2026, 8, 17, 1, tzinfo=UTC)
        )
        # restated a day later: deepseek/b dropped out of the ranking, a new model entered
        s.or_week(
            "2026-08-10", [("qwen/a", 110), ("mistralai/c", 80)], other=20, as_of=datetime(2026, 8, 18, 1, tzinfo=UTC)
        )
    assert query(
        db,
        """SELECT model_permaslug, total_tokens, basis FROM or_weekly_tokens_at()
                        WHERE model_permaslug <> 'other' ORDER BY 2 DESC""",
    ) == [("qwen/a", 110, "week"), ("mistralai/c", 80, "week")]
    # as known before the restatement
    assert query(
        db,
        """SELECT model_permaslug, total_tokens FROM or_weekly_tokens_at(DATE '2026-08-17')
                        WHERE model_permaslug <> 'other' ORDER BY 2 DESC""",
    ) == [("qwen/a", 100), ("deepseek/b", 90)]
    # or_rankings_latest shows each bucket as its newest pull has it: deepseek/b, gone from the
    # restated week, is not carried over from the older pull
    assert query(db, "SELECT model_permaslug FROM or_rankings_latest ORDER BY rank") == [
        ("qwen/a",),
        ("mistralai/c",),
        ("other",),
    ]


def test_variants_merged_ranking(db):
    with seeded(db) as s:
        s.or_week("2026-08-10", [("anthropic/x", 100), ("qwen/a", 60), ("qwen/a:free", 50), ("google/g", 90)])
    per_variant = query(db, "SELECT rank, model_permaslug FROM or_weekly_top_models ORDER BY rank")
    assert per_variant == [(1, "anthropic/x"), (2, "google/g"), (3, "qwen/a"), (4, "qwen/a:free")]
    merged = query(db, "SELECT rank, model_slug, variants, total_tokens FROM or_weekly_top_models_merged ORDER BY rank")
    assert merged == [
        (1, "qwen/a", ["qwen/a", "qwen/a:free"], 110),
        (2, "anthropic/x", ["anthropic/x"], 100),
        (3, "google/g", ["google/g"], 90),
    ]


def test_cycle_beside_a_real_parent_keeps_every_share(db):
    with seeded(db) as s:
        s.hf_snapshot("2026-05-01", "top_downloads:10", [("x/a", 10, 10), ("x/b", 1, 1), ("Qwen/Qwen3-8B", 1, 1)])
        s.lineage("x/a", "x/b", "merge")
        s.lineage("x/a", "Qwen/Qwen3-8B", "merge")
        s.lineage("x/b", "x/a", "finetune")
    # x/a is half Qwen directly, and half x/b, which is x/a again: the walk goes round the cycle for 20
    # steps, collecting Qwen's half each time round, and what is left after 20 steps is 'other'
    shares = {f: w for f, w, *_ in family_rows(db, "x/a")}
    assert set(shares) == {"Qwen", "other"}
    assert shares["Qwen"] == pytest.approx(1 - 0.5**10) and shares["other"] == pytest.approx(0.5**10)
    assert (
        query(db, "SELECT model_key, sum(weight) FROM hf_model_family GROUP BY ALL HAVING abs(sum(weight) - 1) > 1e-9")
        == []
    )


def test_category_rankings_kept_apart_from_the_main_ranking(db):
    with seeded(db) as s:
        s.or_week("2026-08-10", [("anthropic/x", 100), ("qwen/a", 60)], other=40)
        s.or_week("2026-08-10", [("qwen/a", 30), ("anthropic/x", 20)], category="programming", other=10)
    assert query(db, "SELECT rank, model_permaslug, share FROM or_weekly_top_models") == [
        (1, "anthropic/x", 0.5),
        (2, "qwen/a", 0.3),
    ]
    assert query(
        db,
        """SELECT category, rank, model_permaslug, estimated FROM or_weekly_top_models_by_category
                        ORDER BY category, rank""",
    ) == [
        ("all", 1, "anthropic/x", False),
        ("all", 2, "qwen/a", False),
        ("programming", 1, "qwen/a", True),
        ("programming", 2, "anthropic/x", True),
    ]
    assert query(db, "SELECT country, total_tokens FROM or_token_share_by_country ORDER BY total_tokens DESC") == [
        ("United States", 100),
        ("China", 60),
        ("other (outside the top 50)", 40),
    ]
