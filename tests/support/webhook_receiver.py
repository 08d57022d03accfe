"""A real webhook receiver for tests: an HTTP(S) server on 127.0.0.1 that records requests and fails on purpose."""

from __future__ import annotations

import ssl
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


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
    (without answering) until it is cleared, and ``held`` is set when one arrives. ``server_names``: the TLS
    server names (SNI) clients sent, when it serves HTTPS.
    """

    url: str
    port: int = 0
    fail_every_other: bool = False
    requests: list[ReceivedRequest] = field(default_factory=list)
    server_names: list[str | None] = field(default_factory=list)
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


def self_signed_certificate(folder: Path, host: str) -> tuple[Path, Path]:
    """A certificate for ``host`` (and its key) made by the ``openssl`` command; (cert file, key file)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-keyout", str(key),
         "-out", str(cert), "-subj", f"/CN={host}", "-addext", f"subjectAltName=DNS:{host}"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@contextmanager
def run_receiver(*, fail_every_other: bool = False, tls: tuple[Path, Path] | None = None) -> Iterator[WebhookReceiver]:
    """Serve a receiver on a free port of 127.0.0.1 for the duration of the block; over HTTPS with ``tls``
    (certificate file, key file)."""
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
    port = int(server.server_address[1])
    scheme = "https" if tls else "http"
    state = WebhookReceiver(f"{scheme}://127.0.0.1:{port}/hook", port=port, fail_every_other=fail_every_other)
    if tls is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls)
        names = state.server_names

        def record_name(_socket: ssl.SSLObject, name: str | None, _context: ssl.SSLContext) -> None:
            names.append(name)

        context.sni_callback = record_name
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()
