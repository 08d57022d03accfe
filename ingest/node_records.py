"""Node records of a parsed document: its clause tree and the events of its header (passed, amended, 施行)."""

from __future__ import annotations

from graph.base import GraphChange, NodeRecord, RelRecord
from ingest.metadata import DocumentMetadata
from ingest.structure import ClauseDraft


def clause_change(doc_id: str, drafts: list[ClauseDraft], clause_ids: list[str]) -> GraphChange:
    change = GraphChange()
    for i, draft in enumerate(drafts):
        change.nodes.append(
            NodeRecord(
                "Clause",
                clause_ids[i],
                {
                    "doc_id": doc_id,
                    "kind": draft.kind.value,
                    "label": draft.label,
                    "number": draft.number,
                    "ordinal": draft.ordinal,
                    "depth": draft.depth,
                    "path": draft.path,
                    "text": draft.text,
                    "span_start": draft.start,
                    "span_end": draft.end,
                },
            )
        )
        change.rels.append(RelRecord("HAS_CLAUSE", "NormativeDocument", doc_id, "Clause", clause_ids[i]))
        if draft.parent is not None:
            change.rels.append(RelRecord("HAS_PART", "Clause", clause_ids[draft.parent], "Clause", clause_ids[i]))
    return change


def event_change(doc_id: str, meta: DocumentMetadata) -> GraphChange:
    change = GraphChange()
    for event in meta.events:
        event_id = f"{doc_id}/event/{event.start}"
        change.nodes.append(
            NodeRecord(
                "DatedEvent",
                event_id,
                {
                    "doc_id": doc_id,
                    "date": event.date,
                    "kind": event.kind,
                    "text": event.text,
                    "span_start": event.start,
                    "span_end": event.end,
                },
            )
        )
        change.rels.append(RelRecord("HAS_EVENT", "NormativeDocument", doc_id, "DatedEvent", event_id))
    return change
