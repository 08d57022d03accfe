"""评价: consumers rate a policy or one of its measures; the issuer's officials read the ratings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.deps import GraphStoreDep
from api.errors import AUTH_PROBLEM_RESPONSES
from api.security import CurrentConsumer, CurrentStaff
from push.feedback import FeedbackPublic, PolicyFeedback, add_feedback, policy_feedback

router = APIRouter(prefix="/policies", tags=["feedback"], responses=AUTH_PROBLEM_RESPONSES)


class FeedbackCreate(BaseModel):
    """A rating of a policy, or of one of its measures, for one of your profiles."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"profile_id": "ent-001", "rating": 4, "comment": "申报流程清楚，到账快"}]},
    )

    profile_id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
    rating: int = Field(ge=1, le=5, description="1 (poor) to 5 (very good).")
    comment: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""
    measure_id: Annotated[str, StringConstraints(max_length=500)] | None = Field(
        None, description="Rate one measure (its clause id) instead of the whole policy."
    )


@router.post("/{source_id:path}/feedback", status_code=status.HTTP_201_CREATED, summary="Rate a policy (consumers)")
def add_feedback_route(
    source_id: str, body: FeedbackCreate, consumer: CurrentConsumer, store: GraphStoreDep
) -> FeedbackPublic:
    """Store a rating (1–5) and comment; only the policy's issuing officials read it."""
    return add_feedback(
        store,
        consumer.id,
        source_id,
        profile_id=body.profile_id,
        rating=body.rating,
        comment=body.comment,
        measure_id=body.measure_id,
        now=datetime.now(UTC),
    )


@router.get("/{source_id:path}/feedback", summary="Ratings of a policy (its issuing officials)")
def read_feedback_route(source_id: str, staff: CurrentStaff, store: GraphStoreDep) -> PolicyFeedback:
    """The average and count per policy and per measure, and every comment (403 for another region)."""
    return policy_feedback(store, staff, source_id)
