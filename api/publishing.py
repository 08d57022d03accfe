"""Publishing a document (发布): what an official's JSON post, its file upload and a background upload job share.

The official states what it knows about the document (``DocumentFields``); ``declare`` turns that into the
metadata the pipeline prefers over what it reads from the text, and refuses a document the official may not
publish. An uploaded file is read by ingest's own reader (``ingest.readers.read_documents``, as ``policykg
ingest`` reads a file), and ``publish`` ingests the document through ``Services.publish`` — the one ingest path:
all or nothing, index, matcher and outbox in step — and answers the stored document with its measures.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from eligibility.measures import policy_conditions
from ingest.errors import UnsupportedFormatError
from ingest.mentions import region_opening
from ingest.readers import EXTENSIONS, DeclaredMetadata, SourceDocument, check_size, detect_format, read_documents
from ontology.errors import ConflictError, InvalidInputError
from ontology.model import DocumentType
from ontology.reference import load_gazetteer, normalise_region_code
from push.keys import KeyHolder, Role
from push.officials import check_document_scope

if TYPE_CHECKING:
    from api.bootstrap import Services
    from api.jobs import Job
    from graph.base import GraphStore

SUMMARY_FIELDS = (
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

UPLOAD_FORMATS = ("markdown", "text", "html", "docx", "pdf")
"""What an upload may be: one document per file (a JSON-lines file of many records is for ``policykg ingest``)."""
UPLOAD_SUFFIXES = frozenset(suffix for suffix, fmt in EXTENSIONS.items() if fmt in UPLOAD_FORMATS)
_DETECT_BYTES = 65536  # the reader recognises a format by its first 64 KiB (a DOCX by its word/ entries)


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


def public_fields(row: dict[str, Any]) -> dict[str, Any]:
    """The ``DocumentPublic`` fields of a stored document's node."""
    return {**{k: row.get(k) for k in SUMMARY_FIELDS}, "issuers": list(row.get("issuers") or [])}


def _no_parent_segments(source_id: str) -> str:
    if ".." in source_id.split("/"):
        raise ValueError("a source id may not contain '..' segments")
    return source_id


SourceId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=r"^[^/\x00-\x1f][^\x00-\x1f]*$"),
    AfterValidator(_no_parent_segments),
]


class DocumentFields(BaseModel):
    """What a publisher states about a document beside its text (each stated field wins over what is read from
    the text): the JSON body's fields, and an upload's form fields."""

    source_id: SourceId = Field(description="Your stable id of the document; publishing it again replaces it.")
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)] | None = Field(
        None, description="The title (default: read from the text)."
    )
    doc_number: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = Field(
        None, description="文号, e.g. 京政办发〔2026〕3号."
    )
    issuer: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = Field(
        None, description="The issuing agency (default: the official's agency)."
    )
    published: date | None = Field(None, description="Date published (成文或发布日期).")
    type: DocumentType | None = Field(None, description="Document type (default: read from the text).")
    region_code: str | None = Field(None, description="Jurisdiction (default: the official's region).")


class DocumentPublished(BaseModel):
    """The stored document and the support measures read from it."""

    document: DocumentPublic
    measures: list[dict[str, Any]]
    unchanged: bool = Field(False, description="The same text and statements were stored already.")


def declare(fields: DocumentFields, staff: KeyHolder) -> DeclaredMetadata:
    """The metadata ``staff`` declares for a document: its fields, the issuer defaulting to the official's agency
    and the region to the one its issuer or title names, else the official's.

    Raises:
        PermissionDeniedError: the official acts for another region or agency.
        InvalidInputError: an unknown region code.
    """
    region = _region_of(fields, staff)
    issuer = fields.issuer or staff.agency
    check_document_scope(staff, region, [issuer] if issuer else [])
    return DeclaredMetadata(
        doc_number=fields.doc_number,
        issuer=issuer,
        published=fields.published.isoformat() if fields.published else None,
        doc_type=fields.type.value if fields.type else None,
        region_code=region,
    )


def _region_of(fields: DocumentFields, staff: KeyHolder) -> str | None:
    """The jurisdiction the document is published for: the stated one, else the region its issuer or title opens
    with (北京市通州区发展和改革委员会 → 110112), else the official's region."""
    if fields.region_code:
        code = normalise_region_code(fields.region_code)
        if code not in load_gazetteer():
            raise InvalidInputError(f"region_code: unknown region code {code!r}")
        return code
    for name in (fields.issuer, fields.title):
        named = region_opening(name) if name else None
        if named is not None:
            return named
    return staff.region_code


def check_stored_scope(store: GraphStore, staff: KeyHolder, source_id: str) -> None:
    """An official replaces only documents of its own region and agency (nothing to check when none is stored).

    Raises:
        PermissionDeniedError: the stored document is another region's or agency's.
    """
    stored = store.find_nodes("NormativeDocument", {"source_id": source_id}, limit=1)
    if stored:
        check_stored_document(staff, stored[0])


