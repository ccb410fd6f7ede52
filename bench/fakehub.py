"""Start the fake Hub (tests/fakes/hub.py) in its own process for a benchmark, and point the
collector at it (HF_ENDPOINT must be set before huggingface_hub is imported)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, timeout: float = 300.0) -> None:
    """Until the fake answers a request: its socket listens before it has rendered its pages
    (--prerender), and that rendering must not be timed as part of the first run."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=300) as s:
                s.sendall(b"GET /api/agent-harnesses HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                if s.recv(12).startswith(b"HTTP/1."):
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"fake Hub did not start on port {port}")


def cpu_seconds(pid: int) -> float:
    """user+sys CPU seconds of a running process (Linux /proc): what the fake server costs the
    cores it shares with the collector."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def fake_hub_process(*server_args: str) -> Iterator[subprocess.Popen]:
    """Yields the process of a fake Hub started with `python -m tests.fakes.hub ARGS`, with
    HF_ENDPOINT pointing at it."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.hub", "--port", str(port), *server_args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
    )
    home = None
    try:
        wait_for(port)
        os.environ["HF_ENDPOINT"] = f"http://127.0.0.1:{port}"
        if "HF_HOME" not in os.environ:  # a throwaway cache, removed with the server (not left in /tmp)
            home = os.environ["HF_HOME"] = tempfile.mkdtemp(prefix="bench-hf-home-")
        os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
        os.environ.pop("HF_TOKEN", None)
        yield server
    finally:
        server.terminate()
        server.wait(timeout=10)
        if home is not None:
            os.environ.pop("HF_HOME", None)
            shutil.rmtree(home, ignore_errors=True)


@contextlib.contextmanager
def fake_hub(*server_args: str) -> Iterator[int]:
    """Yields the port of a fake Hub started with `python -m tests.fakes.hub ARGS`."""
    with fake_hub_process(*server_args):
        yield int(os.environ["HF_ENDPOINT"].rsplit(":", 1)[1])
