"""Security: secrets never leave the process except to their own API, TLS is verified, requests go
only where the user pointed them, exports stay in their folder, fetched strings never become SQL."""

from __future__ import annotations

import io
import logging
import os
import re
import shutil
import ssl
import subprocess
from pathlib import Path

import orjson
import pytest

from tests.conftest import query
from tests.fakes.hub import FakeHub, make_model
from tests.fakes.openrouter import FakeOpenRouter, demo_models, sample_data
from tests.fakes.server import Reply

# Every test starts from an empty store copied from a template (conftest `empty_store`), as if
# a first command had made it, without preparing one per test.
pytestmark = pytest.mark.usefixtures("empty_store")

ROOT = Path(__file__).resolve().parents[1]
HF_SECRET = "hf_SeCrEtHubToken4x7Qz9Lm2Pw"
OR_SECRET = "sk-or-v1-SeCrEtRouterKey8Ab12Cd34Ef"
EARLY = "2025-01-20T06:00:00Z"  # a Monday: the ISO week 2025-W03 has just ended
NEXT_DAY = "2025-01-21T06:00:00Z"


# ------------------------------------------------------------------------------------ secrets


@pytest.fixture
def debug_log():
    """Every log record of the collector and of the HTTP libraries under it, at DEBUG, as text."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    names = ("collector", "httpx", "httpcore", "httpx2", "httpcore2", "huggingface_hub", "urllib3", "apscheduler")
    saved = {}
    for name in names:
        logger = logging.getLogger(name)
        saved[name] = logger.level
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    yield stream
    for name in names:
        logging.getLogger(name).removeHandler(handler)
        logging.getLogger(name).setLevel(saved[name])


def test_secrets_appear_nowhere(run, hub, db, orgs, tmp_path, monkeypatch, debug_log):
    """HF_TOKEN and OPENROUTER_API_KEY through ok runs, failing runs (servers that echo the secret in
    their error bodies), --verbose tracebacks, the scheduler's path, exports, status and claims: then
    every byte the collector wrote or printed is searched for both."""
    monkeypatch.setenv("HF_TOKEN", HF_SECRET)
    monkeypatch.setenv("OPENROUTER_API_KEY", OR_SECRET)
    monkeypatch.setenv("COLLECTOR_NOW", EARLY)
    (tmp_path / "schedules.yaml").write_text(
        f'jobs:\n  hf: {{cron: "15 2 * * *", top: 3, orgs: "{orgs}"}}\n  openrouter: {{cron: "45 2 * * *"}}\n'
    )
    outputs: list[str] = []

    def cli(*args, code=0):
        result = run("--db", str(db), *args)
        outputs.extend([result.out, result.err])
        assert result.code == code, (args, result.err)
        return result

    with FakeOpenRouter(models=demo_models(), top=3, per_minute=100_000, api_key=OR_SECRET, **sample_data()) as router:
        monkeypatch.setenv("OPENROUTER_BASE_URL", router.api_url)
        # successful runs, verbose
        cli("--verbose", "collect", "hf", "--orgs", str(orgs), "--top", "5")
        cli("--verbose", "collect", "openrouter")
        assert {r.headers.get("authorization") for r in hub.requests_to("/api/models")} == {f"Bearer {HF_SECRET}"}
        assert {r.headers.get("authorization") for r in router.keyed_requests()} == {f"Bearer {OR_SECRET}"}
        assert "authorization" not in router.requests_to("/api/v1/models")[0].headers

        # failing runs whose servers echo the secret back, with --verbose tracebacks
        monkeypatch.setenv("COLLECTOR_NOW", NEXT_DAY)
        echo_hf = orjson.dumps({"error": f"Internal error (request had Authorization: Bearer {HF_SECRET})"})
        hub.script("/api/models", *[Reply(500, echo_hf)] * 6)
        failed = cli("--verbose", "collect", "hf", "--orgs", str(orgs), "--top", "5", code=1)
        assert "Traceback" in failed.err and "HTTP 500 after 6 attempts" in failed.err
        echo_or = orjson.dumps({"error": {"code": 500, "message": f"upstream failed for key {OR_SECRET}"}})
        router.script("/api/v1/datasets/rankings-daily", *[Reply(500, echo_or)] * 7)
        cli("--verbose", "collect", "openrouter", code=1)
        rejected = orjson.dumps({"error": {"code": 401, "message": f"Invalid API key {OR_SECRET}"}})
        router.script("/api/v1/datasets/rankings-daily", Reply(401, rejected))
        cli("--verbose", "collect", "openrouter", code=1)
        # plain-text error bodies echoing them, through `collect all`
        router.script("/api/v1/models", *[Reply(502, f"<html>bad gateway; key={OR_SECRET}</html>".encode())] * 7)
        hub.script("/api/models", *[Reply(503, f"proxy: token {HF_SECRET} upstream down".encode())] * 6)
        cli("--verbose", "collect", "all", code=1)
        # the scheduler's code path, a good run and a failing one through its own logging
        cli("--verbose", "run", "hf")
        cli("--verbose", "run", "openrouter")
        from collector.app import schedule, schedules_config

        spec = next(j for j in schedules_config.load(tmp_path / "schedules.yaml").jobs if j.name == "hf")
        hub.script("/api/models", *[Reply(500, echo_hf)] * 6)
        assert schedule._logged_run(db, spec, "test") is None
        assert "job hf: failed after" in debug_log.getvalue()

    # readers and the export
    cli("export", "--week", "2025-W03", "--out", str(tmp_path / "exports"))
    for args in (
        ("status",),
        ("status", "--json"),
        ("claims", "--format", "json"),
        ("sql", "SELECT * FROM runs"),
        ("sql", "--format", "json", "SELECT * FROM or_pulls"),
    ):
        cli(*args)

    # the failures did produce server text in runs.error: scrubbed, not dropped
    errors = [e for (e,) in query(db, "SELECT error FROM runs WHERE status = 'failed' ORDER BY run_id")]
    assert len(errors) >= 5 and any("[redacted]" in e for e in errors), errors
    text = "\n".join(outputs) + debug_log.getvalue() + str(query(db, "SELECT * FROM runs"))
    files = [p for base in (tmp_path, Path(os.environ["HF_HOME"])) for p in base.rglob("*") if p.is_file()]
    assert db in files and any(p.suffix == ".png" for p in files) and any(p.name == "manifest.json" for p in files)
    for secret in (HF_SECRET, OR_SECRET):
        assert secret not in text
        for path in files:  # the database (and any .wal), exports, staging, logs, caches
            assert secret.encode() not in path.read_bytes(), path


def test_secret_redaction_scrubs_every_secret_read():
    from collector.core import secrets

    os.environ["COLLECTOR_TEST_SECRET"] = "s3cr3t-value-for-redaction"
    try:
        assert secrets.secret("COLLECTOR_TEST_SECRET") == "s3cr3t-value-for-redaction"
        assert secrets.redact("key s3cr3t-value-for-redaction was refused") == "key [redacted] was refused"
    finally:
        del os.environ["COLLECTOR_TEST_SECRET"]


# ------------------------------------------------------------------------------------ TLS


def test_no_code_turns_tls_verification_off():
    sources = "\n".join(p.read_text() for p in (ROOT / "collector").glob("*.py"))
    for pattern in (r"verify\s*=\s*False", r"CERT_NONE", r"check_hostname\s*=\s*False", r"_create_unverified_context"):
        assert not re.search(pattern, sources), pattern


def test_openrouter_client_verifies_certificates():
    from collector.sources.openrouter.client import OpenRouterClient

    client = OpenRouterClient(key=None)
    try:
        context = client.http._transport._pool._ssl_context
        assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    finally:
        client.close()


@pytest.fixture
def self_signed_https(tmp_path):
    """A fake server on https://127.0.0.1 with a self-signed certificate (which no client should trust)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    server = FakeOpenRouter(models=demo_models())
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.httpd.socket = context.wrap_socket(server.httpd.socket, server_side=True)
    with server:
        yield server, "https://" + server.url.split("://", 1)[1]