def check_stored_document(staff: KeyHolder, stored: dict[str, Any]) -> None:
    """An official replaces or deletes only documents of its own region and agency.

    Raises:
        PermissionDeniedError: the document is another region's or agency's.
    """
    check_document_scope(staff, stored.get("region_code"), list(stored.get("issuers") or []))


def publish(services: Services, staff: KeyHolder, source: SourceDocument) -> tuple[DocumentPublished, bool]:
    """Ingest ``source`` through the one ingest path; the stored document with its measures, and whether it was
    stored now (``False``: the same text and statements were stored already).

    Raises:
        PermissionDeniedError: a stored document of that source id is another region's or agency's.
        ConflictError: the source id is held by a file of a CLI ingest, or the text duplicates another document.
        InvalidInputError: the pipeline refused the document (the reason in the message).
    """
    check_stored_scope(services.store, staff, source.source_id)
    summary = services.publish([source])
    if summary.failed:
        reason = summary.failed[0][1]
        raise (ConflictError if "already held" in reason else InvalidInputError)(reason)
    if summary.skipped:
        raise ConflictError(summary.skipped[0][1])
    node = services.store.find_nodes("NormativeDocument", {"source_id": source.source_id}, limit=1)[0]
    published = DocumentPublished(
        document=DocumentPublic(**public_fields(node)),
        measures=policy_conditions(services.store, source.source_id),
        unchanged=bool(summary.unchanged),
    )
    return published, not summary.unchanged


@dataclass(frozen=True)
class Upload:
    """An uploaded file saved in the data dir, and what its publisher declared about it."""

    path: Path
    source_id: str
    title: str | None
    declared: DeclaredMetadata

    def to_json(self) -> dict[str, Any]:
        """What a job keeps of the upload (its file by name: the job's folder holds it)."""
        return {
            "file": self.path.name,
            "source_id": self.source_id,
            "title": self.title,
            "declared": dataclasses.asdict(self.declared),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], folder: Path) -> Upload:
        """The upload a job kept, its file in ``folder``."""
        return cls(folder / data["file"], data["source_id"], data["title"], DeclaredMetadata(**data["declared"]))


def check_upload(path: Path, *, max_bytes: int) -> str:
    """The format of an uploaded file, recognised as ingest recognises it (``ingest.readers.detect_format`` over its
    first bytes), before anything is published.

    Raises:
        FileTooLargeError: above ``max_bytes``.
        EmptyDocumentError: no bytes.
        UnsupportedFormatError: a name ending that is not md, txt, html, docx or pdf; binary data; a JSON-lines file.
        CorruptFileError: a .pdf or .docx file without its signature.
    """
    check_size(path, max_bytes)
    if path.suffix and path.suffix.lower() not in UPLOAD_SUFFIXES:
        raise UnsupportedFormatError(
            f"{path.name}: {path.suffix} files are not read; upload a document as {', '.join(sorted(UPLOAD_SUFFIXES))}"
        )
    with path.open("rb") as f:
        fmt = detect_format(path, f.read(_DETECT_BYTES))
    if fmt not in UPLOAD_FORMATS:
        raise UnsupportedFormatError(
            f"{path.name}: a {fmt} file holds many records; ingest it with `policykg ingest`, or upload one document"
        )
    return fmt


def publish_upload(
    services: Services, staff: KeyHolder, upload: Upload, *, max_bytes: int
) -> tuple[DocumentPublished, bool]:
    """Read an uploaded file with ingest's reader and publish it under its declared source id, title and metadata.

    Raises:
        IngestError: the file cannot be read (its kind in the class: too large, unsupported, undecodable, damaged,
            empty); nothing is stored.
        PermissionDeniedError, ConflictError, InvalidInputError: as for ``publish``.
    """
    check_upload(upload.path, max_bytes=max_bytes)
    (read,) = read_documents(upload.path, source_id=upload.source_id, max_bytes=max_bytes)
    source = dataclasses.replace(
        read,
        source_path=f"api:{upload.source_id}",
        title_hint=upload.title or read.title_hint,
        declared=upload.declared,
    )
    return publish(services, staff, source)


def holder_to_json(staff: KeyHolder) -> dict[str, Any]:
    """A key holder as a job keeps it (who submitted the job, and what it may publish)."""
    return dataclasses.asdict(staff)


def holder_from_json(data: dict[str, Any]) -> KeyHolder:
    """The key holder a job kept."""
    return KeyHolder(**{**data, "role": Role(data["role"])})


def run_upload_job(services: Services, job: Job, folder: Path) -> tuple[int, dict[str, Any]]:
    """The work of an upload job (``api.jobs``): publish its file as its submitter; 201 or 200 and the body the
    upload would have been answered with at once."""
    upload = Upload.from_json(job.payload["upload"], folder)
    published, created = publish_upload(
        services,
        holder_from_json(job.payload["holder"]),
        upload,
        max_bytes=services.settings.policykg_ingest_max_mb * 1024 * 1024,
    )
    return (201 if created else 200), published.model_dump(mode="json")
