"""Golden tests of the claims: small seeded stores where the right verdict is known by construction."""

from __future__ import annotations

import random
from datetime import date

from tests.conftest import query
from tests.seed import seeded

CLAIM_IDS = [
    "llama_1b_downloads",
    "hf_cn_540m_downloads",
    "openrouter_cn_7_of_top20",
    "openrouter_cn_4_of_top10_programming",
    "qwq_5pct_of_r1_params",
    "cn_41_of_top100",
    "deepseek_40x_cheaper",
    "qwen_overtakes_llama",
    "article_models_open_on_hf",
]
COLUMNS = [
    "claim_id",
    "statement",
    "source",
    "dated",
    "when",
    "scope",
    "data_date",
    "measured",
    "measured_value",
    "expected",
    "expected_value",
    "unit",
    "verdict",
    "as_of",
    "citation",
    "detail",
]
# the macro of each claim's kind (claims_at.sql unions them)
MACROS = {
    "llama_1b_downloads": "claim_threshold",
    "hf_cn_540m_downloads": "claim_threshold",
    "openrouter_cn_7_of_top20": "claim_count_top_k_openrouter",
    "openrouter_cn_4_of_top10_programming": "claim_count_top_k_openrouter",
    "qwq_5pct_of_r1_params": "claim_ratio_params",
    "cn_41_of_top100": "claim_cn_41_of_top100",
    "deepseek_40x_cheaper": "claim_deepseek_40x_cheaper",
    "qwen_overtakes_llama": "claim_a_vs_b",
    "article_models_open_on_hf": "claim_article_models_open_on_hf",
}
SELECT = ", ".join(f'"{c}"' for c in COLUMNS)


def claims(db, claim_id=None, as_of=None, week=None, when=None):
    """The report's rows; for one claim, straight from its kind's macro (the whole report takes longer
    to plan); `when` keeps only the rows at the claim's date ('at_claim_date') or the latest."""
    if claim_id is None:
        rows = query(db, f"SELECT {SELECT} FROM claims_at(?, ?)", [as_of, week])
    else:
        rows = query(
            db,
            f"SELECT {SELECT} FROM {MACROS[claim_id]}(?, ?) WHERE claim_id = ? ORDER BY row_no, when_no",
            [as_of, week, claim_id],
        )
    out = [dict(zip(COLUMNS, r, strict=True)) for r in rows]
    return [r for r in out if when is None or r["when"] == when]


def verdicts(db, claim_id, **kw):
    return [(r["verdict"], r["measured"]) for r in claims(db, claim_id, **kw)]


def at_date(db, claim_id, **kw):
    return claims(db, claim_id, when="at_claim_date", **kw)


def latest(db, claim_id, **kw):
    return claims(db, claim_id, when="latest", **kw)


def test_empty_store_every_claim_present_and_inconclusive_with_a_reason(db):
    with seeded(db):
        pass
    rows = claims(db)
    from collector import reference as refdata

    assert [r["claim_id"] for r in refdata.load()["claims.csv"]] == CLAIM_IDS
    assert [c for c in CLAIM_IDS if c not in {r["claim_id"] for r in rows}] == []
    # every claim is judged at its own date and on the latest data
    for claim_id in CLAIM_IDS:
        assert {r["when"] for r in rows if r["claim_id"] == claim_id} == {"at_claim_date", "latest"}, claim_id
    assert {r["verdict"] for r in rows} == {"inconclusive"}
    assert all(r["detail"] for r in rows)
    assert {r["measured_value"] for r in rows} == {None} and {r["data_date"] for r in rows} == {None}
    assert {r["dated"] for r in rows if r["claim_id"] == "llama_1b_downloads"} == {date(2025, 3, 18)}
    # the view is the macro with its defaults, same rows in the same order
    assert query(db, "SELECT * FROM claims") == query(db, "SELECT * FROM claims_at()")
    assert [c[0] for c in query(db, "SELECT column_name FROM (DESCRIBE claims)")] == COLUMNS
    types = dict(query(db, "SELECT column_name, column_type FROM (DESCRIBE claims)"))
    assert (types["measured_value"], types["expected_value"], types["data_date"]) == ("DOUBLE", "DOUBLE", "DATE")


# ---- 1 and 2: cumulative thresholds ------------------------------------------------------------


def test_llama_exactly_at_threshold_is_passed(db):
    with seeded(db) as s:
        s.hf_snapshot(
            "2025-03-18",
            "author:meta-llama",
            [("meta-llama/Llama-3.1-8B", 10, 600_000_000), ("meta-llama/Llama-2-7b-hf", 5, 400_000_000)],
        )
    rows = claims(db, "llama_1b_downloads")
    assert [(r["when"], r["verdict"], r["measured"], r["measured_value"], r["expected_value"]) for r in rows] == [
        ("at_claim_date", "supported", "1,000,000,000", 1e9, 1e9),
        ("latest", "supported", "1,000,000,000", 1e9, 1e9),
    ] * 2
    assert rows[0]["expected"] == ">= 1,000,000,000" and rows[0]["unit"] == "all-time downloads"
    assert rows[0]["data_date"] == date(2025, 3, 18)
    assert "not that count" in rows[0]["detail"]  # a maker's own figure counts other channels
    assert rows[0]["as_of"] == "2025-03-18T07:00:00Z"
    assert rows[0]["citation"] == (
        "Source: Hugging Face Hub (huggingface.co), download counters of 2025-03-18, as of 2025-03-18T07:00:00Z."
    )
    assert "first-party" in rows[0]["scope"] and "with derivatives" in rows[2]["scope"]


