"""政策计算器: what a company profile may expect from its measures, from each benefit formula and its facts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from api.deps import ServicesDep
from api.errors import PROBLEM_RESPONSES, problem_responses
from api.routes.profiles import PROFILE_EXAMPLE
from eligibility.calculator import calculate
from eligibility.profile import EnterpriseProfile

VerdictName = Literal["eligible", "undetermined", "ineligible"]

router = APIRouter(tags=["eligibility"], responses=PROBLEM_RESPONSES)


class CalculateRequest(BaseModel):
    """A profile, and optionally the one measure to estimate."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"profile": PROFILE_EXAMPLE}]})

    profile: EnterpriseProfile
    measure_id: str | None = Field(
        None,
        max_length=500,
        description="A measure's clause id (as /match answers it); default: every measure of `verdicts`.",
    )
    verdicts: list[VerdictName] = Field(
        default_factory=lambda: list[VerdictName](["eligible"]),
        min_length=1,
        max_length=3,
        description="Which measures to estimate.",
    )


@router.post(
    "/calculate",
    summary="Estimated amounts of a profile's measures (政策计算器)",
    responses=problem_responses(404),
)
def calculate_route(
    body: CalculateRequest,
    services: ServicesDep,
    as_of: Annotated[date | None, Query(description="Judge on this date (default today).")] = None,
) -> dict[str, Any]:
    """For one measure (``measure_id``) or every measure the profile is eligible for: the amount from the benefit
    formula and the profile's facts, the formula shown, each missing input with its question, and the total."""
    day = as_of or datetime.now(UTC).date()
    return calculate(
        services.matcher, body.profile, as_of=day, measure_id=body.measure_id, verdicts=body.verdicts
    ).to_json()
