"""免申即享: a measure an official marks ``auto_grant`` is granted to every qualifying profile, no application.

``GrantHook`` is an ingest ``ChangeHook`` like ``push.rematch.RematchHook``: when a document is published or a
measure curated, each of its 免申即享 measures is judged against every stored profile, and each profile that is
``eligible`` (every condition met from its data — 待确认 never grants) gets a grant: an ``Application`` of channel
``auto_grant`` that starts ``accepted`` (recorded like an accepted application, with its estimated amount), and
an ``application.granted`` webhook event to its consumer, written in the same transaction as the document. A
grant's id is derived from (consumer, profile, measure), so publishing again grants nothing twice. Only a measure
whose every condition profile data decides may be marked so (``ungrantable_conditions``: no condition known only by
its wording).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from eligibility.calculator import estimate_amount
from eligibility.reverse import ProfileSet, match_profiles
from graph.base import GraphChange, GraphStore, NodeRecord
from ingest.extractors.base import DocumentContext
from ontology.eligibility import TEXT_FACT_PREFIX, ConditionSpec, Verdict
from push.applications import (
    APPLICATION,
    ApplicationStatus,
    Channel,
    StatusChange,
    application_record,
    status_events,
)
from push.outbox import format_time
from push.registry import all_profiles
from push.rematch import measures_from_change

GRANTED_BY = "免申即享"
_READ_FROM_FACTS = {"behaviour", "other"}


def ungrantable_conditions(conditions: Sequence[ConditionSpec]) -> list[str]:
    """The wordings of the conditions a 免申即享 measure may not have: those no profile data decides — a
    behaviour or other condition without a catalogue fact (none, or only its wording's own ``text:`` key)."""
    return [
        c.text
        for c in conditions
        if c.dimension in _READ_FROM_FACTS and (c.fact is None or c.fact.startswith(TEXT_FACT_PREFIX))
    ]


def grant_id(consumer_id: str, profile_id: str, clause_id: str) -> str:
    """The id of the grant of one measure to one profile (the same grant → the same id)."""
    material = "\x1f".join((consumer_id, profile_id, clause_id))
    return f"ag_{hashlib.sha256(material.encode('utf-8')).hexdigest()[:16]}"


@dataclass
class GrantHook:
    """The ingest ``ChangeHook`` that grants a document's 免申即享 measures to the profiles that qualify.

    Args:
        store: the graph store (read for profiles, grants already made and subscriptions).
        clock: the current UTC time; profiles are judged as of its date.
    """

    store: GraphStore
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def __call__(self, context: DocumentContext, change: GraphChange) -> GraphChange:
        """The grants (Application nodes and their outbox events) of ``context``'s 免申即享 measures."""
        measures = [m for m in measures_from_change(context, change) if m.auto_grant]
        stored = all_profiles(self.store) if measures else []
        if not stored:
            return GraphChange()
        now = self.clock()
        stamp = format_time(now)
        document = next(
            (n.props for n in change.nodes if n.label == "NormativeDocument" and n.id == context.doc_id),
            {"region_code": context.region_code, "issuers": list(context.issuers)},
        )
        nodes: list[NodeRecord] = []
        for row, result in match_profiles(measures, ProfileSet.of(stored, now.date()), at_least=Verdict.ELIGIBLE):
            owned = stored[row]
            profile = owned.profile
            application_id = grant_id(owned.consumer_id, profile.id, result.measure.clause_id)
            if self.store.get_node(APPLICATION, application_id) is not None:
                continue
            estimate = estimate_amount(result.measure.benefit, profile)
            record = application_record(
                application_id=application_id,
                consumer_id=owned.consumer_id,
                profile_id=profile.id,
                measure=result.measure,
                document=document,
                verdict=result.verdict,
                status=ApplicationStatus.ACCEPTED,
                channel=Channel.AUTO_GRANT,
                history=[StatusChange(status=ApplicationStatus.ACCEPTED, at=stamp, by=GRANTED_BY)],
                amount_applied_wan=estimate.amount_wan,
                estimate=estimate.to_json(),
            )
            nodes += [record, *status_events(self.store, record, profile.name, now)]
        return GraphChange(nodes=nodes)
