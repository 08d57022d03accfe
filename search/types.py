"""The search vocabulary shared by the CLI, HTTP and the back-ends: requests, hits, indexed documents.

``SearchRequest`` and ``SearchHit`` are pydantic models validated once at the edge (HTTP query parameters and
CLI options build the same model); the indexed document and unit records are plain dataclasses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ontology.model import DocumentStatus, DocumentType

MAX_QUERY_CHARS = 1000
MAX_TOP = 1000
SearchMode = Literal["hybrid", "lexical", "vector"]


class SearchRequest(BaseModel):
    """One search: the question, how many hits, the retrieval mode and the filters."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    query: str = Field(description="The question or keywords, in Simplified or Traditional Chinese.")
    top: int = Field(10, ge=1, le=MAX_TOP, description="Number of hits (clauses, or documents when grouped).")
    mode: SearchMode = Field("hybrid", description="hybrid = BM25 + vectors fused; lexical = BM25; vector = vectors.")
    group_by_document: bool = Field(False, description="One hit per document (its best clause).")
    doc_types: tuple[DocumentType, ...] = Field((), description="Only these document types.")
    region: str | None = Field(
        None, description="Region code: documents of this region and of the regions containing it (and national)."
    )
    issuer: str | None = Field(None, description="Only documents one of whose issuers contains this text.")
    date_from: date | None = Field(None, description="Published on or after this date.")
    date_to: date | None = Field(None, description="Published on or before this date.")
    status: DocumentStatus | None = Field(None, description="Only documents with this validity status.")
    as_of: date | None = Field(
        None, description="Only versions in effect on this date (effective by then; the latest such version of a work)."
    )

    @field_validator("query")
    @classmethod
    def _query_has_text(cls, value: str) -> str:
        stripped = value.strip()
        if not stripped:
            raise ValueError("query is empty")
        if len(stripped) > MAX_QUERY_CHARS:
            raise ValueError(f"query has {len(stripped)} characters; at most {MAX_QUERY_CHARS} are searched")
        return stripped

    @field_validator("region", "issuer")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @model_validator(mode="after")
    def _dates_in_order(self) -> SearchRequest:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError(f"date_from {self.date_from} is after date_to {self.date_to}")
        return self


class SearchHit(BaseModel):
    """One clause (or document) found, with its document's metadata and a highlighted snippet."""

    doc_id: str
    source_id: str | None
    title: str
    article: str | None = Field(description="The 第X条 label when the clause is an article.")
    clause_id: str | None = Field(description="The Clause node id; null for a whole-document entry.")
    score: float
    snippet: str = Field(description="The clause text around the matched words, matches wrapped in 【】.")
    doc_type: str | None = None
    region_code: str | None = None
    issuers: list[str] = Field(default_factory=list)
    date_published: str | None = None
    status: str | None = None
    is_current: bool | None = None
    duplicate_source_ids: list[str] = Field(
        default_factory=list,
        description="Source ids of records with the same content as this document (ingested once, as this one).",
    )


class SearchResponse(BaseModel):
    """The hits of one request, best first, with the query tokens BM25 used."""

    query: str
    mode: SearchMode
    tokens: list[str]
    hits: list[SearchHit]


@dataclass(frozen=True)
class IndexUnit:
    """One searchable entry of a document: an article, a paragraph or enumeration item, or the whole document.

    ``text`` is the stored (original) text; ``vector_text`` is what the embedder sees (shorter, with the title);
    ``questions`` are the answered questions attached to it (``answered.py``); ``heading`` is the headings of
    the 编/章/节 holding an article ("第三章 劳动合同的履行和变更"), one a line ('' when none).
    """

    id: str
    clause_id: str | None
    article: str | None
    text: str
    vector_text: str
    questions: tuple[str, ...] = ()
    heading: str = ""


@dataclass(frozen=True)
class IndexDocument:
    """A document as the index stores it: the metadata filters and hits need, and its units."""

    doc_id: str
    source_id: str | None
    title: str
    content_hash: str
    doc_type: str | None = None
    region_code: str | None = None
    issuers: tuple[str, ...] = ()
    date_published: str | None = None
    date_effective: str | None = None
    version_date: str | None = None
    status: str | None = None
    is_current: bool | None = None
    work_id: str | None = None
    duplicate_source_ids: tuple[str, ...] = ()  # records with the same content, kept as this document
    units: tuple[IndexUnit, ...] = field(default_factory=tuple)


DOCUMENT_LIST_FIELDS = ("issuers", "duplicate_source_ids")  # IndexDocument's tuple fields (lists when stored)


@dataclass(frozen=True)
class PreparedDocument:
    """A document with each unit's BM25 tokens and vector, ready for any back-end to store. ``fields`` are extra
    BM25 fields (per-field BM25: ``title``, ``headings``), each unit's tokens per field name; empty when every
    token is in ``tokens``."""

    document: IndexDocument
    tokens: tuple[tuple[str, ...], ...]
    vectors: object  # numpy float32 array (len(units), dimension), or None when no embedder is configured
    fields: Mapping[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Filters:
    """Resolved filters every back-end applies (region already expanded to the allowed codes)."""

    doc_types: frozenset[str] = frozenset()
    region_codes: frozenset[str] = frozenset()
    issuer: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    status: str | None = None
    as_of: str | None = None

    @property
    def empty(self) -> bool:
        """True when nothing is filtered."""
        return not (
            self.doc_types
            or self.region_codes
            or self.issuer
            or self.date_from
            or self.date_to
            or self.status
            or self.as_of
        )


@dataclass(frozen=True)
class StoredUnit:
    """What a back-end returns about a unit for building a hit."""

    unit_id: str
    document: IndexDocument
    clause_id: str | None
    article: str | None
    text: str
