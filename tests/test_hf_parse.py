"""Staging Hub listing pages (pure: no server): the raw pages as the client writes them, read by DuckDB
into the Parquet files the commit reads. Validation, repeats, the top N and lineage."""

from __future__ import annotations

import json
import threading
import time

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from collector.core.errors import CollectorError
from collector.sources.hf.client import _looks_whole
from collector.sources.hf.pages import RawPages, stage_pages
from collector.sources.hf.parse import MODELS_SCHEMA, HfStage

URL = "http://hub.test/api/models?sort=downloads"


def _model(model_id: str, downloads=10, **extra) -> dict:
    return {"id": model_id, "downloads": downloads, "downloadsAllTime": 100, "likes": 1, "tags": [], **extra}


def _models(stage: HfStage) -> list[dict]:
    """The staged models, from the files the commit reads (a crawl's parts, or models.parquet)."""
    return pa.concat_tables(
        pq.read_table(f, columns=MODELS_SCHEMA.names).cast(MODELS_SCHEMA) for f in stage.models.sources()
    ).to_pylist()


def _stage(tmp_path, *pages, scope="top_downloads:10", max_models=None):
    """Stage the given pages (lists of models, or raw bytes) as one scope's listing."""
    raw = RawPages(tmp_path / "pages")
    for page in pages:
        body = page if isinstance(page, bytes) else json.dumps(page).encode()
        raw.add(body, 0, scope, URL, max_models)
    stage = HfStage(tmp_path)
    return stage_pages(raw, stage)[scope], stage


def test_counts_beyond_64_bits_are_a_bad_response_not_a_crash(tmp_path):
    items = [_model("a/one"), _model("b/two", downloads=2**64)]
    with pytest.raises(
        CollectorError, match=r"model #1 \(b/two\) field 'downloads' is int .* expected an integer within 64 bits"
    ):
        _stage(tmp_path / "1", items)
    with pytest.raises(CollectorError, match=r"field 'safetensors.total' .* within 64 bits"):
        _stage(tmp_path / "2", [_model("c/three", safetensors={"total": -(2**63) - 1})])
    counts, stage = _stage(tmp_path / "3", [_model("d/four", downloads=2**63 - 1)])
    assert (counts.models, counts.duplicates) == (1, 0)
    assert pq.read_table(stage.downloads.path).to_pylist()[0]["downloads_30d"] == 2**63 - 1


def test_repeats_keep_the_first_rank_and_lineage_comes_from_relation_tags(tmp_path):
    items = [
        _model("q/base"),
        _model("u/quant", tags=["gguf", "base_model:q/base", "base_model:quantized:q/base", "base_model:bogus:q/x"]),
        _model("q/base"),
        _model("x/earlier"),
    ]
    counts, stage = _stage(tmp_path, [_model("x/earlier")], items)
    assert (counts.served, counts.models, counts.duplicates) == (5, 3, 2)
    rows = pq.read_table(stage.downloads.path).to_pydict()
    assert list(zip(rows["model_id"], rows["rank"], strict=True)) == [("x/earlier", 1), ("q/base", 2), ("u/quant", 3)]
    edges = pq.read_table(stage.lineage.path).to_pylist()
    assert edges == [{"child_id": "u/quant", "parent_id": "q/base", "relation": "quantized"}]


def test_a_top_n_keeps_its_first_n_and_metadata_is_staged_once_per_model(tmp_path):
    raw = RawPages(tmp_path / "pages")
    raw.add(json.dumps([_model("a/one", pipeline_tag="first")]).encode(), 0, "author:a", URL, None)
    top = [_model("b/two"), _model("a/one", pipeline_tag="second"), _model("c/three")]
    raw.add(json.dumps(top).encode(), 1, "top_downloads:2", URL, 2)  # the server sent more than asked
    stage = HfStage(tmp_path)
    counts = stage_pages(raw, stage)
    assert (counts["author:a"].models, counts["top_downloads:2"].models) == (1, 2)
    rows = pq.read_table(stage.downloads.path).to_pydict()
    assert list(zip(rows["scope"], rows["model_id"], rows["rank"], strict=True)) == [
        ("author:a", "a/one", 1),
        ("top_downloads:2", "b/two", 1),
        ("top_downloads:2", "a/one", 2),
    ]
    models = {m["model_id"]: m for m in pq.read_table(stage.models.path).to_pylist()}
    assert sorted(models) == ["a/one", "b/two"] and models["a/one"]["pipeline_tag"] == "first"


