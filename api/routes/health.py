"""Liveness and graph counts."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import GraphStoreDep

router = APIRouter(tags=["health"])


@router.get("/health", summary="Liveness and graph counts")
def read_health(store: GraphStoreDep) -> dict[str, object]:
    """Report that the service answers, with node counts of the main classes."""
    counts = store.counts()
    return {"status": "ok", "documents": counts["NormativeDocument"], "clauses": counts["Clause"]}
