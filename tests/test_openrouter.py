"""`collector collect openrouter` end to end against a fake OpenRouter on 127.0.0.1."""

from __future__ import annotations

import shutil
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import httpx
import pytest

from tests.conftest import query
from tests.fakes.openrouter import KEY
from tests.fakes.server import Reply

# Every test starts from an empty store copied from a template (conftest `empty_store`), as if
# a first command had made it, without preparing one per test.
pytestmark = pytest.mark.usefixtures("empty_store")

EARLY = "2025-01-20T06:00:00Z"  # last completed day 2025-01-19, a Sunday: 19 days, 3 weeks of history
NEXT_DAY = "2025-01-21T06:00:00Z"


def collect(run, db, *args):
    """`collector [--quiet|--verbose] collect openrouter [args]` (global flags go before the command)."""
    flags = [a for a in args if a in ("--quiet", "--verbose")]
    rest = [a for a in args if a not in flags]
    return run("--db", str(db), *flags, "collect", "openrouter", *rest)


def keyed(server) -> list[tuple[str, dict]]:
    return [(r.path.rsplit("/", 1)[1], dict(r.query)) for r in server.keyed_requests()]


def windows(server, dataset: str, **match) -> list[tuple[str, str]]:
    return [
        (q["start_date"], q["end_date"])
        for name, q in keyed(server)
        if name == dataset
        and all(q.get(k) == v for k, v in match.items())
        and (dataset != "rankings-daily" or ("category" in q) == ("category" in match))
    ]


def expected_bucket(usage: list[tuple[str, int]], top: int = 3) -> list[tuple[str, int]]:
    ranked = sorted(usage, key=lambda kv: -kv[1])
    return ranked[:top] + [("other", sum(t for _, t in ranked[top:]))]


@pytest.fixture
def early(monkeypatch):
    monkeypatch.setenv("COLLECTOR_NOW", EARLY)


# ------------------------------------------------------------------------------------------ backfill


def test_first_run_stores_catalog_rankings_and_apps_with_meta(run, openrouter, db, early):
    result = collect(run, db)
    assert result.code == 0, result.err
    assert keyed(openrouter) == [
        ("rankings-daily", {"start_date": "2025-01-01", "end_date": "2025-01-19", "period": "day"}),
        ("rankings-daily", {"start_date": "2025-01-01", "end_date": "2025-01-19", "period": "week"}),
        (
            "rankings-daily",
            {"start_date": "2025-01-01", "end_date": "2025-01-19", "period": "week", "category": "programming"},
        ),
        (
            "app-rankings",
            {
                "start_date": "2025-01-01",
                "end_date": "2025-01-05",
                "category": "coding",
                "sort": "popular",
                "limit": "100",
            },
        ),
        (
            "app-rankings",
            {
                "start_date": "2025-01-06",
                "end_date": "2025-01-12",
                "category": "coding",
                "sort": "popular",
                "limit": "100",
            },
        ),
        (
            "app-rankings",
            {
                "start_date": "2025-01-13",
                "end_date": "2025-01-19",
                "category": "coding",
                "sort": "popular",
                "limit": "100",
            },
        ),
    ]
    pulls = query(
        db,
        """SELECT dataset, period, category, sort, start_date::VARCHAR, end_date::VARCHAR,
                                strftime(timezone('UTC', as_of), '%Y-%m-%dT%H:%M:%SZ'), version, estimated, request, row_count
                         FROM or_pulls ORDER BY pull_id""",
    )
    assert pulls[0] == (
        "rankings-daily",
        "day",
        None,
        None,
        "2025-01-01",
        "2025-01-19",
        "2025-01-20T06:00:00Z",
        "v1",
        False,
        "GET /api/v1/datasets/rankings-daily?start_date=2025-01-01&end_date=2025-01-19&period=day",
        19 * 4,
    )
    assert pulls[1][:3] == ("rankings-daily", "week", None) and pulls[1][-1] == 3 * 4
    assert pulls[2][:3] == ("rankings-daily", "week", "programming") and pulls[2][8] is True
    assert [p[:4] for p in pulls[3:]] == [("app-rankings", None, "coding", "popular")] * 3
    # one day as the fake ranked it: top 3 by tokens, `other` = the rest, pinned last
    day = query(
        db,
        """SELECT model_permaslug, total_tokens, rank FROM or_rankings JOIN or_pulls USING (pull_id)
                       WHERE period = 'day' AND bucket_date = '2025-01-07' ORDER BY rank""",
    )
    want = expected_bucket(openrouter.daily["2025-01-07"])
    assert day == [(slug, tokens, i + 1) for i, (slug, tokens) in enumerate(want)]
    assert day[-1][0] == "other"
    # weekly buckets are ISO week starts; the first week holds 2025-01-01..05 only (the data starts on a Wednesday)
    weeks = query(
        db,
        """SELECT bucket_date::VARCHAR, sum(total_tokens) FROM or_rankings JOIN or_pulls USING (pull_id)
                         WHERE period = 'week' AND category IS NULL GROUP BY 1 ORDER BY 1""",
    )
    first_week = sum(
        t
        for d in ("2025-01-01", "2025-01-02", "2025-01-03", "2025-01-04", "2025-01-05")
        for _, t in openrouter.daily[d]
    )
    assert weeks[0] == ("2024-12-30", first_week)
    assert [w for w, _ in weeks] == ["2024-12-30", "2025-01-06", "2025-01-13"]
    apps = query(
        db,
        """SELECT start_date::VARCHAR, rank, app_id, app_name, total_tokens, total_requests
                        FROM or_app_rankings JOIN or_pulls USING (pull_id) ORDER BY start_date, rank""",
    )
    assert len(apps) == 9
    assert apps[0] == (
        "2025-01-01",
        1,
        "cline",
        "Cline",
        sum(3_000_000_000 + n * 10 for n in range(5)),
        sum(40_000 + n for n in range(5)),
    )
    types = dict(
        query(db, "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'or_rankings'")
    )
    assert types["total_tokens"] == "HUGEINT"


