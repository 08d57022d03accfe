"""Match batches: how a document's new matches enter the outbox at once, and how they become events.

A document that matches a large share of a million stored profiles gives hundreds of thousands of
(profile, clause) events. Writing each of them in the document's transaction made a post wait about a minute.
Instead the re-match hook stores one ``OutboxBatch`` node per distinct result (subscription, clause, result
fingerprint) and each thousand profiles it applies to: the match's JSON once, and the profiles as
``[node id, profile id, name]`` triples. The batches are written with the document (all or nothing), so its matches
are durable when the post answers. The delivery worker then *expands* each pending batch: it writes the batch's
``OutboxEvent`` nodes (those the outbox does not hold yet) and marks the batch expanded, in one transaction. A
crash before that commit leaves the batch pending, and it is expanded again; the event ids come from the
idempotency keys, so nothing is queued twice.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from json.encoder import encode_basestring as quoted  # = json.dumps(text, ensure_ascii=False)

from graph import cypher
from graph.base import GraphChange, GraphStore, NodeRecord, Row
from push.outbox import NewEvent, event_id_for, event_node, existing_event_ids, format_time, idempotency_key

BATCH = "OutboxBatch"
EVENT_TYPE = "policy.matched"
RECIPIENTS_PER_BATCH = 1000
PENDING = "pending"
EXPANDED = "expanded"

Recipient = tuple[str, str, str]
"""A profile a match applies to: its node id, the consumer's profile id, its name."""


def payload(
    event_id: str, subscription_id: str, profile_id: str, profile_name: str, match_text: str, created_at: str
) -> str:
    """The JSON body POSTed to the webhook for one match (``match_text``: the match's JSON text), as
    ``json.dumps`` writes ``{type, event_id, created_at, subscription_id, profile: {id, name}, match}``."""
    return (
        f'{{"type": "{EVENT_TYPE}", "event_id": {quoted(event_id)}, "created_at": {quoted(created_at)}, '
        f'"subscription_id": {quoted(subscription_id)}, '
        f'"profile": {{"id": {quoted(profile_id)}, "name": {quoted(profile_name)}}}, "match": {match_text}}}'
    )


@dataclass(frozen=True)
class MatchGroup:
    """One result of one clause for one subscription, and every profile it applies to."""

    consumer_id: str
    subscription_id: str
    policy_doc_id: str
    source_id: str | None
    clause_id: str
    verdict: str
    fingerprint: str
    match_text: str
    recipients: Sequence[Recipient]


def batch_id_for(subscription_id: str, clause_id: str, fingerprint: str, recipients: Sequence[Recipient]) -> str:
    """The id of the batch of ``recipients`` (the same result for the same profiles → the same id)."""
    digest = hashlib.sha256("\x1f".join((subscription_id, clause_id, fingerprint)).encode("utf-8"))
    for node_id, _, _ in recipients:
        digest.update(b"\x1e" + node_id.encode("utf-8"))
    return f"b_{digest.hexdigest()[:24]}"


def batch_nodes(group: MatchGroup, now: datetime) -> list[NodeRecord]:
    """The pending ``OutboxBatch`` nodes of ``group``, at most ``RECIPIENTS_PER_BATCH`` profiles each."""
    stamp = format_time(now)
    nodes = []
    for start in range(0, len(group.recipients), RECIPIENTS_PER_BATCH):
        recipients = group.recipients[start : start + RECIPIENTS_PER_BATCH]
        props: Row = {
            "consumer_id": group.consumer_id,
            "subscription_id": group.subscription_id,
            "policy_doc_id": group.policy_doc_id,
            "source_id": group.source_id,
            "clause_id": group.clause_id,
            "verdict": group.verdict,
            "fingerprint": group.fingerprint,
            "match_json": group.match_text,
            "recipients_json": json.dumps(recipients, ensure_ascii=False),
            "recipient_count": len(recipients),
            "status": PENDING,
            "created_at": stamp,
        }
        batch_id = batch_id_for(group.subscription_id, group.clause_id, group.fingerprint, recipients)
        nodes.append(NodeRecord(BATCH, batch_id, props))
    return nodes


def existing_batch_ids(store: GraphStore, batch_ids: Sequence[str]) -> set[str]:
    """Which of ``batch_ids`` the outbox already holds (pending or expanded)."""
    wanted = sorted(set(batch_ids))
    found: set[str] = set()
    for i in range(0, len(wanted), 5000):
        found.update(r["id"] for r in store.query(cypher.EXISTING_BATCHES, {"ids": wanted[i : i + 5000]}))
    return found


def batch_events(batch: Row) -> list[NewEvent]:
    """The outbox events a stored batch stands for, one per profile."""
    subscription_id, clause_id, digest = batch["subscription_id"], batch["clause_id"], batch["fingerprint"]
    events = []
    for node_id, profile_id, name in json.loads(batch["recipients_json"]):
        key = idempotency_key(subscription_id, node_id, clause_id, digest)
        events.append(
            NewEvent(
                consumer_id=batch["consumer_id"],
                subscription_id=subscription_id,
                profile_id=profile_id,
                policy_doc_id=batch["policy_doc_id"],
                source_id=batch.get("source_id"),
                clause_id=clause_id,
                verdict=batch["verdict"],
                payload_json=payload(
                    event_id_for(key), subscription_id, profile_id, name, batch["match_json"], batch["created_at"]
                ),
                idempotency_key=key,
            )
        )
    return events


def expand_batch(store: GraphStore, batch: Row, now: datetime) -> int:
    """Write the events of ``batch`` the outbox lacks and mark it expanded, in one transaction; how many were new.

    The events keep the batch's ``created_at`` (when the match was found) and are due at ``now``.
    """
    candidates = {event_id_for(e.idempotency_key): e for e in batch_events(batch)}
    known = existing_event_ids(store, candidates)
    fresh = [event_node(e, now, batch["created_at"]) for i, e in candidates.items() if i not in known]
    done = {k: v for k, v in batch.items() if k != "id"}
    done.update(status=EXPANDED, expanded_at=format_time(now))
    store.write(GraphChange(nodes=[*fresh, NodeRecord(BATCH, batch["id"], done)], new_node_ids={n.id for n in fresh}))
    return len(fresh)


def expand_pending(store: GraphStore, now: datetime, limit: int = 20) -> int:
    """Expand up to ``limit`` pending batches, oldest first; return how many were expanded."""
    rows = store.query(cypher.PENDING_BATCHES, {"status": PENDING, "limit": limit})
    expanded = 0
    for row in rows:
        batch = store.get_node(BATCH, row["id"])
        if batch is not None and batch.get("status") == PENDING:
            expand_batch(store, batch, now)
            expanded += 1
    return expanded