def test_llama_below_threshold_later_on_full_crawl_refutes_first_party_only(db):
    with seeded(db) as s:
        s.hf_snapshot("2026-05-01", "author:meta-llama", [("meta-llama/Llama-3.1-8B", 10, 600_000_000)])
    first_party, derivatives = at_date(db, "llama_1b_downloads")
    # a complete count below the threshold later was below it then too, and the row says which snapshot
    assert (first_party["verdict"], first_party["measured_value"]) == ("refuted", 6e8)
    assert first_party["data_date"] == date(2026, 5, 1)
    assert "days after" in first_party["detail"] and "below it then too" in first_party["detail"]
    # a lower bound from another period says nothing about the claim's date: no figure, and what to import
    assert (derivatives["verdict"], derivatives["measured_value"], derivatives["data_date"]) == (
        "inconclusive",
        None,
        None,
    )
    assert "No Hub snapshot within 7 days of 2025-03-18" in derivatives["detail"]
    assert "collector import hub-stats FILE --date 2025-03-18" in derivatives["detail"]
    assert [r["verdict"] for r in latest(db, "llama_1b_downloads")] == ["refuted", "inconclusive"]


def test_llama_below_threshold_on_partial_crawl_is_a_lower_bound(db):
    with seeded(db) as s:  # meta-llama not crawled: only its repos in the top N
        s.hf_snapshot("2025-03-18", "top_downloads:1000", [("meta-llama/Llama-3.1-8B", 10, 600_000_000)])
    assert verdicts(db, "llama_1b_downloads") == [("inconclusive", "600,000,000")] * 4
    assert "lower bound" in claims(db, "llama_1b_downloads")[0]["detail"]


def test_llama_above_threshold_later_is_only_consistent(db):
    with seeded(db) as s:
        s.hf_snapshot("2026-05-01", "author:meta-llama", [("meta-llama/Llama-3.1-8B", 10, 1_200_000_000)])
    then = at_date(db, "llama_1b_downloads")
    assert [(r["verdict"], r["measured_value"]) for r in then] == [("inconclusive", None)] * 2
    assert "only consistent" in then[0]["detail"] and "2026-05-01 (409 days after)" in then[0]["detail"]
    assert [r["verdict"] for r in latest(db, "llama_1b_downloads")] == ["supported", "supported"]
    assert "still holds" in latest(db, "llama_1b_downloads")[0]["detail"]


def test_llama_above_threshold_earlier_supports_beyond_the_tolerance(db):
    with seeded(db) as s:
        s.hf_snapshot("2025-01-02", "author:meta-llama", [("meta-llama/Llama-3.1-8B", 10, 1_000_000_001)])
    row = at_date(db, "llama_1b_downloads")[0]
    assert (row["verdict"], row["data_date"]) == ("supported", date(2025, 1, 2))
    assert "75 days before" in row["detail"] and "by then too" in row["detail"]


def test_judged_at_the_snapshot_nearest_the_claims_date(db):
    with seeded(db) as s:
        s.hf_snapshot("2025-03-20", "author:meta-llama", [("meta-llama/Llama-3.1-8B", 10, 999_999_999)])
        s.hf_snapshot("2026-05-01", "author:meta-llama", [("meta-llama/Llama-3.1-8B", 10, 1_500_000_000)])
    rows = at_date(db, "llama_1b_downloads")
    assert (rows[0]["verdict"], rows[0]["measured"]) == ("refuted", "999,999,999")
    assert "2025-03-20" in rows[0]["scope"] and "2 days off" in rows[0]["detail"]
    # the latest data tell whether it holds now, and the history when it came true
    now = latest(db, "llama_1b_downloads")[0]
    assert (now["verdict"], now["data_date"]) == ("supported", date(2026, 5, 1))
    assert "First at or above the threshold on the snapshot of 2026-05-01 (the one before, 2025-03-20" in now["detail"]
    # with --as-of before the later snapshot nothing changes; before both, there is no data
    assert at_date(db, "llama_1b_downloads", as_of=date(2025, 6, 1))[0]["measured"] == "999,999,999"
    assert latest(db, "llama_1b_downloads", as_of=date(2025, 6, 1))[0]["verdict"] == "refuted"
    early = claims(db, "llama_1b_downloads", as_of=date(2025, 3, 1))
    assert [r["verdict"] for r in early] == ["inconclusive"] * 4 and early[0]["measured"] is None
    assert "No Hugging Face snapshot in the store on or before 2025-03-01" in early[0]["detail"]


CHINESE_NAMESPACES = [
    "deepseek-ai",
    "Qwen",
    "Wan-AI",
    "Alibaba-NLP",
    "ATH-MaaS",
    "Tongyi-MAI",
    "zai-org",
    "moonshotai",
    "MiniMaxAI",
    "XiaomiMiMo",
    "baidu",
    "PaddlePaddle",
    "tencent",
    "stepfun-ai",
    "ByteDance-Seed",
    "ByteDance",
    "inclusionAI",
    "internlm",
    "OpenGVLab",
    "openbmb",
    "BAAI",
    "01-ai",
    "baichuan-inc",
    "meituan-longcat",
    "Kwai-Kolors",
    "Skywork",
]


def seed_chinese_namespaces(s, day, *, empty=()):
    """Every Chinese developer namespace listed that day with one small model (a namespace in `empty`
    comes back with an empty listing)."""
    for ns in CHINESE_NAMESPACES:
        if ns != "Qwen":
            s.hf_snapshot(day, f"author:{ns}", [] if ns in empty else [(f"{ns}/tiny-model", 0, 0)])


def test_chinese_downloads_exactly_at_threshold_did_not_exceed_it(db):
    with seeded(db) as s:
        s.hf_snapshot(
            "2025-10-31",
            "author:Qwen",
            [("Qwen/Qwen3-8B", 10, 500_000_000), ("Qwen/Qwen3-Embedding", 1, 40_000_000, "feature-extraction")],
        )
        seed_chinese_namespaces(s, "2025-10-31")
        s.hf_snapshot("2025-10-31", "top_downloads:1000", [("unsloth/Qwen3-8B-GGUF", 5, 1_000, None)])
        s.lineage("unsloth/Qwen3-8B-GGUF", "Qwen/Qwen3-8B", "quantized")
    rows = at_date(db, "hf_cn_540m_downloads")
    got = [(r["scope"].split("; ")[1:3], r["measured"], r["verdict"]) for r in rows]
    assert got == [
        (["makers in China, first-party", "all models"], "540,000,000", "refuted"),  # exceeded: strictly more
        (["makers in China, first-party", "language models only"], "500,000,000", "refuted"),
        (["makers in China, with derivatives", "all models"], "540,001,000", "supported"),
        (["makers in China, with derivatives", "language models only"], "500,001,000", "inconclusive"),  # lower bound
    ]
    assert "26 of the 26 namespaces in the reference list were crawled in full" in rows[0]["detail"]
    assert rows[0]["expected"] == "> 540,000,000"