def test_catalog_fields_and_exact_prices(run, openrouter, db, early):
    assert collect(run, db).code == 0
    rows = {
        r[0]: r[1:]
        for r in query(
            db,
            """
        SELECT id, canonical_slug, author, name, hugging_face_id, created, context_length, input_modalities,
               output_modalities, expiration_date, price_prompt, price_completion, price_input_cache_read,
               price_request, price_image FROM or_models""",
        )
    }
    assert set(rows) == {"deepseek/deepseek-chat-v3-0324", "qwen/qwen3-coder:free", "openai/gpt-4o", "openrouter/auto"}
    gpt = rows["openai/gpt-4o"]
    assert gpt[:4] == ("openai/gpt-4o", "openai", "OpenAI: GPT-4o", None)
    assert gpt[4] == datetime.fromtimestamp(1715558400, UTC)
    assert gpt[5:8] == (128000, ["text", "image", "file"], ["text"])
    assert gpt[9:] == (
        Decimal("0.0000025"),
        Decimal("0.00001"),
        Decimal("0.00000125"),
        Decimal("0"),
        Decimal("0.003613"),
    )
    assert rows["qwen/qwen3-coder:free"][:4] == (
        "qwen/qwen3-coder-480b-a35b-07-25",
        "qwen",
        "Qwen: Qwen3 Coder 480B A35B (free)",
        "Qwen/Qwen3-Coder-480B-A35B-Instruct",
    )
    auto = rows["openrouter/auto"]
    assert auto[3] is None  # "" -> NULL
    assert auto[9:] == (Decimal("-1"), Decimal("-1"), None, None, None)  # router pricing, as given
    types = dict(
        query(db, "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'or_models'")
    )
    assert types["price_prompt"] == "DECIMAL(38,18)"
    assert query(db, "SELECT snapshot_date::VARCHAR, model_count, request FROM or_catalog_snapshots") == [
        ("2025-01-20", 4, "GET /api/v1/models")
    ]


def test_big_token_counts_round_trip_exactly(run, openrouter, db, early):
    openrouter.top = 50
    openrouter.daily.clear()
    openrouter.daily["2025-01-05"] = [
        ("stealth/ox-alpha", 1_990_781_795_145),
        ("qwen/huge", 2**63 + 1),
        ("deepseek/bigger", 10**30 + 7),
        ("other", 9_007_199_254_740_993),
    ]
    assert collect(run, db).code == 0
    rows = query(
        db,
        """SELECT model_permaslug, total_tokens, rank FROM or_rankings_latest
                        WHERE period = 'day' AND bucket_date = '2025-01-05' ORDER BY rank""",
    )
    assert rows == [
        ("deepseek/bigger", 10**30 + 7, 1),
        ("qwen/huge", 2**63 + 1, 2),
        ("stealth/ox-alpha", 1_990_781_795_145, 3),
        ("other", 9_007_199_254_740_993, 4),
    ]
    # and summed over the week, still exact
    week = query(
        db,
        """SELECT sum(total_tokens)::VARCHAR FROM or_rankings_latest
                        WHERE period = 'week' AND category IS NULL AND bucket_date = '2024-12-30'""",
    )
    assert week == [(str(10**30 + 7 + 2**63 + 1 + 1_990_781_795_145 + 9_007_199_254_740_993),)]


def test_full_backfill_splits_windows_within_limits(run, openrouter, db, monkeypatch):
    monkeypatch.setenv("COLLECTOR_NOW", "2026-11-22T06:00:00Z")  # a Sunday: the last whole week ended 2026-11-15
    result = collect(run, db)
    assert result.code == 0, result.err
    assert all(r.status == 200 for r in openrouter.log)
    assert windows(openrouter, "rankings-daily", period="day") == [
        ("2025-01-01", "2026-01-01"),
        ("2026-01-02", "2026-11-21"),
    ]
    weekly = [("2025-01-01", "2025-12-28"), ("2025-12-29", "2026-11-15")]
    assert windows(openrouter, "rankings-daily", period="week") == weekly
    assert windows(openrouter, "rankings-daily", period="week", category="programming") == weekly
    apps = windows(openrouter, "app-rankings")
    assert len(apps) == 98 and apps[0] == ("2025-01-01", "2025-01-05") and apps[-1] == ("2026-11-09", "2026-11-15")
    for (_, end), (start, _) in zip(apps, apps[1:], strict=False):  # consecutive whole weeks, nothing skipped
        assert date.fromisoformat(start) == date.fromisoformat(end) + timedelta(days=1)
        assert date.fromisoformat(start).weekday() == 0
    for start, end in windows(openrouter, "rankings-daily", period="day") + weekly:
        assert (date.fromisoformat(end) - date.fromisoformat(start)).days + 1 <= 366
    assert query(db, "SELECT requests FROM runs") == [(1 + 2 + 2 + 2 + 98,)]
    days = query(
        db,
        "SELECT count(DISTINCT bucket_date), min(bucket_date)::VARCHAR, max(bucket_date)::VARCHAR "
        "FROM or_rankings_latest WHERE period = 'day'",
    )
    assert days == [(690, "2025-01-01", "2026-11-21")]


# ------------------------------------------------------------------------------- reruns, restatements


