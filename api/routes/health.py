"""Liveness and graph counts."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import GraphStoreDep, ServicesDep

router = APIRouter(tags=["health"])


@router.get("/health", summary="Liveness and graph counts")
def read_health(store: GraphStoreDep, services: ServicesDep) -> dict[str, object]:
    """Report that the service answers, with how many documents (placeholders of cited works left out) and
    clauses it holds, and whether the subscribed profiles are still being laid out for re-matching as the server
    starts (``profile_layout``: ``warming`` — a document posted meanwhile waits for it — or ``ready``)."""
    documents = store.count("NormativeDocument", {"placeholder": False})
    layout = "warming" if services.profile_cache.warming else "ready"
    return {"status": "ok", "documents": documents, "clauses": store.count("Clause"), "profile_layout": layout}