def test_an_empty_listing_is_not_a_full_crawl(db):
    """A tracked namespace whose listing came back empty (model_count 0) is not "crawled in full": the
    first-party figure stays a lower bound, and "not published" rows under it stay inconclusive."""
    with seeded(db) as s:
        s.hf_snapshot("2025-10-31", "author:Qwen", [("Qwen/Qwen3-8B", 10, 500_000_000)])
        seed_chinese_namespaces(s, "2025-10-31", empty={"Wan-AI", "baidu", "ByteDance"})
        s.hf_snapshot("2025-10-31", "author:moonshotai", [("moonshotai/Kimi-K2-Instruct", 9, 90)])
    first_party = at_date(db, "hf_cn_540m_downloads")[0]
    assert first_party["verdict"] == "inconclusive" and "lower bound" in first_party["detail"]
    assert "23 of the 26 namespaces" in first_party["detail"]
    assert "The listing of ByteDance, Wan-AI, baidu came back empty that day" in first_party["detail"]
    models = {r["scope"].split("; ")[1].split(" (")[0]: r for r in latest(db, "article_models_open_on_hf")}
    for model in ("Wan 2.1", "ERNIE 4.5", "Goku"):
        assert (models[model]["verdict"], models[model]["measured"]) == ("inconclusive", None), model
        assert "came back empty on 2025-10-31" in models[model]["detail"]
    # a namespace that listed models and lacks the repo still refutes
    assert (models["Kimi K1.5"]["verdict"], models["Kimi K1.5"]["measured"]) == ("refuted", "not published")


# ---- 3 and 4: OpenRouter weeks ------------------------------------------------------------------

CN = ["qwen/q1", "deepseek/d1", "z-ai/g1", "moonshotai/k1", "minimax/m1", "xiaomi/mimo1", "tencent/h1"]
US = [
    "anthropic/c1",
    "openai/o1",
    "google/g1",
    "x-ai/x1",
    "meta-llama/l1",
    "nvidia/n1",
    "anthropic/c2",
    "openai/o2",
    "google/g2",
    "amazon/a1",
    "microsoft/p1",
    "cohere/c1",
    "perplexity/p1",
    "ai21/j1",
    "openai/o3",
    "google/g3",
    "anthropic/c3",
    "openai/o4",
    "google/g4",
    "x-ai/x2",
    "nvidia/n2",
    "amazon/a2",
    "openai/o5",
    "google/g5",
]


def week_models(chinese: int, *, stealth: int = 0, total: int = 20, free_variant_of: str | None = None):
    slugs = CN[:chinese] + [f"openrouter/stealth-{i}" for i in range(stealth)]
    slugs += US[: total - len(slugs)]
    rows = [(slug, 1000 - i) for i, slug in enumerate(slugs)]
    if free_variant_of:
        rows.append((f"{free_variant_of}:free", 10))
    return rows


def test_seven_of_top20_exactly_supported_per_variant_and_merged(db):
    with seeded(db) as s:
        s.or_week("2025-10-27", week_models(7), other=5000)
    rows = claims(db, "openrouter_cn_7_of_top20")
    # the claim's own week is also the latest complete one
    assert [(r["when"], r["verdict"], r["measured"], r["measured_value"]) for r in rows] == [
        ("at_claim_date", "supported", "7 of 20", 7.0),
        ("latest", "supported", "7 of 20", 7.0),
    ] * 2
    assert "per permaslug variant" in rows[0]["scope"] and "variants merged" in rows[2]["scope"]
    assert "2025-W44" in rows[0]["scope"] and rows[0]["data_date"] == date(2025, 10, 27)
    assert rows[0]["citation"] == "Source: OpenRouter (openrouter.ai/rankings), as of 2025-11-03T01:00:00Z."
    assert rows[0]["as_of"] == "2025-11-03T01:00:00Z"
    assert (rows[0]["expected"], rows[0]["expected_value"]) == ("7 of 20", 7.0)


def test_week_with_a_stealth_model_is_undecided(db):
    with seeded(db) as s:
        s.or_week("2025-10-27", week_models(6, stealth=1), other=5000)
    rows = at_date(db, "openrouter_cn_7_of_top20")
    assert [(r["verdict"], r["measured"], r["measured_value"]) for r in rows] == [
        ("inconclusive", "6 of 20 (+1 of unknown maker)", None)
    ] * 2
    assert "openrouter/stealth-0 (stealth: maker hidden)" in rows[0]["detail"]
    assert "Between 6 and 7 are Chinese" in rows[0]["detail"]


def test_stealth_model_cannot_save_a_count_too_low(db):
    with seeded(db) as s:
        s.or_week("2025-10-27", week_models(4, stealth=1), other=5000)
    assert [v for v, _ in verdicts(db, "openrouter_cn_7_of_top20")] == ["refuted"] * 4


def test_free_variant_counts_per_variant_but_not_merged(db):
    with seeded(db) as s:
        # 6 Chinese in the top 19, and qwen/q1:free at 20th place: 7 per variant, 6 once merged
        rows = week_models(6, total=19)
        rows.append(("qwen/q1:free", 500))
        rows.append(("google/g9", 400))
        s.or_week("2025-10-27", rows, other=5000)
    assert verdicts(db, "openrouter_cn_7_of_top20", when="at_claim_date") == [
        ("supported", "7 of 20"),
        ("refuted", "6 of 20"),
    ]