def test_rerun_same_day_asks_nothing_and_duplicates_nothing(run, openrouter, db, early, openrouter_template):
    shutil.copyfile(openrouter_template, db)  # a clean first run this day (conftest: built once per session)
    tables = ("or_catalog_snapshots", "or_models", "or_pulls", "or_rankings", "or_app_rankings")
    before = {t: query(db, f"SELECT count(*) FROM {t}")[0][0] for t in tables}
    sent = len(openrouter.keyed_requests())
    result = collect(run, db)
    assert result.code == 0, result.err
    assert len(openrouter.keyed_requests()) == sent  # only the catalog was asked again
    assert "rankings up to date" in result.err
    assert {t: query(db, f"SELECT count(*) FROM {t}")[0][0] for t in tables} == before
    assert query(
        db,
        """SELECT count(*) FROM (SELECT period, category, bucket_date, model_permaslug, total_tokens
                        FROM or_rankings JOIN or_pulls USING (pull_id) GROUP BY ALL HAVING count(*) > 1)""",
    ) == [(0,)]
    assert query(db, "SELECT status, count(*) FROM runs GROUP BY 1") == [("ok", 2)]


def test_next_day_fetches_missing_and_restated_days_and_keeps_both(
    run, openrouter, db, early, monkeypatch, openrouter_template
):
    shutil.copyfile(openrouter_template, db)  # a clean first run on EARLY (conftest: built once per session)
    first = len(openrouter.keyed_requests())
    restated = [
        (slug, tokens + 123_456_789 if i == 2 else tokens)
        for i, (slug, tokens) in enumerate(openrouter.daily["2025-01-18"])
    ]
    openrouter.daily["2025-01-18"] = restated
    monkeypatch.setenv("COLLECTOR_NOW", NEXT_DAY)
    result = collect(run, db)
    assert result.code == 0, result.err
    assert keyed(openrouter)[first:] == [
        ("rankings-daily", {"start_date": "2025-01-13", "end_date": "2025-01-19", "period": "week"}),
        (
            "rankings-daily",
            {"start_date": "2025-01-13", "end_date": "2025-01-19", "period": "week", "category": "programming"},
        ),
        (
            "app-rankings",
            {
                "start_date": "2025-01-13",
                "end_date": "2025-01-19",
                "category": "coding",
                "sort": "popular",
                "limit": "100",
            },
        ),
        ("rankings-daily", {"start_date": "2025-01-18", "end_date": "2025-01-20", "period": "day"}),
    ]
    observations = dict(
        query(
            db,
            """SELECT bucket_date::VARCHAR, count(DISTINCT pull_id) FROM or_rankings JOIN or_pulls USING (pull_id)
                                     WHERE period = 'day' AND bucket_date >= '2025-01-17' GROUP BY 1""",
        )
    )
    assert observations == {"2025-01-17": 1, "2025-01-18": 2, "2025-01-19": 1, "2025-01-20": 1}
    # the restated week changed too; the programming estimate and the apps did not: stored once
    assert query(
        db,
        """SELECT period, category, count(DISTINCT pull_id) FROM or_rankings JOIN or_pulls USING (pull_id)
                        WHERE bucket_date = '2025-01-13' AND period = 'week' GROUP BY ALL ORDER BY ALL""",
    ) == [("week", "programming", 1), ("week", None, 2)]
    assert query(
        db,
        "SELECT count(DISTINCT pull_id) FROM or_app_rankings JOIN or_pulls USING (pull_id) "
        "WHERE start_date = '2025-01-13'",
    ) == [(1,)]
    assert query(db, "SELECT count(*) FROM or_pulls") == [(10,)]  # every pull is kept with its meta
    assert query(db, "SELECT snapshot_date::VARCHAR, model_count FROM or_catalog_snapshots ORDER BY 1") == [
        ("2025-01-20", 4),
        ("2025-01-21", 4),
    ]  # every day's catalog is kept
    latest = query(
        db,
        """SELECT model_permaslug, total_tokens, observations, citation FROM or_rankings_latest
                          WHERE period = 'day' AND bucket_date = '2025-01-18' ORDER BY rank""",
    )
    want = expected_bucket(restated)
    assert [(s, t) for s, t, _, _ in latest] == want
    assert {(o, c) for _, _, o, c in latest} == {
        (2, "Source: OpenRouter (openrouter.ai/rankings), as of 2025-01-21T06:00:00Z.")
    }
    older = query(
        db,
        """SELECT DISTINCT citation, observations FROM or_rankings_latest
                         WHERE period = 'day' AND bucket_date = '2025-01-17'""",
    )
    assert older == [("Source: OpenRouter (openrouter.ai/rankings), as of 2025-01-20T06:00:00Z.", 1)]
    assert "re-fetched buckets unchanged" in result.err
    # and a rerun that day asks nothing more
    assert collect(run, db).code == 0
    assert len(openrouter.keyed_requests()) == first + 4


def test_since_fetches_again_without_duplicating_unchanged_buckets(run, openrouter, db, early, openrouter_template):
    shutil.copyfile(openrouter_template, db)  # a clean first run this day (conftest: built once per session)
    assert query(db, "SELECT count(*) FROM or_pulls") == [(6,)]
    counts = query(db, "SELECT (SELECT count(*) FROM or_rankings), (SELECT count(*) FROM or_app_rankings)")
    result = collect(run, db, "--since", "2025-01-10")
    assert result.code == 0, result.err
    assert windows(openrouter, "rankings-daily", period="day") == [("2025-01-10", "2025-01-19")]
    assert windows(openrouter, "rankings-daily", period="week") == [("2025-01-06", "2025-01-19")]
    assert windows(openrouter, "app-rankings") == [("2025-01-06", "2025-01-12"), ("2025-01-13", "2025-01-19")]
    assert len(openrouter.keyed_requests()) == 5
    assert query(db, "SELECT (SELECT count(*) FROM or_rankings), (SELECT count(*) FROM or_app_rankings)") == counts
    assert query(db, "SELECT count(*) FROM or_pulls") == [(11,)]


def test_since_is_checked(run, openrouter, db, early):
    result = collect(run, db, "--since", "2025-01-20")
    assert result.code == 2 and "after the last completed UTC day (2025-01-19)" in result.err
    result = collect(run, db, "--since", "2024-06-01")
    assert result.code == 0 and "from 2025-01-01" in result.err
    assert collect(run, db, "--since", "yesterday").code == 2
    assert collect(run, db, "--restate-days", "-1").code == 2


