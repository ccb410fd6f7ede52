"""A tiny threaded HTTP server for fakes of the real APIs: keep-alive, scripted faults, a request log."""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    # Cut the connection after sending this many body bytes (simulates a reset mid-body).
    truncate_at: int | None = None
    delay: float = 0.0
    # Send this many body bytes, then stall for `pause` seconds before the rest (a slow body).
    pause_at: int | None = None
    pause: float = 0.0
    # No Content-Length: the body ends when the connection closes (a size the client learns only by reading).
    no_length: bool = False
    # Reply only once this event is set (at most 60 s): a client kept mid-request for exactly as long
    # as the test needs, instead of a fixed delay that is too short on a loaded machine and wasted on an idle one.
    hold: threading.Event | None = None


@dataclass
class Request:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    status: int = 0
    at: float = field(default_factory=time.monotonic)  # when it arrived

    def param(self, name: str, default: str | None = None) -> str | None:
        for key, value in self.query:
            if key == name:
                return value
        return default

    def params(self, name: str) -> list[str]:
        return [v for k, v in self.query if k == name]


class FakeServer:
    """Subclasses implement `handle(request) -> Reply`; `script(path_prefix, replies)` injects faults
    that are served before the normal behaviour for matching paths."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        fake = self
        self.log: list[Request] = []
        self._scripts: list[tuple[str, deque[Reply]]] = []
        self.latency = 0.0  # seconds every reply waits, as a network would (benchmarks)
        self._lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body are separate writes: without TCP_NODELAY every keep-alive response
            # waits ~40 ms for the client's delayed ACK.
            disable_nagle_algorithm = True

            def log_message(self, *args):  # keep test output clean
                return

            def do_GET(self):
                fake._serve(self, "GET")

            def do_HEAD(self):
                fake._serve(self, "HEAD")

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                # A client that hangs up mid-response (a refused oversized body, a timeout) is part of
                # the faults under test, not a server error worth a traceback on stderr.
                import sys

                if isinstance(sys.exc_info()[1], ConnectionError):
                    return
                super().handle_error(request, client_address)

        self.httpd = Server((host, port), Handler)
        self.httpd.daemon_threads = True
        # A short poll interval: stop() (shutdown) waits up to one interval for the loop to notice.
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def script(self, path_prefix: str, *replies: Reply) -> None:
        with self._lock:
            self._scripts.append((path_prefix, deque(replies)))

    def requests_to(self, path_prefix: str) -> list[Request]:
        return [r for r in self.log if r.path.startswith(path_prefix)]

    def handle(self, request: Request) -> Reply:  # pragma: no cover - overridden
        return Reply(404, b'{"error":"not found"}')

    def _scripted(self, path: str) -> Reply | None:
        with self._lock:
            for prefix, replies in self._scripts:
                if path.startswith(prefix) and replies:
                    return replies.popleft()
        return None

    def _serve(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        request = Request(
            method,
            parts.path,
            parse_qsl(parts.query, keep_blank_values=True),
            {k.lower(): v for k, v in handler.headers.items()},
        )
        with self._lock:
            self.log.append(request)
        reply = self._scripted(parts.path) or self.handle(request)
        request.status = reply.status
        if reply.hold is not None:
            reply.hold.wait(timeout=60)
        if reply.delay or self.latency:
            import time

            time.sleep(reply.delay or self.latency)
        handler.send_response(reply.status)
        headers = {"Content-Type": "application/json", **reply.headers}
        for key, value in headers.items():
            handler.send_header(key, value)
        if not reply.no_length:
            handler.send_header("Content-Length", str(len(reply.body)))
        if reply.truncate_at is not None or reply.no_length:
            handler.send_header("Connection", "close")
        handler.end_headers()
        if method == "HEAD":
            return
        try:
            if reply.truncate_at is not None:
                handler.wfile.write(reply.body[: reply.truncate_at])
                handler.wfile.flush()
                handler.close_connection = True
                return
            if reply.pause_at is not None:
                handler.wfile.write(reply.body[: reply.pause_at])
                handler.wfile.flush()
                import time

                time.sleep(reply.pause)
                handler.wfile.write(reply.body[reply.pause_at :])
            else:
                handler.wfile.write(reply.body)
            if reply.no_length:
                handler.wfile.flush()
                handler.close_connection = True
        except (BrokenPipeError, ConnectionResetError):
            handler.close_connection = True
