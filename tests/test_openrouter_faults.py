"""The OpenRouter client under faults: 429 storms, 5xx bursts, slow and cut responses, malformed and
drifting schemas, oversized responses, odd strings, runs stopped part way. Each test ends with a
consistent database: a failed run keeps the pulls it completed before the failure (each committed
whole as it arrived, and counted in the run's `row_counts`) and nothing else, and a rerun completes
without duplicating anything.

Most tests start from `baseline`: a store holding a clean first run (2025-01-20), copied from a
template built once, with the clock on the next day, when a run asks for the catalog and then four
Data API windows: rankings weekly 2025-01-13..19, the programming estimate, coding apps 2025-01-13..19,
rankings daily 2025-01-18..20.
"""

from __future__ import annotations

import os
import shutil
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import orjson
import pytest

from tests.conftest import openrouter_first_run, query
from tests.fakes.openrouter import demo_models
from tests.fakes.server import Reply
from tests.seed import shared_template

# Every test starts from an empty store copied from a template (conftest `empty_store`), as if
# a first command had made it, without preparing one per test.
pytestmark = pytest.mark.usefixtures("empty_store")

EARLY = "2025-01-20T06:00:00Z"
NEXT_DAY = "2025-01-21T06:00:00Z"
TABLES = ("or_catalog_snapshots", "or_models", "or_pulls", "or_rankings", "or_app_rankings")
MODELS = "/api/v1/models"
RANKINGS = "/api/v1/datasets/rankings-daily"
APPS = "/api/v1/datasets/app-rankings"
# meta of the first Data API window asked for on NEXT_DAY (the weekly rankings of 2025-01-13..19)
WEEK_META = {"as_of": "2025-01-21T05:00:00Z", "version": "v1", "start_date": "2025-01-13", "end_date": "2025-01-19"}


def collect(run, db, *args):
    return run("--db", str(db), "-q", "collect", "openrouter", *args)


def counts(db: Path) -> dict[str, int]:
    row = query(db, "SELECT " + ", ".join(f"(SELECT count(*) FROM {t})" for t in TABLES))[0]
    return dict(zip(TABLES, row, strict=False))


CONSISTENCY = {  # each query counts violations
    "runs left running": "SELECT count(*) FROM runs WHERE status = 'running'",
    "an observation stored twice": """SELECT count(*) FROM (SELECT period, category, bucket_date, model_permaslug,
        total_tokens, rank FROM or_rankings JOIN or_pulls USING (pull_id) GROUP BY ALL HAVING count(*) > 1)""",
    "a model twice in one pull": """SELECT count(*) FROM (SELECT pull_id, bucket_date, model_permaslug FROM or_rankings
        GROUP BY ALL HAVING count(*) > 1)""",
    "an app rank twice in one pull": "SELECT count(*) FROM (SELECT pull_id, rank FROM or_app_rankings GROUP BY ALL HAVING count(*) > 1)",
    "two catalogs for one day": "SELECT count(*) FROM (SELECT snapshot_date FROM or_catalog_snapshots GROUP BY 1 HAVING count(*) > 1)",
    "a model twice in one catalog": "SELECT count(*) FROM (SELECT snapshot_id, id FROM or_models GROUP BY ALL HAVING count(*) > 1)",
    "orphaned catalog rows": "SELECT count(*) FROM or_models ANTI JOIN or_catalog_snapshots USING (snapshot_id)",
    "orphaned ranking rows": "SELECT count(*) FROM or_rankings ANTI JOIN or_pulls USING (pull_id)",
    "orphaned app rows": "SELECT count(*) FROM or_app_rankings ANTI JOIN or_pulls USING (pull_id)",
    # a failed run keeps its complete pulls, and says so: the journal counts exactly what is stored
    "a run's pulls not as its row_counts say": """SELECT count(*) FROM runs r WHERE r.source = 'openrouter'
        AND r.status <> 'running' AND coalesce(CAST(r.row_counts->>'or_pulls' AS INTEGER), 0)
            <> (SELECT count(*) FROM or_pulls p WHERE p.run_id = r.run_id)""",
    "a failed run's kept pulls not in its row_counts": """SELECT count(*) FROM runs r WHERE r.status = 'failed'
        AND coalesce(CAST(r.row_counts->>'kept_pulls' AS INTEGER), 0)
            <> (SELECT count(*) FROM or_pulls p WHERE p.run_id = r.run_id)""",
    "catalogs of a run that did not finish ok": "SELECT count(*) FROM or_catalog_snapshots JOIN runs USING (run_id) WHERE status <> 'ok'",
}


