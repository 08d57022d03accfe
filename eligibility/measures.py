"""Support measures read from the graph: every clause with a Benefit node, with its conditions and document."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from graph import cypher
from graph.base import GraphStore, NodeRecord
from graph.records import MeasureDocument, measure_of, measures_of_nodes
from ontology.eligibility import MeasureSpec
from ontology.errors import NotFoundError
from ontology.text import to_simplified

_NOT_CONTENT = re.compile(r"[\s\u3000，,。；;：:、“”\"'（）()【】《》\-—·]|^[一二三四五六七八九十0-9]{1,3}")


def _copy_key(measure: MeasureSpec) -> tuple[object, ...]:
    """What makes two measures the same measure republished: the clause's words, jurisdiction, benefit and
    conditions (punctuation, spacing and numbering aside)."""
    words = _NOT_CONTENT.sub("", to_simplified(measure.clause_text))
    conditions = tuple((str(c.dimension), str(c.operator), repr(c.value), c.fact) for c in measure.conditions)
    benefit = (measure.benefit.type, measure.benefit.max_amount_wan) if measure.benefit else None
    return words, measure.region_code, benefit, conditions, measure.valid_from, measure.valid_to


def merge_copies(measures: Sequence[MeasureSpec]) -> list[MeasureSpec]:
    """One measure per group of republished copies (the first by source id), listing the others in ``copies``;
    order otherwise kept."""
    groups: dict[tuple[object, ...], list[MeasureSpec]] = {}
    for m in measures:
        groups.setdefault(_copy_key(m), []).append(m)
    kept: dict[int, MeasureSpec] = {}
    for group in groups.values():
        primary = min(group, key=lambda m: (m.source_id, m.clause_id))
        others = tuple((m.source_id, m.clause_id) for m in group if m is not primary)
        kept[id(primary)] = replace(primary, copies=others) if others else primary
    return [kept[id(m)] for m in measures if id(m) in kept]


def measures_from_graph(store: GraphStore) -> list[MeasureSpec]:
    """Every measure stored in the graph (clauses with a Benefit node), with their conditions.

    Three reads (clauses with a benefit, Benefit and Condition nodes, documents) joined in Python, so the
    same code runs on every back-end. ``source_span`` maps the stored span back to the source text.
    """
    clauses = {row["id"]: row for row in store.query(cypher.MEASURE_CLAUSES)}
    documents = {row["id"]: MeasureDocument.of(row) for row in store.query(cypher.MEASURE_DOCUMENTS)}
    by_clause: dict[str, list[dict[str, object]]] = {}
    for props in store.find_nodes("Condition"):
        by_clause.setdefault(props["clause_id"], []).append(props)
    measures: list[MeasureSpec] = []
    for benefit in store.find_nodes("Benefit"):
        clause, document = clauses.get(benefit["clause_id"]), documents.get(benefit["doc_id"])
        if clause is None or document is None:
            continue
        measures.append(measure_of(benefit, clause, by_clause.get(benefit["clause_id"], []), document))
    return measures


def document_measures(store: GraphStore, source_id: str) -> list[MeasureSpec]:
    """The measures of the documents stored with ``source_id`` (or of the document with that id, or of the one a
    record with the same content was filed under), read from their own Clause, Condition and Benefit nodes only,
    in document order.

    Raises:
        NotFoundError: no document has this source id or id.
    """
    docs = store.find_nodes("NormativeDocument", {"source_id": source_id}) or [
        d for d in [store.get_node("NormativeDocument", source_id)] if d is not None
    ]
    if not docs:
        twins = [row["id"] for row in store.query(cypher.DOCUMENT_OF_DUPLICATE, {"source_id": source_id})]
        docs = [d for d in (store.get_node("NormativeDocument", twin) for twin in twins) if d is not None]
    if not docs:
        raise NotFoundError(f"no policy with source id {source_id!r}")
    measures: list[MeasureSpec] = []
    for doc in docs:
        nodes = [
            NodeRecord(label, n["id"], n)
            for label in ("Clause", "Condition", "Benefit")
            for n in store.find_nodes(label, {"doc_id": doc["id"]})
        ]
        measures.extend(measures_of_nodes(nodes, {doc["id"]: MeasureDocument.of(doc)}))
    return sorted(measures, key=lambda m: (m.doc_id, m.span))


def policy_conditions(store: GraphStore, source_id: str) -> list[dict[str, Any]]:
    """The measures of one policy (by source id or document id) with their conditions, benefit and validity.

    Raises:
        NotFoundError: no document has this source id or id.
    """
    return [
        {
            "number": number,
            "doc_id": m.doc_id,
            "source_id": m.source_id,
            "clause_id": m.clause_id,
            "source_span": list(m.source_span),
            "clause_text": m.clause_text,
            "region_code": m.region_code,
            "conditions": [c.to_json() for c in m.conditions],
            "benefit": m.benefit.to_json() if m.benefit else None,
            "valid_from": m.valid_from,
            "valid_to": m.valid_to,
            "deadline": m.deadline,
            "curated": m.curated,
            "auto_grant": m.auto_grant,
        }
        for number, m in enumerate(document_measures(store, source_id), start=1)
    ]
