"""`collector collect hf` end to end against a fake Hub on 127.0.0.1."""

from __future__ import annotations

import json

import pytest

from collector import store
from tests.conftest import query
from tests.fakes.hub import make_model
from tests.fakes.server import Reply

# Every test starts from an empty store copied from a template (conftest `empty_store`), as if
# a first command had made it, without preparing one per test.
pytestmark = pytest.mark.usefixtures("empty_store")


def test_collects_orgs_and_top_n_across_pages(run, hub, db, orgs):
    result = run("--db", str(db), "collect", "hf", "--orgs", str(orgs), "--top", "5", "--page-size", "2")
    assert result.code == 0, result.err
    scopes = dict(query(db, "SELECT scope, model_count FROM hf_snapshots"))
    assert scopes == {"author:Qwen": 3, "author:deepseek-ai": 1, "top_downloads:5": 5}
    # page size 2: Qwen needs 2 pages, the top 5 needs 3 (and never asks for a 4th page)
    assert query(db, "SELECT scope, pages FROM hf_snapshots ORDER BY scope") == [
        ("author:Qwen", 2),
        ("author:deepseek-ai", 1),
        ("top_downloads:5", 3),
    ]
    assert len(hub.requests_to("/api/models")) == 6
    top = query(
        db,
        """SELECT model_id, rank FROM hf_model_downloads d JOIN hf_snapshots s USING (snapshot_id)
                       WHERE scope = 'top_downloads:5' ORDER BY rank""",
    )
    assert [m for m, _ in top] == [
        "meta-llama/Llama-3.1-8B-Instruct",
        "Qwen/Qwen3-8B",
        "deepseek-ai/DeepSeek-R1",
        "Qwen/Qwen2.5-32B",
        "Qwen/QwQ-32B",
    ]


def test_expand_fields_parsed_into_types(run, hub, db, orgs):
    assert run("--db", str(db), "collect", "hf", "--orgs", str(orgs), "--top", "10").code == 0
    types = dict(
        query(
            db, "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'hf_model_downloads'"
        )
    )
    assert types["downloads_30d"] == "BIGINT" and types["downloads_all_time"] == "BIGINT"
    row = query(
        db,
        """SELECT safetensors_total, gated, created_at, tags, pipeline_tag, library_name, author
                       FROM hf_models WHERE model_id = 'Qwen/QwQ-32B'""",
    )[0]
    assert row[0] == 32_763_876_352
    assert row[1] == "false"
    assert row[2].isoformat().startswith("2025-01-15T10:00:00")
    assert "base_model:finetune:Qwen/Qwen2.5-32B" in row[3]
    assert row[4:] == ("text-generation", "transformers", "Qwen")
    assert query(db, "SELECT gated FROM hf_models WHERE model_id = 'meta-llama/Llama-3.1-8B-Instruct'") == [("manual",)]
    requested = hub.requests_to("/api/models")[0]
    assert {"downloads", "downloadsAllTime", "safetensors", "gated", "tags"} <= set(requested.params("expand"))


def test_lineage_rows(run, hub, db, orgs):
    assert run("--db", str(db), "collect", "hf", "--orgs", str(orgs), "--top", "10").code == 0
    edges = query(db, "SELECT child_id, parent_id, relation FROM hf_lineage ORDER BY ALL")
    assert edges == [
        ("Qwen/QwQ-32B", "Qwen/Qwen2.5-32B", "finetune"),
        ("mergekit/qwen-llama-merge", "Qwen/Qwen3-8B", "merge"),
        ("mergekit/qwen-llama-merge", "meta-llama/Llama-3.1-8B-Instruct", "merge"),
        ("unsloth/QwQ-32B-GGUF", "Qwen/QwQ-32B", "quantized"),
    ]


def test_big_counts_round_trip_as_bigint(run, hub, db, orgs):
    hub.models.append(make_model("Qwen/huge", 9_007_199_254_740_993, all_time=2**62 + 1))
    assert run("--db", str(db), "collect", "hf", "--orgs", str(orgs), "--top", "0").code == 0
    assert query(
        db, "SELECT downloads_30d, downloads_all_time FROM hf_model_downloads WHERE model_id = 'Qwen/huge'"
    ) == [(9_007_199_254_740_993, 2**62 + 1)]


