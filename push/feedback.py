"""评价: consumers rate a policy (or one of its measures) for one of their profiles; the issuer's officials read
the comments and the averages per policy and per measure.

A rating is 1–5 with an optional comment. It is stored as a ``Feedback`` node beside the policy's region and
issuers, so the officials who may publish and correct the policy (``push.officials.check_document_scope``) are
the ones who read it; consumers never read others' feedback.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from graph.base import GraphStore, NodeRecord, Row
from ingest.curation import stored_measures
from ontology.errors import NotFoundError
from push.keys import KeyHolder
from push.officials import check_document_scope
from push.outbox import format_time
from push.registry import get_profile

FEEDBACK = "Feedback"


class FeedbackPublic(BaseModel):
    """One rating as stored."""

    id: str
    source_id: str
    profile_id: str
    measure_id: str | None = None
    rating: int = Field(ge=1, le=5)
    comment: str = ""
    created_at: str


class MeasureRating(BaseModel):
    """The ratings of one measure."""

    measure_id: str
    number: int | None = Field(None, description="The measure's number in the policy, as …/measures lists it.")
    count: int
    average: float | None


class PolicyFeedback(BaseModel):
    """What a policy's issuer reads: the average and count of the policy, per measure, and every comment."""

    source_id: str
    title: str
    count: int
    average: float | None
    measures: list[MeasureRating]
    comments: list[dict[str, Any]]


def average(ratings: Sequence[int]) -> float | None:
    """The mean rating to two decimals, or ``None`` when there is none."""
    return round(sum(ratings) / len(ratings), 2) if ratings else None


def add_feedback(
    store: GraphStore,
    consumer_id: str,
    source_id: str,
    *,
    profile_id: str,
    rating: int,
    comment: str = "",
    measure_id: str | None = None,
    now: datetime,
) -> FeedbackPublic:
    """Store a consumer's rating of a policy (or of its measure ``measure_id``) for one of its profiles.

    Raises:
        NotFoundError: no such policy, no such profile of the consumer, or no such measure in the policy.
    """
    measures = stored_measures(store, source_id)
    get_profile(store, consumer_id, profile_id)
    doc = measures[0].doc if measures else _document(store, source_id)
    if measure_id is not None and measure_id not in {m.clause["id"] for m in measures}:
        raise NotFoundError(f"measure_id: policy {source_id!r} has no measure {measure_id!r}")
    created = FeedbackPublic(
        id=f"fb_{secrets.token_hex(8)}",
        source_id=source_id,
        profile_id=profile_id,
        measure_id=measure_id,
        rating=rating,
        comment=comment,
        created_at=format_time(now),
    )
    record = {
        "consumer_id": consumer_id,
        "profile_id": profile_id,
        "source_id": source_id,
        "clause_id": measure_id,
        "doc_id": doc["id"],
        "region_code": doc.get("region_code"),
        "issuers": list(doc.get("issuers") or []),
        "rating": rating,
        "comment": comment,
        "created_at": created.created_at,
    }
    store.upsert_nodes([NodeRecord(FEEDBACK, created.id, record)])
    return created


def _document(store: GraphStore, source_id: str) -> Row:
    docs = store.find_nodes("NormativeDocument", {"source_id": source_id, "placeholder": False}, limit=1)
    if not docs:
        raise NotFoundError(f"source_id: no policy with source id {source_id!r}")
    return docs[0]


def policy_feedback(store: GraphStore, holder: KeyHolder, source_id: str) -> PolicyFeedback:
    """The feedback on a policy, for the officials of its region and agency (and admins).

    Raises:
        NotFoundError: no such policy.
        PermissionDeniedError: a consumer, or an official of another region or agency.
    """
    doc = _document(store, source_id)
    check_document_scope(holder, doc.get("region_code"), doc.get("issuers") or [])
    rows = sorted(store.find_nodes(FEEDBACK, {"source_id": source_id}), key=lambda r: r["created_at"])
    numbers = {m.clause["id"]: m.number for m in stored_measures(store, source_id)}
    by_measure: dict[str, list[int]] = {}
    for row in rows:
        if row.get("clause_id"):
            by_measure.setdefault(row["clause_id"], []).append(int(row["rating"]))
    return PolicyFeedback(
        source_id=source_id,
        title=doc.get("title") or "",
        count=len(rows),
        average=average([int(r["rating"]) for r in rows]),
        measures=[
            MeasureRating(measure_id=clause_id, number=numbers.get(clause_id), count=len(r), average=average(r))
            for clause_id, r in sorted(by_measure.items(), key=lambda item: numbers.get(item[0], 0))
        ],
        comments=[
            {
                "rating": r["rating"],
                "comment": r.get("comment") or "",
                "measure_id": r.get("clause_id"),
                "number": numbers.get(r.get("clause_id") or ""),
                "created_at": r["created_at"],
            }
            for r in rows
        ],
    )