def test_a_self_signed_certificate_is_refused_by_both_clients(run, db, orgs, self_signed_https, monkeypatch):
    server, url = self_signed_https
    monkeypatch.setenv("COLLECTOR_MAX_RETRIES", "1")
    monkeypatch.setenv("HF_TOKEN", HF_SECRET)
    monkeypatch.setenv("HF_ENDPOINT", url)
    result = run("--db", str(db), "-q", "collect", "hf", "--orgs", str(orgs), "--top", "0")
    assert result.code == 1 and result.err.count("\n") == 1 and "Traceback" not in result.err
    assert "network error after 2 attempts" in result.err and "CERTIFICATE_VERIFY_FAILED" in result.err
    monkeypatch.setenv("OPENROUTER_BASE_URL", f"{url}/api/v1")
    monkeypatch.setenv("OPENROUTER_API_KEY", OR_SECRET)
    result = run("--db", str(db), "-q", "collect", "openrouter")
    assert result.code == 1 and result.err.count("\n") == 1 and "CERTIFICATE_VERIFY_FAILED" in result.err
    assert server.log == []  # no request got past the handshake
    assert query(db, "SELECT status FROM runs") == [("failed",), ("failed",)]
    assert query(db, "SELECT (SELECT count(*) FROM hf_snapshots), (SELECT count(*) FROM or_catalog_snapshots)") == [
        (0, 0)
    ]


