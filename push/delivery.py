"""The delivery worker: POST due outbox events to their webhooks, signed, with retries and a dead letter.

Each event is sent as its stored JSON payload with ``X-Policykg-Signature`` (HMAC-SHA256 over
``timestamp.body``), ``X-Policykg-Timestamp``, ``Idempotency-Key`` and ``X-Policykg-Event-Id``. A 2xx answer
delivers it; anything else (an error status, a timeout, a refused connection) schedules a retry after an
exponential backoff with full jitter (delay drawn uniformly from ``[0, min(cap, base · 2^(n-1))]``, as in
AWS's "Exponential Backoff and Jitter"), until ``max_attempts`` tries make it dead. Events stay in the graph
until answered, so stopping or killing the worker at any moment loses none.

The target host is resolved again before every attempt (``push.targets.resolve_target``) and the request is sent
to the address that passed the check, with the URL's host kept in the ``Host`` header and as the TLS server name
(SNI and certificate check): a name rebound to 127.0.0.1 or 10.x after registration gets nothing, and its
refused attempt is recorded and retried with the same backoff as any failure.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from graph.base import GraphStore, Row
from push.errors import WebhookTargetError
from push.fanout import expand_pending
from push.models import EventStatus
from push.outbox import AttemptOutcome, due_events, kill_event, record_attempt
from push.registry import subscription_secret
from push.signing import EVENT_ID_HEADER, IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signature_header
from push.targets import Resolver, resolve_target, system_resolver

logger = logging.getLogger(__name__)

USER_AGENT = "policykg-webhooks/0.1"


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with full jitter: try ``n`` waits ``uniform(0, min(cap_s, base_s · 2^(n-1)))``."""

    base_s: float = 2.0
    cap_s: float = 3600.0

    def delay(self, attempts: int, rng: random.Random) -> float:
        """Seconds to wait after the ``attempts``-th failed try."""
        return rng.uniform(0.0, min(self.cap_s, self.base_s * 2 ** max(attempts - 1, 0)))


@dataclass
class DeliveryReport:
    """What one pass of the worker did: match batches expanded, events tried by outcome."""

    expanded: int = 0
    delivered: int = 0
    retrying: int = 0
    dead: int = 0

    @property
    def attempted(self) -> int:
        """Events tried in this pass."""
        return self.delivered + self.retrying + self.dead


@dataclass
class DeliveryWorker:
    """Delivers due outbox events from ``store`` with ``client``.

    Args:
        store: the graph store holding the outbox.
        client: the HTTP client (its timeout bounds each attempt).
        max_attempts: tries before an event is dead.
        backoff: the retry delays.
        allowlist: hosts webhooks may target (checked again at delivery); empty = any public host.
        batch_size: events fetched per pass.
        batches_per_pass: match batches (``push.fanout``) expanded into events at the start of each pass.
        clock: the current time (UTC).
        rng: draws the retry delays.
        resolve: resolves a target host to addresses at each attempt (the system resolver by default).
    """

    store: GraphStore
    client: httpx.Client
    max_attempts: int = 8
    backoff: Backoff = field(default_factory=Backoff)
    allowlist: Sequence[str] = ()
    batch_size: int = 100
    batches_per_pass: int = 4
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    rng: random.Random = field(default_factory=random.Random)
    resolve: Resolver = system_resolver

    def run_once(self) -> DeliveryReport:
        """Expand pending match batches into events, then try every event due now, once each; return the counts."""
        report = DeliveryReport(expanded=expand_pending(self.store, self.clock(), self.batches_per_pass))
        for event in due_events(self.store, self.clock(), self.batch_size):
            status = self._deliver(event)
            if status is EventStatus.DELIVERED:
                report.delivered += 1
            elif status is EventStatus.DEAD:
                report.dead += 1
            else:
                report.retrying += 1
        return report

    def run_until(self, stop: threading.Event, poll_interval_s: float = 1.0) -> None:
        """Deliver in passes until ``stop`` is set, sleeping ``poll_interval_s`` when nothing was due."""
        while not stop.is_set():
            try:
                report = self.run_once()
            except Exception:  # keep the worker alive; the failed event stays pending
                logger.exception("delivery pass failed")
                report = DeliveryReport()
            if report.attempted < self.batch_size and report.expanded < self.batches_per_pass:
                stop.wait(poll_interval_s)

    def _deliver(self, event: Row) -> EventStatus:
        target = subscription_secret(self.store, event["subscription_id"])
        if target is None:
            kill_event(self.store, event, "subscription deleted or inactive")
            return EventStatus.DEAD
        url, secret = target
        outcome = self._post(url, secret, event)
        attempts = int(event.get("attempts") or 0) + 1
        return record_attempt(
            self.store,
            event,
            outcome,
            now=self.clock(),
            max_attempts=self.max_attempts,
            retry_delay_s=self.backoff.delay(attempts, self.rng),
        )

    def _post(self, url: str, secret: str, event: Row) -> AttemptOutcome:
        started = time.perf_counter()
        try:
            request = self._pinned_request(url)
        except WebhookTargetError as e:
            return AttemptOutcome(None, f"refused: {e}"[:500], (time.perf_counter() - started) * 1000)
        body = (event.get("payload_json") or "{}").encode("utf-8")
        timestamp = int(time.time())
        request.headers.update(
            {
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                SIGNATURE_HEADER: signature_header(secret, timestamp, body),
                TIMESTAMP_HEADER: str(timestamp),
                IDEMPOTENCY_HEADER: event["idempotency_key"],
                EVENT_ID_HEADER: event["id"],
            }
        )
        try:
            response = self.client.post(
                request.url, content=body, headers=request.headers, extensions=request.extensions
            )
        except httpx.HTTPError as e:
            elapsed = (time.perf_counter() - started) * 1000
            return AttemptOutcome(None, f"{type(e).__name__}: {e}"[:500], elapsed)
        elapsed = (time.perf_counter() - started) * 1000
        error = None if response.is_success else f"HTTP {response.status_code}"
        return AttemptOutcome(response.status_code, error, elapsed)

    def _pinned_request(self, url: str) -> _PinnedRequest:
        """The URL with its host replaced by the address checked now, and the headers and TLS server name that
        keep the original host.

        Raises:
            WebhookTargetError: the host is refused (internal, outside the allow-list, rebound to an internal
                address) or does not resolve.
        """
        try:
            target = httpx.URL(url)
        except httpx.InvalidURL as e:
            raise WebhookTargetError(f"malformed URL {url!r}: {e}") from e
        port = target.port or (443 if target.scheme == "https" else 80)
        address = resolve_target(target.host, port, self.allowlist, self.resolve)
        headers = {"Host": target.netloc.decode("ascii")}
        extensions: dict[str, object] = {}
        if target.scheme == "https":
            extensions["sni_hostname"] = target.raw_host.decode("ascii").strip("[]")
            # A pooled TLS connection is keyed by the address only: never reuse one made for another host name.
            headers["Connection"] = "close"
        return _PinnedRequest(target.copy_with(host=address), headers, extensions)


@dataclass
class _PinnedRequest:
    """Where one attempt connects and what it tells the server about the host it meant."""

    url: httpx.URL
    headers: dict[str, str]
    extensions: dict[str, object]
