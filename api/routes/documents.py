"""Documents: list the stored documents, read one with its clauses; officials publish and delete them (发布)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Response, status
from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from api.deps import GraphStoreDep, ServicesDep
from api.errors import AUTH_PROBLEM_RESPONSES, PROBLEM_RESPONSES, problem_responses
from api.pagination import Page, PageDep
from api.security import CurrentStaff
from eligibility.measures import policy_conditions
from graph import cypher
from graph.base import Neighbour
from ingest.mentions import find_regions
from ingest.readers import DeclaredMetadata, SourceDocument
from ontology.errors import ConflictError, InvalidInputError, NotFoundError
from ontology.model import DocumentType
from ontology.reference import load_gazetteer, normalise_region_code
from ontology.text import to_simplified
from push.errors import PermissionDeniedError
from push.keys import KeyHolder, Role
from push.officials import check_document_scope

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


class DocumentLink(BaseModel):
    """Another document as a link: a placeholder is a work cited by title that is not stored."""

    id: str
    title: str
    source_id: str | None = None
    doc_type: str | None = None
    placeholder: bool = False
    version_date: str | None = None
    status: str | None = None


class DocumentDetail(DocumentPublic):
    """A document with everything around it: text, clauses, support measures, citations both ways, versions and
    政策解读 (the interpretations that cite it)."""

    text: str | None = None
    clauses: list[ClausePublic]
    measures: list[dict[str, Any]] = Field(default_factory=list)
    cites: list[DocumentLink] = Field(default_factory=list)
    cited_by: list[DocumentLink] = Field(default_factory=list)
    versions: list[DocumentLink] = Field(default_factory=list, description="Every version of its work, oldest first.")
    interpretations: list[DocumentLink] = Field(default_factory=list)


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
    cites = _links(store.neighbours("NormativeDocument", doc_id, rel_types=["CITES"], direction="out"))
    cites += _links(store.query(cypher.CLAUSE_CITATIONS_OUT, {"id": doc_id}))
    cited_by = _links(store.neighbours("NormativeDocument", doc_id, rel_types=["CITES"], direction="in"))
    cited_by += _links(store.query(cypher.CLAUSE_CITATIONS_IN, {"id": doc_id}))
    versions = store.find_nodes("NormativeDocument", {"work_id": node["work_id"]}) if node.get("work_id") else []
    cited_by = _unique_links(cited_by, exclude=doc_id)
    return DocumentDetail(
        **_public(node),
        text=node.get("text"),
        clauses=[ClausePublic.model_validate({k: c.get(k) for k in ClausePublic.model_fields}) for c in clauses],
        measures=policy_conditions(store, node["source_id"]) if node.get("source_id") else [],
        cites=_unique_links(cites, exclude=doc_id),
        cited_by=cited_by,
        versions=sorted(_links(v for v in versions if not v.get("placeholder")), key=lambda v: v.version_date or ""),
        interpretations=[link for link in cited_by if link.doc_type == DocumentType.INTERPRETATION],
    )


def _links(rows: Iterable[Neighbour | dict[str, Any]]) -> list[DocumentLink]:
    """Links from neighbours or query rows of documents."""
    links = []
    for row in rows:
        if isinstance(row, Neighbour) and row.label != "NormativeDocument":
            continue  # a clause citing the document: its document comes from CLAUSE_CITATIONS_IN
        props = row.props | {"id": row.id} if isinstance(row, Neighbour) else row
        if props.get("id") is None:
            continue
        links.append(
            DocumentLink(
                id=props["id"],
                title=props.get("title") or "",
                source_id=props.get("source_id"),
                doc_type=props.get("doc_type"),
                placeholder=bool(props.get("placeholder")),
                version_date=props.get("version_date"),
                status=props.get("status"),
            )
        )
    return links


def _unique_links(links: list[DocumentLink], *, exclude: str) -> list[DocumentLink]:
    """Each document once (the first link kept), without the document itself, ordered by title."""
    seen: dict[str, DocumentLink] = {}
    for link in links:
        if link.id != exclude:
            seen.setdefault(link.id, link)
    return sorted(seen.values(), key=lambda link: (link.placeholder, link.title))


def _no_parent_segments(source_id: str) -> str:
    if ".." in source_id.split("/"):
        raise ValueError("a source id may not contain '..' segments")
    return source_id


SourceId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=r"^[^/\x00-\x1f][^\x00-\x1f]*$"),
    AfterValidator(_no_parent_segments),
]


class DocumentPublish(BaseModel):
    """A policy an official publishes: its text and what the publisher states about it (each stated field wins over
    what is read from the text)."""

    source_id: SourceId = Field(description="Your stable id of the document; publishing it again replaces it.")
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)] | None = Field(
        None, description="The title (default: read from the text)."
    )
    text: Annotated[str, StringConstraints(min_length=1)] = Field(description="The full text (md or plain text).")
    doc_number: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = Field(
        None, description="文号, e.g. 京政办发〔2026〕3号."
    )
    issuer: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = Field(
        None, description="The issuing agency (default: the official's agency)."
    )
    published: date | None = Field(None, description="Date published (成文或发布日期).")
    type: DocumentType | None = Field(None, description="Document type (default: read from the text).")
    region_code: str | None = Field(None, description="Jurisdiction (default: the official's region).")
    format: str = Field(
        "text",
        pattern="^(text|markdown|html|pdf|docx|jsonl)$",
        description="How the text was written: plain text or Markdown (# headings); the others name the format a "
        "file was read from (the CLI beside the server sends what its readers read).",
    )
    source_path: Annotated[str, StringConstraints(max_length=1000)] | None = Field(
        None, description="Admins only: the file the text was read from (the CLI beside the server)."
    )


class DocumentPublished(BaseModel):
    """The stored document and the support measures read from it."""

    document: DocumentPublic
    measures: list[dict[str, Any]]
    unchanged: bool = Field(False, description="The same text and statements were stored already.")


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Publish a document (officials)",
    responses={**AUTH_PROBLEM_RESPONSES, **problem_responses(409)},
)
def publish_document(
    body: DocumentPublish, staff: CurrentStaff, services: ServicesDep, response: Response
) -> DocumentPublished:
    """Ingest a document in the server through the one ingest path (all or nothing): stored, indexed for search,
    matched against stored profiles (webhook events in the same transaction). 201 when stored, 200 when the same
    text was stored already. An official publishes for its region and agency only."""
    region = _region_of(body, staff)
    issuer = body.issuer or staff.agency
    check_document_scope(staff, region, [issuer] if issuer else [])
    stored = services.store.find_nodes("NormativeDocument", {"source_id": body.source_id}, limit=1)
    if stored:
        _check_stored_scope(staff, stored[0])
    declared = DeclaredMetadata(
        doc_number=body.doc_number,
        issuer=issuer,
        published=body.published.isoformat() if body.published else None,
        doc_type=body.type.value if body.type else None,
        region_code=region,
    )
    if body.source_path is not None and staff.role is not Role.ADMIN:
        raise PermissionDeniedError("source_path: only an admin's key may name the file a text was read from")
    source_path = body.source_path or f"api:{body.source_id}"
    source = SourceDocument(
        body.source_id, source_path, body.format, body.text, title_hint=body.title, declared=declared
    )
    summary = services.publish([source])
    if summary.failed:
        reason = summary.failed[0][1]
        raise (ConflictError if "already held" in reason else InvalidInputError)(reason)
    if summary.skipped:
        raise ConflictError(summary.skipped[0][1])
    if summary.unchanged:
        response.status_code = status.HTTP_200_OK
    node = services.store.find_nodes("NormativeDocument", {"source_id": body.source_id}, limit=1)[0]
    return DocumentPublished(
        document=DocumentPublic(**_public(node)),
        measures=policy_conditions(services.store, body.source_id),
        unchanged=bool(summary.unchanged),
    )


@router.delete(
    "/{source_id:path}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a document by source id (officials)",
    # a source id with a line break matches no route's path pattern but GET /documents/{id}'s: 405
    responses={**AUTH_PROBLEM_RESPONSES, **problem_responses(405)},
)
def delete_document(source_id: str, staff: CurrentStaff, services: ServicesDep) -> None:
    """Delete a stored document and what it owns; search, matching and the version chain follow at once."""
    stored = services.store.find_nodes("NormativeDocument", {"source_id": source_id, "placeholder": False}, limit=1)
    if not stored:
        raise NotFoundError(f"no document with source id {source_id!r}")
    _check_stored_scope(staff, stored[0])
    services.delete(source_id)


def _region_of(body: DocumentPublish, staff: KeyHolder) -> str | None:
    """The jurisdiction the document is published for: the stated one, else the region its issuer or title opens
    with (北京市通州区发展和改革委员会 → 110112), else the official's region."""
    if body.region_code:
        code = normalise_region_code(body.region_code)
        if code not in load_gazetteer():
            raise InvalidInputError(f"region_code: unknown region code {code!r}")
        return code
    for name in (body.issuer, body.title):
        named = find_regions(to_simplified(name)) if name else []
        if named and named[0].start == 0:
            return named[0].value
    return staff.region_code


def _check_stored_scope(staff: KeyHolder, stored: dict[str, Any]) -> None:
    """An official replaces or deletes only documents of its own region and agency."""
    check_document_scope(staff, stored.get("region_code"), list(stored.get("issuers") or []))
