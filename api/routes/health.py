"""Liveness and graph counts."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import GraphStoreDep

router = APIRouter(tags=["health"])


@router.get("/health", summary="Liveness and graph counts")
def read_health(store: GraphStoreDep) -> dict[str, object]:
    """Report that the service answers, with how many documents (placeholders of cited works left out) and
    clauses it holds."""
    documents = store.count("NormativeDocument", {"placeholder": False})
    return {"status": "ok", "documents": documents, "clauses": store.count("Clause")}
