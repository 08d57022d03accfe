"""GET /search: hybrid search over clauses and documents, with the CLI's parameters and hit fields."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import ServicesDep
from api.errors import PROBLEM_RESPONSES
from ontology.model import DocumentStatus, DocumentType
from search.types import MAX_TOP, SearchMode, SearchRequest, SearchResponse

router = APIRouter(prefix="/search", tags=["search"], responses=PROBLEM_RESPONSES)


@router.get("", summary="Search clauses and documents")
def search_route(
    services: ServicesDep,
    q: Annotated[str, Query(description="The question, e.g. 个体工商户能享受哪些房租减免？")],
    top: Annotated[int, Query(ge=1, le=MAX_TOP, description="Number of hits.")] = 10,
    mode: Annotated[SearchMode, Query(description="hybrid, lexical (BM25) or vector.")] = "hybrid",
    group_by_document: Annotated[bool, Query(description="One hit per document.")] = False,
    doc_type: Annotated[list[DocumentType] | None, Query(description="Document types (repeatable).")] = None,
    region: Annotated[str | None, Query(description="Region code or name: its own, containing and national.")] = None,
    issuer: Annotated[str | None, Query(description="Issuing agency (substring).")] = None,
    date_from: Annotated[date | None, Query(description="Published on or after.")] = None,
    date_to: Annotated[date | None, Query(description="Published on or before.")] = None,
    status: Annotated[DocumentStatus | None, Query(description="Validity status.")] = None,
    as_of: Annotated[date | None, Query(description="Versions in effect on this date.")] = None,
) -> SearchResponse:
    """Hits best first: clause, its document's metadata and a snippet with the matched words in 【】."""
    request = SearchRequest(
        query=q,
        top=top,
        mode=mode,
        group_by_document=group_by_document,
        doc_types=tuple(doc_type or ()),
        region=region,
        issuer=issuer,
        date_from=date_from,
        date_to=date_to,
        status=status,
        as_of=as_of,
    )
    return services.search.search(request)
