"""The contract between the ingest pipeline and the extractors that enrich a document.

An extractor is any callable that takes a ``DocumentContext`` (the stored text, its simplified twin of the
same length, metadata and the clause tree) and returns a ``GraphChange`` of nodes and relationships that
belong to that document: every node it creates carries ``doc_id`` (so replacing or deleting the document
removes it) and every span is ``[span_start, span_end)`` into ``DocumentContext.text``. The pipeline merges
the extractors' changes into the document's own change and writes it all in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from graph.base import GraphChange


@dataclass(frozen=True)
class ClauseSpan:
    """One clause of the document as the pipeline stored it."""

    id: str
    kind: str
    label: str
    span_start: int
    span_end: int
    parent_id: str | None = None


@dataclass(frozen=True)
class DocumentContext:
    """What an extractor sees of one document.

    ``text`` is the stored text (as published, scrape artefacts removed); ``norm_text`` is the same text
    converted to Simplified Chinese, character for character, so offsets into one are offsets into the other.
    """

    doc_id: str
    source_id: str
    text: str
    norm_text: str
    title: str
    doc_type: str
    region_code: str | None
    issuers: tuple[str, ...] = ()
    date_published: str | None = None
    date_effective: str | None = None
    clauses: tuple[ClauseSpan, ...] = field(default_factory=tuple)


Extractor = Callable[[DocumentContext], GraphChange]


ChangeHook = Callable[[DocumentContext, GraphChange], GraphChange]
"""Runs after the extractors on the document's complete change (e.g. to add outbox events for new matches);
what it returns is written in the same transaction."""