def assert_consistent(db: Path) -> None:
    """No duplicate observation, nothing orphaned, nothing from a run that did not finish ok."""
    row = query(db, "SELECT " + ", ".join(f"({sql})" for sql in CONSISTENCY.values()))[0]
    assert dict(zip(CONSISTENCY, row, strict=False)) == dict.fromkeys(CONSISTENCY, 0)
    staging = db.parent / "staging"
    assert not staging.exists() or list(staging.iterdir()) == []


def assert_failed_cleanly(result, db: Path, before: dict[str, int], message: str, kept: int = 0) -> None:
    """Failed in one line, keeping the `kept` pulls completed before the failure and nothing else."""
    assert result.code == 1, result.err
    assert message in result.err, result.err
    assert result.err.startswith("error: ") and result.err.count("\n") == 1 and "Traceback" not in result.err
    after = counts(db)
    assert after["or_pulls"] == before["or_pulls"] + kept
    assert {k: v for k, v in after.items() if k not in ("or_pulls", "or_rankings")} == {
        k: v for k, v in before.items() if k not in ("or_pulls", "or_rankings")
    }
    if not kept:
        assert after == before
    status, error = query(db, "SELECT status, error FROM runs ORDER BY run_id DESC LIMIT 1")[0]
    assert status == "failed" and message in error and "\n" not in error
    if kept:
        assert f"kept {kept} complete pull" in error and f"kept {kept} complete pull" in result.err
    assert_consistent(db)


def assert_rerun_completes(run, db: Path, before: dict[str, int]) -> None:
    """The same day's run again, faults gone: the catalog and the four windows are stored once."""
    result = collect(run, db)
    assert result.code == 0, result.err
    after = counts(db)
    assert after["or_catalog_snapshots"] == before["or_catalog_snapshots"] + 1
    assert after["or_pulls"] == before["or_pulls"] + 4
    assert after["or_rankings"] > before["or_rankings"]
    assert_consistent(db)


# ------------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="session")
def template(openrouter_template) -> Path:
    """A store after a clean first run on 2025-01-20 (conftest `openrouter_template`: built once per
    session, shared by the xdist workers; the fake's data is deterministic)."""
    return openrouter_template


@pytest.fixture(scope="session")
def uninterrupted(tmp_path_factory) -> Path:
    """What a clean first run on LONG (12 windows) stores, for the tests that stop a backfill part way
    to compare against (built once per session: the same run, data and clock every time)."""
    return shared_template(tmp_path_factory, "openrouter-long-run", lambda path: openrouter_first_run(path, LONG))


@pytest.fixture
def baseline(template, db, openrouter, monkeypatch) -> dict[str, int]:
    """`db` holds the first run; the clock is on the next day. Returns the table counts."""
    shutil.copy(template, db)
    monkeypatch.setenv("COLLECTOR_NOW", NEXT_DAY)
    before = counts(db)
    assert before["or_pulls"] == 6 and before["or_catalog_snapshots"] == 1
    return before


def statuses(server, path: str) -> list[int]:
    return [r.status for r in server.requests_to(path)]


# ------------------------------------------------------------------------------------ 429 storms

LIMITED = b'{"error":{"code":429,"message":"Rate limit exceeded"}}'


def test_429_with_an_http_date_retry_after_waits_until_then(run, openrouter, db, baseline):
    # The clock is frozen (COLLECTOR_NOW), so "one second from now" as an HTTP date is exactly 1 s.
    when = format_datetime(datetime(2025, 1, 21, 6, 0, 1, tzinfo=UTC), usegmt=True)
    openrouter.script(APPS, Reply(429, LIMITED, {"Retry-After": when}))
    started = time.monotonic()
    result = collect(run, db)
    assert result.code == 0, result.err
    assert time.monotonic() - started >= 1.0
    assert statuses(openrouter, APPS) == [429, 200]
    assert_consistent(db)
    assert counts(db)["or_pulls"] == baseline["or_pulls"] + 4


def test_429_storm_without_hints_backs_off_then_completes(run, openrouter, db, baseline, monkeypatch):
    monkeypatch.setenv("COLLECTOR_RETRY_BASE_SECONDS", "0.1")
    monkeypatch.setenv("COLLECTOR_RETRY_CAP_SECONDS", "0.4")
    openrouter.script(RANKINGS, *[Reply(429, LIMITED)] * 4)
    started = time.monotonic()
    result = run("--db", str(db), "collect", "openrouter")
    assert result.code == 0, result.err
    assert time.monotonic() - started >= 0.1 + 0.2 + 0.4 + 0.4  # exponential, capped
    assert statuses(openrouter, RANKINGS)[:5] == [429, 429, 429, 429, 200]
    assert "4 retries" in result.err
    assert counts(db)["or_pulls"] == baseline["or_pulls"] + 4
    assert_consistent(db)


