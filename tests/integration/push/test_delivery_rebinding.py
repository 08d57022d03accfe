"""Delivery-time DNS checks against rebinding, with a real loopback receiver and a resolver passed in.

The webhook hosts below end in ``.test`` (reserved, never in real DNS): a request can only reach the receiver
through the address the worker's resolver answered and the worker checked, which is what pinning means.
"""

from __future__ import annotations

import json
import random
import shutil
import ssl
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from graph.base import GraphChange, GraphStore, PageParams
from push.delivery import Backoff, DeliveryWorker
from push.errors import WebhookTargetError
from push.models import EventStatus, SubscriptionCreate
from push.outbox import NewEvent, event_node, get_receipt, idempotency_key, list_receipts
from push.registry import create_subscription
from push.signing import verify_signature
from push.targets import TargetResolutionError, resolve_target, system_resolver
from tests.support.webhook_receiver import run_receiver, self_signed_certificate

HOST = "hooks.rebind.test"
NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)


class Resolver:
    """A resolver with set answers that counts its look-ups."""

    def __init__(self, *addresses: str) -> None:
        self.addresses = list(addresses)
        self.lookups: list[tuple[str, int]] = []

    def __call__(self, host: str, port: int) -> Sequence[str]:
        self.lookups.append((host, port))
        if not self.addresses:
            raise OSError("Name or service not known")
        return self.addresses


def _subscribe_and_queue(store: GraphStore, url: str) -> str:
    """A subscription to ``url`` registered with no allow-list (names are not resolved then), one event due."""
    sub = create_subscription(store, "c_1", SubscriptionCreate(url=url), [])
    key = idempotency_key(sub.id, "c_1/ent-1", "doc/art-1", "fp")
    payload = json.dumps({"profile_id": "ent-1", "verdict": "eligible"})
    event = NewEvent("c_1", sub.id, "ent-1", "doc", "src-1", "doc/art-1", "eligible", payload, key)
    store.write(GraphChange(nodes=[event_node(event, NOW)]))
    return sub.secret


def _worker(
    store: GraphStore, client: httpx.Client, resolver: Resolver, allowlist: Sequence[str] = ()
) -> DeliveryWorker:
    return DeliveryWorker(
        store,
        client,
        backoff=Backoff(60.0, 600.0),
        clock=lambda: NOW,
        rng=random.Random(3),
        allowlist=allowlist,
        resolve=resolver,
    )


@pytest.mark.parametrize(
    "answers",
    [("127.0.0.1",), ("93.184.216.34", "127.0.0.1"), ("::ffff:127.0.0.1",), ("10.1.2.3",), ("169.254.169.254",)],
)
def test_a_name_rebound_to_an_internal_address_is_refused_at_delivery(
    ladybug_store: GraphStore, answers: tuple[str, ...]
) -> None:
    with run_receiver() as receiver, httpx.Client(timeout=2) as client:
        _subscribe_and_queue(ladybug_store, f"http://{HOST}:{receiver.port}/hook")
        resolver = Resolver(*answers)
        worker = _worker(ladybug_store, client, resolver)
        first = worker.run_once()
        again = worker.run_once()  # the refusal waits for its backoff like any failure: no retry storm
    assert receiver.requests == []
    assert first.retrying == 1 and first.delivered == 0 and again.attempted == 0
    assert resolver.lookups == [(HOST, receiver.port)]
    (receipt,), _ = list_receipts(ladybug_store, "c_1", PageParams())
    assert receipt.status == EventStatus.PENDING and receipt.attempts == 1
    assert receipt.last_error is not None and "now resolves to the internal address" in receipt.last_error
    assert receipt.next_attempt_at is not None and receipt.next_attempt_at > receipt.created_at
    history = get_receipt(ladybug_store, "c_1", receipt.id).history or []
    assert len(history) == 1 and history[0].status_code is None


def test_an_allow_listed_name_is_delivered_to_the_checked_address_with_its_host(ladybug_store: GraphStore) -> None:
    with run_receiver() as receiver, httpx.Client(timeout=2) as client:
        secret = _subscribe_and_queue(ladybug_store, f"http://{HOST}:{receiver.port}/hook")
        resolver = Resolver("127.0.0.1")
        report = _worker(ladybug_store, client, resolver, allowlist=[HOST]).run_once()
    assert report.delivered == 1 and resolver.lookups == [(HOST, receiver.port)]
    (request,) = receiver.accepted
    assert request.headers["host"] == f"{HOST}:{receiver.port}" and request.path == "/hook"
    assert verify_signature(secret, request.headers["x-policykg-signature"], request.body)


