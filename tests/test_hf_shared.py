"""Real Hub rows (../shared/data/hf/hub_stats_sample_2026-06.parquet) served through the fake Hub and
collected end to end; skipped when ../shared is absent."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest

from tests.conftest import query
from tests.fakes.hub import FakeHub

# Every test starts from an empty store copied from a template (conftest `empty_store`), as if
# a first command had made it, without preparing one per test.
pytestmark = pytest.mark.usefixtures("empty_store")

pytestmark = pytest.mark.shared


def _iso(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%S.000Z") if value else None


def hub_rows(path) -> list[dict]:
    """The parquet's rows in the shape the Hub's listing returns them with expand."""
    rows = []
    for r in pl.read_parquet(path).iter_rows(named=True):
        safetensors = r["safetensors"]
        if safetensors:
            safetensors = {
                "parameters": {k: v for k, v in (safetensors["parameters"] or {}).items() if v is not None},
                "total": safetensors["total"],
            }
        rows.append(
            {
                "_id": r["id"],
                "id": r["id"],
                "author": r["author"],
                "downloads": r["downloads"],
                "downloadsAllTime": r["downloadsAllTime"],
                "likes": r["likes"],
                "trendingScore": r["trendingScore"],
                "createdAt": _iso(r["createdAt"]),
                "lastModified": _iso(r["lastModified"]),
                "pipeline_tag": r["pipeline_tag"],
                "library_name": r["library_name"],
                "tags": r["tags"],
                "safetensors": safetensors,
                "gated": False,
            }
        )
    return rows


@pytest.fixture
def real_hub(shared_data, monkeypatch):
    rows = hub_rows(shared_data / "hf" / "hub_stats_sample_2026-06.parquet")
    with FakeHub(rows) as server:
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        yield server, rows


def test_real_rows_round_trip(run, real_hub, db, tmp_path):
    server, rows = real_hub
    orgs = tmp_path / "orgs.csv"
    orgs.write_text(
        "namespace,organisation,role,collect\nQwen,Alibaba,developer,yes\ndeepseek-ai,DeepSeek,developer,yes\n"
        "meta-llama,Meta,developer,yes\n"
    )
    result = run("--db", str(db), "collect", "hf", "--orgs", str(orgs), "--top", "1000", "--page-size", "500")
    assert result.code == 0, result.err

    # Known values (Hub, late May 2026).
    assert query(
        db,
        """SELECT downloads_30d, downloads_all_time FROM hf_model_downloads d JOIN hf_snapshots s USING (snapshot_id)
                        WHERE model_id = 'Qwen/QwQ-32B' AND scope = 'author:Qwen'""",
    ) == [(61_994, 2_945_445)]
    assert query(db, "SELECT safetensors_total FROM hf_models WHERE model_id = 'Qwen/QwQ-32B'") == [(32_763_876_352,)]
    assert ("Qwen/QwQ-32B", "Qwen/Qwen2.5-32B", "finetune") in query(
        db, "SELECT child_id, parent_id, relation FROM hf_lineage"
    )

    # Every author scope holds exactly the sample's models of that author, with the same totals.
    frame = pl.DataFrame(rows)
    for author in ("Qwen", "deepseek-ai", "meta-llama"):
        expected = frame.filter(pl.col("author") == author)
        stored = query(
            db,
            f"""SELECT count(*), sum(downloads_30d), sum(downloads_all_time)
                               FROM hf_model_downloads JOIN hf_snapshots USING (snapshot_id) WHERE scope = 'author:{author}'""",
        )[0]
        assert stored == (expected.height, expected["downloads"].sum(), expected["downloadsAllTime"].sum())

    # The top 1,000 is the sample's top 1,000 by 30-day downloads, in order.
    top = [
        r[0]
        for r in query(
            db,
            """SELECT model_id FROM hf_model_downloads JOIN hf_snapshots USING (snapshot_id)
                                      WHERE scope = 'top_downloads:1000' ORDER BY rank""",
        )
    ]
    assert len(top) == 1000
    ranked = frame.sort("downloads", descending=True, maintain_order=True)["downloads"].to_list()[:1000]
    stored_counts = [
        r[0]
        for r in query(
            db,
            """SELECT downloads_30d FROM hf_model_downloads JOIN hf_snapshots USING (snapshot_id)
                                               WHERE scope = 'top_downloads:1000' ORDER BY rank""",
        )
    ]
    assert stored_counts == ranked
    # Lineage edges equal an independent count over the tags of the models stored.
    stored_ids = {r[0] for r in query(db, "SELECT model_id FROM hf_models")}
    expected_edges = {
        (r["id"], tag.split(":")[2], tag.split(":")[1])
        for r in rows
        if r["id"] in stored_ids
        for tag in (r["tags"] or [])
        if tag.startswith("base_model:")
        and tag.count(":") == 2
        and tag.split(":")[1] in {"finetune", "quantized", "adapter", "merge"}
    }
    assert set(query(db, "SELECT child_id, parent_id, relation FROM hf_lineage")) == expected_edges
