"""Officials' corrections of extracted measures (curated 最小颗粒 rules), kept beside what was extracted.

A correction replaces a measure's conditions, benefit (type, text, cap, formula), dates or 免申即享 flag. It is
stored as a ``Curation`` node keyed by the policy's source id and the measure's clause text, holding the
extracted original, the curated Condition and Benefit records and the audit trail (who changed what, when). It
belongs to no document (it has no ``doc_id``), so re-ingesting the policy keeps it: ``overlay_curations`` puts
the curated records in place of the extracted ones when a clause with the same text is still there, and marks
the curation ``needs_review`` when that text changed or went away.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.base import GraphChange, GraphStore, NodeRecord, RelRecord
from graph.records import MeasureDates, benefit_id, benefit_record, condition_id, condition_record
from ingest.extractors.base import ChangeHook, DocumentContext
from ontology.clock import utc_now
from ontology.eligibility import BenefitSpec, ConditionSpec
from ontology.errors import NotFoundError
from ontology.text import to_simplified

CURATION = "Curation"
ACTIVE, NEEDS_REVIEW = "active", "needs_review"
_OWNER_KEYS = ("doc_id", "clause_id", "id")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class MeasureCorrection:
    """What an official changes on one measure; a field left ``None`` (or a date not named) keeps its value."""

    conditions: tuple[ConditionSpec, ...] | None = None
    benefit: BenefitSpec | None = None
    dates: Mapping[str, str | None] = field(default_factory=dict)  # valid_from / valid_to / deadline
    auto_grant: bool | None = None  # 免申即享
    note: str | None = None


@dataclass(frozen=True)
class StoredMeasure:
    """One measure of a stored policy as its nodes hold it."""

    number: int  # 1-based, in document order
    doc: dict[str, Any]
    clause: dict[str, Any]
    benefit: dict[str, Any]
    conditions: list[dict[str, Any]]


def clause_key(text: str) -> str:
    """The identity of a measure's clause across re-ingests: its text, Simplified, without whitespace."""
    return hashlib.sha256(_SPACE.sub("", to_simplified(text)).encode("utf-8")).hexdigest()[:24]


def curation_id(source_id: str, key: str) -> str:
    """The id of the Curation node of the measure with clause key ``key`` in policy ``source_id``."""
    return "curation:" + hashlib.sha256(f"{source_id}\n{key}".encode()).hexdigest()[:24]


def stored_measures(store: GraphStore, source_id: str) -> list[StoredMeasure]:
    """The measures of the policy stored with ``source_id``, numbered in document order.

    Raises:
        NotFoundError: no document has this source id.
    """
    docs = store.find_nodes("NormativeDocument", {"source_id": source_id, "placeholder": False}, limit=1)
    if not docs:
        raise NotFoundError(f"no policy with source id {source_id!r}")
    doc = docs[0]
    clauses = {c["id"]: c for c in store.find_nodes("Clause", {"doc_id": doc["id"]})}
    conditions: dict[str, list[dict[str, Any]]] = {}
    for condition in store.find_nodes("Condition", {"doc_id": doc["id"]}):
        conditions.setdefault(condition["clause_id"], []).append(condition)
    benefits = [b for b in store.find_nodes("Benefit", {"doc_id": doc["id"]}) if b["clause_id"] in clauses]
    benefits.sort(key=lambda b: (clauses[b["clause_id"]]["span_start"], clauses[b["clause_id"]]["span_end"]))
    return [
        StoredMeasure(
            number,
            doc,
            clauses[b["clause_id"]],
            b,
            sorted(conditions.get(b["clause_id"], []), key=lambda c: c.get("ordinal") or 0),
        )
        for number, b in enumerate(benefits, start=1)
    ]


def correct_measure(
    store: GraphStore,
    source_id: str,
    number: int,
    correction: MeasureCorrection,
    *,
    by: str,
    hooks: Sequence[ChangeHook] = (),
) -> dict[str, Any]:
    """Apply ``correction`` to measure ``number`` of a policy and record it; the change, and what ``hooks`` add
    (webhook events for matches it changes), is written in one transaction. Returns the curation record.

    Raises:
        NotFoundError: no such policy or measure.
    """
    measures = stored_measures(store, source_id)
    if not 1 <= number <= len(measures):
        raise NotFoundError(f"policy {source_id!r} has {len(measures)} measures; no measure {number}")
    measure = measures[number - 1]
    key = clause_key(measure.clause.get("text") or "")
    node_id = curation_id(source_id, key)
    previous = store.get_node(CURATION, node_id)
    current = {"conditions": [_unowned(c) for c in measure.conditions], "benefit": _unowned(measure.benefit)}
    curated = _corrected(current, correction, measure)
    now = utc_now()
    history = json.loads(previous["history_json"]) if previous else []
    history.append({"by": by, "at": now, "before": current, "after": curated, "note": correction.note})
    record = {
        "source_id": source_id,
        "clause_key": key,
        "clause_id": measure.clause["id"],
        "clause_text": measure.clause.get("text") or "",
        "status": ACTIVE,
        "original_json": previous["original_json"] if previous else json.dumps(current, ensure_ascii=False),
        "curated_json": json.dumps(curated, ensure_ascii=False),
        "history_json": json.dumps(history, ensure_ascii=False),
        "curated_by": by,
        "curated_at": now,
    }
    change = _measure_change(measure.doc, measure.clause, curated)
    change.delete_nodes.extend(("Condition", c["id"]) for c in measure.conditions)
    change.nodes.append(NodeRecord(CURATION, node_id, record))
    context = _context(measure.doc)
    for hook in hooks:
        change.extend(hook(context, change))
    store.write(change)
    return {"id": node_id, **record}


