"""Change-driven re-matching: the ingest hook that turns a document's new or changed matches into outbox events.

``RematchHook`` is a ``ChangeHook``: the ingest pipeline calls it with each document's complete change
(clauses plus the Condition and Benefit nodes the eligibility extractor added) before writing it, and
writes the ``OutboxEvent`` nodes it returns in the same transaction — the document and the events it causes
are stored together or not at all. Each (subscription, profile, clause) result has a fingerprint (verdict,
per-condition outcomes, benefit, clause text, dates); its idempotency key is derived from it, so re-ingesting
an unchanged document adds no event, and a changed result adds exactly one.

The subscribed profiles are read and laid out as columns (``search.profile_columns``) once per hook — one
ingest run — and each document's measures are judged against all of them at once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from json.encoder import encode_basestring as quoted  # = json.dumps(text, ensure_ascii=False)
from typing import Any

import numpy as np
import numpy.typing as npt

from api.push.models import VERDICT_RANK, SubscriptionFilters, Verdict
from api.push.outbox import NewEvent, event_id_for, event_node, existing_event_ids, format_time, idempotency_key
from api.push.registry import StoredProfile, active_subscriptions, all_profiles
from graph.base import GraphChange, GraphStore, NodeRecord
from ingest.extractors import DocumentContext
from ingest.normalize import OffsetMap
from ontology.reference import NATIONAL_CODE, contains
from search.compiled_conditions import VERDICT_NAMES
from search.matching import Matcher, MatchResult
from search.measures import BenefitSpec, MeasureSpec, condition_from_node
from search.profile_columns import ProfileColumns

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


@dataclass
class ProfileSet:
    """Stored profiles laid out as columns once (per ingest run, per request), with whose each row is.

    Only the columns and the few strings an event names are kept, not the profile objects.
    """

    node_ids: list[str]
    consumer_ids: list[str]
    names: list[str]
    columns: ProfileColumns

    @classmethod
    def of(cls, profiles: Sequence[StoredProfile], as_of: date) -> ProfileSet:
        """Lay out ``profiles`` for judging as of ``as_of``."""
        return cls(
            [s.node_id for s in profiles],
            [s.consumer_id for s in profiles],
            [s.profile.name for s in profiles],
            ProfileColumns.from_profiles([s.profile for s in profiles], as_of),
        )

    @classmethod
    def read(cls, store: GraphStore, consumer_ids: Sequence[str] | None, as_of: date) -> ProfileSet:
        """The stored profiles of ``consumer_ids`` (every consumer's when ``None``), laid out as of ``as_of``."""
        return cls.of(all_profiles(store, consumer_ids), as_of)

    def profile_id(self, row: int) -> str:
        """The consumer's id of the profile in ``row``."""
        return self.columns.ids[row]


def match_profiles(
    measures: Sequence[MeasureSpec], profiles: ProfileSet, *, at_least: Verdict = Verdict.INELIGIBLE
) -> Iterator[tuple[int, MatchResult]]:
    """(profile row, result) of every measure in force and in the profile's jurisdiction, with a verdict of at
    least ``at_least``: all profiles judged at once per block (``ProfileColumns.judge``).

    Profiles with the same outcome on every condition of a measure share one ``MatchResult`` (its reasons, JSON
    and fingerprint are the same), so per-result work is done once per distinct outcome pattern.
    """
    if not measures or not len(profiles.columns):
        return
    matcher = Matcher(measures)
    compiled = matcher.compiled
    worst = VERDICT_NAMES.index(at_least.value)
    shared: dict[tuple[int, tuple[int, ...]], MatchResult] = {}
    for judged in profiles.columns.blocks(compiled):
        chosen = profiles.columns.selected(compiled, judged) & (judged.verdicts <= worst)
        for index in np.flatnonzero(chosen.any(axis=0)).tolist():
            rows = np.flatnonzero(chosen[:, index])
            first = int(compiled.measure_first_cond[index])
            codes = judged.outcomes[rows, first : first + int(compiled.measure_cond_count[index])]
            patterns, which = _outcome_patterns(codes)
            results = []
            for pattern in patterns:
                key = (index, tuple(pattern))
                if key not in shared:
                    verdict = VERDICT_NAMES[max(pattern, default=0)]
                    shared[key] = MatchResult(compiled.measures[index], matcher.reasons(index), verdict, pattern, 0.0)
                results.append(shared[key])
            for row, pattern_index in zip((rows + judged.start).tolist(), which.tolist(), strict=True):
                yield row, results[pattern_index]


def _outcome_patterns(codes: npt.NDArray[np.int8]) -> tuple[list[list[int]], npt.NDArray[np.intp]]:
    """The distinct rows of ``codes`` (outcome codes 0-2, profiles × a measure's conditions) and which each row is.

    Rows are read as base-3 numbers when they fit in 64 bits (``np.unique`` on whole rows is ~20× slower).
    """
    if codes.shape[1] > 39:
        patterns, which = np.unique(codes, axis=0, return_inverse=True)
        return patterns.tolist(), which.ravel()
    keys = codes.astype(np.int64) @ (3 ** np.arange(codes.shape[1], dtype=np.int64))
    _, first_rows, which = np.unique(keys, return_index=True, return_inverse=True)
    return codes[first_rows].tolist(), which


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


@dataclass
class RematchHook:
    """The ingest ``ChangeHook`` that queues webhook events for new or changed matches of a document.

    Args:
        store: the graph store (read for subscriptions, profiles and events already queued).
        clock: the current UTC time; matches are judged as of its date.
    """

    store: GraphStore
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    _profiles: dict[tuple[tuple[str, ...], date], ProfileSet] = field(default_factory=dict, init=False, repr=False)

    def profiles_of(self, consumer_ids: Sequence[str], as_of: date) -> ProfileSet:
        """The subscribed consumers' profiles as columns, read and laid out once per hook (one ingest run)."""
        key = (tuple(sorted(consumer_ids)), as_of)
        if key not in self._profiles:
            self._profiles[key] = ProfileSet.read(self.store, key[0], as_of)
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
        created_at = format_time(now)
        at_least = min((f.min_verdict for _, _, f in subscriptions), key=VERDICT_RANK.__getitem__)
        profiles = self.profiles_of(list(by_consumer), now.date())
        told: dict[tuple[str, MatchResult], bool] = {}
        texts: dict[MatchResult, tuple[str, str]] = {}  # result → (fingerprint, JSON text)
        candidates: dict[str, NewEvent] = {}
        for row, result in match_profiles(measures, profiles, at_least=at_least):
            if result not in texts:
                texts[result] = (fingerprint(result), result.json_text())
            digest, match_text = texts[result]
            consumer_id, node_id = profiles.consumer_ids[row], profiles.node_ids[row]
            for subscription_id, filters in by_consumer[consumer_id]:
                if (subscription_id, result) not in told:
                    told[subscription_id, result] = passes(filters, result)
                if not told[subscription_id, result]:
                    continue
                key = idempotency_key(subscription_id, node_id, result.measure.clause_id, digest)
                event_id = event_id_for(key)
                profile_id = profiles.profile_id(row)
                candidates[event_id] = NewEvent(
                    consumer_id=consumer_id,
                    subscription_id=subscription_id,
                    profile_id=profile_id,
                    policy_doc_id=context.doc_id,
                    source_id=context.source_id,
                    clause_id=result.measure.clause_id,
                    verdict=result.verdict,
                    payload_json=payload(
                        event_id, subscription_id, profile_id, profiles.names[row], match_text, created_at
                    ),
                    idempotency_key=key,
                )
        known = existing_event_ids(self.store, candidates)
        return GraphChange(nodes=[event_node(e, now) for i, e in candidates.items() if i not in known])
