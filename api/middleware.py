"""HTTP middleware: bounded request bodies and security headers on every answer.

``BodyLimit`` refuses a request whose body exceeds the configured size with a 413 problem, whether the client
announced the size (``Content-Length``) or streams it; nothing of it is stored. A file upload (a multipart POST to
the upload path) has its own, larger limit: the largest file ingest reads, plus room for the form's fields.
``SecurityHeaders`` adds ``X-Content-Type-Options``, ``X-Frame-Options``, ``Referrer-Policy`` and a same-origin
``Content-Security-Policy`` (left off the interactive API docs, which load their own assets).
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import PROBLEM_MEDIA_TYPE

SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)
CONTENT_SECURITY_POLICY = (b"content-security-policy", b"default-src 'self'; frame-ancestors 'none'")
_DOCS_PATHS = ("/docs", "/redoc")


class _TooLarge(Exception):
    pass


UPLOAD_FORM_ROOM = 64 * 1024
"""Bytes an upload's body may hold beyond its file: the form's other fields and the multipart boundaries."""


def _problem(path: str, limit: int, setting: str) -> bytes:
    return json.dumps(
        {
            "type": "urn:policykg:problem:request-too-large",
            "title": "Content Too Large",
            "status": 413,
            "detail": f"request body larger than {limit} bytes ({setting})",
            "instance": path,
        }
    ).encode()


class BodyLimit:
    """Refuse request bodies larger than ``max_bytes`` (413 problem+json); a multipart POST to ``upload_path``
    may carry a file of up to ``upload_max_bytes``."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, *, upload_path: str | None = None, upload_max_bytes: int = 0
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_path = upload_path
        self.upload_max_bytes = upload_max_bytes

    def _limit(self, scope: Scope, headers: dict[bytes, bytes]) -> tuple[int, str]:
        """The largest body this request may send, and the setting that says so."""
        if (
            scope.get("method") == "POST"
            and scope.get("path") == self.upload_path
            and headers.get(b"content-type", b"").lower().startswith(b"multipart/form-data")
        ):
            return max(self.max_bytes, self.upload_max_bytes + UPLOAD_FORM_ROOM), "POLICYKG_INGEST_MAX_MB"
        return self.max_bytes, "POLICYKG_MAX_REQUEST_MB"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        limit, setting = self._limit(scope, headers)
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, send, limit, setting)
            return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracked_send)
        except _TooLarge:
            if not started:
                await self._refuse(scope, send, limit, setting)

    async def _refuse(self, scope: Scope, send: Send, limit: int, setting: str) -> None:
        body = _problem(scope.get("path", ""), limit, setting)
        headers = [(b"content-type", PROBLEM_MEDIA_TYPE.encode()), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 413, "headers": [*headers, *SECURITY_HEADERS]})
        await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """Add the security headers to every HTTP answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = str(scope.get("path", "")).startswith(_DOCS_PATHS)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [h for h in SECURITY_HEADERS if h[0] not in present]
                if not docs and CONTENT_SECURITY_POLICY[0] not in present:
                    extra.append(CONTENT_SECURITY_POLICY)
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)