def test_another_week_is_never_a_verdict_on_the_claims_week(db):
    with seeded(db) as s:
        s.or_week("2026-08-03", week_models(7), other=10)
        s.or_week("2026-08-10", week_models(3), other=10)
        # an incomplete current week (3 days of daily buckets) is never "the latest complete week"
        s.or_pull(
            period="day",
            start="2026-08-17",
            end="2026-08-19",
            rows=[(f"2026-08-{d}", "qwen/q1", 5) for d in (17, 18, 19)],
        )
    then = at_date(db, "openrouter_cn_7_of_top20")
    assert [(r["verdict"], r["measured"], r["measured_value"], r["data_date"]) for r in then] == [
        ("inconclusive", None, None, None)
    ] * 2
    assert "No OpenRouter rankings (all) stored for the week of 2025-10-27 (2025-W44)" in then[0]["detail"]
    assert "collector collect openrouter --since 2025-10-27" in then[0]["detail"]
    now = latest(db, "openrouter_cn_7_of_top20")
    assert [(r["verdict"], r["measured"]) for r in now] == [("refuted", "3 of 20")] * 2
    assert "2026-08-10" in now[0]["scope"]
    # the first complete week with 7 or more, bracketed by the one before (none: it is the first)
    assert "already in the first complete week stored (2026-W32)" in now[0]["detail"]
    asked = claims(db, "openrouter_cn_7_of_top20", week=date(2026, 8, 3), when="asked_week")
    assert [(r["verdict"], r["measured"]) for r in asked] == [("supported", "7 of 20")] * 2
    incomplete = claims(db, "openrouter_cn_7_of_top20", week=date(2026, 8, 17), when="asked_week")
    assert incomplete[0]["verdict"] == "inconclusive" and "3 of 7 days" in incomplete[0]["detail"]
    missing = claims(db, "openrouter_cn_7_of_top20", week=date(2025, 1, 6), when="asked_week")
    assert missing[0]["verdict"] == "inconclusive" and "No OpenRouter rankings" in missing[0]["detail"]
    # as known before the second week was pulled
    before = latest(db, "openrouter_cn_7_of_top20", as_of=date(2026, 8, 12))
    assert "2026-08-03" in before[0]["scope"] and before[0]["verdict"] == "supported"


def test_crossing_week_bracketed_by_the_week_before(db):
    with seeded(db) as s:
        s.or_week("2025-10-13", week_models(5), other=10)
        s.or_week("2025-10-20", week_models(6), other=10)
        s.or_week("2025-10-27", week_models(8), other=10)
    now = latest(db, "openrouter_cn_7_of_top20")[0]
    assert (
        "First complete week with 7 or more of the top 20 made in China: 2025-W44 (the complete week before, 2025-W43"
        in (now["detail"])
    )
    crossing = query(
        db, "SELECT crossed_on, previous_date FROM claim_crossings WHERE claim_id = 'openrouter_cn_7_of_top20'"
    )
    assert crossing == [(date(2025, 10, 27), date(2025, 10, 20))]


PROGRAMMING = [
    ("qwen/q1", 100),
    ("anthropic/c1", 90),
    ("deepseek/d1", 80),
    ("z-ai/g1", 70),
    ("openai/o1", 60),
    ("moonshotai/k1", 50),
    ("google/g1", 40),
    ("x-ai/x1", 30),
    ("anthropic/c2", 20),
    ("openai/o2", 10),
]


def test_four_of_top10_programming_both_readings(db):
    with seeded(db) as s:
        s.or_week("2025-10-27", week_models(7), other=5000)
        s.or_week("2025-10-27", PROGRAMMING, category="programming", other=100)
        s.or_apps("2025-10-27", "2025-11-02", ["Kilo Code", "Cline", "Roo Code"])
    rows = at_date(db, "openrouter_cn_4_of_top10_programming")
    assert [(r["verdict"], r["measured"]) for r in rows] == [
        ("supported", "4 of 10"),
        ("supported", "4 of 10"),
        ("inconclusive", "not measurable"),
    ]
    assert "4 of them are also in that week's overall top 20" in rows[0]["detail"]
    assert "sampled, weekly estimate" in rows[0]["detail"]
    assert "1. Kilo Code, 2. Cline, 3. Roo Code" in rows[2]["detail"]
    assert rows[2]["citation"] == "Source: OpenRouter (openrouter.ai/apps), as of 2025-11-03T01:00:00Z."


def test_a_short_programming_ranking_is_decided_when_every_tenth_model_decides_it(db):
    """6 Chinese among 9 ranked models: whatever the tenth is, the count is 6 or 7 of 10, never 4, so
    the exact claim is refuted (not inconclusive); with no overall ranking stored that week, how many of
    them are in the overall top 20 is unknown (not 0)."""
    short = [("qwen/q1", 100), ("deepseek/d1", 90), ("z-ai/g1", 80), ("moonshotai/k1", 70), ("minimax/m1", 60)]
    short += [("xiaomi/mimo1", 50), ("openai/o1", 40), ("google/g1", 30), ("anthropic/c1", 20)]
    with seeded(db) as s:
        s.or_week("2025-10-27", short, category="programming", other=100)
    row = at_date(db, "openrouter_cn_4_of_top10_programming")[0]
    assert (row["verdict"], row["measured"], row["measured_value"]) == ("refuted", "6 of 9", None)
    assert "between 6 and 7 whatever the missing ones are" in row["detail"]
    assert "0 of them" not in row["detail"]
    assert "No overall ranking (category all) of that week is stored" in row["detail"]
    # 4 Chinese of 8 ranked could be 4 to 6 of 10: undecided, with the range
    with seeded(db) as s:
        s.or_week("2025-11-03", short[:4] + short[6:] + [("x-ai/x1", 1)], category="programming")
    row = claims(db, "openrouter_cn_4_of_top10_programming", week=date(2025, 11, 3), when="asked_week")[0]
    assert (row["verdict"], row["measured"]) == ("inconclusive", "4 of 8")
    assert "Between 4 and 6 are Chinese" in row["detail"]


# ---- 5, 6, 7: parameters, top-100 lists, prices -------------------------------------------------


def test_qwq_parameter_ratio(db):
    with seeded(db) as s:
        s.hf_snapshot("2026-05-01", "top_downloads:10", [("Qwen/QwQ-32B", 10, 10), ("deepseek-ai/DeepSeek-R1", 10, 10)])
        s.hf_model("Qwen/QwQ-32B", params=32_763_876_352)
        s.hf_model("deepseek-ai/DeepSeek-R1", params=684_531_386_000)
    then, now = claims(db, "qwq_5pct_of_r1_params")
    assert then["when"] == "at_claim_date" and "does not change" in then["detail"]
    row = now
    assert (row["measured"], row["verdict"], round(row["measured_value"], 4)) == ("4.79%", "supported", 0.0479)
    assert (row["expected"], row["expected_value"]) == ("5% (4.50% to 5.50%)", 0.05)
    assert "32,763,876,352 / 684,531,386,000" in row["detail"] and "out of scope" in row["detail"]


