"""The durable outbox: match events stored in the graph, and the state machine of their delivery.

An event is ``pending`` from the moment the ingest transaction that found the match commits; each attempt is
recorded (a ``DeliveryAttempt`` node) in the same transaction that moves the event on: back to ``pending``
with a later ``next_attempt_at`` after a failure, ``delivered`` after a 2xx, ``dead`` after the last allowed
try. Nothing is marked delivered before the receiver answered, so a crash at any point loses no event
(at-least-once; receivers de-duplicate on the idempotency key).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from graph import cypher
from graph.base import GraphChange, GraphStore, NodeRecord, PageParams, Row
from ontology.errors import ConflictError, NotFoundError
from push.models import DeliveryAttemptPublic, DeliveryReceipt, EventStatus
from push.registry import page_where

EVENT = "OutboxEvent"
ATTEMPT = "DeliveryAttempt"
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def format_time(moment: datetime) -> str:
    """A UTC time as the fixed-width ISO text stored in the outbox (compares correctly as text)."""
    return moment.astimezone(UTC).strftime(_TIME_FORMAT)


def idempotency_key(subscription_id: str, profile_node_id: str, clause_id: str, fingerprint: str) -> str:
    """The key that names one result of one match for one subscription (the same result → the same key)."""
    material = "\x1f".join((subscription_id, profile_node_id, clause_id, fingerprint))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def event_id_for(key: str) -> str:
    """The outbox event id derived from its idempotency key."""
    return f"e_{key[:24]}"


@dataclass(frozen=True)
class NewEvent:
    """What a match contributes to the outbox."""

    consumer_id: str
    subscription_id: str
    profile_id: str
    policy_doc_id: str
    source_id: str | None
    clause_id: str
    verdict: str
    payload_json: str
    idempotency_key: str


def event_node(event: NewEvent, now: datetime, created_at: str | None = None) -> NodeRecord:
    """The pending ``OutboxEvent`` node for a new match, due at ``now`` (created then, or at ``created_at``)."""
    stamp = format_time(now)
    return NodeRecord(
        EVENT,
        event_id_for(event.idempotency_key),
        {
            "consumer_id": event.consumer_id,
            "subscription_id": event.subscription_id,
            "profile_id": event.profile_id,
            "policy_doc_id": event.policy_doc_id,
            "source_id": event.source_id,
            "clause_id": event.clause_id,
            "verdict": event.verdict,
            "payload_json": event.payload_json,
            "idempotency_key": event.idempotency_key,
            "status": EventStatus.PENDING.value,
            "attempts": 0,
            "next_attempt_at": stamp,
            "created_at": created_at or stamp,
        },
    )


def existing_event_ids(store: GraphStore, event_ids: Iterable[str]) -> set[str]:
    """Which of ``event_ids`` the outbox already holds (whatever their status)."""
    wanted = sorted(set(event_ids))
    found: set[str] = set()
    for i in range(0, len(wanted), 5000):
        rows = store.query(cypher.EXISTING_EVENTS, {"ids": wanted[i : i + 5000]})
        found.update(r["id"] for r in rows)
    return found


def due_events(store: GraphStore, now: datetime, limit: int) -> list[Row]:
    """Pending events whose next attempt is due at ``now``, oldest due first."""
    rows = store.query(
        cypher.DUE_EVENTS,
        {"status": EventStatus.PENDING.value, "now": format_time(now), "limit": limit},
    )
    events = [store.get_node(EVENT, r["id"]) for r in rows]
    return [e for e in events if e is not None]


def next_due_time(store: GraphStore) -> str | None:
    """When the earliest pending event is due, or ``None`` when none is pending."""
    rows = store.query(
        cypher.NEXT_DUE_TIME,
        {"status": EventStatus.PENDING.value},
    )
    return rows[0]["t"] if rows else None


@dataclass(frozen=True)
class AttemptOutcome:
    """How one HTTP attempt went."""

    status_code: int | None
    error: str | None
    duration_ms: float

    @property
    def succeeded(self) -> bool:
        """A 2xx answer."""
        return self.status_code is not None and 200 <= self.status_code < 300


def record_attempt(
    store: GraphStore,
    event: Row,
    outcome: AttemptOutcome,
    *,
    now: datetime,
    max_attempts: int,
    retry_delay_s: float,
) -> EventStatus:
    """Store one attempt and move the event on, in one transaction; return the event's new status.

    A 2xx delivers it; otherwise it is retried after ``retry_delay_s`` unless this was try ``max_attempts``,
    which makes it dead.
    """
    attempts = int(event.get("attempts") or 0) + 1
    updated: dict[str, Any] = {k: v for k, v in event.items() if k != "id"}
    updated["attempts"] = attempts
    if outcome.succeeded:
        status = EventStatus.DELIVERED
        updated.update(delivered_at=format_time(now), next_attempt_at=None)
    elif attempts >= max_attempts:
        status = EventStatus.DEAD
        updated.update(next_attempt_at=None, last_error=outcome.error)
    else:
        status = EventStatus.PENDING
        updated.update(next_attempt_at=format_time(now + timedelta(seconds=retry_delay_s)), last_error=outcome.error)
    updated["status"] = status.value
    attempt = NodeRecord(
        ATTEMPT,
        f"{event['id']}/{secrets.token_hex(6)}",
        {
            "event_id": event["id"],
            "consumer_id": event["consumer_id"],
            "attempt": attempts,
            "status_code": outcome.status_code,
            "error": outcome.error,
            "duration_ms": round(outcome.duration_ms, 3),
            "attempted_at": format_time(now),
        },
    )
    store.write(GraphChange(nodes=[NodeRecord(EVENT, event["id"], updated), attempt]))
    return status


def kill_event(store: GraphStore, event: Row, reason: str) -> None:
    """Give up on an event that can never be delivered (its subscription is gone)."""
    updated = {k: v for k, v in event.items() if k != "id"}
    updated.update(status=EventStatus.DEAD.value, next_attempt_at=None, last_error=reason)
    store.write(GraphChange(nodes=[NodeRecord(EVENT, event["id"], updated)]))


def _receipt(row: Row, history: Sequence[DeliveryAttemptPublic] | None = None) -> DeliveryReceipt:
    return DeliveryReceipt(
        id=row["id"],
        subscription_id=row["subscription_id"],
        profile_id=row["profile_id"],
        source_id=row.get("source_id"),
        clause_id=row["clause_id"],
        verdict=row["verdict"],
        status=row["status"],
        attempts=int(row.get("attempts") or 0),
        idempotency_key=row["idempotency_key"],
        created_at=row["created_at"],
        next_attempt_at=row.get("next_attempt_at"),
        delivered_at=row.get("delivered_at"),
        last_error=row.get("last_error"),
        history=list(history) if history is not None else None,
    )


def list_receipts(
    store: GraphStore, consumer_id: str, page: PageParams, status: EventStatus | None = None
) -> tuple[list[DeliveryReceipt], int]:
    """One page of a consumer's events (newest first), optionally of one status, and how many in all."""
    where: Row = {"consumer_id": consumer_id}
    if status is not None:
        where["status"] = status.value
    rows, total = page_where(store, EVENT, where, page, newest_first=True)
    return [_receipt(r) for r in rows], total