@pytest.mark.parametrize(
    "field, value, expected",
    [
        ("downloads", "12", "an integer"),
        ("downloads", 1.5, "an integer"),
        ("downloads", 1.0, "an integer"),
        ("likes", True, "an integer"),
        ("downloadsAllTime", [1], "an integer"),
        ("trendingScore", "hot", "a number"),
        ("tags", "text-generation", "a list of strings"),
        ("tags", ["a", 1], "a list of strings"),
        ("tags", ["a", ["b", "c"]], "a list of strings"),
        ("author", 5, "a string"),
        ("safetensors", "big", "an object"),
        ("safetensors", {"total": "7B"}, "an integer"),
        ("gated", 1, "a boolean or string"),
    ],
)
def test_a_wrong_type_names_the_model_and_field(tmp_path, field, value, expected):
    shown = "safetensors.total" if isinstance(value, dict) else field
    with pytest.raises(CollectorError, match=rf"model #1 \(a/one\) field '{shown}' .* expected {expected}"):
        _stage(tmp_path, [_model("z/fine"), _model("a/one", **{field: value})])


@pytest.mark.parametrize(
    "body, message",
    [
        (b"[7]", "item #0 is int, expected an object"),
        (b"[null]", "item #0 is NoneType"),
        (b'[{"id": ""}]', "field 'id'"),
        (b'[{"id": 5}]', "field 'id'"),
        (b'{"error": "oops"}', "expected a JSON array of models, got dict"),
        (b'[{"id": "a/b", "downloads": 1', "not valid JSON"),
    ],
)
def test_a_page_that_is_not_a_list_of_models_is_one_line(tmp_path, body, message):
    with pytest.raises(CollectorError, match=message) as caught:
        _stage(tmp_path, body)
    assert "\n" not in str(caught.value)


def test_odd_but_valid_values_pass_and_keep_their_text(tmp_path):
    """The quick checks flag what they cannot be sure of; the page is then checked in Python and passes."""
    tags = ['say "hi"', "a\\", "x,y", "[1]", "{b}", "é 模型", '","']
    items = [_model('a/it\'s "quoted"', tags=tags, gated="manual", author="", trendingScore=1.5)]
    counts, stage = _stage(tmp_path, items, [])
    assert counts.models == 1
    row = _models(stage)[0]
    assert row["model_id"] == 'a/it\'s "quoted"' and row["tags"] == tags
    assert (row["author"], row["gated"]) == ("a", "manual")
    assert pq.read_table(stage.downloads.path).to_pylist()[0]["trending_score"] == 1.5


def test_missing_fields_are_null_and_extra_fields_ignored(tmp_path):
    counts, stage = _stage(tmp_path, [{"id": "a/bare", "newField": {"x": 1}}])
    assert counts.models == 1
    row = pq.read_table(stage.downloads.path).to_pylist()[0]
    assert row["downloads_30d"] is None and row["likes"] is None and row["model_id"] == "a/bare"


def test_no_pages_stage_empty_files(tmp_path):
    raw = RawPages(tmp_path / "pages")
    stage = HfStage(tmp_path)
    assert stage_pages(raw, stage) == {}
    assert pq.read_table(stage.downloads.path).num_rows == 0 and stage.models.rows == 0


@pytest.mark.parametrize(
    "body, whole",
    [
        (b'[{"id":"a"}]', True),
        (b"[]", True),
        (b' [ {"id":"a"} ]\n', True),
        (b'[{"id":"a","tags":["x"]', False),
        (b'[{"id":"a"},', False),
        (b"[7]", False),
        (b'{"error":"x"}', False),
        (b"", False),
    ],
)
def test_a_page_cut_short_is_seen_without_decoding(body, whole):
    assert _looks_whole(body) is whole


