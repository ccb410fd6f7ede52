"""The retry policy, the pacers and the retry loop as pure logic (collector/core/http.py), with the
clock and the sleep injected: what the fault tests exercise through real servers, here in
milliseconds and with exact waits."""

from __future__ import annotations

import pytest

from collector.core import cancel
from collector.core.errors import CollectorError, ConfigError
from collector.core.http import (
    Fetched,
    FixedWindowPacer,
    MinIntervalPacer,
    RequestStats,
    RetryPolicy,
    error_detail,
    retry_after_seconds,
    send,
)


class FakeClock:
    """monotonic() and sleep() for a pacer: sleeping advances the clock and is recorded."""

    def __init__(self, start: float = 1000.0):
        self.now = start
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture(autouse=True)
def _no_stop_requested():
    cancel.clear()
    yield
    cancel.clear()


# ------------------------------------------------------------------------------------- RetryPolicy


def test_backoff_doubles_from_the_base_up_to_the_cap():
    policy = RetryPolicy(base=1.0, cap=8.0)
    assert [policy.backoff(n) for n in range(1, 7)] == [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    assert [RetryPolicy(base=0.25, cap=30.0).backoff(n) for n in (1, 2, 3)] == [0.25, 0.5, 1.0]


def test_policy_from_settings_keeps_the_source_defaults_when_unset(monkeypatch):
    monkeypatch.delenv("COLLECTOR_MAX_RETRIES", raising=False)
    monkeypatch.delenv("COLLECTOR_RETRY_CAP_SECONDS", raising=False)
    monkeypatch.setenv("COLLECTOR_RETRY_BASE_SECONDS", "0.5")
    monkeypatch.delenv("COLLECTOR_MAX_WAIT_SECONDS", raising=False)
    policy = RetryPolicy.from_env(max_retries=6, cap=30.0)
    assert (policy.max_retries, policy.base, policy.cap, policy.max_wait) == (6, 0.5, 30.0, 900.0)


def test_policy_from_settings_takes_zero_retries_and_a_zero_cap_as_given(monkeypatch):
    monkeypatch.setenv("COLLECTOR_MAX_RETRIES", "0")  # 0 is a value, not "unset"
    monkeypatch.setenv("COLLECTOR_RETRY_CAP_SECONDS", "0")
    monkeypatch.setenv("COLLECTOR_MAX_WAIT_SECONDS", "60")
    policy = RetryPolicy.from_env(max_retries=6, cap=30.0)
    assert (policy.max_retries, policy.cap, policy.max_wait) == (0, 0.0, 60.0)
    assert policy.backoff(3) == 0.0


# ------------------------------------------------------------------------------ retry_after_seconds


def test_retry_after_in_seconds():
    assert retry_after_seconds({"retry-after": "120"}) == 120.0
    assert retry_after_seconds({"retry-after": " 7 "}) == 7.0


def test_retry_after_as_an_http_date_is_counted_from_the_frozen_clock(monkeypatch):
    monkeypatch.setenv("COLLECTOR_NOW", "2025-01-21T06:00:00Z")
    assert retry_after_seconds({"retry-after": "Tue, 21 Jan 2025 06:00:30 GMT"}) == 30.0
    assert retry_after_seconds({"retry-after": "Tue, 21 Jan 2025 05:00:00 GMT"}) == 0.0  # in the past: at once


def test_a_spent_ratelimit_window_waits_for_its_reset_plus_a_second():
    assert retry_after_seconds({"ratelimit": '"api";r=0;t=7'}) == 8.0
    assert retry_after_seconds({"ratelimit": '"api";r=3;t=7'}) is None  # requests left: no hint
    assert retry_after_seconds({"ratelimit": "garbled"}) is None


def test_an_unreadable_retry_after_falls_back_to_the_ratelimit_header():
    assert retry_after_seconds({"retry-after": "soon", "ratelimit": '"api";r=0;t=2'}) == 3.0
    assert retry_after_seconds({"retry-after": "soon"}) is None
    assert retry_after_seconds({}) is None


# ------------------------------------------------------------------------------------------ pacers


def test_fixed_window_pacer_waits_for_the_reset_once_the_window_is_spent():
    clock = FakeClock()
    pacer = FixedWindowPacer(sleep=clock.sleep, monotonic=clock.monotonic)
    pacer.before_request()  # nothing known yet
    pacer.observe({"ratelimit": '"api";r=2;t=30'})
    pacer.before_request()  # requests left in the window
    assert clock.slept == []
    pacer.observe({"ratelimit": '"api";r=0;t=2'})  # reset in 2 s (+0.5 s for the header's rounding)
    clock.now += 1.0
    pacer.before_request()
    assert clock.slept == [1.5] and pacer.waited == 1.5
    pacer.before_request()  # the window was reset: no second wait
    assert clock.slept == [1.5]


def test_fixed_window_pacer_does_not_wait_once_the_reset_has_passed():
    clock = FakeClock()
    pacer = FixedWindowPacer(sleep=clock.sleep, monotonic=clock.monotonic)
    pacer.observe({"ratelimit": '"api";r=0;t=1'})
    clock.now += 5
    pacer.before_request()
    assert clock.slept == [] and pacer.waited == 0.0


def test_fixed_window_pacer_ignores_missing_or_unreadable_headers():
    clock = FakeClock()
    pacer = FixedWindowPacer(sleep=clock.sleep, monotonic=clock.monotonic)
    pacer.observe({"ratelimit": '"api";r=0;t=60'})
    pacer.observe({})
    pacer.observe({"ratelimit": "nonsense"})
    assert pacer.remaining == 0  # still the last readable state
    pacer.before_request()
    assert clock.slept == [60.5]


def test_min_interval_pacer_spaces_requests_evenly():
    clock = FakeClock(start=0.0)  # a monotonic clock may start near 0: the first request still goes at once
    pacer = MinIntervalPacer(per_minute=30, sleep=clock.sleep, monotonic=clock.monotonic)  # one per 2 s
    pacer.before_request()
    assert clock.slept == []  # the first request goes at once
    clock.now += 0.5
    pacer.before_request()
    assert clock.slept == [1.5]
    clock.now += 3.0  # longer than the interval since the last one
    pacer.before_request()
    assert clock.slept == [1.5] and pacer.waited == 1.5


def test_min_interval_pacer_at_zero_per_minute_never_waits():
    clock = FakeClock()
    pacer = MinIntervalPacer(per_minute=0, sleep=clock.sleep, monotonic=clock.monotonic)
    for _ in range(5):
        pacer.before_request()
    assert clock.slept == [] and pacer.last is None


# ------------------------------------------------------------------------------------- send (loop)


def replies(*items):
    """do_request() serving `items` in order: a Fetched, an int status, or an exception to raise."""
    queue = list(items)

    def do_request() -> Fetched:
        item = queue.pop(0)
        if isinstance(item, BaseException):
            raise item
        if isinstance(item, int):
            return Fetched(item, {}, b'{"error": {"message": "status %d"}}' % item)
        return item

    return do_request


def run_send(do_request, policy=None, pacer=None):
    clock = FakeClock()
    stats = RequestStats()
    result = send(
        do_request,
        what="test API",
        pacer=pacer,
        policy=policy or RetryPolicy(max_retries=3, base=1.0, cap=8.0),
        transport_errors=(ConnectionError,),
        stats=stats,
        sleep=clock.sleep,
    )
    return result, stats, clock.slept


def test_5xx_and_transport_errors_are_retried_with_backoff():
    ok = Fetched(200, {}, b"[]")
    result, stats, slept = run_send(replies(500, ConnectionError("reset"), 503, ok))
    assert result is ok
    assert (stats.requests, stats.retries) == (4, 3)
    assert slept == [1.0, 2.0, 4.0]


def test_a_429_waits_as_long_as_the_server_asks():
    result, _, slept = run_send(replies(Fetched(429, {"retry-after": "5"}, b""), Fetched(200, {}, b"ok")))
    assert result.content == b"ok" and slept == [5.0]


def test_a_429_asking_for_more_than_the_limit_stops_without_waiting():
    policy = RetryPolicy(max_retries=3, base=1.0, max_wait=60.0)
    with pytest.raises(CollectorError, match=r"test API: HTTP 429, the server asks to wait 3600 s \(over the 60 s"):
        run_send(replies(Fetched(429, {"retry-after": "3600"}, b"")), policy)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 413])