def test_429_storm_that_never_ends_fails_cleanly(run, openrouter, db, baseline):
    openrouter.script(RANKINGS, *[Reply(429, LIMITED)] * 7)
    result = collect(run, db)
    assert_failed_cleanly(
        result, db, baseline, "rankings weekly 2025-01-13..2025-01-19: HTTP 429 after 7 attempts: Rate limit exceeded"
    )
    assert statuses(openrouter, RANKINGS) == [429] * 7  # 6 retries (OpenRouter's default), then it stops
    assert_rerun_completes(run, db, baseline)


@pytest.mark.parametrize("retry_after", ["86400", "Wed, 22 Jan 2025 06:00:00 GMT"])
def test_429_asking_for_too_long_a_wait_stops_at_once(run, openrouter, db, baseline, retry_after):
    openrouter.script(
        RANKINGS, Reply(429, b'{"error":{"code":429,"message":"Daily limit"}}', {"Retry-After": retry_after})
    )
    started = time.monotonic()
    result = collect(run, db)
    assert time.monotonic() - started < 10
    assert_failed_cleanly(result, db, baseline, "HTTP 429, the server asks to wait 86400 s (over the 900 s limit)")
    assert statuses(openrouter, RANKINGS) == [429]  # not retried
    assert_rerun_completes(run, db, baseline)


def test_429_storm_reaching_the_daily_budget_keeps_only_complete_pulls(run, openrouter, db, baseline, monkeypatch):
    """Retries count against the budget: a storm that eats it stops the run before the next request,
    commits the pulls completed before it (never the interrupted one) and leaves the rest."""
    monkeypatch.setenv("OPENROUTER_DAILY_BUDGET", "4")
    openrouter.script(APPS, *[Reply(429, LIMITED)] * 2)
    result = collect(run, db)
    assert result.code == 0, result.err
    assert "daily request budget of 4 reached" in result.err
    assert (
        "left for the next run: rankings daily 2025-01-18..2025-01-20 (1 request); "
        "coding apps weekly 2025-01-13..2025-01-19 (1 request)"
    ) in result.err
    assert statuses(openrouter, APPS) == [429, 429]
    assert query(db, "SELECT dataset, period, category FROM or_pulls WHERE pull_id > 6 ORDER BY pull_id") == [
        ("rankings-daily", "week", None),
        ("rankings-daily", "week", "programming"),
    ]
    assert_consistent(db)
    monkeypatch.setenv("OPENROUTER_DAILY_BUDGET", "500")
    monkeypatch.setenv("COLLECTOR_NOW", "2025-01-22T06:00:00Z")
    assert collect(run, db).code == 0
    # fetched on the first day, then again (the restatement the 429s interrupted) two days later
    assert query(db, "SELECT count(*) FROM or_pulls WHERE dataset = 'app-rankings' AND start_date = '2025-01-13'") == [
        (2,)
    ]
    assert_consistent(db)


# ------------------------------------------------------------------------------------ 5xx bursts


def test_5xx_bursts_that_recover_store_the_same_data_as_a_clean_run(run, template, openrouter, db, baseline, tmp_path):
    clean = tmp_path / "clean.duckdb"
    shutil.copy(template, clean)
    assert collect(run, clean).code == 0
    openrouter.script(MODELS, Reply(502, b"<html>Bad Gateway</html>"))
    openrouter.script(
        RANKINGS,
        Reply(503, b'{"error":{"code":503,"message":"busy"}}'),
        Reply(500, b""),
        Reply(504, b"Gateway Timeout"),
    )
    openrouter.script(APPS, Reply(500, b'{"error":{"code":500,"message":"Internal Server Error"}}'))
    result = collect(run, db)
    assert result.code == 0, result.err
    assert statuses(openrouter, MODELS)[-2:] == [502, 200]
    assert [s for s in statuses(openrouter, APPS) if s != 200] == [500]
    assert [s for s in statuses(openrouter, RANKINGS) if s != 200] == [503, 500, 504]
    for sql in (
        "SELECT * FROM or_rankings ORDER BY ALL",
        "SELECT * FROM or_app_rankings ORDER BY ALL",
        "SELECT * EXCLUDE (snapshot_id) FROM or_models ORDER BY ALL",
        "SELECT * EXCLUDE (pull_id, run_id) FROM or_pulls ORDER BY ALL",
        "SELECT * FROM or_rankings_latest ORDER BY ALL",
    ):
        assert query(db, sql) == query(clean, sql), sql
    assert_consistent(db)


# ----------------------------------------------------------------------- timeouts, cut connections


