"""Parsing a Hub listing page (pure: no server): validation, repeats and lineage, straight into the stage."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from collector.core.errors import CollectorError
from collector.sources.hf.parse import HfStage, parse_page

URL = "http://hub.test/api/models?sort=downloads"


def _model(model_id: str, downloads=10, **extra) -> dict:
    return {"id": model_id, "downloads": downloads, "downloadsAllTime": 100, "likes": 1, "tags": [], **extra}


def _parse(tmp_path, items, seen=None):
    stage = HfStage(tmp_path)
    result = parse_page(items, URL, "top_downloads:10", 1, set() if seen is None else seen, stage)
    stage.close()
    return result, stage


def test_counts_beyond_64_bits_are_a_bad_response_not_a_crash(tmp_path):
    items = [_model("a/one"), _model("b/two", downloads=2**64)]
    with pytest.raises(
        CollectorError, match=r"model #1 \(b/two\) field 'downloads' is int .* expected an integer within 64 bits"
    ):
        _parse(tmp_path, items)
    with pytest.raises(CollectorError, match=r"field 'safetensors.total' .* within 64 bits"):
        _parse(tmp_path, [_model("c/three", safetensors={"total": -(2**63) - 1})])
    (kept, repeats), _ = _parse(tmp_path, [_model("d/four", downloads=2**63 - 1)])
    assert (kept, repeats) == (1, 0)


def test_repeats_keep_the_first_rank_and_lineage_comes_from_relation_tags(tmp_path):
    seen = {"x/earlier"}
    items = [
        _model("q/base"),
        _model("u/quant", tags=["gguf", "base_model:q/base", "base_model:quantized:q/base", "base_model:bogus:q/x"]),
        _model("q/base"),
        _model("x/earlier"),
    ]
    (kept, repeats), stage = _parse(tmp_path, items, seen)
    assert (kept, repeats) == (2, 2)
    rows = pq.read_table(stage.downloads.path).to_pydict()
    assert list(zip(rows["model_id"], rows["rank"], strict=True)) == [("q/base", 1), ("u/quant", 2)]
    edges = pq.read_table(stage.lineage.path).to_pylist()
    assert edges == [{"child_id": "u/quant", "parent_id": "q/base", "relation": "quantized"}]


@pytest.mark.parametrize(
    "field, value, expected",
    [
        ("downloads", "12", "an integer"),
        ("downloads", 1.5, "an integer"),
        ("likes", True, "an integer"),
        ("trendingScore", "hot", "a number"),
        ("tags", "text-generation", "a list of strings"),
    ],
)
def test_a_wrong_type_names_the_model_and_field(tmp_path, field, value, expected):
    with pytest.raises(CollectorError, match=rf"model #0 \(a/one\) field '{field}' .* expected {expected}"):
        _parse(tmp_path, [_model("a/one", **{field: value})])


def test_missing_fields_are_null_and_extra_fields_ignored(tmp_path):
    (kept, _), stage = _parse(tmp_path, [{"id": "a/bare", "newField": {"x": 1}}])
    assert kept == 1
    row = pq.read_table(stage.downloads.path).to_pylist()[0]
    assert row["downloads_30d"] is None and row["likes"] is None and row["model_id"] == "a/bare"
