"""Reverse matching (政策找人): which stored profiles qualify for a policy, with verdicts and reasons."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from eligibility.measures import document_measures
from eligibility.reverse import ProfileSet, match_profiles
from graph.base import GraphStore
from ontology.eligibility import Verdict
from push.registry import all_profiles


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
    found, _ = qualifying_page(store, source_id, as_of=as_of, consumer_id=consumer_id, min_verdict=min_verdict)
    return found


def qualifying_page(
    store: GraphStore,
    source_id: str,
    *,
    as_of: date,
    consumer_id: str | None = None,
    min_verdict: Verdict = Verdict.UNDETERMINED,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[QualifyingProfile], int]:
    """``limit`` entries of ``qualifying_profiles``' list from ``offset`` (all with ``None``), and how many there
    are in all.

    Results are ranked by plain keys and only the page's are turned into answers (their conditions, missing
    facts and benefit as JSON): one policy of 45 measures over 10,000 profiles has some 52,000 results, and
    building every one to answer a page of 50 took most of the request.
    """
    measures = document_measures(store, source_id)
    profiles = ProfileSet.of(all_profiles(store, [consumer_id] if consumer_id is not None else None), as_of)
    by_consumer = consumer_id is None
    ranked = [
        ((_VERDICT_CODES[result.verdict], profiles.consumer_ids[row] if by_consumer else "",
          profiles.profile_id(row), result.measure.clause_id), row, result)
        for row, result in match_profiles(measures, profiles, at_least=min_verdict)
    ]  # fmt: skip
    ranked.sort(key=lambda entry: entry[0])
    chosen = ranked[offset:] if limit is None else ranked[offset : offset + limit]
    found = []
    for (_, owner, profile_id, clause_id), row, result in chosen:
        answer = result.to_json()
        found.append(
            QualifyingProfile(
                profile_id=profile_id,
                profile_name=profiles.names[row],
                consumer_id=owner if by_consumer else None,
                clause_id=clause_id,
                verdict=Verdict(result.verdict),
                conditions=answer["conditions"],
                missing_facts=answer["missing_facts"],
                benefit=answer["benefit"],
            )
        )
    return found, len(ranked)


_VERDICT_CODES = {verdict.value: verdict.code for verdict in Verdict}