def overlay_curations(store: GraphStore, source_id: str, doc_id: str, change: GraphChange) -> None:
    """Put the curated records of ``source_id``'s measures in place of the extracted ones in a re-ingest's
    ``change``; a curation whose clause text is no longer found is marked ``needs_review`` (nothing else
    changes)."""
    curations = store.find_nodes(CURATION, {"source_id": source_id})
    if not curations:
        return
    clauses = {clause_key(n.props.get("text") or ""): n for n in change.nodes if n.label == "Clause"}
    for curation in curations:
        clause = clauses.get(curation["clause_key"])
        status = ACTIVE if clause is not None else NEEDS_REVIEW
        if clause is not None:
            owned = {
                n.id for n in change.nodes if n.label in ("Condition", "Benefit") and n.props["clause_id"] == clause.id
            }
            change.nodes = [n for n in change.nodes if n.id not in owned]
            change.rels = [r for r in change.rels if r.target_id not in owned]
            change.extend(_measure_change({"id": doc_id}, {"id": clause.id}, json.loads(curation["curated_json"])))
        node_id = curation.pop("id")
        change.nodes.append(
            NodeRecord(CURATION, node_id, {**curation, "status": status, "clause_id": clause.id if clause else None})
        )


def curations_of(store: GraphStore, source_id: str) -> list[dict[str, Any]]:
    """The curations of a policy with their original, curated records and history (JSON decoded)."""
    found = []
    for node in store.find_nodes(CURATION, {"source_id": source_id}):
        found.append(
            {
                "id": node["id"],
                "clause_id": node.get("clause_id"),
                "clause_text": node.get("clause_text"),
                "status": node.get("status"),
                "curated_by": node.get("curated_by"),
                "curated_at": node.get("curated_at"),
                "original": json.loads(node["original_json"]),
                "curated": json.loads(node["curated_json"]),
                "history": json.loads(node["history_json"]),
            }
        )
    return sorted(found, key=lambda c: str(c["curated_at"]))


def _context(doc: Mapping[str, Any]) -> DocumentContext:
    """What hooks see of a stored document (its clauses are not needed to judge one measure)."""
    text = str(doc.get("text") or "")
    return DocumentContext(
        doc_id=str(doc["id"]),
        source_id=str(doc.get("source_id") or ""),
        text=text,
        norm_text=to_simplified(text),
        title=str(doc.get("title") or ""),
        doc_type=str(doc.get("doc_type") or ""),
        region_code=doc.get("region_code"),
        issuers=tuple(doc.get("issuers") or ()),
        date_published=doc.get("date_published"),
        date_effective=doc.get("date_effective"),
    )


def _unowned(props: Mapping[str, Any]) -> dict[str, Any]:
    """A node's properties without what ties it to one document and clause."""
    return {k: v for k, v in props.items() if k not in _OWNER_KEYS}


def _corrected(current: dict[str, Any], correction: MeasureCorrection, measure: StoredMeasure) -> dict[str, Any]:
    """The curated records: ``current`` with the correction's fields put in."""
    doc_id, clause_id = measure.doc["id"], measure.clause["id"]
    benefit = dict(current["benefit"])
    conditions = current["conditions"]
    if correction.conditions is not None:
        conditions = [
            _unowned(condition_record(c, doc_id=doc_id, clause_id=clause_id, ordinal=i).props)
            for i, c in enumerate(correction.conditions)
        ]
    if correction.benefit is not None:
        dates = MeasureDates(benefit.get("valid_from"), benefit.get("valid_to"), benefit.get("deadline"))
        region = benefit.get("region_code") or measure.doc.get("region_code") or ""
        fresh = benefit_record(correction.benefit, doc_id=doc_id, clause_id=clause_id, region_code=region, dates=dates)
        benefit = _unowned(fresh.props)
    for name, value in correction.dates.items():
        benefit[name] = value
    if correction.auto_grant is not None:
        benefit["auto_grant"] = correction.auto_grant
    benefit["curated"] = True
    return {"conditions": conditions, "benefit": benefit}


def _measure_change(doc: Mapping[str, Any], clause: Mapping[str, Any], curated: Mapping[str, Any]) -> GraphChange:
    """The Condition and Benefit nodes (and their relationships) of a curated measure on ``clause``; stored
    document and clause nodes given whole are carried along unchanged, so hooks see the whole measure (given as
    bare ``{"id": …}`` they are left out)."""
    doc_id, clause_id = str(doc["id"]), str(clause["id"])
    change = GraphChange()
    if len(doc) > 1:
        change.nodes.append(NodeRecord("NormativeDocument", doc_id, {k: v for k, v in doc.items() if k != "id"}))
    if len(clause) > 1:
        change.nodes.append(NodeRecord("Clause", clause_id, {k: v for k, v in clause.items() if k != "id"}))
    for ordinal, props in enumerate(curated["conditions"]):
        node_id = condition_id(clause_id, ordinal)
        change.nodes.append(NodeRecord("Condition", node_id, {**props, "doc_id": doc_id, "clause_id": clause_id}))
        change.rels.append(RelRecord("HAS_CONDITION", "Clause", clause_id, "Condition", node_id))
    node_id = benefit_id(clause_id)
    change.nodes.append(
        NodeRecord("Benefit", node_id, {**curated["benefit"], "doc_id": doc_id, "clause_id": clause_id})
    )
    change.rels.append(RelRecord("HAS_BENEFIT", "Clause", clause_id, "Benefit", node_id))
    return change