# ------------------------------------------------------------------------------------- keys


def test_without_key_collects_catalog_and_skips_rankings(run, openrouter, db, early, monkeypatch):
    monkeypatch.delenv("OPENROUTER_API_KEY")
    result = collect(run, db, "--quiet")
    assert result.code == 0, result.err
    assert result.err == "OPENROUTER_API_KEY is not set: rankings skipped (models catalog collected)\n"
    assert openrouter.keyed_requests() == []
    assert query(db, "SELECT count(*) FROM or_models") == [(4,)]
    assert query(db, "SELECT count(*) FROM or_pulls") == [(0,)]


def test_rejected_key_fails_with_one_line_and_stores_nothing(run, openrouter, db, early, monkeypatch):
    monkeypatch.setenv("OPENROUTER_API_KEY", "sk-or-v1-WRONG-secret-value")
    result = collect(run, db, "--quiet")
    assert result.code == 1
    assert result.err.count("\n") == 1 and result.err.startswith("error: ")
    assert "OpenRouter rejected OPENROUTER_API_KEY (HTTP 401: Invalid API key)" in result.err
    assert "WRONG-secret" not in result.err and "Traceback" not in result.err
    assert len(openrouter.keyed_requests()) == 1  # a 401 is not retried
    for table in ("or_catalog_snapshots", "or_models", "or_pulls", "or_rankings", "or_app_rankings"):
        assert query(db, f"SELECT count(*) FROM {table}") == [(0,)], table
    assert query(db, "SELECT status, error LIKE '%HTTP 401%' FROM runs") == [("failed", True)]
    assert b"WRONG-secret" not in db.read_bytes()
    assert not list((db.parent / "staging").iterdir())


def test_key_is_sent_to_the_data_api_only_and_never_logged_or_stored(run, openrouter, db, early):
    result = collect(run, db, "--verbose")
    assert result.code == 0, result.err
    assert all(r.headers.get("authorization") == f"Bearer {KEY}" for r in openrouter.keyed_requests())
    assert "authorization" not in openrouter.requests_to("/api/v1/models")[0].headers
    assert KEY not in result.out + result.err
    assert KEY.encode() not in db.read_bytes()
    assert KEY not in str(query(db, "SELECT * FROM runs")) + str(query(db, "SELECT request FROM or_pulls"))


# ----------------------------------------------------------------------------------- limits


def test_daily_budget_stops_cleanly_and_the_next_runs_resume(run, openrouter, db, early, monkeypatch):
    monkeypatch.setenv("OPENROUTER_DAILY_BUDGET", "3")
    result = collect(run, db, "--quiet")
    assert result.code == 0, result.err
    assert len(openrouter.keyed_requests()) == 3
    assert "daily request budget of 3 reached" in result.err
    assert "4 requests to OpenRouter today, the catalog's and retries included" in result.err  # 3 keyed + 1
    assert "left for the next run: coding apps weekly 2025-01-01..2025-01-19 (3 requests)" in result.err
    assert result.err.count("\n") == 1
    assert query(db, "SELECT count(*), count(DISTINCT dataset) FROM or_pulls") == [(3, 1)]
    assert query(db, "SELECT status, row_counts->>'$.left_for_next_run' FROM runs") == [
        (
            "ok",
            '["coding apps weekly 2025-01-01..2025-01-05","coding apps weekly 2025-01-06..2025-01-12",'
            '"coding apps weekly 2025-01-13..2025-01-19"]',
        )
    ]
    assert run("--db", str(db), "status").code == 0
    # the same day: the budget is spent (3 keyed + 1 catalog request), nothing more is asked
    result = collect(run, db, "--quiet")
    assert result.code == 0 and "left for the next run: coding apps weekly" in result.err
    assert "5 requests to OpenRouter today" in result.err  # the first run's 4 and this run's catalog
    assert len(openrouter.keyed_requests()) == 3
    # the next day: a fresh budget; the backfill resumes oldest first
    monkeypatch.setenv("COLLECTOR_NOW", NEXT_DAY)
    assert collect(run, db, "--quiet").code == 0
    assert windows(openrouter, "app-rankings") == [("2025-01-01", "2025-01-05"), ("2025-01-06", "2025-01-12")]
    monkeypatch.setenv("OPENROUTER_DAILY_BUDGET", "500")
    result = collect(run, db, "--quiet")
    assert result.code == 0 and result.err == ""
    assert query(db, "SELECT count(DISTINCT start_date) FROM or_app_rankings_latest") == [(3,)]
    assert query(db, "SELECT count(DISTINCT bucket_date) FROM or_rankings_latest WHERE period = 'day'") == [(20,)]
    assert all(r.status == 200 for r in openrouter.log)  # the fake's own limits were never hit


def test_requests_are_paced_below_the_per_minute_limit(run, openrouter, db, early, monkeypatch):
    openrouter.per_minute, openrouter.window_seconds = 3, 0.5  # the fake allows 3 per half second
    # the client sends one per 0.3 s: a 4th request 0.9 s after the 1st, well outside the fake's half
    # second even when a loaded machine delays one request's arrival and not the next one's
    monkeypatch.setenv("OPENROUTER_REQUESTS_PER_MINUTE", "200")
    started = time.monotonic()
    result = collect(run, db)
    assert result.code == 0, result.err
    assert time.monotonic() - started >= 5 * 0.3
    keyed = openrouter.keyed_requests()
    assert [r.status for r in keyed] == [200] * 6
    # at most 200 a minute: every request sent at least 0.3 s after the one before (the pacer waits when
    # a pull's own commit took less; on a loaded machine the commit may take longer, and nothing is
    # waited; the pacer's arithmetic has unit tests with a fake clock). Measured where the fake receives
    # them, an arrival delayed by a busy machine shortens the gap after it: 0.278 s seen at load 4.4,
    # 0.12 s when the first request's arrival waited for a core while the suite ran three workers on
    # two (and the span with it). Unpaced, the gaps are a few milliseconds.
    gaps = [b.at - a.at for a, b in zip(keyed, keyed[1:], strict=False)]
    assert min(gaps) >= 0.1, gaps
    assert sum(gaps) / len(gaps) >= 0.3 - 0.05, gaps
    # the same fake, unpaced, answers 429 (3 a minute now: each pull's own commit spaces the requests
    # a little, by how much depends on the machine's load)
    openrouter.window_seconds = 60.0
    openrouter._recent.clear()
    monkeypatch.setenv("OPENROUTER_REQUESTS_PER_MINUTE", "0")
    monkeypatch.setenv("COLLECTOR_NOW", NEXT_DAY)
    collect(run, db, "--since", "2025-01-01")
    assert 429 in [r.status for r in openrouter.keyed_requests()]