def test_qwq_ratio_outside_rounding_is_refuted_and_missing_is_inconclusive(db):
    with seeded(db) as s:
        s.hf_model("Qwen/QwQ-32B", params=40_000_000_000)
        s.hf_model("deepseek-ai/DeepSeek-R1", params=684_531_386_000)
    assert verdicts(db, "qwq_5pct_of_r1_params") == [("refuted", "5.84%")] * 2
    other = claims(db, "qwq_5pct_of_r1_params", as_of=date(2026, 4, 1))  # neither seen yet
    assert other[0]["verdict"] == "inconclusive" and "not in the store" in other[0]["detail"]


def test_41_of_top100_on_the_hub_and_openrouter(db):
    with seeded(db) as s:
        top = [(f"Qwen/Qwen-m{i}", 10_000 - i, 10) for i in range(41)]
        top += [(f"google/gemma-m{i}", 5_000 - i, 10) for i in range(59)]
        top += [(f"google/t5-tail{i}", 10, 10, "text2text-generation") for i in range(20)]
        s.hf_snapshot("2025-04-01", "top_downloads:120", top)
        s.or_week(
            "2025-10-27", [(f"qwen/q{i}", 1000 - i) for i in range(21)] + [(f"openai/o{i}", 500 - i) for i in range(29)]
        )
    rows = claims(db, "cn_41_of_top100")
    assert [(r["when"], r["verdict"], r["measured"]) for r in rows] == [
        ("at_claim_date", "supported", "41 of 100"),
        ("latest", "supported", "41 of 100"),
        ("at_claim_date", "supported", "41 of 100"),
        ("latest", "supported", "41 of 100"),
        # the survey's ISO week (2025-W14) is not stored: only the latest week is counted
        ("at_claim_date", "inconclusive", None),
        ("latest", "supported", "21 of 50"),
    ]
    assert "2025-W14" in rows[4]["detail"] and "says nothing about that one" in rows[4]["detail"]


def test_41_of_top100_language_models_incomplete_below_cutoff(db):
    with seeded(db) as s:
        # 100 models in the top 100, only 60 of them language models: the LM top 100 must reach below the
        # top-N cut-off, where uncollected language models could sit
        top = [(f"Qwen/Qwen-m{i}", 10_000 - i, 10) for i in range(60)]
        top += [(f"BAAI/bge-m{i}", 5_000 - i, 10, "feature-extraction") for i in range(40)]
        s.hf_snapshot("2025-04-01", "top_downloads:100", top)
        s.hf_snapshot("2025-04-01", "author:meta-llama", [(f"meta-llama/Llama-m{i}", 5, 5) for i in range(40)])
    rows = at_date(db, "cn_41_of_top100")
    assert (rows[0]["verdict"], rows[0]["measured"]) == ("refuted", "100 of 100")
    assert rows[1]["verdict"] == "inconclusive" and "cut-off" in rows[1]["detail"]


def test_deepseek_price_ratios_per_pair_and_maximum(db):
    with seeded(db) as s:
        s.or_catalog(
            "2025-12-18",
            [
                {"id": "deepseek/deepseek-r1", "prompt": "0.0000003", "completion": "0.0000012"},
                {"id": "openai/o1", "prompt": "0.000015", "completion": "0.00006"},
                {"id": "deepseek/deepseek-chat", "prompt": "0.0000003", "completion": "0.0000012"},
                {"id": "openai/gpt-4o", "prompt": "0.0000025", "completion": "0.00001"},
                {"id": "deepseek/deepseek-v3.2", "prompt": "0", "completion": "0"},
            ],
        )
    rows = {r["scope"].split("; ")[1]: r for r in claims(db, "deepseek_40x_cheaper")}
    pair = rows["deepseek/deepseek-r1 vs openai/o1, per million tokens on 2025-12-18"]
    assert (pair["measured"], pair["verdict"]) == ("input 50.0x, output 50.0x", "supported")
    v3 = rows["deepseek/deepseek-chat vs openai/gpt-4o, per million tokens on 2025-12-18"]
    assert (v3["measured"], v3["verdict"]) == ("input 8.3x, output 8.3x", "refuted")
    assert rows["deepseek/deepseek-v3.2 vs openai/gpt-5, per million tokens on 2025-12-18"]["verdict"] == "inconclusive"
    best = rows["the largest ratio over the compared pairs on 2025-12-18"]
    assert (best["measured"], best["verdict"]) == ("50.0x", "supported")
    assert "deepseek/deepseek-r1 vs openai/o1 (2 of 5 pairs priced" in best["detail"]


def test_deepseek_exactly_40x_reaches_up_to_40(db):
    with seeded(db) as s:
        s.or_catalog(
            "2025-12-18",
            [
                {"id": "deepseek/deepseek-r1", "prompt": "0.000001", "completion": "0.000002"},
                {"id": "openai/o1", "prompt": "0.00004", "completion": "0.00004"},
            ],
        )
    best = claims(db, "deepseek_40x_cheaper")[-1]
    assert (best["measured"], best["verdict"]) == ("40.0x", "supported")


# ---- 8: Qwen vs Llama over time ----------------------------------------------------------------