def test_slow_response_times_out_and_is_retried(run, openrouter, db, baseline, monkeypatch):
    monkeypatch.setenv("COLLECTOR_HTTP_TIMEOUT", "0.3")
    # replies slow enough that waiting for both would be plain even on a loaded machine, where the
    # run itself (a commit per pull) takes a second or two
    openrouter.script(MODELS, Reply(200, orjson.dumps({"data": []}), delay=6.0))
    openrouter.script(RANKINGS, Reply(200, b'{"data": []}', delay=6.0))
    started = time.monotonic()
    result = collect(run, db)
    assert result.code == 0, result.err
    assert time.monotonic() - started < 6.0  # neither slow reply was waited for in full
    assert len(openrouter.requests_to(MODELS)) == 2 and len(openrouter.requests_to(RANKINGS)) == 4
    assert query(db, "SELECT model_count FROM or_catalog_snapshots ORDER BY snapshot_date") == [(4,), (4,)]
    assert counts(db)["or_pulls"] == baseline["or_pulls"] + 4
    assert_consistent(db)


def test_body_that_stalls_mid_way_times_out_and_is_retried(run, openrouter, db, baseline, monkeypatch):
    monkeypatch.setenv("COLLECTOR_HTTP_TIMEOUT", "0.3")
    body = orjson.dumps(
        {"data": [{"rank": 1, "app_id": "stalled", "app_name": "never stored", "total_tokens": "1"}], "meta": WEEK_META}
    )
    openrouter.script(APPS, Reply(200, body, pause_at=20, pause=1.5))
    result = collect(run, db)
    assert result.code == 0, result.err
    assert len(openrouter.requests_to(APPS)) == 2
    assert query(db, "SELECT count(*) FROM or_app_rankings WHERE app_id = 'stalled'") == [(0,)]
    assert counts(db)["or_pulls"] == baseline["or_pulls"] + 4
    assert_consistent(db)


def test_persistent_timeout_fails_cleanly(run, openrouter, db, baseline, monkeypatch):
    monkeypatch.setenv("COLLECTOR_HTTP_TIMEOUT", "0.2")
    monkeypatch.setenv("COLLECTOR_MAX_RETRIES", "2")
    openrouter.script(RANKINGS, *[Reply(200, b'{"data": []}', delay=0.8)] * 3)
    result = collect(run, db)
    assert_failed_cleanly(
        result, db, baseline, "rankings weekly 2025-01-13..2025-01-19: network error after 3 attempts (ReadTimeout"
    )
    assert_rerun_completes(run, db, baseline)


def test_connection_reset_mid_body_is_retried(run, openrouter, db, baseline):
    body = orjson.dumps({"data": [{"rank": 1, "app_id": "cut", "total_tokens": "1"}], "meta": WEEK_META})
    openrouter.script(APPS, Reply(200, body, truncate_at=25))
    result = collect(run, db)
    assert result.code == 0, result.err
    assert len(openrouter.requests_to(APPS)) == 2
    assert query(db, "SELECT count(*) FROM or_app_rankings WHERE app_id = 'cut'") == [(0,)]
    assert counts(db)["or_pulls"] == baseline["or_pulls"] + 4
    assert_consistent(db)


def test_persistent_reset_fails_cleanly(run, openrouter, db, baseline, monkeypatch):
    monkeypatch.setenv("COLLECTOR_MAX_RETRIES", "2")
    openrouter.script(MODELS, *[Reply(200, orjson.dumps({"data": demo_models()}), truncate_at=30)] * 3)
    result = collect(run, db)
    assert_failed_cleanly(
        result, db, baseline, "OpenRouter models catalog: network error after 3 attempts (RemoteProtocolError"
    )
    assert openrouter.keyed_requests() == []  # the catalog comes first: nothing else was asked
    assert_rerun_completes(run, db, baseline)


def test_a_wrong_base_url_is_named_in_the_error(run, openrouter, db, monkeypatch):
    """OPENROUTER_BASE_URL without its /api/v1: the 404 says which URL answered it, credentials left out."""
    root = openrouter.api_url.removesuffix("/api/v1")
    monkeypatch.setenv("OPENROUTER_BASE_URL", root.replace("http://", "http://someone:hunter2@"))
    result = collect(run, db)
    assert result.code == 1
    line = result.err.strip().splitlines()[-1]
    assert line.startswith("error: OpenRouter models catalog: HTTP 404") and line.endswith(
        f"[{root.replace('http://', 'http://[redacted]@')}/models]"
    ), line
    assert "hunter2" not in result.err


# ------------------------------------------------------------------- malformed and drifting bodies


def _rankings(*rows, meta=WEEK_META, **extra) -> bytes:
    return orjson.dumps({"data": list(rows), "meta": meta, **extra})


def _catalog(*models) -> bytes:
    return orjson.dumps({"data": list(models)})


ROW = {"date": "2025-01-13", "model_permaslug": "a/b", "total_tokens": "12"}
APP = {"rank": 1, "app_id": "cline", "app_name": "Cline", "total_tokens": "5", "total_requests": "2"}


