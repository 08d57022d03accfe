"""Change-driven re-matching: the ingest hook that turns a document's new or changed matches into outbox events.

``RematchHook`` is a ``ChangeHook``: the ingest pipeline calls it with each document's complete change
(clauses plus the Condition and Benefit nodes the eligibility extractor added) before writing it, and
writes the ``OutboxEvent`` nodes it returns in the same transaction — the document and the events it causes
are stored together or not at all. Each (subscription, profile, clause) result has a fingerprint (verdict,
per-condition outcomes, benefit, clause text, dates); its idempotency key is derived from it, so re-ingesting
an unchanged document adds no event, and a changed result adds exactly one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from api.push.models import VERDICT_RANK, SubscriptionFilters, Verdict
from api.push.outbox import NewEvent, event_id_for, event_node, existing_event_ids, format_time, idempotency_key
from api.push.registry import StoredProfile, active_subscriptions, all_profiles
from graph.base import GraphChange, GraphStore, NodeRecord
from ingest.extractors import DocumentContext
from ingest.normalize import OffsetMap
from ontology.reference import NATIONAL_CODE, contains
from search.matching import Matcher, MatchResult
from search.measures import BenefitSpec, MeasureSpec, condition_from_node

EVENT_TYPE = "policy.matched"


def measures_from_change(context: DocumentContext, change: GraphChange) -> list[MeasureSpec]:
    """The support measures of one document as the pending change holds them (clauses with a Benefit)."""
    by_label: dict[str, list[NodeRecord]] = {}
    for node in change.nodes:
        by_label.setdefault(node.label, []).append(node)
    clauses = {n.id: n.props for n in by_label.get("Clause", [])}
    document = next((n.props for n in by_label.get("NormativeDocument", []) if n.id == context.doc_id), {})
    offsets = OffsetMap.from_json(document.get("source_offsets"))
    conditions: dict[str, list[dict[str, Any]]] = {}
    for node in by_label.get("Condition", []):
        conditions.setdefault(node.props["clause_id"], []).append(node.props)
    measures = []
    for node in by_label.get("Benefit", []):
        benefit = node.props
        clause = clauses.get(benefit.get("clause_id") or "")
        if clause is None:
            continue
        span = (int(clause["span_start"]), int(clause["span_end"]))
        ordered = sorted(conditions.get(benefit["clause_id"], []), key=lambda p: p.get("ordinal") or 0)
        measures.append(
            MeasureSpec(
                clause_id=benefit["clause_id"],
                doc_id=context.doc_id,
                source_id=context.source_id,
                span=span,
                source_span=offsets.span_to_source(*span),
                clause_text=clause.get("text") or context.text[span[0] : span[1]],
                region_code=benefit.get("region_code") or context.region_code or NATIONAL_CODE,
                conditions=tuple(condition_from_node(p) for p in ordered),
                benefit=BenefitSpec(
                    benefit.get("type") or "其他", benefit.get("text") or "", benefit.get("max_amount_wan")
                ),
                valid_from=benefit.get("valid_from"),
                valid_to=benefit.get("valid_to"),
                deadline=benefit.get("deadline"),
                title=context.title,
            )
        )
    return measures


def passes(filters: SubscriptionFilters, result: MatchResult) -> bool:
    """Whether a subscription with ``filters`` is told about ``result``."""
    if VERDICT_RANK[Verdict(result.verdict)] < VERDICT_RANK[filters.min_verdict]:
        return False
    measure = result.measure
    if filters.regions and not any(contains(region, measure.region_code) for region in filters.regions):
        return False
    benefit_type = measure.benefit.type if measure.benefit else None
    return not filters.benefit_types or benefit_type in filters.benefit_types


def fingerprint(result: MatchResult) -> str:
    """A digest of everything a receiver is told about one match; equal digests mean nothing changed."""
    answer = result.to_json()
    material = {k: answer.get(k) for k in ("verdict", "conditions", "missing_facts", "benefit", "valid_to")}
    material.update(clause_text=answer.get("clause_text"), deadline=answer.get("deadline"))
    text = json.dumps(material, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def match_profiles(
    measures: Sequence[MeasureSpec], profiles: Sequence[StoredProfile], as_of: date
) -> Iterator[tuple[StoredProfile, MatchResult]]:
    """Every (profile, result) of ``measures`` for ``profiles``: measures in the profile's jurisdiction and in force."""
    if not measures:
        return
    matcher = Matcher(measures)
    for stored in profiles:
        for result in matcher.match(stored.profile, as_of=as_of):
            yield stored, result


def payload(event_id: str, subscription_id: str, stored: StoredProfile, result: MatchResult, now: datetime) -> str:
    """The JSON body POSTed to the webhook for one match."""
    body = {
        "type": EVENT_TYPE,
        "event_id": event_id,
        "created_at": format_time(now),
        "subscription_id": subscription_id,
        "profile": {"id": stored.profile.id, "name": stored.profile.name},
        "match": result.to_json(),
    }
    return json.dumps(body, ensure_ascii=False, default=str)


@dataclass
class RematchHook:
    """The ingest ``ChangeHook`` that queues webhook events for new or changed matches of a document.

    Args:
        store: the graph store (read for subscriptions, profiles and events already queued).
        clock: the current UTC time; matches are judged as of its date.
    """

    store: GraphStore
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    _profiles: dict[tuple[str, ...], list[StoredProfile]] = field(default_factory=dict, init=False, repr=False)

    def _profiles_of(self, consumer_ids: Sequence[str]) -> list[StoredProfile]:
        """The subscribed consumers' profiles, read once per hook (one ingest run) rather than per document."""
        key = tuple(sorted(consumer_ids))
        if key not in self._profiles:
            self._profiles[key] = all_profiles(self.store, key)
        return self._profiles[key]

    def __call__(self, context: DocumentContext, change: GraphChange) -> GraphChange:
        """The outbox events (as a change to write with the document) for ``context``'s new or changed matches."""
        measures = measures_from_change(context, change)
        subscriptions = active_subscriptions(self.store) if measures else []
        if not subscriptions:
            return GraphChange()
        by_consumer: dict[str, list[tuple[str, SubscriptionFilters]]] = {}
        for subscription_id, consumer_id, filters in subscriptions:
            by_consumer.setdefault(consumer_id, []).append((subscription_id, filters))
        now = self.clock()
        candidates: dict[str, NewEvent] = {}
        profiles = self._profiles_of(list(by_consumer))
        for stored, result in match_profiles(measures, profiles, now.date()):
            digest = fingerprint(result)
            for subscription_id, filters in by_consumer[stored.consumer_id]:
                if not passes(filters, result):
                    continue
                key = idempotency_key(subscription_id, stored.node_id, result.measure.clause_id, digest)
                event_id = event_id_for(key)
                candidates[event_id] = NewEvent(
                    consumer_id=stored.consumer_id,
                    subscription_id=subscription_id,
                    profile_id=stored.profile.id,
                    policy_doc_id=context.doc_id,
                    source_id=context.source_id,
                    clause_id=result.measure.clause_id,
                    verdict=result.verdict,
                    payload_json=payload(event_id, subscription_id, stored, result, now),
                    idempotency_key=key,
                )
        known = existing_event_ids(self.store, candidates)
        return GraphChange(nodes=[event_node(e, now) for i, e in candidates.items() if i not in known])
