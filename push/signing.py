"""Webhook signatures: HMAC-SHA256 over ``"<timestamp>.<body>"`` with the subscription's secret.

A delivery carries ``X-Policykg-Signature: t=<unix seconds>,v1=<hex digest>``. A receiver recomputes the
digest over the timestamp, a dot and the raw body bytes, compares in constant time, and rejects timestamps
older than a few minutes (replay protection). ``verify_signature`` does exactly that.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Policykg-Signature"
TIMESTAMP_HEADER = "X-Policykg-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"
EVENT_ID_HEADER = "X-Policykg-Event-Id"
DEFAULT_TOLERANCE_S = 300


def compute_signature(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``b"<timestamp>." + body`` under ``secret``."""
    message = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Policykg-Signature`` value for ``body`` sent at ``timestamp``."""
    return f"t={timestamp},v1={compute_signature(secret, timestamp, body)}"


def verify_signature(
    secret: str, header: str, body: bytes, *, tolerance_s: int = DEFAULT_TOLERANCE_S, now: float | None = None
) -> bool:
    """Whether ``header`` is a valid signature of ``body`` under ``secret``, made within ``tolerance_s``."""
    fields: dict[str, list[str]] = {}
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        fields.setdefault(key, []).append(value)
    try:
        timestamp = int(fields["t"][0])
    except (KeyError, ValueError):
        return False
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance_s:
        return False
    expected = compute_signature(secret, timestamp, body)
    return any(hmac.compare_digest(expected, candidate) for candidate in fields.get("v1", []))