def _owned_event(store: GraphStore, consumer_id: str, event_id: str) -> Row:
    row = store.get_node(EVENT, event_id)
    if row is None or row.get("consumer_id") != consumer_id:
        raise NotFoundError(f"event_id: no delivery {event_id!r}")
    return row


def get_receipt(store: GraphStore, consumer_id: str, event_id: str) -> DeliveryReceipt:
    """One of a consumer's events with every attempt (raises ``NotFoundError`` when it is not theirs)."""
    row = _owned_event(store, consumer_id, event_id)
    attempts = sorted(store.find_nodes(ATTEMPT, {"event_id": event_id}), key=lambda a: a.get("attempted_at") or "")
    history = [
        DeliveryAttemptPublic(
            attempt=int(a.get("attempt") or 0),
            attempted_at=a.get("attempted_at") or "",
            status_code=a.get("status_code"),
            error=a.get("error"),
            duration_ms=a.get("duration_ms"),
        )
        for a in attempts
    ]
    return _receipt(row, history)


def replay_event(store: GraphStore, consumer_id: str, event_id: str, now: datetime) -> DeliveryReceipt:
    """Queue a delivered or dead event again, due at ``now``, with a fresh allowance of attempts.

    Raises:
        NotFoundError: the consumer has no such event.
        ConflictError: the event is still pending.
    """
    row = _owned_event(store, consumer_id, event_id)
    if row["status"] == EventStatus.PENDING.value:
        raise ConflictError(f"event_id: delivery {event_id!r} is already pending")
    updated = {k: v for k, v in row.items() if k != "id"}
    updated.update(status=EventStatus.PENDING.value, attempts=0, next_attempt_at=format_time(now))
    store.write(GraphChange(nodes=[NodeRecord(EVENT, event_id, updated)]))
    return get_receipt(store, consumer_id, event_id)
