"""The one mapping between the eligibility vocabulary and graph nodes: Condition and Benefit records.

The extractor writes measures with ``measure_records``; the matcher reads them back with ``measure_of`` (from
the store, ``eligibility.measures``, or from a pending change, the push re-match hook); tests build their
fixtures with the same functions, so there is one id scheme and one set of property names.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.base import NodeRecord, RelRecord, Row
from ontology.eligibility import AmountFormula, BenefitSpec, ConditionSpec, MeasureSpec
from ontology.reference import NATIONAL_CODE
from ontology.text import OffsetMap


def condition_id(clause_id: str, ordinal: int) -> str:
    """The id of a clause's ``ordinal``-th Condition node."""
    return f"{clause_id}:cond:{ordinal}"


def benefit_id(clause_id: str) -> str:
    """The id of a clause's Benefit node."""
    return f"{clause_id}:benefit"


@dataclass(frozen=True)
class MeasureDates:
    """When a measure applies and until when one may apply for it (ISO dates or ``None``)."""

    valid_from: str | None = None
    valid_to: str | None = None
    deadline: str | None = None


def condition_record(condition: ConditionSpec, *, doc_id: str, clause_id: str, ordinal: int) -> NodeRecord:
    """The Condition node of one condition of a clause."""
    start, end = condition.span if condition.span is not None else (None, None)
    return NodeRecord(
        "Condition",
        condition_id(clause_id, ordinal),
        {
            "doc_id": doc_id,
            "clause_id": clause_id,
            "ordinal": ordinal,
            "dimension": str(condition.dimension),
            "operator": str(condition.operator),
            "value_json": json.dumps(condition.value, ensure_ascii=False),
            "fact": condition.fact,
            "text": condition.text,
            "span_start": start,
            "span_end": end,
        },
    )


def benefit_record(
    benefit: BenefitSpec, *, doc_id: str, clause_id: str, region_code: str, dates: MeasureDates
) -> NodeRecord:
    """The Benefit node of a clause: what it grants, its jurisdiction and its dates."""
    start, end = benefit.span if benefit.span is not None else (None, None)
    formula = benefit.formula
    return NodeRecord(
        "Benefit",
        benefit_id(clause_id),
        {
            "doc_id": doc_id,
            "clause_id": clause_id,
            "type": benefit.type,
            "text": benefit.text,
            "max_amount_wan": benefit.max_amount_wan,
            "amount_kind": formula.kind if formula else None,
            "amount_value": formula.value if formula else None,
            "amount_unit": formula.unit if formula else None,
            "amount_base": formula.base if formula else None,
            "amount_per": formula.per if formula else None,
            "valid_from": dates.valid_from,
            "valid_to": dates.valid_to,
            "deadline": dates.deadline,
            "region_code": region_code,
            "span_start": start,
            "span_end": end,
        },
    )


def measure_records(
    conditions: Sequence[ConditionSpec],
    benefit: BenefitSpec,
    *,
    doc_id: str,
    clause_id: str,
    region_code: str,
    dates: MeasureDates,
) -> tuple[list[NodeRecord], list[RelRecord]]:
    """The Condition and Benefit nodes of one measure (on an existing Clause) and the relationships to them."""
    nodes = [condition_record(c, doc_id=doc_id, clause_id=clause_id, ordinal=i) for i, c in enumerate(conditions)]
    rels = [RelRecord("HAS_CONDITION", "Clause", clause_id, "Condition", n.id) for n in nodes]
    benefit_node = benefit_record(benefit, doc_id=doc_id, clause_id=clause_id, region_code=region_code, dates=dates)
    nodes.append(benefit_node)
    rels.append(RelRecord("HAS_BENEFIT", "Clause", clause_id, "Benefit", benefit_node.id))
    return nodes, rels


def condition_of(props: Row) -> ConditionSpec:
    """A condition from a stored Condition node's properties."""
    start, end = props.get("span_start"), props.get("span_end")
    return ConditionSpec(
        dimension=props["dimension"],
        operator=props["operator"],
        value=json.loads(props["value_json"]) if props.get("value_json") else None,
        text=props.get("text") or "",
        fact=props.get("fact") or None,
        span=(int(start), int(end)) if start is not None and end is not None else None,
    )


def benefit_of(props: Row) -> BenefitSpec:
    """A benefit (with its amount formula, when one was stored) from a Benefit node's properties."""
    formula = None
    if props.get("amount_kind") and props.get("amount_value") is not None:
        formula = AmountFormula(
            kind=props["amount_kind"],
            value=float(props["amount_value"]),
            unit=props.get("amount_unit") or "",
            base=props.get("amount_base"),
            per=props.get("amount_per"),
            cap_wan=props.get("max_amount_wan"),
        )
    return BenefitSpec(
        props.get("type") or "其他", props.get("text") or "", props.get("max_amount_wan"), formula=formula
    )


@dataclass(frozen=True)
class MeasureDocument:
    """What a measure needs of its document: ids, title, jurisdiction and the map back to the source text."""

    doc_id: str
    source_id: str
    title: str = ""
    region_code: str | None = None
    offsets: OffsetMap = field(default_factory=OffsetMap)

    @classmethod
    def of(cls, props: Row) -> MeasureDocument:
        """From a NormativeDocument node's properties (``id`` included)."""
        return cls(
            doc_id=props["id"],
            source_id=props.get("source_id") or props["id"],
            title=props.get("title") or "",
            region_code=props.get("region_code"),
            offsets=OffsetMap.from_json(props.get("source_offsets")),
        )


def measure_of(benefit: Row, clause: Row, conditions: Iterable[Row], document: MeasureDocument) -> MeasureSpec:
    """A support measure from its Benefit, Clause and Condition nodes' properties and its document."""
    span = (int(clause["span_start"]), int(clause["span_end"]))
    ordered = sorted(conditions, key=lambda p: p.get("ordinal") or 0)
    return MeasureSpec(
        clause_id=benefit["clause_id"],
        doc_id=document.doc_id,
        source_id=document.source_id,
        span=span,
        source_span=document.offsets.span_to_source(*span),
        clause_text=clause.get("text") or "",
        region_code=benefit.get("region_code") or document.region_code or NATIONAL_CODE,
        conditions=tuple(condition_of(p) for p in ordered),
        benefit=benefit_of(benefit),
        valid_from=benefit.get("valid_from"),
        valid_to=benefit.get("valid_to"),
        deadline=benefit.get("deadline"),
        title=document.title,
        curated=bool(benefit.get("curated")),
        auto_grant=bool(benefit.get("auto_grant")),
    )


def measures_of_nodes(nodes: Iterable[NodeRecord], documents: dict[str, MeasureDocument]) -> list[MeasureSpec]:
    """The measures held by a set of nodes (a pending change, or one document's stored nodes).

    A Benefit whose clause or document is not among them is skipped.
    """
    clauses: dict[str, dict[str, Any]] = {}
    conditions: dict[str, list[dict[str, Any]]] = {}
    benefits: list[dict[str, Any]] = []
    for node in nodes:
        if node.label == "Clause":
            clauses[node.id] = node.props
        elif node.label == "Condition":
            conditions.setdefault(node.props["clause_id"], []).append(node.props)
        elif node.label == "Benefit":
            benefits.append(node.props)
    measures = []
    for benefit in benefits:
        clause = clauses.get(benefit.get("clause_id") or "")
        document = documents.get(benefit.get("doc_id") or "")
        if clause is None or document is None:
            continue
        measures.append(measure_of(benefit, clause, conditions.get(benefit["clause_id"], []), document))
    return measures