def test_rerun_same_day_no_duplicates_next_day_new_snapshot(run, hub, db, orgs, monkeypatch):
    args = ("--db", str(db), "collect", "hf", "--orgs", str(orgs), "--top", "5")
    assert run(*args).code == 0
    first = query(db, "SELECT count(*) FROM hf_model_downloads")[0][0]
    hub.models[0]["downloads"] = 70_000  # the 30-day figure revised within the day
    assert run(*args).code == 0
    assert query(db, "SELECT count(*) FROM hf_model_downloads")[0][0] == first
    assert query(db, "SELECT count(*) FROM hf_snapshots")[0][0] == 3
    assert (
        query(
            db,
            """SELECT count(*) FROM (SELECT snapshot_id, model_id FROM hf_model_downloads
                        GROUP BY ALL HAVING count(*) > 1)""",
        )[0][0]
        == 0
    )
    # the latest observation of the day is the one kept
    assert query(db, """SELECT DISTINCT downloads_30d FROM hf_model_downloads WHERE model_id = 'Qwen/QwQ-32B'""") == [
        (70_000,)
    ]
    monkeypatch.setenv("COLLECTOR_NOW", "2026-05-02T06:00:00Z")
    hub.models[1]["pipeline_tag"] = "image-text-to-text"  # metadata changes on day 2
    assert run(*args).code == 0
    assert query(
        db,
        "SELECT pipeline_tag, first_seen::VARCHAR, last_seen::VARCHAR FROM hf_models "
        "WHERE model_id = 'Qwen/Qwen2.5-32B'",
    ) == [("image-text-to-text", "2026-05-01", "2026-05-02")]
    count, distinct = query(db, "SELECT count(*), count(DISTINCT model_id) FROM hf_models")[0]
    assert count == distinct == 5
    assert query(db, "SELECT count(*) FROM (SELECT DISTINCT child_id, parent_id, relation FROM hf_lineage)") == query(
        db, "SELECT count(*) FROM hf_lineage"
    )
    assert query(db, "SELECT snapshot_date::VARCHAR, count(*) FROM hf_snapshots GROUP BY 1 ORDER BY 1") == [
        ("2026-05-01", 3),
        ("2026-05-02", 3),
    ]
    assert query(db, "SELECT count(*) FROM hf_model_downloads")[0][0] == 2 * first
    assert query(
        db, "SELECT first_seen::VARCHAR, last_seen::VARCHAR FROM hf_models WHERE model_id = 'Qwen/QwQ-32B'"
    ) == [("2026-05-01", "2026-05-02")]
    statuses = query(db, "SELECT status, count(*) FROM runs GROUP BY 1")
    assert statuses == [("ok", 3)]


def test_429_with_ratelimit_waits_and_completes(run, hub, db, orgs):
    hub.script("/api/models", Reply(429, b'{"error":"rate limited"}', {"RateLimit": '"api";r=0;t=1'}))
    import time

    started = time.monotonic()
    result = run("--db", str(db), "collect", "hf", "--orgs", str(orgs), "--top", "0")
    assert result.code == 0, result.err
    assert time.monotonic() - started >= 1.9  # t=1 -> waits t+1 seconds, not the test's tiny backoff
    assert query(db, "SELECT count(*) FROM hf_snapshots")[0][0] == 2


def test_paces_before_a_429_when_window_is_spent(run, db, orgs, monkeypatch):
    from tests.fakes.hub import FakeHub

    models = [make_model(f"Qwen/m{i}", 100 - i) for i in range(6)]
    with FakeHub(models, quota=3, window=1) as server:  # the shortest window: each reset is waited for
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        result = run("--db", str(db), "collect", "hf", "--orgs", str(orgs), "--top", "0", "--page-size", "1")
        assert result.code == 0, result.err
        statuses = [r.status for r in server.log if r.path == "/api/models"]
        # 6 one-model pages of Qwen, 1 (empty) of deepseek-ai, over 3 windows of 3: paced, never a 429
        assert statuses == [200] * 7
    assert query(db, "SELECT model_count FROM hf_snapshots WHERE scope = 'author:Qwen'") == [(6,)]


