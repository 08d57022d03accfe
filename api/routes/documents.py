"""Documents: list the stored documents, read one with its clauses; officials publish and delete them (发布)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Header, Response, UploadFile, status
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field, StringConstraints
from starlette.routing import Match
from starlette.types import Scope

from api.deps import GraphStoreDep, ServicesDep
from api.errors import AUTH_PROBLEM_RESPONSES, PROBLEM_RESPONSES, problem_responses
from api.pagination import Page, PageDep
from api.publishing import (
    SUMMARY_FIELDS,
    DocumentFields,
    DocumentPublic,
    DocumentPublished,
    Upload,
    check_stored_document,
    check_stored_scope,
    check_upload,
    declare,
    holder_to_json,
    public_fields,
    publish,
    publish_upload,
)
from api.routes.jobs import JobPublic, job_view
from api.security import CurrentStaff
from eligibility.measures import policy_conditions
from graph import cypher
from graph.base import Neighbour
from ingest.readers import SourceDocument
from ontology.errors import NotFoundError
from ontology.model import DocumentType
from push.errors import PermissionDeniedError
from push.keys import Role

router = APIRouter(prefix="/documents", tags=["documents"], responses=PROBLEM_RESPONSES)


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


@router.get("", summary="List documents")
def read_documents(store: GraphStoreDep, page: PageDep) -> Page[DocumentPublic]:
    """Stored documents (placeholders of cited works left out), ordered by source id."""
    stored = {"placeholder": False}
    total = store.count("NormativeDocument", stored)
    rows = store.page("NormativeDocument", stored, order_by=("source_id",), fields=SUMMARY_FIELDS, page=page)
    return Page[DocumentPublic].of([DocumentPublic(**public_fields(r)) for r in rows], total, page)


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
        **public_fields(node),
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


class DocumentPublish(DocumentFields):
    """A policy an official publishes: its text and what the publisher states about it (each stated field wins over
    what is read from the text)."""

    text: Annotated[str, StringConstraints(min_length=1)] = Field(description="The full text (md or plain text).")
    format: str = Field(
        "text",
        pattern="^(text|markdown|html|pdf|docx|jsonl)$",
        description="How the text was written: plain text or Markdown (# headings); the others name the format a "
        "file was read from (the CLI beside the server sends what its readers read).",
    )
    source_path: Annotated[str, StringConstraints(max_length=1000)] | None = Field(
        None, description="Admins only: the file the text was read from (the CLI beside the server)."
    )


_UPLOAD_FORM = {
    "type": "object",
    "required": ["file", "source_id"],
    "properties": {
        "file": {
            "type": "string",
            "format": "binary",
            "description": "The document: md, txt, html, docx or pdf, read as `policykg ingest` reads a file.",
        },
        "source_id": {"type": "string", "minLength": 1, "maxLength": 200},
        "title": {"type": "string", "maxLength": 300},
        "doc_number": {"type": "string", "maxLength": 100},
        "issuer": {"type": "string", "maxLength": 100},
        "published": {"type": "string", "format": "date"},
        "type": {"type": "string", "enum": [t.value for t in DocumentType]},
        "region_code": {"type": "string"},
    },
}
"""The multipart form of an upload (answered by ``upload_document``), documented on the one POST operation."""


def _prefers_async(prefer: str | None) -> bool:
    """Whether a ``Prefer`` header (RFC 7240) asks for ``respond-async``."""
    return any(p.split(";", 1)[0].strip().lower() == "respond-async" for p in (prefer or "").split(","))


class _MultipartRoute(APIRoute):
    """A route that takes only multipart/form-data requests: any other request goes on to the next route of the
    same path and method (the JSON post)."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child = super().matches(scope)
        content_type = dict(scope.get("headers") or []).get(b"content-type", b"")
        if match is Match.FULL and not content_type.lower().startswith(b"multipart/form-data"):
            return Match.NONE, {}
        return match, child


