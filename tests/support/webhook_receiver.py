"""A real webhook receiver for tests: an HTTP server on 127.0.0.1 that records requests and fails on purpose."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class ReceivedRequest:
    """One request the receiver got (header names lower-cased)."""

    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class WebhookReceiver:
    """What the server saw and how it answers.

    ``fail_every_other``: answer 503 to the 1st, 3rd, 5th … request. ``hold``: while set, requests block
    (without answering) until it is cleared, and ``held`` is set when one arrives.
    """

    url: str
    fail_every_other: bool = False
    requests: list[ReceivedRequest] = field(default_factory=list)
    accepted: list[ReceivedRequest] = field(default_factory=list)
    hold: threading.Event = field(default_factory=threading.Event)
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, request: ReceivedRequest) -> int:
        """Record ``request`` and choose the status to answer."""
        if self.hold.is_set():
            self.held.set()
            self.release.wait(60)
        with self.lock:
            self.requests.append(request)
            failing = self.fail_every_other and len(self.requests) % 2 == 1
            if not failing:
                self.accepted.append(request)
        return 503 if failing else 204


@contextmanager
def run_receiver(*, fail_every_other: bool = False) -> Iterator[WebhookReceiver]:
    """Serve a receiver on a free port of 127.0.0.1 for the duration of the block."""
    state: WebhookReceiver | None = None

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            request = ReceivedRequest(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            assert state is not None
            status = state.answer(request)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state = WebhookReceiver(f"http://127.0.0.1:{server.server_address[1]}/hook", fail_every_other=fail_every_other)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()
