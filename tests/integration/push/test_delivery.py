"""The worker delivers signed events to a real local receiver, retries with backoff, dead-letters, replays."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from graph.base import GraphChange, GraphStore, PageParams
from push.delivery import Backoff, DeliveryWorker
from push.fanout import MatchGroup, batch_nodes
from push.models import EventStatus, SubscriptionCreate
from push.outbox import NewEvent, event_node, get_receipt, idempotency_key, list_receipts, replay_event
from push.registry import create_subscription
from push.signing import verify_signature
from tests.support.webhook_receiver import run_receiver


class Clock:
    """A settable UTC clock."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def _queue(store: GraphStore, subscription_id: str, count: int, now: datetime) -> list[str]:
    keys = []
    for i in range(count):
        key = idempotency_key(subscription_id, f"c_1/ent-{i}", "doc/art-1", "fp")
        payload = json.dumps({"profile_id": f"ent-{i}", "verdict": "eligible"}, ensure_ascii=False)
        event = NewEvent("c_1", subscription_id, f"ent-{i}", "doc", "src-1", "doc/art-1", "eligible", payload, key)
        store.write(GraphChange(nodes=[event_node(event, now)]))
        keys.append(key)
    return keys


def _worker(store: GraphStore, client: httpx.Client, clock: Clock, max_attempts: int = 8) -> DeliveryWorker:
    return DeliveryWorker(
        store,
        client,
        max_attempts=max_attempts,
        backoff=Backoff(1.0, 60.0),
        clock=clock,
        rng=random.Random(7),
        allowlist=["127.0.0.1"],  # the test receiver listens on loopback
    )


def test_events_arrive_signed_with_idempotency_key(ladybug_store: GraphStore) -> None:
    clock = Clock()
    with run_receiver() as receiver, httpx.Client(timeout=5) as client:
        sub = create_subscription(ladybug_store, "c_1", SubscriptionCreate(url=receiver.url), ["127.0.0.1"])
        keys = _queue(ladybug_store, sub.id, 3, clock.now)
        report = _worker(ladybug_store, client, clock).run_once()
    assert report.delivered == 3
    assert sorted(r.headers["idempotency-key"] for r in receiver.accepted) == sorted(keys)
    for request in receiver.accepted:
        assert verify_signature(sub.secret, request.headers["x-policykg-signature"], request.body)
        assert json.loads(request.body)["verdict"] == "eligible"
    receipts, total = list_receipts(ladybug_store, "c_1", PageParams(), EventStatus.DELIVERED)
    assert total == 3 and all(r.attempts == 1 and r.delivered_at for r in receipts)


def test_failures_retry_with_backoff_until_every_event_arrives(ladybug_store: GraphStore) -> None:
    clock = Clock()
    with run_receiver(fail_every_other=True) as receiver, httpx.Client(timeout=5) as client:
        sub = create_subscription(ladybug_store, "c_1", SubscriptionCreate(url=receiver.url), ["127.0.0.1"])
        keys = _queue(ladybug_store, sub.id, 4, clock.now)
        worker = _worker(ladybug_store, client, clock)
        first = worker.run_once()
        assert first.retrying == 2 and first.delivered == 2
        assert worker.run_once().attempted == 0  # retries are not due yet
        for _ in range(10):
            clock.now += timedelta(seconds=120)
            worker.run_once()
    assert sorted({r.headers["idempotency-key"] for r in receiver.accepted}) == sorted(keys)
    (newest, *_), _ = list_receipts(ladybug_store, "c_1", PageParams())
    receipt = get_receipt(ladybug_store, "c_1", newest.id)
    assert receipt.history and receipt.status == EventStatus.DELIVERED and len(receipt.history) == receipt.attempts


def test_dead_after_max_attempts_then_replay(ladybug_store: GraphStore) -> None:
    clock = Clock()
    with httpx.Client(timeout=1) as client:
        # Nothing listens on port 9 of 127.0.0.1: every attempt is a refused connection.
        dead_end = SubscriptionCreate(url="http://127.0.0.1:9/hook")
        sub = create_subscription(ladybug_store, "c_1", dead_end, ["127.0.0.1"])
        _queue(ladybug_store, sub.id, 1, clock.now)
        worker = _worker(ladybug_store, client, clock, max_attempts=3)
        for _ in range(5):
            worker.run_once()
            clock.now += timedelta(seconds=10)
    (receipt,), _ = list_receipts(ladybug_store, "c_1", PageParams())
    assert receipt.status == EventStatus.DEAD and receipt.attempts == 3 and receipt.last_error
    assert len(get_receipt(ladybug_store, "c_1", receipt.id).history or []) == 3
    replayed = replay_event(ladybug_store, "c_1", receipt.id, clock.now)
    assert replayed.status == EventStatus.PENDING and replayed.attempts == 0
    with pytest.raises(Exception, match="already pending"):
        replay_event(ladybug_store, "c_1", receipt.id, clock.now)
    with pytest.raises(Exception, match="no delivery"):
        get_receipt(ladybug_store, "c_2", receipt.id)


def test_backoff_is_exponential_with_full_jitter() -> None:
    rng = random.Random(1)
    backoff = Backoff(2.0, 100.0)
    samples = [backoff.delay(n, rng) for n in range(1, 10) for _ in range(200)]
    assert all(0 <= s <= 100.0 for s in samples)
    assert max(backoff.delay(3, rng) for _ in range(500)) <= 8.0
    assert max(backoff.delay(3, rng) for _ in range(500)) > 6.0
    assert min(backoff.delay(9, rng) for _ in range(500)) < 10.0  # full jitter: near zero stays possible


def test_a_pass_expands_match_batches_then_delivers_their_events(ladybug_store: GraphStore) -> None:
    clock = Clock()
    with run_receiver() as receiver, httpx.Client(timeout=5) as client:
        sub = create_subscription(ladybug_store, "c_1", SubscriptionCreate(url=receiver.url), ["127.0.0.1"])
        recipients = [(f"c_1/ent-{i}", f"ent-{i}", f"企业{i}") for i in range(3)]
        group = MatchGroup("c_1", sub.id, "doc", "src-1", "doc/art-1", "eligible", "fp", '{"verdict": "eligible"}',
                           recipients)  # fmt: skip
        ladybug_store.write(GraphChange(nodes=batch_nodes(group, clock.now)))
        report = _worker(ladybug_store, client, clock).run_once()
        assert (report.expanded, report.delivered) == (1, 3)
        assert _worker(ladybug_store, client, clock).run_once().attempted == 0  # nothing queued twice
    bodies = sorted((json.loads(r.body) for r in receiver.accepted), key=lambda b: b["profile"]["id"])
    assert [b["profile"] for b in bodies] == [{"id": f"ent-{i}", "name": f"企业{i}"} for i in range(3)]
    assert {json.dumps(b["match"]) for b in bodies} == {'{"verdict": "eligible"}'}
    event_ids = {json.loads(r.body)["event_id"]: r.headers["x-policykg-event-id"] for r in receiver.accepted}
    assert len(event_ids) == 3 and all(body_id == header_id for body_id, header_id in event_ids.items())