def test_qwen_vs_llama_crossover_dated_from_history(db):
    with seeded(db) as s:
        for day, qwen, llama in [("2025-04-01", 50, 100), ("2025-05-01", 90, 100), ("2025-06-01", 120, 100)]:
            s.hf_snapshot(day, "author:Qwen", [("Qwen/Qwen3-8B", qwen, qwen * 10)])
            s.hf_snapshot(day, "author:meta-llama", [("meta-llama/Llama-3.1-8B", llama, llama * 10)])
    rows = claims(db, "qwen_overtakes_llama")
    assert [(r["when"], r["verdict"], r["measured"]) for r in rows] == [
        ("at_claim_date", "refuted", "Qwen 50 vs Llama 100"),  # both namespaces crawled in full: complete
        ("latest", "supported", "Qwen 120 vs Llama 100"),
        # with derivatives both figures are lower bounds: either may be the larger
        ("at_claim_date", "inconclusive", "Qwen 50 vs Llama 100"),
        ("latest", "inconclusive", "Qwen 120 vs Llama 100"),
    ]
    assert rows[0]["measured_value"] == 0.5 and rows[0]["expected"] == "Qwen >= Llama"
    assert "Qwen first reached Llama on the snapshot of 2025-06-01 (the one before, 2025-05-01" in rows[0]["detail"]
    assert query(
        db,
        "SELECT crossed_on, previous_date FROM claim_crossings WHERE claim_id = 'qwen_overtakes_llama' "
        "AND scope LIKE '%first-party%'",
    ) == [(date(2025, 6, 1), date(2025, 5, 1))]
    # as known on 2025-05-15: no crossover yet
    early = claims(db, "qwen_overtakes_llama", as_of=date(2025, 5, 15))
    assert (
        "No crossover in the 2 snapshots from 2025-04-01 to 2025-05-01: Llama ahead throughout." in early[0]["detail"]
    )


def test_qwen_vs_llama_another_period_is_no_verdict(db):
    with seeded(db) as s:
        s.hf_snapshot("2026-05-01", "author:Qwen", [("Qwen/Qwen3-8B", 500, 5000)])
        s.hf_snapshot("2026-05-01", "author:meta-llama", [("meta-llama/Llama-3.1-8B", 100, 1000)])
    then = at_date(db, "qwen_overtakes_llama")[0]
    assert (then["verdict"], then["measured"], then["measured_value"]) == ("inconclusive", None, None)
    assert "no verdict on the claim's date" in then["detail"] and "collector import hub-stats" in then["detail"]
    assert latest(db, "qwen_overtakes_llama")[0]["verdict"] == "supported"


# ---- 9: the article's open models ---------------------------------------------------------------


def test_article_models_found_missing_and_uncrawled(db):
    with seeded(db) as s:
        s.hf_snapshot(
            "2026-05-01",
            "author:XiaomiMiMo",
            [("XiaomiMiMo/MiMo-7B-RL", 1_000, 50_000), ("XiaomiMiMo/MiMo-7B-Base", 500, 20_000)],
        )
        s.hf_model("XiaomiMiMo/MiMo-7B-Base", created="2025-04-29", params=7_000_000_000)
        s.hf_model("XiaomiMiMo/MiMo-7B-RL", created="2025-04-30", params=7_000_000_000)
        s.hf_snapshot("2026-05-01", "author:moonshotai", [("moonshotai/Kimi-K2-Instruct", 9, 90)])
        s.hf_model("moonshotai/Kimi-K2-Instruct", created="2025-07-11")
        s.hf_snapshot("2025-06-01", "author:THUDM", [("THUDM/CogView4-6B", 4, 40)])
    rows = {r["scope"].split("; ")[1].split(" (")[0]: r for r in claims(db, "article_models_open_on_hf")}
    assert len(rows) == 15
    mimo = rows["MiMo"]
    assert mimo["verdict"] == "supported"
    assert mimo["measured"] == "published: 2 repo(s) since 2025-04-29; 1,500 downloads in 30 days, 70,000 all-time"
    assert "XiaomiMiMo/MiMo-7B-Base (created 2025-04-29)" in mimo["detail"]
    assert (rows["Kimi K1.5"]["verdict"], rows["Kimi K1.5"]["measured"]) == ("refuted", "not published")
    assert rows["Kimi K2"]["verdict"] == "supported"
    assert "after the article's date" in rows["Kimi K2"]["detail"]
    assert rows["Goku"]["verdict"] == "inconclusive" and "not crawled" in rows["Goku"]["detail"]
    # found under its old namespace, reported under the new one
    assert rows["CogView-4"]["verdict"] == "supported" and "zai-org/CogView4-6B" in rows["CogView-4"]["detail"]


def test_article_models_counted_on_the_newest_day_known_then(db):
    """Downloads come from each repo's newest listing as known on --as-of: a later listing (and a repo
    missing from the newest snapshot) must not leak into an earlier report."""
    with seeded(db) as s:
        s.hf_snapshot(
            "2026-04-01",
            "author:XiaomiMiMo",
            [("XiaomiMiMo/MiMo-7B-RL", 100, 5_000), ("XiaomiMiMo/MiMo-7B-Base", 50, 2_000)],
        )
        s.hf_snapshot("2026-04-20", "author:XiaomiMiMo", [("XiaomiMiMo/MiMo-7B-RL", 300, 7_000)])
        s.hf_snapshot(
            "2026-05-01",
            "author:XiaomiMiMo",
            [("XiaomiMiMo/MiMo-7B-RL", 900, 9_000), ("XiaomiMiMo/MiMo-7B-Base", 70, 2_500)],
        )

    def measured(as_of):
        return [
            r["measured"]
            for r in latest(db, "article_models_open_on_hf", as_of=as_of)
            if r["scope"].startswith("Hugging Face Hub; MiMo ")
        ][0]

    assert measured(None) == "published: 2 repo(s) since 2025-01-15; 970 downloads in 30 days, 11,500 all-time"
    # on 2026-04-25 the Base repo's newest listing is 2026-04-01, the RL repo's 2026-04-20
    assert (
        measured(date(2026, 4, 25)) == "published: 2 repo(s) since 2025-01-15; 350 downloads in 30 days, 9,000 all-time"
    )
    assert (
        measured(date(2026, 4, 5)) == "published: 2 repo(s) since 2025-01-15; 150 downloads in 30 days, 7,000 all-time"
    )
    # both repos were created the same moment: the first repo named is the first id, every time (it
    # alternated between runs when the tie was left to the aggregate), in the claim and in the report
    mimo = next(r for r in latest(db, "article_models_open_on_hf") if r["scope"].startswith("Hugging Face Hub; MiMo "))
    assert "First repo: XiaomiMiMo/MiMo-7B-Base (created 2025-01-15)" in mimo["detail"]
    assert query(db, "SELECT first_repo FROM report_article_models(NULL) WHERE model = 'MiMo'") == [
        ("XiaomiMiMo/MiMo-7B-Base",)
    ]


