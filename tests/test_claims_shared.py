"""Cross-check tier over the real captures in ../shared/data (skipped when absent): the views against an
independent computation in this file (plain Python over the same files and reference CSVs)."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, timedelta

import pytest

from collector import reference as refdata
from tests.conftest import query
from tests.seed import LINEAGE_TAG, load_hub_sample, load_openrouter_capture, seeded

pytestmark = pytest.mark.shared

LINEAGE = re.compile(LINEAGE_TAG)
SNAPSHOT_DAY = date(2026, 5, 28)


# ---- the Hub sample as one snapshot ------------------------------------------------------------


@pytest.fixture(scope="module")
def hub_db(tmp_path_factory):
    from tests.conftest import SHARED_DATA

    sample = SHARED_DATA / "hf" / "hub_stats_sample_2026-06.parquet"
    if not sample.exists():
        pytest.skip("../shared/data is absent (a user's clone has none)")
    db = tmp_path_factory.mktemp("hub") / "hub.duckdb"
    with seeded(db) as s:
        load_hub_sample(s, sample, SNAPSHOT_DAY)
    import polars as pl

    return db, pl.read_parquet(sample, columns=["id", "downloads", "downloadsAllTime", "tags", "pipeline_tag"])


class Independent:
    """Family and organisation attribution re-implemented from the reference CSVs, in Python."""

    def __init__(self, frame):
        ref = refdata.load()
        self.aliases = {r["old_namespace"].lower(): r["new_namespace"] for r in ref["hf_aliases.csv"]}
        self.namespaces = {r["namespace"].lower(): r for r in ref["hf_namespaces.csv"]}
        self.countries = {r["organisation"]: r["country"] for r in ref["organisations.csv"]}
        self.families = ref["families.csv"]
        self.lm_tags = {r["pipeline_tag"] for r in ref["hf_language_pipeline_tags.csv"]}
        self.rows = frame.to_dicts()
        self.parents: dict[str, list[str]] = defaultdict(list)
        for row in self.rows:
            child = self.key(row["id"])
            for tag in row["tags"] or []:
                match = LINEAGE.match(tag)
                if match and self.key(match.group(2)) != child and self.key(match.group(2)) not in self.parents[child]:
                    self.parents[child].append(self.key(match.group(2)))

    def key(self, model_id: str) -> str:
        if "/" not in model_id:
            return model_id.lower()
        namespace, name = model_id.split("/", 1)
        return f"{self.aliases.get(namespace.lower(), namespace)}/{name}".lower()

    def first_party(self, key: str):
        if "/" not in key:
            return None
        namespace, name = key.split("/", 1)
        hits = [
            (len(f["id_pattern"]), f["family"], f["organisation"])
            for f in self.families
            if f["namespace"].lower() == namespace and re.search(f["id_pattern"], name)
        ]
        if not hits:
            return None
        hits.sort(key=lambda h: (-h[0], h[1]))
        return hits[0][1], hits[0][2]

    def shares(self, key: str, depth: int = 0) -> dict[tuple[str, str], float]:
        """{(family, family organisation): weight}, top-down with memoisation (the view walks bottom-up):
        a first-party model is its family's; otherwise each parent gets an equal share of the weight,
        and a model without parents, or still walking after 20 steps, is 'other'."""
        memo = self.__dict__.setdefault("_memo", {})
        if (key, depth) in memo:
            return memo[key, depth]
        found = self.first_party(key)
        parents = self.parents.get(key, [])
        if found:
            out = {found: 1.0}
        elif not parents or depth >= 20:
            out = {("other", "unknown"): 1.0}
        else:
            out = defaultdict(float)
            for parent in parents:
                for share, weight in self.shares(parent, depth + 1).items():
                    out[share] += weight / len(parents)
        memo[key, depth] = dict(out)
        return memo[key, depth]

    def publisher(self, key: str):
        listed = self.namespaces.get(key.split("/", 1)[0]) if "/" in key else None
        return (listed["organisation"], listed["role"]) if listed else ("unknown", "unlisted")


@pytest.fixture(scope="module")
def independent(hub_db):
    return Independent(hub_db[1])


def test_family_totals_match_an_independent_computation(hub_db, independent):
    db, _ = hub_db
    first = defaultdict(int)
    with_derivatives = defaultdict(float)
    lm_first = defaultdict(int)
    for row in independent.rows:
        key = independent.key(row["id"])
        found = independent.first_party(key)
        if found:
            first[found[0]] += row["downloads"]
            if row["pipeline_tag"] in independent.lm_tags:
                lm_first[found[0]] += row["downloads"]
        merged = defaultdict(float)
        for (family, _), weight in independent.shares(key).items():
            merged[family] += weight
        assert sum(merged.values()) == pytest.approx(1.0)
        for family, weight in merged.items():
            with_derivatives[family] += weight * row["downloads"]
    views = query(db, "SELECT family, scope, downloads_30d, lm_downloads_30d FROM hf_downloads_by_family")
    got_first = {f: d for f, s, d, _ in views if s == "first-party"}
    got_lm = {f: lm for f, s, _, lm in views if s == "first-party"}
    got_deriv = {f: d for f, s, d, _ in views if s == "with derivatives"}
    assert got_first == dict(first)
    assert got_lm == {f: v for f, v in lm_first.items()} | {f: 0 for f in first if f not in lm_first}
    assert set(got_deriv) == set(with_derivatives)
    for family, expected in with_derivatives.items():
        assert abs(got_deriv[family] - expected) <= 1, family
    # the families the claims compare are really there, with derivatives adding to them
    assert got_deriv["Qwen"] > got_first["Qwen"] > 0 and got_deriv["Llama"] > got_first["Llama"] > 0
    # and no download is lost or invented by the attribution
    total = sum(r["downloads"] for r in independent.rows)
    assert abs(sum(got_deriv.values()) - total) <= len(got_deriv)


def test_country_totals_match_an_independent_computation(hub_db, independent):
    db, _ = hub_db
    first = defaultdict(int)
    attributed = defaultdict(float)
    for row in independent.rows:
        key = independent.key(row["id"])
        publisher, role = independent.publisher(key)
        if role == "developer":
            first[independent.countries[publisher]] += row["downloadsAllTime"]
        for (family, family_org), weight in independent.shares(key).items():
            if role == "developer":
                org = publisher
            elif family != "other":
                org = family_org
            elif role == "community":
                org = publisher
            else:
                org = "unknown"
            attributed[independent.countries.get(org, "unknown")] += weight * row["downloadsAllTime"]
    views = query(db, "SELECT country, scope, downloads_all_time, share_30d FROM hf_downloads_by_country")
    assert {c: d for c, s, d, _ in views if s == "first-party"} == dict(first)
    got = {c: d for c, s, d, _ in views if s == "with derivatives"}
    assert set(got) == set(attributed)
    for country, expected in attributed.items():
        assert abs(got[country] - expected) <= 50, country  # per-organisation rounding of merge shares
    assert sum(share for _, s, _, share in views if s == "with derivatives") == pytest.approx(1.0)


def test_claims_on_the_hub_sample(hub_db, independent):
    db, _ = hub_db
    llama = {
        r[0]: r[1:]
        for r in query(
            db,
            """SELECT scope, measured, verdict FROM claim_threshold()
               WHERE claim_id = 'llama_1b_downloads' AND "when" = 'latest'""",
        )
    }
    meta_all_time = sum(
        r["downloadsAllTime"]
        for r in independent.rows
        if (independent.first_party(independent.key(r["id"])) or ("",))[0] == "Llama"
    )
    first = next(v for k, v in llama.items() if "first-party" in k)
    assert first[0] == f"{meta_all_time:,}"
    # a sample of the Hub, not a crawl of meta-llama: below the billion it is only a lower bound
    assert meta_all_time < 1_000_000_000 and first[1] == "inconclusive"
    (ratio,) = query(db, """SELECT measured, verdict FROM claim_ratio_params() WHERE "when" = 'latest'""")
    params = dict(
        query(
            db,
            """SELECT model_id, safetensors_total FROM hf_models
                               WHERE model_id IN ('Qwen/QwQ-32B', 'deepseek-ai/DeepSeek-R1')""",
        )
    )
    if len(params) == 2 and all(params.values()):
        assert ratio == (f"{100 * params['Qwen/QwQ-32B'] / params['deepseek-ai/DeepSeek-R1']:.2f}%", "supported")


# ---- OpenRouter: the real catalog and 90 days of real rankings ---------------------------------


@pytest.fixture(scope="module")
def or_db(tmp_path_factory):
    from tests.conftest import SHARED_DATA

    catalog_file = SHARED_DATA / "openrouter" / "models_2025-12-18.json"
    rankings_file = SHARED_DATA / "openrouter" / "rankings_daily_2026-05-24_2026-08-21.json"
    if not (catalog_file.exists() and rankings_file.exists()):
        pytest.skip("../shared/data is absent (a user's clone has none)")
    db = tmp_path_factory.mktemp("or") / "or.duckdb"
    with seeded(db) as s:
        catalog, rankings = load_openrouter_capture(s, catalog_file, rankings_file)
    return db, catalog, rankings


def test_catalog_mapping_on_the_real_snapshot(or_db):
    db, catalog, _ = or_db
    mapped = {
        r[0]: r[1:]
        for r in query(
            db,
            """SELECT model_permaslug, catalog_ids, author, mapped_by, hugging_face_id,
                                                       organisation FROM or_model_attribution""",
        )
    }
    by_slug = defaultdict(list)
    for m in catalog:
        by_slug[m["canonical_slug"]].append(m)
    for slug, models in by_slug.items():
        ids, author, mapped_by, hf_id, _ = mapped[slug]
        assert ids == sorted(m["id"] for m in models) and mapped_by == "catalog"
        assert author == models[0]["id"].split("/")[0]
        hf = next((m["hugging_face_id"] for m in models if m.get("hugging_face_id")), None)
        if hf:
            assert hf_id.lower().split("/", 1)[1] == hf.lower().split("/", 1)[1]
    # the id and the permaslug differ (a dated canonical slug): only the catalog links them
    assert mapped["openai/gpt-4o-2024-11-20"][:3] == (["openai/gpt-4o-2024-11-20"], "openai", "catalog")
    assert mapped["deepseek/deepseek-r1"][4] == "DeepSeek"
    # stealth authors in the catalog are unknown
    for slug, (_ids, author, *_rest) in mapped.items():
        if author in ("openrouter", "stealth"):
            assert mapped[slug][4] == "unknown"


def test_price_ratio_claim_on_the_real_catalog(or_db):
    db, catalog, _ = or_db
    prices = {m["id"]: m["pricing"] for m in catalog}
    expected = float(prices["openai/o1"]["prompt"]) / float(prices["deepseek/deepseek-r1"]["prompt"])
    rows = {
        r[0]: r[1:]
        for r in query(
            db, """SELECT scope, measured, verdict FROM claim_deepseek_40x_cheaper() WHERE "when" = 'latest'"""
        )
    }
    r1 = next(v for k, v in rows.items() if "deepseek/deepseek-r1 vs openai/o1" in k)
    assert r1[0].startswith(f"input {expected:.1f}x")
    best = next(v for k, v in rows.items() if "largest ratio" in k)
    assert best[1] == ("supported" if float(best[0].rstrip("x")) >= 40 else "refuted")


def test_week_counts_on_the_real_rankings(or_db):
    db, _, rankings = or_db
    ref = refdata.load()
    countries = {r["organisation"]: r["country"] for r in ref["organisations.csv"]}
    author_country = {r["author"]: countries[r["organisation"]] for r in ref["openrouter_authors.csv"]}
    weeks: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    days_seen: dict[date, set] = defaultdict(set)
    for day, by_slug in rankings.items():
        d = date.fromisoformat(day)
        monday = d - timedelta(days=d.weekday())
        days_seen[monday].add(d)
        for slug, row in by_slug.items():
            if slug != "other":
                weeks[monday][slug] += int(row["total_tokens"])
    complete = sorted(w for w, days in days_seen.items() if len(days) == 7)
    assert len(complete) >= 10
    for monday in complete:
        for merged in (False, True):
            tokens: dict[str, int] = defaultdict(int)
            for slug, n in weeks[monday].items():
                tokens[slug.split(":")[0] if merged else slug] += n
            top = sorted(tokens, key=lambda s: (-tokens[s], s))[:20]
            country = [author_country.get(s.split("/")[0], "unknown") for s in top]
            view = "or_weekly_top_models_merged" if merged else "or_weekly_top_models"
            slug_col = "model_slug" if merged else "model_permaslug"
            got = query(
                db,
                f"""SELECT {slug_col}, country FROM {view}
                                WHERE week_start = ? AND rank <= 20 ORDER BY rank""",
                [monday],
            )
            assert [g[0] for g in got] == top, (monday, merged)
            assert [g[1] for g in got] == country, (monday, merged)
    # the claim on the latest complete week says what the independent count says
    latest = complete[-1]
    chinese = sum(
        1
        for s in sorted(weeks[latest], key=lambda s: -weeks[latest][s])[:20]
        if author_country.get(s.split("/")[0]) == "China"
    )
    rows = query(
        db,
        """SELECT scope, measured FROM claim_count_top_k_openrouter()
           WHERE claim_id = 'openrouter_cn_7_of_top20' AND "when" = 'latest' ORDER BY row_no""",
    )
    assert latest.isoformat() in rows[0][0]
    assert rows[0][1].startswith(f"{chinese} of 20")
