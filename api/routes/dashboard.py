"""督查: the officials' dashboard of where their region's policies land (admins: every policy)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import GraphStoreDep
from api.errors import AUTH_PROBLEM_RESPONSES
from api.security import CurrentStaff
from push.dashboard import dashboard

router = APIRouter(tags=["dashboard"], responses=AUTH_PROBLEM_RESPONSES)


@router.get("/dashboard", summary="Where policies land (officials: their region; admins: all)")
def read_dashboard(
    staff: CurrentStaff,
    store: GraphStoreDep,
    as_of: Annotated[date | None, Query(description="Judge qualifying profiles on this date (default today).")] = None,
) -> dict[str, Any]:
    """Per policy: qualifying profiles, delivered events, applications by status, grants, amounts applied for
    and paid, average rating; per region: measures no profile qualifies for, and measures profiles qualify for
    that nobody applied to."""
    return dashboard(store, staff, as_of=as_of or datetime.now(UTC).date())