# ---- nothing after --as-of; full-Hub days; claims as data ---------------------------------------


def test_as_of_before_the_only_snapshot_gives_only_inconclusive_rows(db):
    """The only Hub snapshot is of December: a report as known on 2026-08-20 must not read it, in any
    claim (the top-100 claim once read every day when no day was known)."""
    with seeded(db) as s:
        top = [(f"Qwen/Qwen-m{i}", 10_000 - i, 10) for i in range(56)]
        top += [(f"google/gemma-m{i}", 5_000 - i, 10) for i in range(44)]
        s.hf_snapshot("2026-12-01", "top_downloads:100", top)
        s.hf_snapshot("2026-12-01", "author:meta-llama", [("meta-llama/Llama-3.1-8B", 10, 2_000_000_000)])
        s.hf_model("Qwen/QwQ-32B", params=32_763_876_352, seen="2026-12-01")
        s.hf_model("deepseek-ai/DeepSeek-R1", params=684_531_386_000, seen="2026-12-01")
    rows = claims(db, as_of=date(2026, 8, 20))
    assert {r["verdict"] for r in rows} == {"inconclusive"}
    assert {r["measured_value"] for r in rows} == {None} and {r["measured"] for r in rows} <= {None}
    assert {r["data_date"] for r in rows} == {None} and {r["as_of"] for r in rows} == {None}
    assert not [r for r in rows if "2026-12" in r["scope"] + r["detail"]]
    # without --as-of the December figures are there
    assert latest(db, "cn_41_of_top100")[0]["measured"] == "56 of 100"


def test_full_hub_day_gives_the_share_of_all_hub_downloads(db):
    with seeded(db) as s:
        s.hf_snapshot(
            "2025-03-18",
            "full_hub",
            [("meta-llama/Llama-3.1-8B", 10, 700_000_000), ("google/gemma-2b", 5, 1_300_000_000)],
        )
        s.hf_snapshot("2026-05-01", "author:meta-llama", [("meta-llama/Llama-3.1-8B", 10, 800_000_000)])
    assert query(db, "SELECT full_hub FROM claim_hf_days ORDER BY snapshot_date") == [(True,), (False,)]
    then = at_date(db, "llama_1b_downloads")[0]
    # a full-Hub day lists every repo: first-party is complete, so 700 million refutes the Hub reading
    assert (then["verdict"], then["measured_value"]) == ("refuted", 7e8)
    assert (
        "This scope holds 35.0% of all Hub all-time downloads that day (700,000,000 of 2,000,000,000)"
        in (then["detail"])
    )
    assert "Full-Hub snapshot of 2025-03-18 (2 models, every model of the Hub)" in then["detail"]
    now = latest(db, "llama_1b_downloads")[0]
    assert "This scope holds" not in now["detail"] and "the Hub-wide total is not collected" in now["detail"]


def test_a_full_hub_days_top_100_cuts_ties_by_id_and_ranks_null_counts_last(db):
    """The day's top 100 (all models, and language models) is the whole day ranked by 30-day downloads,
    ties by id, unknown counts last: the roll-up sorts only the rows at or above each list's 100th
    count, which must give the same rows as ranking every model (checked here against Python)."""
    rng = random.Random(100)
    models = [
        (f"org{i % 7}/m{i:03d}", rng.choice([5, 7, 7, 7, 9, 12, 40, None]), 1, "text-generation") for i in range(130)
    ]
    models += [(f"org{i % 5}/img{i:03d}", rng.choice([7, 9, 500, None]), 1, "text-to-image") for i in range(60)]
    with seeded(db) as s:
        s.hf_snapshot("2025-04-02", "full_hub", [m[:3] for m in models])
        for model_id, _, _, tag in models:
            s.hf_model(model_id, pipeline_tag=tag, seen="2025-04-02")

    def ranked(rows):
        order = sorted(rows, key=lambda m: (m[1] is None, -(m[1] or 0), m[0]))
        return [(rank, m[0], m[1]) for rank, m in enumerate(order[:100], start=1)]

    kept = {
        name: query(
            db,
            "SELECT rank, model_id, downloads_30d FROM internal.hf_rollup_top100 WHERE list = ? ORDER BY rank",
            [name],
        )
        for name in ("all", "language")
    }
    assert kept["all"] == ranked(models)
    language = [m for m in models if m[3] == "text-generation"]
    assert kept["language"] == ranked(language)
    assert sum(1 for m in language if m[1] is not None) >= 100 and kept["language"][-1][2] in (5, 7)


def test_a_full_hub_days_top_100_is_every_model_ranked_and_kept_as_a_roll_up(db):
    """On a full-Hub day the top 100 is the whole Hub ranked (not a listing's first ranks): the day's
    roll-up keeps it, the claim and the report's chart read it, and a day without a top 100 has none."""
    models = [(f"Qwen/Qwen-m{i}", 1_000 + i, 10) for i in range(45)]  # the 45 Chinese among the top
    models += [(f"google/gemma-m{i}", 2_000 + i, 10) for i in range(55)]
    models += [(f"google/tail-m{i}", 100 - i, 10) for i in range(50)]  # outside the top 100
    models += [(f"Qwen/low-m{i}", i, 10) for i in range(30)]  # Chinese, but below the top 100
    with seeded(db) as s:
        s.hf_snapshot("2025-04-02", "full_hub", models)
        s.hf_snapshot("2025-04-03", "author:Qwen", [("Qwen/Qwen-m0", 1_001, 10)])
    kept = query(
        db,
        "SELECT snapshot_date::VARCHAR, list, count(*), min(downloads_30d), max(rank) FROM internal.hf_rollup_top100 "
        "GROUP BY ALL ORDER BY ALL",
    )
    assert kept == [
        ("2025-04-02", "all", 100, 1_000, 100),
        ("2025-04-02", "language", 100, 1_000, 100),
    ]
    rows = at_date(db, "cn_41_of_top100")
    assert [(r["verdict"], r["measured"], str(r["data_date"])) for r in rows[:2]] == [
        ("refuted", "45 of 100", "2025-04-02"),
        ("refuted", "45 of 100", "2025-04-02"),
    ]
    chart = query(db, "SELECT snapshot_date::VARCHAR, in_country, listed FROM report_hub_top100_country('China')")
    assert chart == [("2025-04-02", 45, 100)]
    # a day whose top 100 is not rolled up (a failed roll-up, an upgraded store) counts nothing, and says why
    from collector import store

    with store.writer(db) as con:
        con.execute("DELETE FROM internal.hf_rollup_top100")
    row = at_date(db, "cn_41_of_top100")[0]
    assert (row["verdict"], row["measured"], row["measured_value"]) == ("inconclusive", None, None)
    assert "not rolled up yet" in row["detail"] and "collector refresh --rollups" in row["detail"]