@pytest.mark.parametrize(
    "path, body, message",
    [
        # not JSON, or cut short, with a 200
        (MODELS, b'{"data": [{"id": "a/b", "name": "trunc', "not valid JSON"),
        (MODELS, b"<html><body>Service Unavailable</body></html>", "not valid JSON"),
        (RANKINGS, b"", "not valid JSON"),
        (APPS, b'{"data": [{"rank": 1, "app_id": "cline"}], "meta": {"as_of": "2025-01-21T0', "not valid JSON"),
        # the envelope renamed or of the wrong shape
        (MODELS, b'{"models": []}', 'expected {"data": [models]}'),
        (MODELS, b"[]", 'expected {"data": [models]}'),
        (RANKINGS, orjson.dumps({"rows": [ROW], "meta": WEEK_META}), 'expected {"data": [...], "meta": {...}}'),
        (
            RANKINGS,
            orjson.dumps({"data": {"2025-01-13": [ROW]}, "meta": WEEK_META}),
            'expected {"data": [...], "meta": {...}}',
        ),
        # required fields renamed or missing
        (
            RANKINGS,
            _rankings({"date": "2025-01-13", "permaslug": "a/b", "total_tokens": "12"}),
            "row #0 (2025-01-13) model_permaslug None is not a string",
        ),
        (
            RANKINGS,
            _rankings({"date": "2025-01-13", "model_permaslug": "a/b", "tokens": "12"}),
            "row #0 (2025-01-13 a/b) total_tokens None is not an integer",
        ),
        (RANKINGS, _rankings({"model_permaslug": "a/b", "total_tokens": "12"}), "row #0 date None is not YYYY-MM-DD"),
        (
            RANKINGS,
            _rankings(ROW, meta={**WEEK_META, "start_date": None, "start": "2025-01-13"}),
            "meta.start_date / meta.end_date must be YYYY-MM-DD",
        ),
        (APPS, _rankings({**APP, "rank": None, "position": 1}), "row #0 rank None is not an integer"),
        (
            APPS,
            _rankings({k: v for k, v in APP.items() if k != "app_id"}),
            "row #0 app_id None is not a string or integer",
        ),
        (MODELS, _catalog({"model_id": "a/b", "name": "renamed id"}), "model #0 (None) field 'id' is NoneType"),
        # wrongly typed
        (RANKINGS, _rankings({**ROW, "model_permaslug": 42}), "model_permaslug 42 is not a string"),
        (RANKINGS, _rankings({**ROW, "date": 20250113}), "row #0 date 20250113 is not YYYY-MM-DD"),
        (RANKINGS, _rankings({**ROW, "total_tokens": True}), "total_tokens True is not an integer"),
        (RANKINGS, _rankings("a/b"), "row #0 is str, expected an object"),
        (
            RANKINGS,
            _rankings(ROW, meta={**WEEK_META, "as_of": 1737439200}),
            "meta.as_of is int '1737439200', expected an ISO time string",
        ),
        (
            RANKINGS,
            _rankings(ROW, meta={**WEEK_META, "as_of": "this morning"}),
            "meta.as_of is not a time: 'this morning'",
        ),
        (APPS, _rankings({**APP, "rank": "1"}), "row #0 rank '1' is not an integer"),
        (APPS, _rankings({**APP, "app_name": ["Cline"]}), "row #0 app_name ['Cline'] is not a string"),
        (APPS, _rankings({**APP, "total_requests": "many"}), "row #0 (cline) total_requests 'many' is not an integer"),
        (
            MODELS,
            _catalog({"id": "a/b", "context_length": "128000"}),
            "model #0 (a/b) field 'context_length' is str '128000'",
        ),
        (MODELS, _catalog({"id": "a/b", "created": True}), "field 'created' is bool"),
        (
            MODELS,
            _catalog({"id": "a/b", "architecture": {"input_modalities": "text"}}),
            "field 'architecture.input_modalities' is str 'text', expected a list of strings",
        ),
        (MODELS, _catalog({"id": "a/b", "pricing": ["0.1", "0.2"]}), "field 'pricing' is list"),
        (MODELS, _catalog({"id": "a/b", "canonical_slug": 7}), "field 'canonical_slug' is int"),
        (
            MODELS,
            _catalog({"id": "a/b", "expiration_date": "soon"}),
            "field 'expiration_date' is str 'soon', expected an ISO date",
        ),
        (MODELS, _catalog("a/b"), "model #0 is str, expected an object"),
    ],
)
def test_malformed_response_fails_with_one_line_and_keeps_only_complete_pulls(
    run, openrouter, db, baseline, path, body, message
):
    openrouter.script(path, Reply(200, body))
    result = collect(run, db)
    # the coding apps are asked third, after the weekly rankings and the programming estimate
    assert_failed_cleanly(result, db, baseline, message, kept=2 if path == APPS else 0)
    assert "bad response to GET /api/v1/" in result.err  # says which request
    # (the store is left exactly as before: the rerun from it is the one the other failure tests check)