# ------------------------------------------------------------------------- where requests go


@pytest.fixture
def elsewhere():
    """A second server on another port: a different origin from the configured one."""
    with FakeHub([make_model("Qwen/elsewhere", 1)]) as server:
        yield server


@pytest.mark.parametrize("target", ["other-port", "other-host", "other-scheme"])
def test_hf_next_link_to_another_origin_is_refused(run, hub, elsewhere, db, orgs, monkeypatch, target):
    monkeypatch.setenv("HF_TOKEN", HF_SECRET)
    port = hub.url.rsplit(":", 1)[1]
    link = {
        "other-port": elsewhere.url,
        "other-host": f"http://localhost:{port}",
        "other-scheme": f"https://127.0.0.1:{port}",
    }[target]
    page = orjson.dumps([make_model("Qwen/first-page", 5)])
    hub.script("/api/models", Reply(200, page, {"Link": f'<{link}/api/models?author=Qwen&cursor=abc>; rel="next"'}))
    result = run("--db", str(db), "-q", "collect", "hf", "--orgs", str(orgs), "--top", "0")
    assert result.code == 1 and result.err.count("\n") == 1 and "Traceback" not in result.err
    origin = link if target != "other-port" else elsewhere.url
    assert f"the next-page link points to {origin}" in result.err and f"not to HF_ENDPOINT {hub.url}" in result.err
    assert elsewhere.log == []  # never asked, so the token never went there
    assert len(hub.requests_to("/api/models")) == 1
    assert query(db, "SELECT count(*) FROM hf_snapshots") == [(0,)]
    assert query(db, "SELECT status FROM runs") == [("failed",)]
    assert [p.name for p in (db.parent / "staging").iterdir()] == []
    # the same page with a link to the Hub itself is followed
    hub.script(
        "/api/models",
        Reply(200, page, {"Link": f'<{hub.url}/api/models?author=Qwen&cursor=abc>; rel="next"'}),
        Reply(200, orjson.dumps([make_model("Qwen/second-page", 4)])),
    )
    assert run("--db", str(db), "-q", "collect", "hf", "--orgs", str(orgs), "--top", "0").code == 0
    assert query(db, "SELECT pages, model_count FROM hf_snapshots WHERE scope = 'author:Qwen'") == [(2, 2)]