def test_off_a_terminal_a_long_run_logs_one_line_per_pull(run, openrouter, db, early, monkeypatch):
    """For cron logs: not on a terminal, each kept pull is a line of its own (none with --quiet)."""
    result = collect(run, db)
    assert result.code == 0, result.err
    lines = [line for line in result.err.splitlines() if line.startswith("OpenRouter pull ")]
    assert [line.split(" kept after ")[0] for line in lines] == [f"OpenRouter pull {i}/6" for i in range(1, 7)]
    assert lines[0].endswith(" s: rankings daily 2025-01-01..2025-01-19, 76 new rows")
    assert lines[-1].endswith(" s: coding apps weekly 2025-01-13..2025-01-19, 3 new rows")
    assert "\r" not in result.err and result.err.splitlines()[-1].startswith("collect openrouter: ok")
    monkeypatch.setenv("COLLECTOR_NOW", NEXT_DAY)
    quiet = collect(run, db, "--quiet")
    assert quiet.code == 0 and "OpenRouter pull" not in quiet.err


def test_429_waits_for_retry_after_then_completes(run, openrouter, db, early):
    body = b'{"error":{"code":429,"message":"Rate limit exceeded"}}'
    openrouter.script("/api/v1/datasets/rankings-daily", Reply(429, body, {"Retry-After": "1"}), Reply(429, body))
    started = time.monotonic()
    result = collect(run, db)
    assert result.code == 0, result.err
    assert time.monotonic() - started >= 1.0
    assert [r.status for r in openrouter.keyed_requests()][:3] == [429, 429, 200]
    assert query(db, "SELECT count(*) FROM or_pulls") == [(6,)]
    assert "2 retries" in result.err


def test_persistent_500_fails_and_keeps_the_pulls_completed_before(run, openrouter, db, early):
    openrouter.script(
        "/api/v1/datasets/app-rankings", *[Reply(500, b'{"error":{"code":500,"message":"Internal Server Error"}}')] * 7
    )
    result = collect(run, db, "--quiet")
    assert result.code == 1
    assert result.err.count("\n") == 1
    assert "coding apps weekly 2025-01-01..2025-01-05: HTTP 500 after 7 attempts: Internal Server Error" in result.err
    assert "kept 3 complete pulls (the next run asks only for what is missing)" in result.err
    # the three rankings pulls asked before the apps are kept whole; the catalog goes with a run's end
    assert query(db, "SELECT period, category, row_count FROM or_pulls ORDER BY pull_id") == [
        ("day", None, 76),
        ("week", None, 12),  # 3 weeks of (top 3 + 'other')
        ("week", "programming", 12),
    ]
    assert query(db, "SELECT count(*) FROM or_rankings") == [(76 + 12 + 12,)]
    for table in ("or_catalog_snapshots", "or_models", "or_app_rankings"):
        assert query(db, f"SELECT count(*) FROM {table}") == [(0,)], table
    status, error, kept = query(db, "SELECT status, error, row_counts->>'kept_pulls' FROM runs")[0]
    assert status == "failed" and "kept 3 complete pulls" in error and kept == "3"
    # the next run asks only for the apps
    openrouter.log.clear()
    assert collect(run, db, "--quiet").code == 0
    assert {name for name, _ in keyed(openrouter)} == {"app-rankings"} and len(keyed(openrouter)) == 3


META = (
    '"meta": {"as_of": "2025-01-20T00:00:00Z", "version": "v1", "start_date": "2025-01-01", "end_date": "2025-01-19"}}'
)


@pytest.mark.parametrize(
    "body, message",
    [
        (
            '{"data": [{"date": "2025-01-05", "model_permaslug": "a/b", "total_tokens": "12.5"}], ' + META,
            "total_tokens '12.5' is not an integer",
        ),
        (
            '{"data": [{"date": "2025-01-05", "model_permaslug": "a/b", "total_tokens": 1.5e12}], ' + META,
            "total_tokens 1500000000000.0 is not an integer",
        ),
        ('{"data": []}', 'expected {"data": [...], "meta": {...}}'),
        (
            '{"data": [], "meta": {"version": "v1", "start_date": "2025-01-01", "end_date": "2025-01-19"}}',
            "meta.as_of is missing",
        ),
        (
            '{"data": [{"date": "2025-02-05", "model_permaslug": "a/b", "total_tokens": "1"}], ' + META,
            "outside the window 2025-01-01..2025-01-19",
        ),
        (
            '{"data": [{"date": "2025-01-05", "model_permaslug": "a/b", "total_tokens": "1"},'
            ' {"date": "2025-01-05", "model_permaslug": "a/b", "total_tokens": "2"}], ' + META,
            "a/b is listed twice for 2025-01-05",
        ),
        ('{"data": [', "not valid JSON"),
    ],
)
def test_malformed_rankings_give_one_line_errors(run, openrouter, db, early, body, message):
    openrouter.script("/api/v1/datasets/rankings-daily", Reply(200, body.encode()))
    result = collect(run, db, "--quiet")
    assert result.code == 1
    assert message in result.err, result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert query(db, "SELECT count(*) FROM or_catalog_snapshots") == [(0,)]


