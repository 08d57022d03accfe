"""Reverse matching (政策找人): which stored profiles qualify for a policy, with verdicts and reasons."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from eligibility.reverse import ProfileSet, match_profiles
from graph.base import GraphStore, NodeRecord
from graph.records import MeasureDocument, measures_of_nodes
from ontology.eligibility import MeasureSpec, Verdict
from ontology.errors import NotFoundError
from push.registry import all_profiles

_OWNED_FOR_MATCHING = ("Clause", "Condition", "Benefit")


class QualifyingProfile(BaseModel):
    """One profile's verdict on one measure (clause) of the policy."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "profile_id": "ent-001",
                    "profile_name": "北京某某科技有限公司",
                    "clause_id": "doc-1/art-3",
                    "verdict": "undetermined",
                    "conditions": [
                        {"dimension": "scale", "operator": "in", "value": ["小型", "微型"], "outcome": "met"},
                        {"dimension": "behaviour", "operator": "==", "value": True, "outcome": "unknown"},
                    ],
                    "missing_facts": ["layoffs_2019"],
                    "benefit": {"type": "租金减免", "text": "免收3个月房租", "max_amount_wan": None},
                }
            ]
        }
    )

    profile_id: str
    profile_name: str
    consumer_id: str | None = Field(None, description="Whose profile it is (CLI only; HTTP shows your own).")
    clause_id: str
    verdict: Verdict
    conditions: list[dict[str, Any]]
    missing_facts: list[str]
    benefit: dict[str, Any] | None = None


def policy_measures(store: GraphStore, source_id: str) -> list[MeasureSpec]:
    """The support measures of every stored document with ``source_id``.

    Raises:
        NotFoundError: no document has that source id.
    """
    documents = store.find_nodes("NormativeDocument", {"source_id": source_id})
    if not documents:
        raise NotFoundError(f"source_id: no policy {source_id!r}")
    measures: list[MeasureSpec] = []
    for doc in documents:
        nodes = [
            NodeRecord(label, n["id"], n)
            for label in _OWNED_FOR_MATCHING
            for n in store.find_nodes(label, {"doc_id": doc["id"]})
        ]
        measures.extend(measures_of_nodes(nodes, {doc["id"]: MeasureDocument.of(doc)}))
    return measures


def qualifying_profiles(
    store: GraphStore,
    source_id: str,
    *,
    as_of: date,
    consumer_id: str | None = None,
    min_verdict: Verdict = Verdict.UNDETERMINED,
) -> list[QualifyingProfile]:
    """Stored profiles (one consumer's, or all) whose verdict on a measure of the policy is at least ``min_verdict``.

    The profiles are laid out as columns once for the request and judged all at once per measure.
    Ordered by verdict (eligible first), then profile id and clause id.
    """
    measures = policy_measures(store, source_id)
    profiles = ProfileSet.of(all_profiles(store, [consumer_id] if consumer_id is not None else None), as_of)
    found = []
    for row, result in match_profiles(measures, profiles, at_least=min_verdict):
        answer = result.to_json()
        found.append(
            QualifyingProfile(
                profile_id=profiles.profile_id(row),
                profile_name=profiles.names[row],
                consumer_id=None if consumer_id is not None else profiles.consumer_ids[row],
                clause_id=result.measure.clause_id,
                verdict=Verdict(result.verdict),
                conditions=answer["conditions"],
                missing_facts=answer["missing_facts"],
                benefit=answer["benefit"],
            )
        )
    found.sort(key=lambda q: (q.verdict.code, q.consumer_id or "", q.profile_id, q.clause_id))
    return found
