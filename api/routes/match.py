"""Eligibility (惠企政策精准送): match a company profile; show a policy's extracted conditions."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from api.deps import ServicesDep
from api.errors import PROBLEM_RESPONSES
from eligibility.matching import answer_json
from eligibility.profile import EnterpriseProfile

router = APIRouter(tags=["eligibility"], responses=PROBLEM_RESPONSES)


@router.post(
    "/match",
    summary="Support measures a company profile qualifies for, with reasons",
    response_model=list[dict[str, Any]],
)
def match_profile(
    profile: EnterpriseProfile,
    services: ServicesDep,
    as_of: Annotated[date | None, Query(description="Judge on this date (default today).")] = None,
    include_inactive: Annotated[
        bool, Query(description="Also answer measures expired or not yet valid on that day (validity says which).")
    ] = False,
) -> Response:
    """Every measure in force in the profile's region: verdict, each condition's outcome, missing facts, benefit."""
    results = services.matcher.match(
        profile, as_of=as_of or datetime.now(UTC).date(), include_inactive=include_inactive
    )
    # The answer's JSON is assembled from per-measure text serialised once (eligibility.matching.answer_json).
    return Response(answer_json(results), media_type="application/json")