def test_a_claim_added_through_the_file_alone(db, tmp_path):
    """A user adds "Qwen passed one billion all-time Hub downloads" as one CSV line (kind threshold):
    no SQL, no Python, and the claim has its rows in `claims`."""
    from collector import reference as refdata
    from collector import store

    folder = tmp_path / "reference"
    folder.mkdir()
    for spec in refdata.TABLES:
        (folder / spec.file).write_bytes((refdata.REFERENCE_DIR / spec.file).read_bytes())
    with (folder / "claims.csv").open("a") as fh:
        fh.write(
            "qwen_1b_downloads,threshold,Qwen passed one billion all-time Hub downloads,(e) a test,news,"
            "https://example.org/qwen,2026-01-15,7 days,"
            "subject=family:Qwen; metric=downloads_all_time; op=>=; value=1000000000,Added in a test\n"
        )
    with seeded(db) as s:
        s.hf_snapshot("2026-01-10", "author:Qwen", [("Qwen/Qwen3-8B", 10, 1_100_000_000)])
        s.hf_snapshot("2026-01-01", "top_downloads:10", [("unsloth/Qwen3-8B-GGUF", 5, 900_000_000)])
    with store.writer(db) as con:
        refdata.load_into(con, folder)
    rows = [r for r in claims(db) if r["claim_id"] == "qwen_1b_downloads"]
    assert [(r["when"], r["scope"].split("; ")[1], r["verdict"]) for r in rows] == [
        ("at_claim_date", "Qwen family, first-party", "supported"),
        ("latest", "Qwen family, first-party", "supported"),
        ("at_claim_date", "Qwen family, with derivatives", "supported"),
        ("latest", "Qwen family, with derivatives", "supported"),
    ]
    assert rows[0]["data_date"] == date(2026, 1, 10) and rows[0]["source"] == "(e) a test"
    assert rows[0]["measured_value"] == 1.1e9 and rows[0]["expected_value"] == 1e9
    # the new claim comes last, after the nine
    assert [r["claim_id"] for r in claims(db)][-1] == "qwen_1b_downloads"


def test_a_claim_of_another_kind_added_through_the_file(db, tmp_path):
    """ "DeepSeek is OpenRouter's most-used maker" is one CSV line of kind top_maker; tokens outside the
    top 50 could be anyone's, so a week where they could change the leader stays inconclusive."""
    from collector import reference as refdata
    from collector import store

    folder = tmp_path / "reference"
    folder.mkdir()
    for spec in refdata.TABLES:
        (folder / spec.file).write_bytes((refdata.REFERENCE_DIR / spec.file).read_bytes())
    with (folder / "claims.csv").open("a") as fh:
        fh.write(
            "deepseek_top_maker,top_maker,DeepSeek is OpenRouter's most-used maker,(e) a test,news,,2025-10-27,"
            "ISO week,list=openrouter:all; maker=DeepSeek,\n"
        )
    week = [("deepseek/d1", 5000), ("anthropic/c1", 4000), ("deepseek/d2", 3000), ("openai/o1", 1000)]
    with seeded(db) as s:
        s.or_week("2025-10-27", week, other=100)
        s.or_week("2025-11-03", week, other=5000)
    with store.writer(db) as con:
        refdata.load_into(con, folder)
    rows = [r for r in claims(db, week=date(2025, 11, 3)) if r["claim_id"] == "deepseek_top_maker"]
    assert [(r["when"], r["verdict"], r["measured"]) for r in rows] == [
        ("at_claim_date", "supported", "DeepSeek 8,000 tokens; Anthropic 4,000"),
        ("latest", "inconclusive", "DeepSeek 8,000 tokens; Anthropic 4,000"),
        ("asked_week", "inconclusive", "DeepSeek 8,000 tokens; Anthropic 4,000"),
    ]
    assert rows[0]["measured_value"] is None  # 100 tokens outside the top 50: no exact ratio
    assert "5,000 tokens could be anyone's" in rows[1]["detail"] and rows[1]["data_date"] == date(2025, 11, 3)
    assert rows[0]["citation"] == "Source: OpenRouter (openrouter.ai/rankings), as of 2025-11-03T01:00:00Z."


def test_a_latest_week_older_than_the_other_rankings_says_so(db):
    """The store's programming ranking ends in October while the overall one runs to December: the
    programming claim's 'latest' row is October's week, and says that later weeks are unknown."""
    with seeded(db) as s:
        s.or_week("2025-10-27", PROGRAMMING, category="programming", other=100)
        s.or_week("2025-10-27", week_models(7), other=5000)
        s.or_week("2025-12-08", week_models(7), other=5000)
    row = latest(db, "openrouter_cn_4_of_top10_programming")[0]
    assert row["data_date"] == date(2025, 10, 27)
    assert "latest complete week of the programming ranking, 6 weeks before" in row["detail"]
    assert "(2025-W50)" in row["detail"] and "--since 2025-11-03" in row["detail"]
    # the overall claim's latest week is the newest one: no such sentence
    overall = latest(db, "openrouter_cn_7_of_top20")[0]
    assert overall["data_date"] == date(2025, 12, 8)
    assert "whether the claim still holds after it is unknown" not in overall["detail"]