def test_missing_optional_fields_are_stored_as_null(run, openrouter, db, baseline):
    openrouter.models.append({"id": "bare/only-an-id"})
    meta = {k: v for k, v in WEEK_META.items() if k != "version"}
    openrouter.script(
        APPS,
        Reply(
            200, _rankings({"rank": 1, "app_id": 17}, {"rank": 2, "app_id": "named", "app_name": "Named"}, meta=meta)
        ),
    )
    result = collect(run, db)
    assert result.code == 0, result.err
    row = query(
        db,
        """SELECT * EXCLUDE (snapshot_id) FROM or_models
                       WHERE id = 'bare/only-an-id' AND snapshot_id = (SELECT max(snapshot_id) FROM or_catalog_snapshots)""",
    )
    assert row == [("bare/only-an-id", None, "bare") + (None,) * 12]
    assert query(
        db,
        """SELECT rank, app_id, app_name, total_tokens, total_requests FROM or_app_rankings
                        JOIN or_pulls USING (pull_id) WHERE start_date = '2025-01-13' AND version IS NULL ORDER BY rank""",
    ) == [(1, "17", None, None, None), (2, "named", "Named", None, None)]
    assert query(
        db, "SELECT app_id, app_name FROM or_app_rankings_latest WHERE start_date = '2025-01-13' ORDER BY rank"
    ) == [("17", None), ("named", "Named")]
    assert_consistent(db)


def test_extra_fields_are_ignored(run, openrouter, db, baseline, template):
    plain = query(template, "SELECT * EXCLUDE (snapshot_id) FROM or_models ORDER BY id")
    openrouter.models = [
        {
            **m,
            "description": "new field",
            "per_request_limits": {"x": 1},
            "top_provider": {"is_moderated": True},
            "architecture": {**m["architecture"], "instruct_type": "chatml"},
            "pricing": {**m["pricing"], "web_search": "0.01", "internal_reasoning": 0.5},
        }
        for m in demo_models()
    ]
    week = [
        {**ROW, "variant": ":free", "share": 0.5, "model_permaslug": slug, "total_tokens": str(tokens)}
        for slug, tokens in (("a/b", 30), ("c/d", 20), ("other", 10))
    ]
    openrouter.script(
        RANKINGS,
        Reply(
            200,
            _rankings(*week, meta={**WEEK_META, "generated_by": "x", "next": None}, links={"self": "/x"}, warnings=[]),
        ),
    )
    openrouter.script(APPS, Reply(200, _rankings({**APP, "url": "https://cline.bot", "categories": ["coding"]})))
    result = collect(run, db)
    assert result.code == 0, result.err
    latest = "(SELECT max(snapshot_id) FROM or_catalog_snapshots)"
    assert query(db, f"SELECT * EXCLUDE (snapshot_id) FROM or_models WHERE snapshot_id = {latest} ORDER BY id") == plain
    assert query(
        db,
        """SELECT model_permaslug, total_tokens, rank FROM or_rankings_latest
                        WHERE period = 'week' AND category IS NULL AND bucket_date = '2025-01-13' ORDER BY rank""",
    ) == [("a/b", 30, 1), ("c/d", 20, 2), ("other", 10, 3)]
    assert query(db, "SELECT version FROM or_pulls WHERE pull_id = 7") == [("v1",)]
    assert query(
        db,
        "SELECT rank, app_id, app_name, total_tokens, total_requests FROM or_app_rankings_latest "
        "WHERE start_date = '2025-01-13'",
    ) == [(1, "cline", "Cline", 5, 2)]
    assert_consistent(db)


# ----------------------------------------------------------------------------- oversized responses


@pytest.mark.parametrize(
    "limit_mb, path, no_length, message",
    [
        # the catalog of four models is about 1.7 kB: over 1,048 bytes, and the server says so up front
        ("0.001", MODELS, False, "OpenRouter models catalog: response of 1,"),
        # a 10 kB rankings body with no Content-Length: refused once the bytes read pass 4,194
        ("0.004", RANKINGS, True, "rankings weekly 2025-01-13..2025-01-19: response is over the 4,194-byte limit"),
    ],
)
def test_oversized_response_is_refused(run, openrouter, db, baseline, monkeypatch, limit_mb, path, no_length, message):
    monkeypatch.setenv("COLLECTOR_MAX_RESPONSE_MB", limit_mb)
    if path == RANKINGS:
        rows = [{**ROW, "model_permaslug": f"org/model-{i:04d}", "total_tokens": str(10**9 - i)} for i in range(150)]
        openrouter.script(RANKINGS, Reply(200, _rankings(*rows), no_length=no_length))
    result = collect(run, db)
    assert_failed_cleanly(result, db, baseline, message)
    assert "(COLLECTOR_MAX_RESPONSE_MB)" in result.err
    assert len(openrouter.requests_to(path)) == 1  # refused, not retried
    monkeypatch.delenv("COLLECTOR_MAX_RESPONSE_MB")
    assert_rerun_completes(run, db, baseline)