def test_a_client_error_is_not_retried_and_carries_the_server_reason(status):
    do_request = replies(status, Fetched(200, {}, b""))
    with pytest.raises(CollectorError, match=rf"^test API: HTTP {status}: status {status}$"):
        run_send(do_request)


def test_retries_run_out_with_the_attempt_count():
    with pytest.raises(CollectorError, match=r"test API: HTTP 500 after 4 attempts: status 500"):
        run_send(replies(500, 500, 500, 500, 500))
    with pytest.raises(CollectorError, match=r"network error after 2 attempts \(ConnectionError: refused\)"):
        run_send(replies(ConnectionError("refused"), ConnectionError("refused")), RetryPolicy(max_retries=1))


def test_a_stop_request_is_honoured_before_the_next_attempt():
    cancel.request("SIGTERM received")
    with pytest.raises(cancel.Interrupted, match="stopped: SIGTERM received"):
        run_send(replies(Fetched(200, {}, b"")))


def test_the_pacer_is_asked_before_and_told_after_every_attempt():
    clock = FakeClock()
    pacer = FixedWindowPacer(sleep=clock.sleep, monotonic=clock.monotonic)
    ok = Fetched(200, {"ratelimit": '"api";r=0;t=4'}, b"")
    run_send(replies(ok), pacer=pacer)
    assert pacer.remaining == 0  # observed
    pacer.before_request()
    assert clock.slept == [4.5]


@pytest.mark.parametrize(
    "body, detail",
    [
        (b'{"error": {"code": 429, "message": "Rate   limit\\nexceeded"}}', "Rate limit exceeded"),
        (b'{"error": {"code": 402}}', "402"),
        (b'{"error": "Repository not found"}', "Repository not found"),
        (b'{"message": "Bad request"}', "Bad request"),
        (b"<html>  Bad\n gateway </html>", "<html> Bad gateway </html>"),
        (b"[1, 2]", ""),
    ],
)
def test_error_detail_is_the_servers_own_reason_on_one_line(body, detail):
    assert error_detail(Fetched(500, {}, body)) == detail


def test_the_certificates_are_loaded_once_and_follow_ssl_cert_file(monkeypatch, tmp_path):
    import shutil
    import ssl

    import certifi

    from collector.core.http import tls_context

    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    default = tls_context()
    assert tls_context() is default  # one load per process, not one per client
    assert default.verify_mode == ssl.CERT_REQUIRED and default.cert_store_stats()["x509_ca"] > 0
    bundle = tmp_path / "ca.pem"
    shutil.copyfile(certifi.where(), bundle)
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))  # as httpx honours it
    assert tls_context() is not default
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "absent.pem"))
    with pytest.raises(
        ConfigError, match=r"SSL_CERT_FILE=.*absent.pem: cannot load certificates from it \(No such file"
    ):
        tls_context()
    (tmp_path / "junk.pem").write_text("not a certificate\n")
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "junk.pem"))
    with pytest.raises(ConfigError, match=r"SSL_CERT_FILE=.*junk.pem: cannot load certificates"):
        tls_context()