def test_hf_redirect_to_another_origin_never_carries_the_token(run, hub, elsewhere, db, orgs, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", HF_SECRET)
    hub.script("/api/models", Reply(302, b"", {"Location": f"{elsewhere.url}/api/models?author=Qwen"}))
    run("--db", str(db), "-q", "collect", "hf", "--orgs", str(orgs), "--top", "0")
    assert hub.requests_to("/api/models")[0].headers.get("authorization") == f"Bearer {HF_SECRET}"
    assert elsewhere.log and all("authorization" not in r.headers for r in elsewhere.log)


def test_openrouter_key_goes_only_to_the_configured_base_url(run, db, elsewhere, monkeypatch):
    monkeypatch.setenv("COLLECTOR_NOW", EARLY)
    with FakeOpenRouter(models=demo_models(), top=3, api_key=OR_SECRET, **sample_data()) as router:
        monkeypatch.setenv("OPENROUTER_BASE_URL", router.api_url)
        monkeypatch.setenv("OPENROUTER_API_KEY", OR_SECRET)
        router.script(
            "/api/v1/datasets/", Reply(307, b"", {"Location": f"{elsewhere.url}/api/v1/datasets/rankings-daily"})
        )
        router.script("/api/v1/models", Reply(302, b"", {"Location": f"{elsewhere.url}/api/v1/models"}))
        result = run("--db", str(db), "-q", "collect", "openrouter")
        assert result.code == 1 and result.err.count("\n") == 1
        assert "OpenRouter models catalog: HTTP 302" in result.err  # redirects are not followed
        result = run("--db", str(db), "-q", "collect", "openrouter")
        assert result.code == 1 and "HTTP 307" in result.err
        assert elsewhere.log == []
        assert {r.headers.get("authorization") for r in router.keyed_requests()} == {f"Bearer {OR_SECRET}"}
        assert all("authorization" not in r.headers for r in router.requests_to("/api/v1/models"))
    assert query(db, "SELECT count(*) FROM or_catalog_snapshots") == [(0,)]


# ------------------------------------------------------------------------------------ exports


@pytest.mark.parametrize(
    "week",
    [
        "../../x",
        "2026-W01/../..",
        "2026-W01/../../escaped",
        "..",
        "/tmp/escaped",
        "/etc/passwd",
        "2026-W01/",
        "2026-W01/x",
        "2026-W01\x00",
        "..\\..\\x",
        "~/2026-W01",
        "2026-W01\n../x",
    ],
)
def test_export_week_cannot_name_a_path(run, db, tmp_path, week):
    from collector import store

    with store.writer(db):
        pass
    before = sorted(tmp_path.parent.iterdir())
    result = run("--db", str(db), "export", "--week", week, "--out", str(tmp_path / "out"))
    assert result.code == 2 and "expected an ISO week YYYY-Www" in result.err and result.err.count("\n") == 1
    assert not (tmp_path / "out").exists()
    assert sorted(tmp_path.parent.iterdir()) == before


def test_export_writes_only_inside_out(run, db, tmp_path, monkeypatch):
    from collector import store

    with store.writer(db):
        pass
    monkeypatch.setenv("COLLECTOR_NOW", EARLY)
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")  # a relative default would land here
    out = tmp_path / "deep" / "out"

    def snapshot():
        return {
            p: p.stat().st_mtime_ns
            for p in tmp_path.rglob("*")
            if not p.is_relative_to(out) and not p.name.startswith(db.name)
        }

    before = snapshot()
    result = run("--db", str(db), "export", "--week", "2025-W03", "--out", str(out))
    assert result.code == 0, result.err
    assert sorted(p.name for p in out.iterdir()) == ["2025-W03"]
    after = snapshot()
    assert set(after) - set(before) == {tmp_path / "deep"}  # only the parents of --out were created
    assert {p: t for p, t in after.items() if p in before} == before
    assert list((tmp_path / "work").iterdir()) == []


def test_secrets_are_read_only_by_the_commands_that_send_them_and_the_variable_wins(run, db, tmp_path, monkeypatch):
    """As docs/configuration.md says: a wrong HF_TOKEN_FILE stops `collect hf`, not `status`; with both
    OPENROUTER_API_KEY and OPENROUTER_API_KEY_FILE set, the variable is used and the file never read."""
    from collector.core import secrets

    monkeypatch.setenv("HF_TOKEN_FILE", str(tmp_path / "nonexistent"))
    assert run("--db", str(db), "collect", "hf", "--top", "0").code == 2
    from collector import store

    with store.writer(db):
        pass
    assert run("--db", str(db), "status").code == 0
    monkeypatch.setenv("OPENROUTER_API_KEY", "sk-from-the-variable")
    monkeypatch.setenv("OPENROUTER_API_KEY_FILE", str(tmp_path / "nonexistent"))
    assert secrets.secret("OPENROUTER_API_KEY") == "sk-from-the-variable"
