"""The ingest lifecycle: find files, read, normalise, structure, link, run extractors, write one change each.

Every document is written with one ``GraphStore.write`` (all or nothing): its node, clauses, events, links,
what the extractors and hooks add, and, when it replaces an earlier ingest, ``replace_document`` so no stale
clause survives. A file whose content hash is unchanged writes nothing. Document ids derive from the source id
(``document_id``), so they are stable across runs.

Versions: documents whose normalised title (and subtitle) agree are versions of one work (``work_id``). The
newest version not marked expired is current (现行有效); older ones are 已被修改 and the newer version
SUPERSEDES the next older one. A placeholder left by an earlier citation of the work is replaced, its
incoming CITES edges re-pointed to the real document, in the same transaction.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph import cypher
from graph.base import GraphChange, GraphStore, NodeRecord, RelRecord
from graph.errors import GraphStoreError
from ingest import links
from ingest.curation import CURATION, overlay_curations
from ingest.errors import IngestError
from ingest.extractors.base import ChangeHook, ClauseSpan, DocumentContext, Extractor
from ingest.metadata import DocumentMetadata, extract_metadata
from ingest.node_records import clause_change, event_change
from ingest.normalize import CleanText, clean_text, content_hash
from ingest.readers import DeclaredMetadata, SourceDocument, read_documents, skip_reason
from ingest.sources import document_id, expand_paths, source_id_for
from ingest.structure import ClauseDraft, body_start, parse_clauses
from ontology.model import STATUTE_TYPES, DocumentStatus, DocumentType
from ontology.text import normalise_title, to_simplified

logger = logging.getLogger(__name__)

PIPELINE_VERSION = "2"  # bumped when what a document becomes changes, so every document is read again
# a title that is an agency's name (人力资源社会保障部, 某某市人民政府) names no work of its own
_AGENCY_NAME = re.compile(r"(?:部|局|署|委员会|委|厅|办公室|办|政府|中心)$")
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
# New documents are written in batches: one transaction holds up to this many complete documents, which
# spreads the fixed cost of each statement; a crash still leaves every document whole or absent.
BATCH_DOCUMENTS = 64
BATCH_ROWS = 40_000
NORMATIVE_TYPES = STATUTE_TYPES | {DocumentType.NORMATIVE_DOCUMENT, DocumentType.POLICY_DOCUMENT}
Progress = Callable[[int, int, str], None]
"""Called after each file with (files done, files in all, the file's path)."""


REFERENCE_RELS = ("CITES", "RESTS_ON")
"""Relationships that name a document by title and so may point at a placeholder until it is ingested."""


@dataclass
class IngestSummary:
    """What one ingest run did."""

    files: int = 0
    documents: int = 0
    unchanged: int = 0
    clauses: int = 0
    entities: int = 0
    doc_ids: list[str] = field(default_factory=list)
    deleted_doc_ids: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    phase_seconds: dict[str, float] = field(
        default_factory=lambda: {"read": 0.0, "analyse": 0.0, "link": 0.0, "write": 0.0}
    )

    def to_dict(self) -> dict[str, Any]:
        """The summary as JSON-ready data."""
        return {
            "files": self.files,
            "documents": self.documents,
            "unchanged": self.unchanged,
            "clauses": self.clauses,
            "entities": self.entities,
            "skipped": [{"path": p, "reason": r} for p, r in self.skipped],
            "failed": [{"path": p, "reason": r} for p, r in self.failed],
            "seconds": round(self.seconds, 2),
        }


@dataclass
class _Known:
    """A stored document as the run's index remembers it."""

    id: str
    title_norm: str | None
    work_id: str | None
    version_date: str | None
    content_hash: str | None
    source_id: str | None
    placeholder: bool
    expired: bool = False
    status: str | None = None
    source_path: str | None = None


@dataclass(frozen=True)
class _Analysis:
    """What the pure steps make of one source document (no store involved)."""

    source: SourceDocument
    doc_id: str
    digest: str
    cleaned: CleanText
    norm_text: str
    meta: DocumentMetadata
    drafts: list[ClauseDraft]
    title_norm: str
    work_id: str


@dataclass
class _Pending:
    """A document's complete change, waiting in the batch."""

    source_path: str
    source_id: str
    change: GraphChange
    known: _Known
    placeholders: dict[str, str]
    clauses: int
    entities: int


def _analyse(source: SourceDocument, doc_id: str, digest: str) -> _Analysis:
    cleaned = clean_text(source.text)
    norm_text = to_simplified(cleaned.text)
    meta = extract_metadata(source, cleaned.text, norm_text)
    drafts = parse_clauses(cleaned.text)
    title_norm = normalise_title(meta.title)
    work_id = "work-" + hashlib.sha1(_work_key(meta, title_norm, doc_id).encode("utf-8")).hexdigest()[:16]
    return _Analysis(source, doc_id, digest, cleaned, norm_text, meta, drafts, title_norm, work_id)


def _work_key(meta: DocumentMetadata, title_norm: str, doc_id: str) -> str:
    """What versions of one work share: a statute's title (and subtitle); another document's title and issuer.

    A title that is an agency's name names no work: such a document is a work of its own.
    """
    key = f"{title_norm}/{normalise_title(meta.subtitle or '')}"
    if meta.doc_type in STATUTE_TYPES:
        return key
    issuers = [normalise_title(i) for i in meta.issuers]
    if not title_norm or title_norm in issuers or _AGENCY_NAME.search(title_norm):
        return f"document/{doc_id}"
    return f"{key}/{issuers[0] if issuers else ''}"


def ingest_paths(
    paths: Sequence[str | Path],
    *,
    store: GraphStore,
    extractors: Sequence[Extractor] = (),
    hooks: Sequence[ChangeHook] = (),
    progress: Progress | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> IngestSummary:
    """Ingest files, folders and globs into ``store``; one transaction per document.

    Files that cannot be read, and documents whose write fails, are reported in ``failed`` with the reason;
    what was stored before stays as it was.
    """
    started = time.perf_counter()
    files, missing = expand_paths(paths)
    summary = IngestSummary(files=len(files), failed=list(missing))
    run = _Run(store, tuple(extractors), tuple(hooks), summary)
    for done, path in enumerate(files, start=1):
        run.ingest_file(path, max_bytes)
        if progress is not None:
            progress(done, len(files), str(path))
    run.flush()
    summary.seconds = time.perf_counter() - started
    return summary


def ingest_sources(
    sources: Sequence[SourceDocument],
    *,
    store: GraphStore,
    extractors: Sequence[Extractor] = (),
    hooks: Sequence[ChangeHook] = (),
) -> IngestSummary:
    """Ingest documents already read (an official's ``POST /documents``) exactly as files are ingested: one
    transaction per document, failures in ``failed`` with the reason, what was stored before kept."""
    started = time.perf_counter()
    summary = IngestSummary(files=0)
    run = _Run(store, tuple(extractors), tuple(hooks), summary)
    for source in sources:
        run.ingest_document(source)
    run.flush()
    summary.seconds = time.perf_counter() - started
    return summary


def read_file(path: Path, *, max_bytes: int, summary: IngestSummary) -> list[SourceDocument]:
    """The documents of one file, as ingest reads them; a file skipped or refused is reported in ``summary``
    (``skipped`` / ``failed`` with the reason, a bad JSONL line by its number) and gives none."""
    reason = skip_reason(path)
    if reason is not None:
        summary.skipped.append((str(path), reason))
        return []
    started = time.perf_counter()
    try:
        return read_documents(path, source_id=source_id_for(path), max_bytes=max_bytes, bad_records=summary.failed)
    except IngestError as e:
        summary.failed.append((str(path), str(e)))
    except OSError as e:
        summary.failed.append((str(path), f"{path.name}: cannot read ({e.strerror})"))
    finally:
        summary.phase_seconds["read"] += time.perf_counter() - started
    return []


def _declared_key(source: SourceDocument) -> str:
    """What the publisher declared, as part of the content hash (empty when nothing was declared, so the hash of
    a file is what it always was)."""
    if source.declared == DeclaredMetadata():
        return ""
    return json.dumps(dataclasses.asdict(source.declared), ensure_ascii=False, sort_keys=True) + "\n"


def _file_of(source_path: str) -> str:
    """The file a source path names (a JSONL record's ``file#line`` → ``file``)."""
    return source_path.rsplit("#", 1)[0] if "#" in Path(source_path).name else source_path


def _other_file(previous: _Known | None, source: SourceDocument) -> str | None:
    """The stored file that holds ``source``'s id when it is another file that still exists (a different file
    with the same folder and name, not the same file changed or moved); else ``None``."""
    if previous is None or previous.placeholder or not previous.source_path:
        return None
    stored, incoming = _file_of(previous.source_path), _file_of(source.source_path)
    try:
        if Path(stored).resolve() == Path(incoming).resolve() or not Path(stored).exists():
            return None
    except OSError:
        return None
    return stored


class _Run:
    """The state of one ingest run: the store's document index, kept current as documents are written."""

    def __init__(
        self,
        store: GraphStore,
        extractors: tuple[Extractor, ...],
        hooks: tuple[ChangeHook, ...],
        summary: IngestSummary,
    ) -> None:
        self.store = store
        self.extractors = extractors
        self.hooks = hooks
        self.summary = summary
        self.known: dict[str, _Known] = {}
        self.by_hash: dict[str, str] = {}
        self.by_title: dict[str, set[str]] = {}
        self.by_work: dict[str, set[str]] = {}
        self.pending: list[_Pending] = []
        self.pending_rows = 0
        self.curated_sources = {str(c["source_id"]) for c in store.find_nodes(CURATION)}
        rows = store.query(cypher.KNOWN_DOCUMENTS)
        for row in rows:
            self._remember(
                _Known(
                    row["id"],
                    row["title_norm"],
                    row["work_id"],
                    row["version_date"],
                    row["content_hash"],
                    row["source_id"],
                    bool(row["placeholder"]),
                    row["status"] == DocumentStatus.REPEALED.value,
                    row["status"],
                    row["source_path"],
                )
            )

    def _remember(self, known: _Known) -> None:
        self.known[known.id] = known
        if known.title_norm:
            self.by_title.setdefault(known.title_norm, set()).add(known.id)
        if known.work_id:
            self.by_work.setdefault(known.work_id, set()).add(known.id)
        if known.content_hash:
            self.by_hash[known.content_hash] = known.id

    def ingest_file(self, path: Path, max_bytes: int) -> None:
        for source in read_file(path, max_bytes=max_bytes, summary=self.summary):
            self.ingest_document(source)

    def ingest_document(self, source: SourceDocument) -> None:
        doc_id = document_id(source.source_id)
        digest = content_hash(f"{PIPELINE_VERSION}\n{source.format}\n{_declared_key(source)}{source.text}")
        previous = self.known.get(doc_id)
        if previous is not None and previous.content_hash == digest:
            self.summary.unchanged += 1
            return
        held_by = _other_file(previous, source)
        if held_by is not None:
            self.summary.failed.append(
                (
                    source.source_path,
                    f"source id {source.source_id!r} is already held by another file, {held_by}; nothing was "
                    f"replaced (rename this file, or delete the stored source first: policykg delete "
                    f"{source.source_id})",
                )
            )
            return
        twin = self.by_hash.get(digest)
        if twin is not None and twin != doc_id:
            other = self.known[twin].source_id
            self.summary.skipped.append(
                (source.source_path, f"duplicate of {other} (same content; listed among its duplicate source ids)")
            )
            self._record_duplicate(twin, source)
            return
        try:
            started = time.perf_counter()
            analysis = _analyse(source, doc_id, digest)
            self.summary.phase_seconds["analyse"] += time.perf_counter() - started
            if previous is not None or self._touches_pending(analysis):
                self.flush()
            started = time.perf_counter()
            pending = _Pending(source.source_path, source.source_id, *self._document_change(analysis, previous))
            self.summary.phase_seconds["link"] += time.perf_counter() - started
        except IngestError as e:
            self.summary.failed.append((source.source_path, f"{source.source_id}: {e}"))
            return
        if previous is not None:
            self._write([pending])
            return
        self.pending.append(pending)
        self._remember(pending.known)
        self.pending_rows += len(pending.change.nodes) + len(pending.change.rels)
        if len(self.pending) >= BATCH_DOCUMENTS or self.pending_rows >= BATCH_ROWS:
            self.flush()

    def _record_duplicate(self, twin: str, source: SourceDocument) -> None:
        """Add the source id of a record with the same content as the stored document ``twin`` to the twin's
        ``duplicate_source_ids`` (the record is not stored twice, and its id is not lost)."""
        if any(pending.known.id == twin for pending in self.pending):
            self.flush()
        node = self.store.get_node("NormativeDocument", twin)
        if node is None:  # the twin's own write failed
            return
        duplicates = list(node.get("duplicate_source_ids") or [])
        if source.source_id in duplicates:
            return
        node.pop("id")
        node["duplicate_source_ids"] = [*duplicates, source.source_id]
        try:
            self.store.write(GraphChange(nodes=[NodeRecord("NormativeDocument", twin, node)]))
        except GraphStoreError as e:
            self.summary.failed.append((source.source_path, f"{source.source_id}: {e}"))

    def _touches_pending(self, analysis: _Analysis) -> bool:
        """Whether the document is a version of, or fills a placeholder of, a document not yet written."""
        placeholder = links.placeholder_id(analysis.title_norm)
        for pending in self.pending:
            if pending.known.work_id == analysis.work_id or placeholder in pending.placeholders:
                return True
        return False

    def flush(self) -> None:
        """Write the documents waiting in the batch: one transaction for all of them (each is complete)."""
        batch, self.pending, self.pending_rows = self.pending, [], 0
        if batch:
            self._write(batch)

    def _write(self, batch: list[_Pending]) -> None:
        change = GraphChange(replace_document=batch[0].change.replace_document if len(batch) == 1 else None)
        for pending in batch:
            change.extend(pending.change)
        started = time.perf_counter()
        try:
            self.store.write(change)
        except GraphStoreError as e:
            if len(batch) > 1:  # find the document at fault: write each on its own
                for pending in batch:
                    self._write([pending])
                return
            self.known.pop(batch[0].known.id, None)
            self.by_hash.pop(batch[0].known.content_hash or "", None)
            self.summary.failed.append((batch[0].source_path, f"{batch[0].source_id}: {e}"))
            return
        finally:
            self.summary.phase_seconds["write"] += time.perf_counter() - started
        for pending in batch:
            self._remember(pending.known)
            for placeholder, title_norm in pending.placeholders.items():
                if placeholder not in self.known:
                    self._remember(_Known(placeholder, title_norm, None, None, None, None, True))
            self.summary.documents += 1
            self.summary.doc_ids.append(pending.known.id)
            self.summary.clauses += pending.clauses
            self.summary.entities += pending.entities

    def _document_change(
        self, analysis: _Analysis, previous: _Known | None
    ) -> tuple[GraphChange, _Known, dict[str, str], int, int]:
        source, meta, drafts, doc_id = analysis.source, analysis.meta, analysis.drafts, analysis.doc_id
        text, norm_text = analysis.cleaned.text, analysis.norm_text
        change = GraphChange(
            replace_document=doc_id if previous is not None else None,
            new_documents={doc_id} if previous is None else set(),
        )
        clause_ids = [f"{doc_id}/c{i + 1}" for i in range(len(drafts))]
        change.extend(clause_change(doc_id, drafts, clause_ids))
        change.extend(event_change(doc_id, meta))
        start = body_start(text)
        refs = [links.ClauseRef(clause_ids[i], d.kind, d.start, d.end) for i, d in enumerate(drafts)]
        citations = links.citation_change(doc_id, analysis.title_norm, norm_text, refs, self._resolve, body_start=start)
        placeholders = {n.id: n.props["title_norm"] for n in citations.nodes if n.props.get("placeholder")}
        change.extend(citations)
        change.extend(
            links.mention_change(doc_id, norm_text, meta.region_code, body_start=start, surfaces=meta.region_surfaces)
        )
        for issuer in meta.issuers:
            change.extend(links.agency_change(issuer))
            change.rels.append(RelRecord("ISSUED_BY", "NormativeDocument", doc_id, "Agency", links.agency_id(issuer)))
        change.rels.append(RelRecord("JURISDICTION", "NormativeDocument", doc_id, "Region", meta.region_code))
        known = _Known(
            doc_id,
            analysis.title_norm,
            analysis.work_id,
            meta.version_date,
            analysis.digest,
            source.source_id,
            False,
            meta.expired,
            source_path=source.source_path,
        )
        status, is_current = self._version_change(change, known, meta.doc_type)
        change.extend(self._placeholder_change(doc_id, analysis.title_norm))
        doc_node = _document_node(analysis, len(drafts))
        doc_node.props.update(status=status, is_current=is_current)
        change.nodes.insert(0, doc_node)
        context = _context(source, doc_id, text, norm_text, meta, drafts, clause_ids)
        for extractor in self.extractors:
            change.extend(extractor(context))
        if source.source_id in self.curated_sources:
            overlay_curations(self.store, source.source_id, doc_id, change)
        for hook in self.hooks:
            change.extend(hook(context, change))
        entities = sum(1 for n in change.nodes if n.label not in ("NormativeDocument", "Clause"))
        return change, known, placeholders, len(drafts), entities

    def _resolve(self, title_norm: str) -> str | None:
        candidates = (self.known.get(i) for i in self.by_title.get(title_norm, ()))
        versions = [k for k in candidates if k is not None and k.title_norm == title_norm and not k.placeholder]
        if not versions:
            return None
        return max(versions, key=lambda k: (not k.expired, k.version_date or "", k.id)).id  # ties: by id, not set order

    def _version_change(self, change: GraphChange, doc: _Known, doc_type: DocumentType) -> tuple[str, bool]:
        """Status and currency of ``doc`` among its work's stored versions; older/newer neighbours updated."""
        candidates = (self.known.get(i) for i in self.by_work.get(doc.work_id or "", ()))
        others = [
            k
            for k in candidates
            if k is not None and k.work_id == doc.work_id and k.id != doc.id and not k.placeholder and k.version_date
        ]
        if not doc.version_date:
            others = []  # an undated copy is no version of anything: never chained
        versions = sorted([*others, doc], key=lambda k: (k.version_date or "", k.id))
        position = versions.index(doc)
        older = versions[position - 1] if position > 0 else None
        newer = versions[position + 1] if position + 1 < len(versions) else None
        if older is not None:
            change.rels.append(RelRecord("SUPERSEDES", "NormativeDocument", doc.id, "NormativeDocument", older.id))
        if newer is not None:
            change.rels.append(RelRecord("SUPERSEDES", "NormativeDocument", newer.id, "NormativeDocument", doc.id))
            doc.status = DocumentStatus.AMENDED.value
            return doc.status, False
        for other in others:
            if other.status == DocumentStatus.AMENDED.value:
                continue
            node = self.store.get_node("NormativeDocument", other.id)
            if node:
                node_id = node.pop("id")
                node.update(is_current=False, status=DocumentStatus.AMENDED.value)
                change.nodes.append(NodeRecord("NormativeDocument", node_id, node))
                other.status = DocumentStatus.AMENDED.value
        if doc.expired:
            doc.status = DocumentStatus.REPEALED.value
        elif doc_type in NORMATIVE_TYPES:
            doc.status = DocumentStatus.IN_FORCE.value
        else:
            doc.status = DocumentStatus.UNKNOWN.value  # news, reports, replies: validity does not apply
        return doc.status, not doc.expired

    def _placeholder_change(self, doc_id: str, title_norm: str) -> GraphChange:
        """Re-point the edges into a placeholder for this title (citations, mechanisms' legal basis) to the
        document, and delete the placeholder."""
        change = GraphChange()
        placeholder = links.placeholder_id(title_norm)
        if placeholder not in self.known or not self.known[placeholder].placeholder:
            return change
        incoming = self.store.neighbours("NormativeDocument", placeholder, rel_types=REFERENCE_RELS, direction="in")
        for edge in incoming:
            if edge.id != doc_id:
                change.rels.append(
                    RelRecord(edge.rel_type, edge.label, edge.id, "NormativeDocument", doc_id, edge.rel_props)
                )
        change.delete_nodes.append(("NormativeDocument", placeholder))
        self.known[placeholder].placeholder = False  # gone once this change is written; never resolved again
        self.known[placeholder].title_norm = None
        return change


def _document_node(analysis: _Analysis, clause_count: int) -> NodeRecord:
    meta, source = analysis.meta, analysis.source
    return NodeRecord(
        "NormativeDocument",
        analysis.doc_id,
        {
            "source_id": source.source_id,
            "source_path": source.source_path,
            "title": meta.title,
            "title_norm": analysis.title_norm,
            "subtitle": meta.subtitle,
            "doc_number": meta.doc_number,
            "doc_type": meta.doc_type.value,
            "level": meta.level,
            "region_code": meta.region_code,
            "issuers": list(meta.issuers),
            "date_written": meta.date_written,
            "date_published": meta.date_published,
            "date_effective": meta.date_effective,
            "version_date": meta.version_date,
            "work_id": analysis.work_id,
            "content_hash": analysis.digest,
            "text": analysis.cleaned.text,
            "source_offsets": analysis.cleaned.offsets.to_json() if analysis.cleaned.offsets.breakpoints else "",
            "placeholder": False,
            "format": source.format,
            "clause_count": clause_count,
        },
    )


def _context(
    source: SourceDocument,
    doc_id: str,
    text: str,
    norm_text: str,
    meta: DocumentMetadata,
    drafts: list[ClauseDraft],
    clause_ids: list[str],
) -> DocumentContext:
    spans = tuple(
        ClauseSpan(
            clause_ids[i],
            d.kind.value,
            d.label,
            d.start,
            d.end,
            clause_ids[d.parent] if d.parent is not None else None,
        )
        for i, d in enumerate(drafts)
    )
    return document_context(source.source_id, doc_id, text, norm_text, meta, spans)


def document_context(
    source_id: str,
    doc_id: str,
    text: str,
    norm_text: str,
    meta: DocumentMetadata,
    clauses: tuple[ClauseSpan, ...] = (),
) -> DocumentContext:
    """What the extractors are given of one document: its text, Simplified twin, metadata and clause spans."""
    return DocumentContext(
        doc_id=doc_id,
        source_id=source_id,
        text=text,
        norm_text=norm_text,
        title=meta.title,
        doc_type=meta.doc_type.value,
        region_code=meta.region_code,
        issuers=tuple(meta.issuers),
        date_published=meta.date_published,
        date_effective=meta.date_effective,
        clauses=clauses,
    )