# ----------------------------------------------------------------------------------- odd strings


@pytest.mark.parametrize(
    "odd",
    [
        'it\'s "quoted"/model`s',
        "ünïcödé/模型-7b:free",
        "a/b/c/d",
        "x'); DROP TABLE runs; --",
        "%s ?/$1 \\N {0} ${x}",
        "tab\tand\nnewline/m",
    ],
)
def test_odd_slugs_and_names_are_stored_verbatim(run, openrouter, db, monkeypatch, odd):
    monkeypatch.setenv("COLLECTOR_NOW", EARLY)
    openrouter.daily["2025-01-07"] = openrouter.daily["2025-01-07"] + [(odd, 10**15)]
    openrouter.apps["coding"]["2025-01-08"] = openrouter.apps["coding"]["2025-01-08"] + [(odd, odd, 10**15, 9)]
    openrouter.models = demo_models() + [{"id": odd, "canonical_slug": odd, "name": odd, "hugging_face_id": odd}]
    result = collect(run, db)
    assert result.code == 0, result.err
    assert query(
        db,
        """SELECT period, rank FROM or_rankings JOIN or_pulls USING (pull_id)
                        WHERE model_permaslug = ? ORDER BY period""",
        [odd],
    ) == [("day", 1), ("week", 1)]
    assert query(
        db,
        "SELECT model_permaslug FROM or_rankings_latest WHERE period = 'day' AND bucket_date = '2025-01-07' "
        "AND rank = 1",
    ) == [(odd,)]
    assert query(
        db, "SELECT app_id, app_name, rank FROM or_app_rankings_latest WHERE start_date = '2025-01-06' AND rank = 1"
    ) == [(odd, odd, 1)]
    assert query(db, "SELECT id, canonical_slug, name, hugging_face_id, author FROM or_models WHERE id = ?", [odd]) == [
        (odd, odd, odd, odd, odd.split("/", 1)[0])
    ]
    assert query(db, "SELECT model_slug FROM or_model_attribution WHERE model_permaslug = ?", [odd]) != []
    assert query(db, "SELECT status FROM runs") == [("ok",)]  # the runs table is still there
    assert counts(db)["or_pulls"] == 6
    assert_consistent(db)


# ------------------------------------------------------------------------ runs stopped part way

# A longer history: 12 Data API windows, asked in this order: rankings daily, weekly and programming
# (2025-01-01..03-02), then the coding apps, one week a request (2025-01-01..05, then 01-06 .. 02-24).
LONG = "2025-03-03T06:00:00Z"
APP_WEEKS = ["2025-01-01"] + [f"2025-{m:02d}-{d:02d}" for m, d in ((1, 6), (1, 13), (1, 20), (1, 27), (2, 3), (2, 10))]
APP_WEEKS += ["2025-02-17", "2025-02-24"]
STORED = {  # what an uninterrupted run stores, compared row for row (ids and run ids aside)
    "or_pulls": "SELECT * EXCLUDE (pull_id, run_id) FROM or_pulls ORDER BY ALL",
    "or_rankings": "SELECT * EXCLUDE (pull_id) FROM or_rankings ORDER BY ALL",
    "or_app_rankings": "SELECT * EXCLUDE (pull_id) FROM or_app_rankings ORDER BY ALL",
    "or_models": "SELECT * EXCLUDE (snapshot_id) FROM or_models ORDER BY ALL",
}


@pytest.fixture
def stop_signals():
    """Ctrl-C sent to this process mid-run (the CLI's handler takes it); the handler and the stop
    request are put back afterwards, so no later test sees them."""
    import signal

    from collector.core import cancel

    handler = signal.getsignal(signal.SIGINT)
    yield lambda: os.kill(os.getpid(), signal.SIGINT)
    signal.signal(signal.SIGINT, handler)
    cancel.clear()


def asked_starts(server) -> list[tuple[str, str | None]]:
    return [(r.path.rsplit("/", 1)[1], r.param("start_date")) for r in server.keyed_requests()]


def assert_same_as_an_uninterrupted_run(db: Path, clean: Path) -> None:
    """`db` holds what `clean`, a clean run on the same day (the `uninterrupted` fixture), stored."""
    for table, sql in STORED.items():
        assert query(db, sql) == query(clean, sql), table