def test_500_burst_is_retried(run, hub, db, orgs):
    hub.script("/api/models", *[Reply(500, b'{"error":"Internal Error"}')] * 3)
    result = run("--db", str(db), "collect", "hf", "--orgs", str(orgs), "--top", "0")
    assert result.code == 0, result.err
    assert query(db, "SELECT count(*) FROM hf_snapshots")[0][0] == 2


def test_persistent_500_fails_cleanly_without_partial_snapshot(run, hub, db, orgs):
    assert run("--db", str(db), "collect", "hf", "--orgs", str(orgs), "--top", "0").code == 0
    before = query(db, "SELECT count(*), sum(downloads_30d) FROM hf_model_downloads")
    hub.models[0]["downloads"] = 1
    # Qwen succeeds, deepseek-ai fails every time: nothing of this run may land.
    hub.script("/api/models", *[Reply(200, b"[]")] * 0)
    original = hub.handle

    def failing(request):
        if request.param("author") == "deepseek-ai":
            return Reply(500, b'{"error":"Internal Error"}')
        return original(request)

    hub.handle = failing
    result = run("--db", str(db), "--quiet", "collect", "hf", "--orgs", str(orgs), "--top", "0")
    assert result.code == 1
    assert result.err.count("\n") == 1 and result.err.startswith("error: ")
    assert "HTTP 500 after 6 attempts" in result.err and "Internal Error" in result.err
    assert "Traceback" not in result.err
    assert query(db, "SELECT count(*), sum(downloads_30d) FROM hf_model_downloads") == before
    assert query(db, "SELECT status FROM runs ORDER BY run_id") == [("ok",), ("failed",)]
    assert "HTTP 500" in query(db, "SELECT error FROM runs WHERE status = 'failed'")[0][0]
    assert not list((db.parent / "staging").iterdir())


@pytest.mark.parametrize(
    "body, message",
    [
        (b'[{"id": "Qwen/x", "downloads": 1', "not valid JSON"),
        (b'{"error": "oops"}', "expected a JSON array"),
        (b'[{"_id": "1", "downloads": 5}]', "field 'id'"),
        (b'[{"_id": "1", "id": "Qwen/x", "downloads": "12"}]', "field 'downloads' is str"),
        (b'[{"_id": "1", "id": "Qwen/x", "tags": "text-generation"}]', "field 'tags'"),
        (b"[7]", "item #0 is int"),
    ],
)
def test_malformed_responses_give_one_line_errors(run, hub, db, orgs, body, message):
    hub.script("/api/models", *[Reply(200, body)] * 10)  # every attempt: a cut-short page is retried
    result = run("--db", str(db), "-q", "collect", "hf", "--orgs", str(orgs), "--top", "0")
    assert result.code == 1
    assert message in result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert query(db, "SELECT count(*) FROM hf_snapshots")[0][0] == 0


def test_missing_and_extra_fields_are_tolerated(run, hub, db, orgs):
    hub.script("/api/models", Reply(200, b'[{"_id": "1", "id": "Qwen/minimal", "brandNewField": {"x": 1}}]'))
    assert run("--db", str(db), "collect", "hf", "--orgs", str(orgs), "--top", "0").code == 0
    assert query(
        db, "SELECT downloads_30d, downloads_all_time FROM hf_model_downloads WHERE model_id = 'Qwen/minimal'"
    ) == [(None, None)]
    assert query(db, "SELECT author FROM hf_models WHERE model_id = 'Qwen/minimal'") == [("Qwen",)]