def upload_document(
    fields: Annotated[DocumentFields, Form()],
    file: Annotated[UploadFile, File(description="The document: md, txt, html, docx or pdf.")],
    staff: CurrentStaff,
    services: ServicesDep,
    prefer: Annotated[str | None, Header()] = None,
) -> Response:
    """Publish an uploaded file: read by ingest's reader, then published as a JSON post is. A file above
    ``POLICYKG_SYNC_UPLOAD_MAX_BYTES``, or any with ``Prefer: respond-async``, is answered 202 with a Location
    ``/jobs/{id}`` and published in the background; the file is kept in the data dir until its job is done."""
    declared = declare(fields, staff)
    check_stored_scope(services.store, staff, fields.source_id)
    jobs = services.jobs
    job_id, path = jobs.store.save_upload(file.file, file.filename)
    upload = Upload(path, fields.source_id, fields.title, declared)
    max_bytes = services.settings.policykg_ingest_max_mb * 1024 * 1024
    asked = _prefers_async(prefer)
    try:
        check_upload(path, max_bytes=max_bytes)
        background = asked or path.stat().st_size > services.settings.policykg_sync_upload_max_bytes
        if not background:
            published, created = publish_upload(services, staff, upload, max_bytes=max_bytes)
    except BaseException:
        jobs.store.discard_upload(job_id)
        raise
    if background:  # the file stays until its job is done (an orphan is removed on the next start)
        job = jobs.submit(job_id, staff.id, {"holder": holder_to_json(staff), "upload": upload.to_json()})
        headers = {"Location": f"/jobs/{job.id}", **({"Preference-Applied": "respond-async"} if asked else {})}
        return JSONResponse(job_view(job).model_dump(mode="json"), status_code=202, headers=headers)
    jobs.store.discard_upload(job_id)
    return JSONResponse(published.model_dump(mode="json"), status_code=201 if created else 200)


router.add_api_route(
    "",
    upload_document,
    methods=["POST"],
    route_class_override=_MultipartRoute,
    include_in_schema=False,  # documented on the JSON post below: one operation, two request media types
)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Publish a document (officials)",
    responses={
        202: {"model": JobPublic, "description": "Accepted: a large upload is published in the background"},
        **AUTH_PROBLEM_RESPONSES,
        **problem_responses(409, 413, 415),
    },
    openapi_extra={"requestBody": {"content": {"multipart/form-data": {"schema": _UPLOAD_FORM}}}},
)
def publish_document(
    body: DocumentPublish, staff: CurrentStaff, services: ServicesDep, response: Response
) -> DocumentPublished:
    """Ingest a document in the server through the one ingest path (all or nothing): stored, indexed for search,
    matched against stored profiles (webhook events in the same transaction). 201 when stored, 200 when the same
    text was stored already. An official publishes for its region and agency only.

    JSON carries the text; a multipart/form-data upload carries a file (md, txt, html, docx or pdf, read as
    `policykg ingest` reads it) and the same fields as form fields. An upload above
    POLICYKG_SYNC_UPLOAD_MAX_BYTES, or one sent with `Prefer: respond-async`, is answered 202 with a Location
    `/jobs/{id}` to poll. A file that cannot be read: 413 (too large), 415 (not a document format ingest reads),
    422 (undecodable, damaged or empty); nothing stored is touched."""
    declared = declare(body, staff)
    if body.source_path is not None and staff.role is not Role.ADMIN:
        raise PermissionDeniedError("source_path: only an admin's key may name the file a text was read from")
    source_path = body.source_path or f"api:{body.source_id}"
    source = SourceDocument(
        body.source_id, source_path, body.format, body.text, title_hint=body.title, declared=declared
    )
    published, created = publish(services, staff, source)
    if not created:
        response.status_code = status.HTTP_200_OK
    return published


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
    check_stored_document(staff, stored[0])
    services.delete(source_id)
