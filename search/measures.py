"""Support measures as the matcher sees them: a clause with its conditions, benefit, validity and jurisdiction.

These are plain value objects (CCCEV: a Requirement with Constraints and what it grants). The extractor
(``ingest.conditions``) stores them in the graph as Condition and Benefit nodes; ``measures_from_graph``
reads them back; the matcher (``search.matching``) compiles them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from graph.base import GraphStore
from ingest.normalize import OffsetMap
from ontology.reference import NATIONAL_CODE

ConditionValue = Any  # list[str] for set dimensions, a number, a bool, or an ISO date for ``as_of``


@dataclass(frozen=True)
class ConditionSpec:
    """One eligibility condition: ``dimension operator value``; ``fact`` names the profile fact it reads.

    ``fact`` is set for behaviour/other conditions (and revenue thresholds on an amount other than revenue);
    ``None`` there means no fact is known to decide it, so it stays ``unknown``.
    """

    dimension: str
    operator: str
    value: ConditionValue
    text: str
    fact: str | None = None
    span: tuple[int, int] | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON form used in answers and in ``policykg conditions``."""
        out: dict[str, Any] = {
            "dimension": self.dimension,
            "operator": self.operator,
            "value": self.value,
            "text": self.text,
        }
        if self.fact is not None:
            out["fact"] = self.fact
        if self.span is not None:
            out["span"] = list(self.span)
        return out


@dataclass(frozen=True)
class BenefitSpec:
    """What a measure grants: its type (``BenefitType``), the text and the largest amount in 万元."""

    type: str
    text: str
    max_amount_wan: float | None = None
    span: tuple[int, int] | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON form used in answers."""
        return {"type": self.type, "text": self.text, "max_amount_wan": self.max_amount_wan}


@dataclass(frozen=True)
class MeasureSpec:
    """One enterprise-facing support measure (a clause) with everything the matcher needs.

    ``span`` is into the stored document text, ``source_span`` into the text as given in the source.
    ``region_code`` is the jurisdiction (``100000`` = 全国).
    """

    clause_id: str
    doc_id: str
    source_id: str
    span: tuple[int, int]
    source_span: tuple[int, int]
    clause_text: str
    region_code: str = NATIONAL_CODE
    conditions: tuple[ConditionSpec, ...] = ()
    benefit: BenefitSpec | None = None
    valid_from: str | None = None
    valid_to: str | None = None
    deadline: str | None = None
    title: str = field(default="", compare=False)


def condition_from_node(props: dict[str, Any]) -> ConditionSpec:
    """A condition from a stored Condition node's properties."""
    start, end = props.get("span_start"), props.get("span_end")
    return ConditionSpec(
        dimension=props["dimension"],
        operator=props["operator"],
        value=json.loads(props["value_json"]) if props.get("value_json") else None,
        text=props.get("text") or "",
        fact=props.get("fact") or None,
        span=(start, end) if start is not None and end is not None else None,
    )


_MEASURE_CLAUSES = (
    "MATCH (c:Clause)-[:HAS_BENEFIT]->(b:Benefit) "
    "RETURN c.id AS id, c.span_start AS span_start, c.span_end AS span_end, c.text AS text"
)
_DOCUMENTS = (
    "MATCH (d:NormativeDocument) "
    "RETURN d.id AS id, d.source_id AS source_id, d.source_offsets AS source_offsets, d.title AS title"
)


def measures_from_graph(store: GraphStore) -> list[MeasureSpec]:
    """Every measure stored in the graph (clauses with a Benefit node), with their conditions.

    Three reads (clauses with a benefit, Benefit and Condition nodes, documents) joined in Python, so the
    same code runs on every back-end. ``source_span`` maps the stored span back to the source text.
    """
    clauses = {row["id"]: row for row in store.query(_MEASURE_CLAUSES)}
    docs = {row["id"]: row for row in store.query(_DOCUMENTS)}
    offsets = {doc_id: OffsetMap.from_json(row.get("source_offsets")) for doc_id, row in docs.items()}
    by_clause: dict[str, list[dict[str, Any]]] = {}
    for props in store.find_nodes("Condition"):
        by_clause.setdefault(props["clause_id"], []).append(props)
    measures: list[MeasureSpec] = []
    for benefit in store.find_nodes("Benefit"):
        clause, doc = clauses.get(benefit["clause_id"]), docs.get(benefit["doc_id"])
        if clause is None or doc is None:
            continue
        span = (int(clause["span_start"]), int(clause["span_end"]))
        conds = sorted(by_clause.get(benefit["clause_id"], []), key=lambda p: p.get("ordinal") or 0)
        measures.append(
            MeasureSpec(
                clause_id=benefit["clause_id"],
                doc_id=benefit["doc_id"],
                source_id=doc.get("source_id") or benefit["doc_id"],
                span=span,
                source_span=offsets[benefit["doc_id"]].span_to_source(*span),
                clause_text=clause.get("text") or "",
                region_code=benefit.get("region_code") or NATIONAL_CODE,
                conditions=tuple(condition_from_node(p) for p in conds),
                benefit=BenefitSpec(
                    benefit.get("type") or "其他", benefit.get("text") or "", benefit.get("max_amount_wan")
                ),
                valid_from=benefit.get("valid_from"),
                valid_to=benefit.get("valid_to"),
                deadline=benefit.get("deadline"),
                title=doc.get("title") or "",
            )
        )
    return measures