@pytest.mark.parametrize(
    "model, message",
    [
        ({"id": "a/b", "pricing": {"prompt": "cheap"}}, "field 'pricing.prompt' is str 'cheap'"),
        ({"id": "a/b", "pricing": {"prompt": "0.0000000000000000001"}}, "at most 18 decimal places"),
        ({"id": "a/b", "created": "2025-01-01"}, "field 'created' is str"),
        ({"name": "no id"}, "field 'id'"),
    ],
)
def test_malformed_catalog_gives_one_line_errors(run, openrouter, db, early, model, message):
    openrouter.models = [model]
    result = collect(run, db, "--quiet")
    assert result.code == 1 and message in result.err and result.err.count("\n") == 1
    assert query(db, "SELECT count(*) FROM or_pulls") == [(0,)]


# ---------------------------------------------------------------------------------- the fake itself


def test_fake_behaves_as_documented(openrouter):
    """The tests above are only as good as the fake: check the documented rules it implements."""
    api, auth = openrouter.api_url, {"Authorization": f"Bearer {KEY}"}

    def get(path, **params):
        return httpx.get(f"{api}/datasets/{path}", params=params, headers=auth)

    body = get("rankings-daily").json()  # defaults: end = last completed day, start = end - 30 days
    assert body["meta"] | {"as_of": None} == {
        "as_of": None,
        "version": "v1",
        "start_date": "2026-03-31",
        "end_date": "2026-04-30",
    }
    by_day: dict[str, list] = {}
    for row in body["data"]:
        assert isinstance(row["total_tokens"], str)
        by_day.setdefault(row["date"], []).append(row["model_permaslug"])
    assert len(by_day) == 31 and all(slugs[-1] == "other" and len(slugs) == 4 for slugs in by_day.values())
    assert (
        get("rankings-daily", start_date="2024-06-01", end_date="2025-01-03").json()["meta"]["start_date"]
        == "2025-01-01"
    )
    assert get("rankings-daily", start_date="2025-01-01", end_date="2026-01-01").status_code == 200  # 366 days
    for params in (
        {"start_date": "2025-01-01", "end_date": "2026-01-02"},  # 367 days
        {"start_date": "2025-03-01", "end_date": "2025-02-01"},
        {"start_date": "2025-3-1"},
        {"period": "day", "category": "programming"},
        {"period": "hour"},
        {"start_date": "2026-05-01", "end_date": "2026-05-01"},  # only today: not a completed day
    ):
        response = get("rankings-daily", **params)
        assert response.status_code == 400, params
        assert response.json()["error"]["code"] == 400 and response.json()["error"]["message"]
    assert get("app-rankings", limit="101").status_code == 400
    assert httpx.get(f"{api}/datasets/rankings-daily").json() == {
        "error": {"code": 401, "message": "No auth credentials found"}
    }
    assert httpx.get(f"{api}/models").status_code == 200


# ------------------------------------------------------------------------------- planning rules


def test_plan_restates_recent_buckets_once_a_day():
    from collector.sources.openrouter.plan import SERIES, StoredPull, plan

    today = date(2026, 6, 10)  # a Wednesday
    stored = [StoredPull(s.key, date(2025, 1, 1), date(2026, 6, 7), date(2026, 6, 8)) for s in SERIES]
    got = [(w.series.label, str(w.start), str(w.end)) for w in plan(stored, today=today)]
    # daily: 06-08 and 06-09 missing, 06-07 restated; the week ending Sunday 06-07 touches the last 3 days
    assert got == [
        ("rankings weekly", "2026-06-01", "2026-06-07"),
        ("rankings weekly programming", "2026-06-01", "2026-06-07"),
        ("coding apps weekly", "2026-06-01", "2026-06-07"),
        ("rankings daily", "2026-06-07", "2026-06-09"),
    ]
    assert [str(w.start) for w in plan(stored, today=today, restate_days=0)] == ["2026-06-08"]
    fetched_today = [StoredPull(s.key, date(2025, 1, 1), date(2026, 6, 9), today) for s in SERIES]
    assert plan(fetched_today, today=today) == []


# --------------------------------------------------------------------------- views, collect all


