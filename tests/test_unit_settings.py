"""Settings as pure logic (collector/core/settings.py): parsing each kind, defaults, one error per
bad variable naming it, all problems at once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from collector.core import settings
from collector.core.errors import ConfigError
from collector.core.settings import Setting

# ------------------------------------------------------------------------------------ Setting.parse

NUMBER = Setting("X_SECONDS", "number", 1.0, "a number", minimum=0)
INTEGER = Setting("X_COUNT", "integer", 5, "an integer", minimum=1)


@pytest.mark.parametrize(
    "setting, raw, value",
    [
        (NUMBER, "1.5", 1.5),
        (NUMBER, "0", 0.0),
        (NUMBER, "1e3", 1000.0),
        (INTEGER, "3", 3),
        (INTEGER, "3.0", 3),  # a whole number written as a float
    ],
)
def test_numbers_parse(setting, raw, value):
    parsed = setting.parse(raw)
    assert parsed == value and type(parsed) is type(value)


@pytest.mark.parametrize(
    "setting, raw, message",
    [
        (NUMBER, "soon", "X_SECONDS must be a number, got 'soon'"),
        (NUMBER, "nan", "X_SECONDS must be a finite number, got 'nan'"),
        (NUMBER, "inf", "X_SECONDS must be a finite number, got 'inf'"),
        (NUMBER, "-0.5", "X_SECONDS must be 0 or more, got '-0.5'"),
        (INTEGER, "0", "X_COUNT must be 1 or more, got '0'"),
        (INTEGER, "2.5", "X_COUNT must be a whole number, got '2.5'"),
    ],
)
def test_bad_numbers_name_the_variable(setting, raw, message):
    with pytest.raises(ConfigError) as caught:
        setting.parse(raw)
    assert str(caught.value) == message


def test_urls_must_be_http_with_a_host_and_a_sane_port():
    url = Setting("X_URL", "url", "https://example.org", "a url")
    assert url.parse("http://127.0.0.1:8080/") == "http://127.0.0.1:8080"  # trailing slash dropped
    assert url.parse("https://huggingface.co") == "https://huggingface.co"
    for raw in ("ftp://example.org", "example.org", "http://"):
        with pytest.raises(ConfigError, match=r"X_URL must be an http\(s\) URL such as https://example.org"):
            url.parse(raw)
    with pytest.raises(ConfigError, match="X_URL has a malformed port"):
        url.parse("http://127.0.0.1:99999")


def test_sizes_and_times():
    size = Setting("X_MEMORY", "size", "512MB", "a size")
    assert size.parse("2GB") == "2GB" and size.parse("1.5 GiB") == "1.5 GiB" and size.parse("64kb") == "64kb"
    with pytest.raises(ConfigError, match="X_MEMORY must be a size such as 512MB or 2GB, got 'lots'"):
        size.parse("lots")
    # in bytes, as DuckDB reads them: KB/MB/GB decimal, KiB/MiB/GiB binary, any case, a space allowed
    assert settings.size_bytes("512MB") == 512 * 10**6
    assert settings.size_bytes("1.5 GiB") == 3 * 2**29
    assert settings.size_bytes("64kb") == 64_000
    assert settings.size_bytes(settings.get("COLLECTOR_DB_MEMORY")) > 0  # the default is one
    with pytest.raises(ConfigError, match="not a size such as 512MB or 2GB: '12 parsecs'"):
        settings.size_bytes("12 parsecs")
    when = Setting("X_NOW", "time", None, "a time")
    assert when.parse("2026-05-01T06:00:00Z") == datetime(2026, 5, 1, 6, tzinfo=UTC)
    assert when.parse("2026-05-01T08:00:00+02:00") == datetime(2026, 5, 1, 6, tzinfo=UTC)
    assert when.parse("2026-05-01T06:00:00") == datetime(2026, 5, 1, 6, tzinfo=UTC)  # naive: UTC
    with pytest.raises(ConfigError, match="X_NOW: not an ISO 8601 time: 'yesterday'"):
        when.parse("yesterday")


# ------------------------------------------------------------------------------ get, raw, check


def test_get_reads_the_environment_else_the_default(monkeypatch):
    monkeypatch.delenv("COLLECTOR_HTTP_TIMEOUT", raising=False)
    assert settings.get("COLLECTOR_HTTP_TIMEOUT") == 60.0
    monkeypatch.setenv("COLLECTOR_HTTP_TIMEOUT", "  ")  # blank counts as unset
    assert settings.get("COLLECTOR_HTTP_TIMEOUT") == 60.0 and not settings.is_set("COLLECTOR_HTTP_TIMEOUT")
    monkeypatch.setenv("COLLECTOR_HTTP_TIMEOUT", " 2.5 ")
    assert settings.get("COLLECTOR_HTTP_TIMEOUT") == 2.5 and settings.raw("COLLECTOR_HTTP_TIMEOUT") == "2.5"
    monkeypatch.setenv("COLLECTOR_HTTP_TIMEOUT", "0")
    with pytest.raises(ConfigError, match="COLLECTOR_HTTP_TIMEOUT must be 0.001 or more"):
        settings.get("COLLECTOR_HTTP_TIMEOUT")


def test_undeclared_names_and_secrets_are_refused():
    with pytest.raises(KeyError, match="not a declared setting"):
        settings.raw("COLLECTOR_NO_SUCH_THING")
    with pytest.raises(KeyError, match="secret"):
        settings.get("HF_TOKEN")


def test_check_reports_every_bad_value_at_once_and_skips_secrets(monkeypatch):
    monkeypatch.setenv("COLLECTOR_LOCK_TIMEOUT", "forever")
    monkeypatch.setenv("COLLECTOR_DB_MEMORY", "plenty")
    monkeypatch.setenv("HF_TOKEN", "not validated, never echoed")
    with pytest.raises(ConfigError) as caught:
        settings.check()
    assert str(caught.value).splitlines() == [
        "COLLECTOR_DB_MEMORY must be a size such as 512MB or 2GB, got 'plenty'",
        "COLLECTOR_LOCK_TIMEOUT must be a number, got 'forever'",
    ]
    monkeypatch.setenv("COLLECTOR_LOCK_TIMEOUT", "3")
    monkeypatch.setenv("COLLECTOR_DB_MEMORY", "1GB")
    settings.check()


def test_every_setting_is_declared_once_and_its_default_parses():
    names = [s.name for s in settings.SETTINGS]
    assert len(names) == len(set(names)) and set(settings.BY_NAME) == set(names)
    for s in settings.SETTINGS:
        if s.default is not None and s.kind not in ("path", "secret", "text"):
            assert s.parse(str(s.default)) == s.default, s.name


def test_markdown_table_has_a_row_per_setting_with_its_minimum():
    table = settings.markdown_table().splitlines()
    assert table[0] == "| variable | type | default | meaning |" and len(table) == 2 + len(settings.SETTINGS)
    row = next(line for line in table if line.startswith("| `COLLECTOR_HTTP_TIMEOUT` |"))
    assert "number (at least 0.001)" in row and "`60.0`" in row
    row = next(line for line in table if line.startswith("| `COLLECTOR_NOW` |"))
    assert "| time |  |" in row  # no default, no minimum
