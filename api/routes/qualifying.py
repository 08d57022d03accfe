"""Reverse match (政策找人): which of your stored profiles qualify for a policy (API key required)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import GraphStoreDep
from api.errors import AUTH_PROBLEM_RESPONSES
from api.pagination import Page, PageDep
from api.security import CurrentConsumer
from ontology.eligibility import Verdict
from push.qualifying import QualifyingProfile, qualifying_page

router = APIRouter(prefix="/policies", tags=["push"], responses=AUTH_PROBLEM_RESPONSES)


@router.get("/{source_id:path}/qualifying", summary="Your profiles that qualify for a policy")
def list_qualifying(
    source_id: str,
    consumer: CurrentConsumer,
    store: GraphStoreDep,
    page: PageDep,
    as_of: Annotated[date | None, Query(description="Judge on this date (default today).")] = None,
    min_verdict: Annotated[Verdict, Query(description="Leave out worse verdicts.")] = Verdict.UNDETERMINED,
) -> Page[QualifyingProfile]:
    """The calling consumer's profiles with their verdict and per-condition reasons on each measure of the policy."""
    found, total = qualifying_page(
        store,
        source_id,
        as_of=as_of or datetime.now(UTC).date(),
        consumer_id=consumer.id,
        min_verdict=min_verdict,
        offset=page.offset,
        limit=page.limit,
    )
    return Page[QualifyingProfile].of(found, total, page)
