"""Change-driven re-matching: the ingest hook that turns a document's new or changed matches into outbox events.

``RematchHook`` is a ``ChangeHook``: the ingest pipeline calls it with each document's complete change
(clauses plus the Condition and Benefit nodes the eligibility extractor added) before writing it, and
writes the ``OutboxBatch`` nodes it returns in the same transaction — the document and the matches it causes
are stored together or not at all; the delivery worker expands each batch into one ``OutboxEvent`` per profile
(``push.fanout``). Each (subscription, profile, clause) result has a fingerprint (verdict, per-condition outcomes,
benefit, clause text, dates); its idempotency key is derived from it, so re-ingesting an unchanged document adds
no event, and a changed result adds exactly one.

The subscribed profiles are read and laid out as columns (``eligibility.reverse``) once per hook — one
ingest run — and each document's measures are judged against all of them at once.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from eligibility.matching import MatchResult
from eligibility.reverse import ProfileSet, match_profiles
from graph.base import GraphChange, GraphStore, NodeRecord
from graph.records import MeasureDocument, measures_of_nodes
from ingest.extractors.base import DocumentContext
from ontology.eligibility import MeasureSpec, Verdict
from ontology.reference import contains
from ontology.text import OffsetMap
from push.fanout import MatchGroup, Recipient, batch_nodes, existing_batch_ids
from push.models import SubscriptionFilters
from push.registry import active_subscriptions, all_profiles, profiles_signature


def measures_from_change(context: DocumentContext, change: GraphChange) -> list[MeasureSpec]:
    """The support measures of one document as the pending change holds them (clauses with a Benefit)."""
    document = next((n.props for n in change.nodes if n.label == "NormativeDocument" and n.id == context.doc_id), {})
    of_document = MeasureDocument(
        doc_id=context.doc_id,
        source_id=context.source_id,
        title=context.title,
        region_code=context.region_code,
        offsets=OffsetMap.from_json(document.get("source_offsets")),
    )
    return measures_of_nodes(change.nodes, {context.doc_id: of_document})


def passes(filters: SubscriptionFilters, result: MatchResult) -> bool:
    """Whether a subscription with ``filters`` is told about ``result``."""
    if not Verdict(result.verdict).at_least(filters.min_verdict):
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


ProfileKey = tuple[tuple[str, ...], date]


@dataclass
class ProfileCache:
    """Subscribed consumers' profiles laid out as columns, kept across ingest runs of one process (the server's
    publishes) and laid out again only when a profile was written since (``profiles_signature`` changed)."""

    store: GraphStore
    _entries: dict[ProfileKey, tuple[tuple[int, str], ProfileSet]] = field(default_factory=dict, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _warming: threading.Event = field(default_factory=threading.Event, init=False, repr=False)

    def get(self, consumer_ids: Sequence[str], as_of: date) -> ProfileSet:
        """The profiles of ``consumer_ids`` as columns judged on ``as_of`` (read and laid out when stale)."""
        key = (tuple(sorted(consumer_ids)), as_of)
        with self._lock:
            signature = profiles_signature(self.store)
            cached = self._entries.get(key)
            if cached is None or cached[0] != signature:
                self._entries = {k: v for k, v in self._entries.items() if k[1] == as_of and v[0] == signature}
                cached = (signature, ProfileSet.of(all_profiles(self.store, key[0]), as_of))
                self._entries[key] = cached
            return cached[1]

    def warm(self, as_of: date) -> None:
        """Lay out the profiles of every consumer with an active subscription now, so a first publish does not."""
        self._warming.set()
        try:
            consumers = sorted({consumer_id for _, consumer_id, _ in active_subscriptions(self.store)})
            if consumers:
                self.get(consumers, as_of)
        finally:
            self._warming.clear()

    @property
    def warming(self) -> bool:
        """Whether ``warm`` is laying the profiles out now (a publish meanwhile waits for it)."""
        return self._warming.is_set()


@dataclass
class RematchHook:
    """The ingest ``ChangeHook`` that queues webhook events for new or changed matches of a document.

    Args:
        store: the graph store (read for subscriptions, profiles and events already queued).
        clock: the current UTC time; matches are judged as of its date.
        cache: profiles laid out across runs (the server's); by default a cache of this hook's run only.
    """

    store: GraphStore
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    cache: ProfileCache | None = None
    _profiles: dict[ProfileKey, ProfileSet] = field(default_factory=dict, init=False, repr=False)

    def profiles_of(self, consumer_ids: Sequence[str], as_of: date) -> ProfileSet:
        """The subscribed consumers' profiles as columns, checked for changes once per hook (one ingest run)."""
        key = (tuple(sorted(consumer_ids)), as_of)
        if key not in self._profiles:
            cache = self.cache if self.cache is not None else ProfileCache(self.store)
            self._profiles[key] = cache.get(key[0], as_of)
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
        at_least = max((f.min_verdict for _, _, f in subscriptions), key=lambda v: v.code)
        profiles = self.profiles_of(list(by_consumer), now.date())
        told: dict[tuple[str, MatchResult], bool] = {}
        recipients: dict[tuple[str, str, MatchResult], list[Recipient]] = {}  # (consumer, subscription, result)
        for row, result in match_profiles(measures, profiles, at_least=at_least):
            consumer_id = profiles.consumer_ids[row]
            for subscription_id, filters in by_consumer[consumer_id]:
                if (subscription_id, result) not in told:
                    told[subscription_id, result] = passes(filters, result)
                if told[subscription_id, result]:
                    recipient = (profiles.node_ids[row], profiles.profile_id(row), profiles.names[row])
                    recipients.setdefault((consumer_id, subscription_id, result), []).append(recipient)
        texts: dict[MatchResult, tuple[str, str]] = {}  # result → (fingerprint, JSON text)
        batches: list[NodeRecord] = []
        for (consumer_id, subscription_id, result), group in recipients.items():
            if result not in texts:
                texts[result] = (fingerprint(result), result.json_text())
            digest, match_text = texts[result]
            batches += batch_nodes(
                MatchGroup(
                    consumer_id=consumer_id,
                    subscription_id=subscription_id,
                    policy_doc_id=context.doc_id,
                    source_id=context.source_id,
                    clause_id=result.measure.clause_id,
                    verdict=result.verdict,
                    fingerprint=digest,
                    match_text=match_text,
                    recipients=group,
                ),
                now,
            )
        known = existing_batch_ids(self.store, [b.id for b in batches])
        fresh = [b for b in batches if b.id not in known]
        return GraphChange(nodes=fresh, new_node_ids={n.id for n in fresh})