def test_ctrl_c_mid_backfill_keeps_every_complete_pull_and_the_next_run_asks_only_for_the_rest(
    run, openrouter, db, monkeypatch, stop_signals, uninterrupted
):
    monkeypatch.setenv("COLLECTOR_NOW", LONG)
    during: list = []

    def ctrl_c() -> None:
        # as the 5th request arrives, the 4 pulls before it are committed and the journal says so
        during.append(query(db, "SELECT status, row_counts->>'kept_pulls' FROM runs")[0])
        during.append(counts(db)["or_pulls"])
        stop_signals()

    openrouter.after_keyed(5, then=ctrl_c)
    result = collect(run, db)
    assert result.code == 130, result.err
    assert "stopping at the next safe point" in result.err
    assert "error: stopped: SIGINT received; kept 5 complete pulls (the next run asks only for what is missing)" in (
        result.err
    )
    assert during == [("running", "4"), 4]
    assert openrouter.keyed_count == 5  # stopped before a sixth request: the fifth's answer was kept whole
    after = counts(db)
    assert after["or_pulls"] == 5 and after["or_catalog_snapshots"] == 0  # the catalog goes with a run's end
    assert query(db, "SELECT dataset, period, category, start_date::VARCHAR FROM or_pulls ORDER BY pull_id") == [
        ("rankings-daily", "day", None, "2025-01-01"),
        ("rankings-daily", "week", None, "2025-01-01"),
        ("rankings-daily", "week", "programming", "2025-01-01"),
        ("app-rankings", None, "coding", "2025-01-01"),
        ("app-rankings", None, "coding", "2025-01-06"),
    ]
    status, error, kept = query(db, "SELECT status, error, row_counts->>'kept_pulls' FROM runs")[0]
    assert status == "failed" and kept == "5" and error.startswith("stopped: SIGINT received; kept 5 complete pulls")
    assert_consistent(db)

    # the same day again: only the seven missing app weeks are asked for
    openrouter._after = None
    openrouter.log.clear()
    again = collect(run, db)
    assert again.code == 0, again.err
    assert asked_starts(openrouter) == [("app-rankings", start) for start in APP_WEEKS[2:]]
    assert_consistent(db)
    assert_same_as_an_uninterrupted_run(db, uninterrupted)

    # and once more: nothing is asked, nothing is added (the catalog of the day is replaced)
    before = counts(db)
    openrouter.log.clear()
    assert collect(run, db).code == 0
    assert openrouter.keyed_requests() == []
    assert counts(db) == before
    assert_consistent(db)


def test_failure_late_in_a_backfill_keeps_the_pulls_before_it(run, openrouter, db, monkeypatch, uninterrupted):
    """A failure at minute 3.9 of a 4-minute backfill: a server that fails from the 8th request on."""
    monkeypatch.setenv("COLLECTOR_NOW", LONG)
    monkeypatch.setenv("COLLECTOR_MAX_RETRIES", "1")
    openrouter.after_keyed(7, reply=Reply(500, b'{"error":{"code":500,"message":"Internal Server Error"}}'))
    result = collect(run, db)
    assert result.code == 1
    assert "coding apps weekly 2025-01-27..2025-02-02: HTTP 500 after 2 attempts: Internal Server Error" in result.err
    assert "; kept 7 complete pulls (the next run asks only for what is missing)" in result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert counts(db)["or_pulls"] == 7
    assert query(db, "SELECT status, row_counts->>'kept_pulls', row_counts->>'or_pulls' FROM runs") == [
        ("failed", "7", "7")
    ]
    assert_consistent(db)
    openrouter._after = None
    openrouter.log.clear()
    assert collect(run, db).code == 0
    assert asked_starts(openrouter) == [("app-rankings", start) for start in APP_WEEKS[4:]]
    assert_consistent(db)
    assert_same_as_an_uninterrupted_run(db, uninterrupted)


def test_a_forced_stop_after_kept_parts_is_an_interrupt_saying_what_stayed(db):
    """The run wrapper: a second Ctrl-C (KeyboardInterrupt) after two kept parts is recorded failed
    with them, and reaches the user as an interrupt (exit 130) that says what stayed."""
    from collector.app.runner import Run
    from collector.core.cancel import Interrupted
    from collector.store import Store

    store = Store(db)
    with (
        pytest.raises(
            Interrupted, match=r"^interrupted by the user \(forced stop: a second Ctrl-C or signal\); kept 2"
        ),
        Run(store, "collect openrouter", "openrouter", {}, part="pull") as r,
    ):
        r.keep(lambda con: {"or_pulls": 1, "or_rankings": 4})
        r.keep(lambda con: {"or_pulls": 1, "or_rankings": 0})
        raise KeyboardInterrupt
    row = query(db, "SELECT status, row_counts, error FROM runs")[0]
    assert row[0] == "failed" and orjson.loads(row[1]) == {"kept_pulls": 2, "or_pulls": 2, "or_rankings": 4}
    assert "nothing of this run was committed" not in row[2] and "kept 2 complete pulls" in row[2]
