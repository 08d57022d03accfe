"""Documents: list the stored documents, read one with its clauses."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import GraphStoreDep
from api.errors import PROBLEM_RESPONSES, problem_responses
from api.pagination import Page, PageDep
from ontology.errors import NotFoundError

router = APIRouter(prefix="/documents", tags=["documents"], responses=PROBLEM_RESPONSES)

_SUMMARY_FIELDS = (
    "id",
    "source_id",
    "title",
    "doc_number",
    "doc_type",
    "status",
    "region_code",
    "issuers",
    "date_published",
    "date_effective",
    "version_date",
    "is_current",
    "clause_count",
)


class DocumentPublic(BaseModel):
    """A stored document without its text."""

    id: str
    source_id: str | None = None
    title: str
    doc_number: str | None = None
    doc_type: str | None = None
    status: str | None = None
    region_code: str | None = None
    issuers: list[str] = Field(default_factory=list)
    date_published: str | None = None
    date_effective: str | None = None
    version_date: str | None = None
    is_current: bool | None = None
    clause_count: int | None = None


class ClausePublic(BaseModel):
    """A clause of a document with its span into the document's text."""

    id: str
    kind: str
    label: str | None = None
    number: int | None = None
    depth: int
    path: str | None = None
    text: str
    span_start: int
    span_end: int


class DocumentDetail(DocumentPublic):
    """A document with its text and clauses in document order."""

    text: str | None = None
    clauses: list[ClausePublic]


def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {**{k: row.get(k) for k in _SUMMARY_FIELDS}, "issuers": list(row.get("issuers") or [])}


@router.get("", summary="List documents")
def read_documents(store: GraphStoreDep, page: PageDep) -> Page[DocumentPublic]:
    """Stored documents (placeholders of cited works left out), ordered by source id."""
    stored = {"placeholder": False}
    total = store.count("NormativeDocument", stored)
    rows = store.page("NormativeDocument", stored, order_by=("source_id",), fields=_SUMMARY_FIELDS, page=page)
    return Page[DocumentPublic].of([DocumentPublic(**_public(r)) for r in rows], total, page)


@router.get("/{doc_id}", summary="Read a document with its clauses", responses=problem_responses(404))
def read_document(doc_id: str, store: GraphStoreDep) -> DocumentDetail:
    """One document, its text and its clauses (document order)."""
    node = store.get_node("NormativeDocument", doc_id)
    if node is None:
        raise NotFoundError(f"no document with id {doc_id!r}")
    clauses = sorted(store.find_nodes("Clause", {"doc_id": doc_id}), key=lambda c: (c["span_start"], c["depth"]))
    return DocumentDetail(
        **_public(node),
        text=node.get("text"),
        clauses=[ClausePublic.model_validate({k: c.get(k) for k in ClausePublic.model_fields}) for c in clauses],
    )