def test_every_attempt_resolves_again(ladybug_store: GraphStore) -> None:
    with run_receiver() as receiver, httpx.Client(timeout=1) as client:
        _subscribe_and_queue(ladybug_store, f"http://{HOST}:{receiver.port}/hook")
        resolver = Resolver("10.9.9.9")
        worker = _worker(ladybug_store, client, resolver)
        worker.run_once()
        worker.clock = lambda: NOW + timedelta(hours=2)  # past the first backoff (at most 60 s)
        resolver.addresses = ["127.0.0.1"]
        worker.run_once()
    assert receiver.requests == [] and len(resolver.lookups) == 2
    (receipt,), _ = list_receipts(ladybug_store, "c_1", PageParams())
    assert receipt.attempts == 2 and "internal address 127.0.0.1" in (receipt.last_error or "")


def test_a_name_that_does_not_resolve_is_a_failed_attempt(ladybug_store: GraphStore) -> None:
    with httpx.Client(timeout=1) as client:
        _subscribe_and_queue(ladybug_store, f"https://{HOST}/hook")
        report = _worker(ladybug_store, client, Resolver()).run_once()
    assert report.retrying == 1
    (receipt,), _ = list_receipts(ladybug_store, "c_1", PageParams())
    assert "does not resolve" in (receipt.last_error or "")


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command to make a certificate")
def test_https_keeps_the_host_as_tls_server_name_and_checks_its_certificate(
    ladybug_store: GraphStore, tmp_path: Path
) -> None:
    cert, key = self_signed_certificate(tmp_path, HOST)
    trusting = ssl.create_default_context(cafile=str(cert))
    with run_receiver(tls=(cert, key)) as receiver, httpx.Client(timeout=2, verify=trusting) as client:
        _subscribe_and_queue(ladybug_store, f"https://{HOST}:{receiver.port}/hook")
        report = _worker(ladybug_store, client, Resolver("127.0.0.1"), allowlist=[HOST]).run_once()
    assert report.delivered == 1, list_receipts(ladybug_store, "c_1", PageParams())[0][0].last_error
    assert receiver.server_names == [HOST]
    assert receiver.accepted[0].headers["host"] == f"{HOST}:{receiver.port}"


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command to make a certificate")
def test_https_to_a_host_the_certificate_does_not_name_fails(ladybug_store: GraphStore, tmp_path: Path) -> None:
    cert, key = self_signed_certificate(tmp_path, "other.rebind.test")
    trusting = ssl.create_default_context(cafile=str(cert))
    with run_receiver(tls=(cert, key)) as receiver, httpx.Client(timeout=2, verify=trusting) as client:
        _subscribe_and_queue(ladybug_store, f"https://{HOST}:{receiver.port}/hook")
        report = _worker(ladybug_store, client, Resolver("127.0.0.1"), allowlist=[HOST]).run_once()
    assert report.retrying == 1 and receiver.requests == []
    (receipt,), _ = list_receipts(ladybug_store, "c_1", PageParams())
    assert "certificate" in (receipt.last_error or "").lower()


def test_resolve_target() -> None:
    assert resolve_target("93.184.216.34", 80, [], Resolver()) == "93.184.216.34"  # a literal: no look-up
    assert resolve_target("2001:db8::1", 80, ["2001:db8::1"], Resolver()) == "2001:db8::1"
    assert resolve_target("hooks.example.cn", 443, [], Resolver("93.184.216.34", "93.184.216.35")) == "93.184.216.34"
    assert resolve_target("hooks.example.cn", 443, ["*.example.cn"], Resolver("10.0.0.5")) == "10.0.0.5"
    with pytest.raises(WebhookTargetError, match=r"internal address 10\.0\.0\.5"):
        resolve_target("hooks.example.cn", 443, [], Resolver("10.0.0.5"))
    with pytest.raises(WebhookTargetError, match="not in the webhook allow-list"):
        resolve_target("evil.example.org", 443, ["*.example.cn"], Resolver("93.184.216.34"))
    with pytest.raises(TargetResolutionError, match="not an address"):
        resolve_target("hooks.example.cn", 443, [], lambda host, port: ["hooks.example.cn"])
    with pytest.raises(WebhookTargetError, match="internal"):
        resolve_target("127.1", 80, [], Resolver("127.0.0.1"))


def test_the_system_resolver_answers_for_localhost() -> None:
    addresses = system_resolver("localhost", 80)
    assert addresses and all(a in ("127.0.0.1", "::1") for a in addresses)
    with pytest.raises(WebhookTargetError, match="internal"):
        resolve_target("localhost", 80, [], system_resolver)