def test_many_pages_read_on_both_cores_keep_the_crawl_order(tmp_path, monkeypatch):
    """The pages are read in parallel; each item's rank is its place in its scope's listing, pages in
    crawl order, however the reading threads share the files."""
    monkeypatch.setenv("COLLECTOR_DB_THREADS", "2")  # (the suite runs DuckDB on one thread)
    raw = RawPages(tmp_path / "pages")
    expected = {"author:a": [], "top_downloads:5000": []}
    for page in range(240):
        scope = "author:a" if page % 3 == 0 else "top_downloads:5000"
        models = [_model(f"m/p{page}-{i}") for i in range(1 + (page * 37) % 50)]
        expected[scope] += [m["id"] for m in models]
        raw.add(json.dumps(models).encode(), 0 if scope == "author:a" else 1, scope, URL, None)
    stage = HfStage(tmp_path)
    counts = stage_pages(raw, stage)
    assert {s: c.models for s, c in counts.items()} == {s: len(ids) for s, ids in expected.items()}
    rows = pq.read_table(stage.downloads.path).to_pydict()
    got: dict[str, list[str]] = {}
    for scope, rank, model_id in zip(rows["scope"], rows["rank"], rows["model_id"], strict=True):
        assert rank == len(got.setdefault(scope, [])) + 1
        got[scope].append(model_id)
    assert got == expected


def test_pages_read_out_of_order_are_read_again_on_one_thread(tmp_path, monkeypatch, caplog):
    """Should DuckDB ever write the items out of the files' order, the ranks would be wrong: the pages
    are read again on one thread (said in the log), and if that is out of order too nothing is staged."""
    import collector.sources.hf.pages as pages

    monkeypatch.setenv("COLLECTOR_DB_THREADS", "2")
    real = pages._in_order
    threads: list[int] = []

    def out_of_order_once(con):
        threads.append(con.execute("SELECT current_setting('threads')").fetchone()[0])
        return len(threads) > 1 and real(con)

    monkeypatch.setattr(pages, "_in_order", out_of_order_once)
    with caplog.at_level("WARNING", logger=pages.__name__):
        counts, stage = _stage(tmp_path / "1", [_model("a/one"), _model("b/two")], [_model("c/three")])
    assert threads == [2, 1]
    assert counts.models == 3
    assert "reading them again on one thread" in caplog.text
    rows = pq.read_table(stage.downloads.path).to_pydict()
    assert list(zip(rows["model_id"], rows["rank"], strict=True)) == [("a/one", 1), ("b/two", 2), ("c/three", 3)]
    monkeypatch.setattr(pages, "_in_order", lambda con: False)
    with pytest.raises(CollectorError, match="out of order; nothing was written"):
        _stage(tmp_path / "2", [_model("a/one")])


def _staged(stage: HfStage) -> tuple[list, list, list]:
    return (
        pq.read_table(stage.downloads.path).to_pylist(),
        sorted(_models(stage), key=lambda m: m["model_id"]),
        sorted(pq.read_table(stage.lineage.path).to_pylist(), key=lambda e: tuple(e.values())),  # a set of edges
    )


def _crawl(raw: RawPages, pages: range) -> None:
    for page in pages:
        scope = "author:a" if page < 30 else "top_downloads:5000"
        models = [
            _model(f"m/p{page}-{i}", tags=[f"base_model:finetune:m/p{page}-0"] if i else [])
            for i in range(1 + (page * 37) % 40)
        ]
        raw.add(json.dumps(models).encode(), 0 if scope == "author:a" else 1, scope, URL, None)


def _wait_for_parts(raw: RawPages, parts: int) -> None:
    deadline = time.monotonic() + 30
    while len(raw.parts) < parts:
        assert time.monotonic() < deadline, f"the background reader made {len(raw.parts)} parts in 30 s"
        time.sleep(0.01)


def _read_at_the_end(folder, pages: range) -> tuple[dict, HfStage]:
    whole = RawPages(folder / "pages")
    _crawl(whole, pages)
    stage = HfStage(folder)
    return stage_pages(whole, stage), stage