def test_pagination_loop_is_detected(run, hub, db, orgs):
    loop = {"Link": f'<{hub.url}/api/models?author=Qwen&cursor=same>; rel="next"'}
    hub.script(
        "/api/models",
        Reply(200, b'[{"_id":"1","id":"Qwen/a"}]', loop),
        Reply(200, b'[{"_id":"2","id":"Qwen/b"}]', loop),
    )
    result = run("--db", str(db), "collect", "hf", "--orgs", str(orgs), "--top", "0")
    assert result.code == 1 and "pagination loop" in result.err


def test_repeated_model_across_pages_is_kept_once(run, hub, db, orgs):
    nxt = {"Link": f'<{hub.url}/api/models?author=Qwen&cursor=p2>; rel="next"'}
    hub.script(
        "/api/models",
        Reply(200, b'[{"_id":"1","id":"Qwen/a","downloads":5},{"_id":"2","id":"Qwen/b","downloads":4}]', nxt),
        Reply(200, b'[{"_id":"2","id":"Qwen/b","downloads":3},{"_id":"3","id":"Qwen/c","downloads":2}]'),
    )
    assert run("--db", str(db), "collect", "hf", "--orgs", str(orgs), "--top", "0").code == 0
    rows = query(
        db,
        """SELECT model_id, rank, downloads_30d FROM hf_model_downloads JOIN hf_snapshots USING (snapshot_id)
                        WHERE scope = 'author:Qwen' ORDER BY rank""",
    )
    assert rows == [("Qwen/a", 1, 5), ("Qwen/b", 2, 4), ("Qwen/c", 4, 2)]
    assert query(db, "SELECT duplicates, model_count FROM hf_snapshots WHERE scope = 'author:Qwen'") == [(1, 3)]


