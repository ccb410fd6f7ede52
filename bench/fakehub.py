"""Start the fake Hub (tests/fakes/hub.py) in its own process for a benchmark, and point the
collector at it (HF_ENDPOINT must be set before huggingface_hub is imported)."""

from __future__ import annotations

import contextlib
import os
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
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"fake Hub did not start on port {port}")


@contextlib.contextmanager
def fake_hub(*server_args: str) -> Iterator[int]:
    """Yields the port of a fake Hub started with `python -m tests.fakes.hub ARGS`."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.hub", "--port", str(port), *server_args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_for(port)
        os.environ["HF_ENDPOINT"] = f"http://127.0.0.1:{port}"
        os.environ.setdefault("HF_HOME", tempfile.mkdtemp(prefix="bench-hf-home-"))
        os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
        os.environ.pop("HF_TOKEN", None)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)