def _read_ahead(folder, pages: range, chunk: int, parts: int) -> RawPages:
    """`pages` crawled with the background reader on, once it has read `parts` chunks."""
    raw = RawPages(folder / "pages")
    with raw.reading_ahead(chunk=chunk):
        _crawl(raw, pages)
        _wait_for_parts(raw, parts)
    return raw


def test_pages_read_ahead_during_the_crawl_stage_as_if_read_at_the_end(tmp_path):
    """While the crawl goes on, chunks of pages are read into parts in the background; staging reads
    the rest, and what it stages (ranks across parts and scopes, models, lineage) is what reading
    every page at the end gives."""
    expected_counts, expected = _read_at_the_end(tmp_path / "whole", range(100))
    raw = _read_ahead(tmp_path / "ahead", range(100), chunk=7, parts=14)  # every whole chunk of 7: 98 pages
    assert [(p.start, p.end) for p in raw.parts] == [(i, i + 7) for i in range(0, 98, 7)]
    counts = stage_pages(raw, stage := HfStage(tmp_path / "ahead"))
    assert raw.parts[-1].start == 98 and raw.parts[-1].end == 100  # staging read the last two pages
    assert counts == expected_counts and counts["top_downloads:5000"].models > 0
    assert _staged(stage) == _staged(expected)


def test_staging_again_after_more_pages_reads_only_those(tmp_path):
    """A short scope is crawled on after staging (job.py): staging again reads the new pages alone,
    and gives what one staging of every page gives."""
    expected_counts, expected = _read_at_the_end(tmp_path / "whole", range(40))
    raw = _read_ahead(tmp_path / "twice", range(25), chunk=10, parts=2)
    stage_pages(raw, HfStage(tmp_path / "twice"))
    first = [(p.start, p.end) for p in raw.parts]
    _crawl(raw, range(25, 40))
    counts = stage_pages(raw, stage := HfStage(tmp_path / "twice"))
    assert [(p.start, p.end) for p in raw.parts] == [*first, (25, 40)] and first[-1] == (20, 25)
    assert counts == expected_counts
    assert _staged(stage) == _staged(expected)


def test_a_bad_page_met_by_the_background_reader_is_named_by_staging(tmp_path):
    raw = RawPages(tmp_path / "pages")
    with raw.reading_ahead(chunk=2):
        _crawl(raw, range(3))
        raw.add(b'[{"id": "x/cut", "downloads": 1', 0, "author:a", URL + "&page=4", None)
        _crawl(raw, range(4, 6))
        deadline = time.monotonic() + 30
        while raw.ahead is not None and not raw.ahead.failed:
            assert time.monotonic() < deadline
            time.sleep(0.01)
    assert raw.parts == []  # the reader's parts are dropped: staging reads every page again
    with pytest.raises(CollectorError, match=r"bad response from .*page=4: not valid JSON"):
        stage_pages(raw, HfStage(tmp_path))


def test_one_listing_read_in_parts_is_staged_from_the_parts_as_they_are(tmp_path):
    """The usual crawl (one scope, each model once): the models are the parts' items, read where they
    are (the commit reads the list of files), and they are what one read of every page gives."""
    expected_counts, expected = _read_at_the_end(tmp_path / "whole", range(30, 60))
    raw = _read_ahead(tmp_path / "ahead", range(30, 60), chunk=4, parts=7)
    counts = stage_pages(raw, stage := HfStage(tmp_path / "ahead"))
    assert counts == expected_counts and list(counts) == ["top_downloads:5000"]
    assert stage.models.sources() == [str(p.path) for p in raw.parts] and len(raw.parts) == 8
    assert _staged(stage) == _staged(expected)


def test_a_crawl_that_fails_stops_the_background_reader_and_drops_its_parts(tmp_path):
    raw = RawPages(tmp_path / "pages")
    with pytest.raises(KeyboardInterrupt), raw.reading_ahead(chunk=5):
        _crawl(raw, range(12))
        _wait_for_parts(raw, 1)
        raise KeyboardInterrupt
    assert raw.ahead is None and raw.parts == []
    assert not any(t.name == "hf-pages-ahead" for t in threading.enumerate())