def test_token_is_sent_but_never_stored(run, hub, db, orgs, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_secretTOKEN123")
    assert run("--db", str(db), "collect", "hf", "--orgs", str(orgs), "--top", "0").code == 0
    assert hub.requests_to("/api/models")[0].headers.get("authorization") == "Bearer hf_secretTOKEN123"
    assert b"hf_secretTOKEN123" not in db.read_bytes()
    assert query(db, "SELECT params FROM runs")[0][0].count("secret") == 0


@pytest.mark.parametrize(
    "args, message",
    [
        (["--top", "-1"], "--top must be 0 or more, got -1"),
        (["--top", "many"], "--top must be a whole number, got 'many'"),
        (["--page-size", "5000"], "--page-size must be 1000 or less, got 5000"),
        (["--page-size", "0"], "--page-size must be 1 or more, got 0"),
        (["--coverage", "-5"], "--coverage must be 1 or more, got -5"),
        (["--coverage", "0"], "--coverage must be 1 or more, got 0"),
    ],
)
def test_bad_arguments_exit_2_before_a_run_opens(run, tmp_path, args, message):
    db = tmp_path / "new.duckdb"  # a path with no store yet (`db` holds the module's empty store)
    result = run("--db", str(db), "collect", "hf", *args)
    assert result.code == 2 and result.err == f"error: {message}\n"
    assert not db.exists()  # nothing opened, no run recorded


def test_bad_endpoint_exits_2_at_once_without_retries(run, tmp_path, monkeypatch):
    db = tmp_path / "new.duckdb"  # a path with no store yet
    monkeypatch.setenv("HF_ENDPOINT", "not-a-url")
    monkeypatch.setenv("COLLECTOR_RETRY_BASE_SECONDS", "30")  # a retry would make this test hang
    result = run("--db", str(db), "collect", "hf", "--top", "5")
    assert result.code == 2 and "HF_ENDPOINT must be an http(s) URL" in result.err and result.err.count("\n") == 1
    assert not db.exists()


def test_coverage_mode_stops_at_threshold_without_extra_requests(run, hub, db, orgs):
    result = run(
        "--db", str(db), "collect", "hf", "--orgs", str(orgs), "--top", "0", "--coverage", "300000", "--page-size", "2"
    )
    assert result.code == 0, result.err
    rows = query(
        db,
        """SELECT model_id, downloads_30d FROM hf_model_downloads JOIN hf_snapshots USING (snapshot_id)
                        WHERE scope = 'coverage_min_downloads:300000' ORDER BY rank""",
    )
    assert rows == [
        ("meta-llama/Llama-3.1-8B-Instruct", 6_000_000),
        ("Qwen/Qwen3-8B", 2_000_000),
        ("deepseek-ai/DeepSeek-R1", 500_000),
        ("Qwen/Qwen2.5-32B", 300_000),
    ]
    coverage_requests = [r for r in hub.requests_to("/api/models") if r.param("author") is None]
    assert len(coverage_requests) == 3  # page 3 holds the first model below the threshold; no page 4
    assert run("--db", str(db), "collect", "hf", "--top", "0", "--coverage", "0").code == 2


def test_token_from_a_named_file(run, hub, db, orgs, monkeypatch, tmp_path):
    (tmp_path / "hf.key").write_text("hf_fromFILE\n")
    monkeypatch.setenv("HF_TOKEN_FILE", str(tmp_path / "hf.key"))
    assert run("--db", str(db), "collect", "hf", "--orgs", str(orgs), "--top", "0").code == 0
    assert hub.requests_to("/api/models")[0].headers.get("authorization") == "Bearer hf_fromFILE"
    monkeypatch.setenv("HF_TOKEN_FILE", str(tmp_path / "missing.key"))
    result = run("--db", str(db), "collect", "hf", "--orgs", str(orgs), "--top", "0")
    assert result.code == 2 and "HF_TOKEN_FILE" in result.err and "cannot read it" in result.err


def test_tls_verification_is_on():
    import ssl

    from huggingface_hub.utils import get_session

    from collector.sources.hf.client import HubClient

    HubClient()
    pool = get_session()._transport._pool
    assert pool._ssl_context.verify_mode == ssl.CERT_REQUIRED


def test_bad_setting_fails_before_any_run_is_opened(run, hub, db, orgs, monkeypatch):
    monkeypatch.setenv("COLLECTOR_HTTP_TIMEOUT", "soon")
    result = run("--db", str(db), "collect", "hf", "--orgs", str(orgs), "--top", "0")
    assert result.code == 2 and "COLLECTOR_HTTP_TIMEOUT must be a number" in result.err
    assert not db.exists() or query(db, "SELECT count(*) FROM runs") == [(0,)]


def test_a_committed_run_is_never_re_marked_failed(run, hub, db, orgs):
    from collector import store

    assert run("--db", str(db), "collect", "hf", "--orgs", str(orgs), "--top", "0").code == 0
    store.Store(db).fail_run(1, "a late interrupt after COMMIT")
    assert query(db, "SELECT status, error FROM runs") == [("ok", None)]


def test_a_day_missing_from_the_rollups_is_caught_up_by_the_next_run(run, hub, db, orgs, monkeypatch):
    """The roll-ups run after the snapshot's own transaction: a day they missed (a failure there)
    is filled in by the next Hub write, with the same figures as a day rolled up at once."""
    args = ("--db", str(db), "collect", "hf", "--orgs", str(orgs), "--top", "5")
    assert run(*args).code == 0
    first_day = query(db, "SELECT * FROM internal.hf_rollup_family ORDER BY ALL")
    assert first_day
    with store.writer(db) as con:
        for table in (
            "internal.hf_rollup_sets",
            "internal.hf_rollup_family",
            "internal.hf_rollup_organisation",
            "internal.hf_rollup_country",
        ):
            con.execute(f"DELETE FROM {table}")
    monkeypatch.setenv("COLLECTOR_NOW", "2026-05-02T06:00:00Z")
    assert run(*args).code == 0
    assert query(db, "SELECT snapshot_date::VARCHAR FROM internal.hf_rollup_sets ORDER BY 1") == [
        ("2026-05-01",),
        ("2026-05-02",),
    ]
    assert (
        query(db, "SELECT * FROM internal.hf_rollup_family WHERE snapshot_date = DATE '2026-05-01' ORDER BY ALL")
        == first_day
    )


def test_a_short_page_in_the_top_n_is_crawled_on(run, hub, db, orgs):
    """The top N counts a page as full (the Hub fills its pages) without decoding it; when the staged
    pages show fewer models, the crawl goes on from the link where it stopped, counting each page."""
    served = {None: ["m/a"], "p2": ["m/b", "m/c"], "p3": ["m/d", "m/e"], "p4": ["m/f"]}
    following = {None: "p2", "p2": "p3", "p3": "p4"}
    original = hub.handle

    def handle(request):
        if request.param("author") is not None:
            return original(request)
        cursor = request.param("cursor")
        body = json.dumps([{"_id": i, "id": i, "downloads": 10} for i in served[cursor]]).encode()
        link = {"Link": f'<{hub.url}/api/models?cursor={following[cursor]}>; rel="next"'} if cursor in following else {}
        return Reply(200, body, link)

    hub.handle = handle
    result = run("--db", str(db), "collect", "hf", "--orgs", str(orgs), "--top", "4", "--page-size", "2")
    assert result.code == 0, result.err
    rows = query(
        db,
        """SELECT model_id, rank FROM hf_model_downloads JOIN hf_snapshots USING (snapshot_id)
           WHERE scope = 'top_downloads:4' ORDER BY rank""",
    )
    assert rows == [("m/a", 1), ("m/b", 2), ("m/c", 3), ("m/d", 4)]
    assert query(db, "SELECT pages, model_count FROM hf_snapshots WHERE scope = 'top_downloads:4'") == [(3, 4)]
    assert [r.param("cursor") for r in hub.requests_to("/api/models") if r.param("author") is None] == [
        None,
        "p2",
        "p3",
    ]


@pytest.mark.parametrize("orgs_file", ["none", "two"], ids=["one listing", "three listings"])
def test_pages_read_ahead_during_the_crawl_store_what_one_read_at_the_end_stores(
    run, hub, tmp_path, orgs, monkeypatch, orgs_file
):
    """The crawl's pages are read into Parquet in the background, a chunk at a time (here every page
    as it arrives, the fake Hub answering as slowly as a network, so that the reader keeps up): the
    store gets the rows that reading every page at the end gives, with one listing (its models then
    staged as the parts themselves) or several."""
    from collector.sources.hf import pages

    hub.latency = 0.05
    parts: list[tuple[int, int]] = []
    read_part = pages._read_part

    def recorded(con, files, directory, start):
        part = read_part(con, files, directory, start)
        parts.append((part.start, part.end))
        return part

    monkeypatch.setattr(pages, "_read_part", recorded)
    namespaces = orgs
    if orgs_file == "none":
        namespaces = tmp_path / "none.csv"
        namespaces.write_text(orgs.read_text().splitlines()[0] + "\n")
    tables = {
        "hf_model_downloads": "SELECT scope, rank, model_id, downloads_30d, downloads_all_time, likes "
        "FROM hf_model_downloads JOIN hf_snapshots USING (snapshot_id) ORDER BY ALL",
        "hf_models": "SELECT * EXCLUDE (first_seen, last_seen) FROM hf_models ORDER BY model_id",
        "hf_lineage": "SELECT child_id, parent_id, relation FROM hf_lineage ORDER BY ALL",
    }
    stored = {}
    read: dict[int, list[tuple[int, int]]] = {}
    for chunk in (1, 10_000):
        monkeypatch.setattr(pages, "AHEAD_PAGES", chunk)
        parts.clear()
        db = tmp_path / f"ahead-{chunk}.duckdb"
        args = ("--db", str(db), "collect", "hf", "--orgs", str(namespaces), "--top", "7", "--page-size", "1")
        result = run(*args)
        assert result.code == 0, result.err
        stored[chunk] = {name: query(db, sql) for name, sql in tables.items()}
        read[chunk] = list(parts)
    pages_crawled = read[10_000][0][1]  # one read of every page at the end
    assert len(read[1]) > pages_crawled // 2 and read[1][0] == (0, 1)  # most pages read one by one, ahead
    assert stored[1] == stored[10_000]
    assert len(stored[1]["hf_model_downloads"]) == (7 if orgs_file == "none" else 7 + 4)
    assert stored[1]["hf_lineage"]  # the fake's derivatives