def test_views_work_in_the_plain_duckdb_cli(run, openrouter, db, early):
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    cli = shutil.which("duckdb", path=str(Path(sys.executable).parent)) or shutil.which("duckdb")
    if cli is None:
        pytest.skip("the duckdb CLI is not installed")
    assert collect(run, db).code == 0
    out = subprocess.run(
        [
            cli,
            "-readonly",
            "-csv",
            str(db),
            "-c",
            "SELECT model_permaslug, total_tokens, citation FROM or_rankings_latest "
            "WHERE period = 'day' AND bucket_date = '2025-01-07' ORDER BY rank LIMIT 1;"
            "SELECT app_id, citation FROM or_app_rankings_latest ORDER BY start_date, rank LIMIT 1;",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    slug, tokens = expected_bucket(openrouter.daily["2025-01-07"])[0]
    assert f'{slug},{tokens},"Source: OpenRouter (openrouter.ai/rankings), as of 2025-01-20T06:00:00Z."' in out
    assert 'cline,"Source: OpenRouter (openrouter.ai/apps), as of 2025-01-20T06:00:00Z."' in out


def test_collect_all_runs_both_sources_and_reports_each(run, hub, openrouter, db, early):
    result = run("--db", str(db), "collect", "all")
    assert result.code == 0, result.err
    lines = [line for line in result.err.splitlines() if line.startswith(("collect ", "error"))]
    assert len(lines) == 2
    assert lines[0].startswith("collect hf: ok") and lines[1].startswith("collect openrouter: ok")
    hub.handle = lambda request: Reply(500, b'{"error":"Internal Error"}')
    openrouter.models = openrouter.models[:2]
    result = run("--db", str(db), "collect", "all")
    assert result.code == 1
    lines = [line for line in result.err.splitlines() if line.startswith(("collect ", "error"))]
    assert lines[0].startswith("error: collect hf: ") and "HTTP 500" in lines[0]
    assert lines[1].startswith("collect openrouter: ok") and len(lines) == 2
    assert query(db, "SELECT job, status FROM runs ORDER BY run_id") == [
        ("collect hf", "ok"),
        ("collect openrouter", "ok"),
        ("collect hf", "failed"),
        ("collect openrouter", "ok"),
    ]
    assert query(db, "SELECT model_count FROM or_catalog_snapshots") == [(2,)]  # the day's snapshot, replaced


# --------------------------------------------------------------------------- real captures


@pytest.mark.shared
def test_real_catalog_and_rankings_round_trip(run, shared_data, db, monkeypatch):
    """The real catalog (2025-12-18) and 90 days of real rankings rows served by the fake."""
    import orjson

    from tests.fakes.openrouter import FakeOpenRouter

    captured = orjson.loads((shared_data / "openrouter" / "rankings_daily_2026-05-24_2026-08-21.json").read_bytes())
    daily = {
        day: [(r["model_permaslug"], int(r["total_tokens"])) for r in rows.values()] for day, rows in captured.items()
    }
    catalog = (shared_data / "openrouter" / "models_2025-12-18.json").read_bytes()
    monkeypatch.setenv("COLLECTOR_NOW", "2026-08-22T06:00:00Z")
    with FakeOpenRouter(catalog_body=catalog, daily=daily, per_minute=100_000) as server:
        monkeypatch.setenv("OPENROUTER_BASE_URL", server.api_url)
        monkeypatch.setenv("OPENROUTER_API_KEY", KEY)
        result = collect(run, db)
        assert result.code == 0, result.err
    assert query(db, "SELECT model_count FROM or_catalog_snapshots") == [(349,)]
    assert query(
        db,
        """SELECT price_prompt, price_completion, price_image, price_input_cache_read FROM or_models
                        WHERE id = 'openai/gpt-4o'""",
    ) == [(Decimal("0.0000025"), Decimal("0.00001"), Decimal("0.003613"), Decimal("0.00000125"))]
    assert query(
        db,
        """SELECT canonical_slug, hugging_face_id, context_length, created FROM or_models
                        WHERE id = 'qwen/qwen3-coder:free'""",
    ) == [
        (
            "qwen/qwen3-coder-480b-a35b-07-25",
            "Qwen/Qwen3-Coder-480B-A35B-Instruct",
            262000,
            datetime.fromtimestamp(1753230546, UTC),
        )
    ]
    assert query(db, "SELECT count(*) FROM or_models WHERE hugging_face_id IS NOT NULL") == [(197,)]
    assert query(db, "SELECT price_prompt FROM or_models WHERE id = 'openrouter/auto'") == [(Decimal("-1"),)]
    rows = query(
        db,
        """SELECT bucket_date::VARCHAR, model_permaslug, total_tokens, rank FROM or_rankings_latest
                        WHERE period = 'day' ORDER BY bucket_date, rank""",
    )
    assert len(rows) == 90 * 51
    served = [(day, slug, int(r["total_tokens"])) for day, day_rows in captured.items() for slug, r in day_rows.items()]
    assert [r[:3] for r in rows] == served  # every row, in the captured order, exactly
    assert ("2026-08-21", "stealth/ox-alpha", 1_990_781_795_145, 1) in rows
    assert ("2026-08-21", "other", 791_829_962_485, 51) in rows
    assert ("2026-05-24", "deepseek/deepseek-v4-flash-20260423", 595_090_081_549, 1) in rows


@pytest.mark.shared
def test_author_reference_covers_the_real_captures(shared_data):
    import orjson

    from collector import reference as refdata

    ref = refdata.load()
    authors = {r["author"]: r["organisation"] for r in ref["openrouter_authors.csv"]}
    catalog = orjson.loads((shared_data / "openrouter" / "models_2025-12-18.json").read_bytes())["data"]
    mapped = sum(m["id"].split("/")[0] in authors for m in catalog)
    assert mapped / len(catalog) >= 0.9
    captured = orjson.loads((shared_data / "openrouter" / "rankings_daily_2026-05-24_2026-08-21.json").read_bytes())
    slugs = [slug for rows in captured.values() for slug in rows if slug != "other"]
    assert sum(s.split("/")[0] in authors for s in slugs) / len(slugs) >= 0.9


def test_author_reference_places_the_main_makers():
    from collector import reference as refdata

    ref = refdata.load()
    authors = {r["author"]: r["organisation"] for r in ref["openrouter_authors.csv"]}
    countries = {r["organisation"]: r["country"] for r in ref["organisations.csv"]}
    for slug in (
        "deepseek",
        "qwen",
        "moonshotai",
        "z-ai",
        "minimax",
        "xiaomi",
        "stepfun",
        "baidu",
        "tencent",
        "bytedance",
        "meituan",
    ):
        assert countries[authors[slug]] == "China", slug
    for slug in (
        "anthropic",
        "openai",
        "google",
        "x-ai",
        "meta-llama",
        "nvidia",
        "microsoft",
        "amazon",
        "perplexity",
        "inception",
    ):
        assert countries[authors[slug]] == "United States", slug
    assert countries[authors["mistralai"]] == "France" and countries[authors["cohere"]] == "Canada"
    assert countries[authors["ai21"]] == "Israel"
    assert authors["openrouter"] == authors["stealth"] == "unknown"


# ----------------------------------------------------------------------- complete weeks (seven days)


def _daily(first: str, last: str, skip: tuple[str, ...] = ()) -> list[tuple]:
    """Daily rows (two models and 'other') for each day from first to last, but `skip`."""
    day, end, rows = date.fromisoformat(first), date.fromisoformat(last), []
    while day <= end:
        if day.isoformat() not in skip:
            rows += [(day, "qwen/a", 10), (day, "anthropic/b", 7), (day, "other", 3)]
        day += timedelta(days=1)
    return rows


def _weeks(*mondays: str) -> list[tuple]:
    return [row for m in mondays for row in ((m, "qwen/a", 50), (m, "anthropic/b", 35), (m, "other", 15))]


def week_states(db) -> list[tuple]:
    return query(
        db,
        """SELECT DISTINCT category, week_start::VARCHAR, basis, days, complete
           FROM or_weekly_top_models_by_category ORDER BY ALL""",
    )


def test_a_week_with_a_missing_day_is_not_complete_in_any_category(db):
    """The trial: the daily rankings stop on Friday 2026-08-21 (asked through Sunday: 22 and 23 came
    back empty); the weekly buckets of week 34 hold five days. Week 34 is partial everywhere."""
    from tests.seed import seeded

    with seeded(db) as s:
        s.or_pull(period="day", start="2026-08-10", end="2026-08-23", rows=_daily("2026-08-10", "2026-08-21"))
        s.or_pull(period="week", start="2026-08-10", end="2026-08-23", rows=_weeks("2026-08-10", "2026-08-17"))
        s.or_pull(
            period="week",
            start="2026-08-10",
            end="2026-08-23",
            rows=_weeks("2026-08-10", "2026-08-17"),
            category="programming",
        )
    assert week_states(db) == [
        ("all", "2026-08-10", "week", 7, True),
        ("all", "2026-08-17", "week", 5, False),
        ("programming", "2026-08-10", "week", 7, True),
        ("programming", "2026-08-17", "week", 5, False),
    ]
    for view in ("or_weekly_top_models", "or_weekly_top_models_merged"):
        assert query(db, f"SELECT DISTINCT week_start::VARCHAR, days, complete FROM {view} ORDER BY 1") == [
            ("2026-08-10", 7, True),
            ("2026-08-17", 5, False),
        ], view
    # one day missing in the middle of a week is enough, and a week of summed days needs its seven too
    with seeded(db) as s:
        s.con.execute("DELETE FROM or_rankings WHERE bucket_date = '2026-08-12' AND pull_id = 1")
        s.con.execute("DELETE FROM or_rankings WHERE pull_id > 1")
    assert week_states(db) == [("all", "2026-08-10", "days", 6, False), ("all", "2026-08-17", "days", 5, False)]


def test_a_weekly_bucket_cut_while_a_day_was_missing_is_complete_once_asked_again(db):
    """Thursday 2026-08-13 came back empty on the 17th, when the weekly buckets were fetched, and was
    filled on the 19th: the weekly buckets of the 17th lack it. The main ranking is complete from its
    seven stored days; the programming estimate, weekly only, once its week is fetched again."""
    from tests.seed import seeded

    def fetched_on(s, pull_id: int, day: str) -> None:
        s.con.execute(
            "UPDATE or_pulls SET fetched_at = ?, as_of = ? WHERE pull_id = ?",
            [datetime.fromisoformat(f"{day}T02:00:00+00:00"), datetime.fromisoformat(f"{day}T01:00:00+00:00"), pull_id],
        )

    with seeded(db) as s:
        s.or_pull(
            period="day", start="2026-08-10", end="2026-08-16", rows=_daily("2026-08-10", "2026-08-16", ("2026-08-13",))
        )
        s.or_pull(period="week", start="2026-08-10", end="2026-08-16", rows=_weeks("2026-08-10"))
        s.or_pull(
            period="week", start="2026-08-10", end="2026-08-16", rows=_weeks("2026-08-10"), category="programming"
        )
        fetched_on(
            s,
            s.or_pull(period="day", start="2026-08-13", end="2026-08-13", rows=_daily("2026-08-13", "2026-08-13")),
            "2026-08-19",
        )
    assert week_states(db) == [("all", "2026-08-10", "days", 7, True), ("programming", "2026-08-10", "week", 6, False)]
    with seeded(db) as s:
        again = [(m, slug, tokens + 1) for m, slug, tokens in _weeks("2026-08-10")]  # a restated week
        fetched_on(
            s,
            s.or_pull(period="week", start="2026-08-10", end="2026-08-16", rows=again, category="programming"),
            "2026-08-19",
        )
        fetched_on(s, s.or_pull(period="week", start="2026-08-10", end="2026-08-16", rows=again), "2026-08-19")
    assert week_states(db) == [("all", "2026-08-10", "week", 7, True), ("programming", "2026-08-10", "week", 7, True)]


def test_a_weekly_bucket_taken_before_its_week_ended_is_not_complete(db):
    from tests.seed import seeded

    with seeded(db) as s:
        s.or_week("2026-08-10", [("qwen/a", 50)], other=5, as_of=datetime(2026, 8, 16, 12, tzinfo=UTC))
        # no daily pull ever asked for these days: a weekly bucket taken after its week is taken at its word
        s.or_week("2026-08-17", [("qwen/a", 50)], other=5)
    assert week_states(db) == [("all", "2026-08-10", "week", 0, False), ("all", "2026-08-17", "week", 7, True)]


def test_collected_weeks_are_complete_with_seven_days_and_the_first_week_is_not(run, openrouter, db, early):
    """End to end: the data starts on Wednesday 2025-01-01, so its first ISO week holds five days."""
    assert collect(run, db).code == 0
    assert week_states(db) == [
        ("all", "2024-12-30", "week", 5, False),
        ("all", "2025-01-06", "week", 7, True),
        ("all", "2025-01-13", "week", 7, True),
        ("programming", "2024-12-30", "week", 5, False),
        ("programming", "2025-01-06", "week", 7, True),
        ("programming", "2025-01-13", "week", 7, True),
    ]
