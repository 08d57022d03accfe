"""Graph → index: what the index must hold, read from the graph.

``graph_digests`` gives every indexable document's digest (content hash, duplicate source ids, and the answered
questions attached to it): a document whose digest differs from the index's is re-indexed. ``read_documents``
reads documents and their Clause nodes as index documents with units.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from graph import cypher
from graph.base import GraphStore
from search.answered import AnsweredQuestions, with_digest
from search.types import IndexDocument
from search.units import ClauseRow, build_units, with_units

Progress = Callable[[str, int, int], None]
SYNC_BATCH = 200

_DOCUMENT_FIELDS = (
    "source_id",
    "title",
    "doc_type",
    "region_code",
    "issuers",
    "date_published",
    "date_effective",
    "version_date",
    "status",
    "is_current",
    "work_id",
    "content_hash",
    "duplicate_source_ids",
    "text",
)


@dataclass(frozen=True)
class SyncReport:
    """What one sync changed in the index."""

    added: int
    updated: int
    removed: int
    unchanged: int
    units: int


def graph_digests(store: GraphStore, answered: AnsweredQuestions) -> dict[str, str]:
    """The digest of every indexable (non-placeholder) document of the graph, by document id."""
    return {
        row["id"]: with_digest(indexed_hash(row), answered.digest(row["title"] or "", row["source_id"]))
        for row in store.query(cypher.INDEXABLE_DOCUMENTS)
        if not row["placeholder"]
    }


def read_changed(store: GraphStore, doc_ids: Sequence[str], progress: Progress | None = None) -> list[IndexDocument]:
    """``read_documents`` in batches of ``SYNC_BATCH``, reporting progress."""
    documents: list[IndexDocument] = []
    for start in range(0, len(doc_ids), SYNC_BATCH):
        documents.extend(read_documents(store, doc_ids[start : start + SYNC_BATCH]))
        if progress:
            progress("reading", min(start + SYNC_BATCH, len(doc_ids)), len(doc_ids))
    return documents


def read_documents(store: GraphStore, doc_ids: Sequence[str]) -> list[IndexDocument]:
    """Documents and their Clause nodes read from the graph, as index documents with units."""
    rows = store.query(cypher.documents_by_id(_DOCUMENT_FIELDS), {"ids": list(doc_ids)})
    clause_rows = store.query(cypher.INDEX_CLAUSES, {"ids": list(doc_ids)})
    clauses: dict[str, list[ClauseRow]] = {}
    for row in clause_rows:
        clauses.setdefault(row["doc_id"], []).append(
            ClauseRow(
                row["id"],
                row["kind"] or "",
                row["label"],
                row["text"],
                row["span_start"],
                row["span_end"],
                row["depth"],
            )
        )
    documents = []
    for row in rows:
        document = document_from_row(row)
        units = build_units(document.doc_id, document.title, row.get("text") or "", clauses.get(document.doc_id, []))
        documents.append(with_units(document, units))
    return documents


def indexed_hash(row: dict[str, Any]) -> str:
    """A NormativeDocument row's content hash as the index compares it: with its duplicate source ids, so that
    a newly listed duplicate re-indexes the document."""
    duplicates = row.get("duplicate_source_ids") or ()
    return "+".join([row.get("content_hash") or "", *duplicates])


def document_from_row(row: dict[str, Any]) -> IndexDocument:
    """An index document (without units) from a NormativeDocument row."""
    return IndexDocument(
        doc_id=row["id"],
        source_id=row.get("source_id"),
        title=row.get("title") or "",
        content_hash=indexed_hash(row),
        doc_type=row.get("doc_type"),
        region_code=row.get("region_code"),
        issuers=tuple(row.get("issuers") or ()),
        date_published=row.get("date_published"),
        date_effective=row.get("date_effective"),
        version_date=row.get("version_date"),
        status=row.get("status"),
        is_current=row.get("is_current"),
        work_id=row.get("work_id"),
        duplicate_source_ids=tuple(row.get("duplicate_source_ids") or ()),
    )
