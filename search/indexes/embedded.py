"""The embedded search index (default back-end): BM25 (bm25s) and vectors (numpy / hnswlib) in the data dir.

Layout of the index folder::

    CURRENT                 name of the live version folder (replaced atomically with os.replace)
    v-<ns>/manifest.json    schema and the documents' metadata
    v-<ns>/units.json       [unit_id, document number, clause_id, article, text] per unit
    v-<ns>/tokens.txt       one line of space-joined BM25 tokens per unit (to rebuild BM25 on change)
    v-<ns>/tokens.<f>.txt   the tokens of each extra BM25 field ``f`` of the schema (title, headings), if any
    v-<ns>/bm25/            the bm25s index (BM25F over the fields when the schema has extra fields)
    v-<ns>/vectors/         the vector matrix (and hnswlib graph beyond 100k units)

``apply`` writes a whole new version folder and then switches ``CURRENT``: a crash leaves the old version live
and at most an orphan folder, which the next ``apply`` removes.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from ontology.reference import NATIONAL_CODE
from search.bm25 import Bm25Index
from search.errors import SearchIndexError
from search.indexes.base import IndexSchema, SearchIndex
from search.types import DOCUMENT_LIST_FIELDS, Filters, IndexDocument, PreparedDocument, StoredUnit
from search.units import vector_chunks
from search.vector_index import VectorIndex

CURRENT_FILE = "CURRENT"
MASK_CACHE_SIZE = 32


@dataclass
class _Live:
    """One version of the index as held in memory. ``apply`` builds a new one and swaps it in with one
    assignment, so a search running meanwhile reads one consistent version (never units of one and BM25 of
    another)."""

    schema: IndexSchema | None
    documents: list[IndexDocument]
    unit_ids: list[str]
    unit_doc: np.ndarray
    unit_rows: list[tuple[str | None, str | None, str]]
    bm25: Bm25Index
    vectors: VectorIndex
    version: Path | None
    tokens: list[str] | None  # None: read from the version's tokens.txt when the index next changes
    field_tokens: dict[str, list[str]] = field(default_factory=dict)  # read from tokens.<f>.txt when absent
    row_of: dict[str, int] = field(init=False)
    masks: dict[Filters, np.ndarray] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.row_of = {unit_id: row for row, unit_id in enumerate(self.unit_ids)}

    @classmethod
    def empty(cls) -> _Live:
        """The state of a folder with no index yet."""
        return cls(
            None, [], [], np.zeros(0, dtype=np.int32), [], Bm25Index(None, 0), VectorIndex(_NO_VECTORS), None, []
        )

    @classmethod
    def of_units(
        cls,
        schema: IndexSchema | None,
        documents: list[IndexDocument],
        units: list[list[Any]],
        bm25: Bm25Index,
        vectors: VectorIndex,
        version: Path | None,
        tokens: list[str] | None,
        field_tokens: dict[str, list[str]] | None = None,
    ) -> _Live:
        """A version from its ``[unit_id, document number, clause_id, article, text]`` rows."""
        return cls(
            schema,
            documents,
            [u[0] for u in units],
            np.asarray([u[1] for u in units], dtype=np.int32),
            [(u[2], u[3], u[4]) for u in units],
            bm25,
            vectors,
            version,
            tokens,
            field_tokens or {},
        )

    def stored_tokens(self) -> list[str]:
        """The BM25 tokens of every unit, read from the version folder on first use."""
        if self.tokens is None:
            assert self.version is not None
            text = (self.version / "tokens.txt").read_text(encoding="utf-8")
            self.tokens = text.split("\n")[: len(self.unit_ids)]
        return self.tokens

    def stored_field_tokens(self, name: str) -> list[str]:
        """The tokens of every unit in the extra field ``name``, read from the version folder on first use."""
        if name not in self.field_tokens:
            assert self.version is not None
            text = (self.version / f"tokens.{name}.txt").read_text(encoding="utf-8")
            self.field_tokens[name] = text.split("\n")[: len(self.unit_ids)]
        return self.field_tokens[name]


_NO_VECTORS = np.zeros((0, 0), dtype=np.float32)


class EmbeddedIndex(SearchIndex):
    """Search index kept in a folder of the data dir and held in memory while open; ``vector_dtype`` is how the
    vectors of the versions it writes are stored (``float32`` or ``float16``; a stored version is read as it was
    written)."""

    def __init__(self, folder: Path, vector_dtype: str = "float32") -> None:
        self.folder = folder
        self.vector_dtype = vector_dtype
        self._live = self._load()

    # --- loading and saving -------------------------------------------------------------------------------
    def _load(self) -> _Live:
        pointer = self.folder / CURRENT_FILE
        if not pointer.exists():
            return _Live.empty()
        version = self.folder / pointer.read_text(encoding="utf-8").strip()
        try:
            manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
            units = json.loads((version / "units.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise SearchIndexError(f"cannot read the search index in {version}: {e}") from e
        stored_schema = manifest.get("schema")
        schema = IndexSchema(**stored_schema) if stored_schema else None
        documents = [
            IndexDocument(**{**d, **{name: tuple(d.get(name, ())) for name in DOCUMENT_LIST_FIELDS}})
            for d in manifest["documents"]
        ]
        bm25 = Bm25Index.load(version / "bm25", len(units))
        vectors = VectorIndex.load(version / "vectors", schema.dimension if schema else 0)
        return _Live.of_units(schema, documents, units, bm25, vectors, version, None)

    @property
    def vectors(self) -> VectorIndex:
        """The live version's vector index (one row per piece of unit text)."""
        return self._live.vectors

    # --- the port -----------------------------------------------------------------------------------------
    def schema(self) -> IndexSchema | None:
        """The schema of the live version."""
        return self._live.schema

    def indexed_documents(self) -> dict[str, str]:
        """``doc_id → content_hash`` of the live version."""
        return {d.doc_id: d.content_hash for d in self._live.documents}

    def apply(self, schema: IndexSchema, upserts: Sequence[PreparedDocument], deletions: Sequence[str]) -> None:
        """Build the next version in memory, write it to a new folder, switch ``CURRENT`` to it, then swap it in."""
        live = self._live
        keep_all = live.schema == schema
        dropped = set(deletions) | {p.document.doc_id for p in upserts}
        documents: list[IndexDocument] = []
        units: list[list[Any]] = []
        tokens: list[str] = []
        names = [name for name, _ in schema.fields]
        field_tokens: dict[str, list[str]] = {name: [] for name in names}
        kept_rows: list[int] = []
        if keep_all and live.unit_ids:
            stored_tokens = live.stored_tokens()
            stored_fields = {name: live.stored_field_tokens(name) for name in names}
            new_number = {}
            for number, document in enumerate(live.documents):
                if document.doc_id not in dropped:
                    new_number[number] = len(documents)
                    documents.append(document)
            for row, unit_id in enumerate(live.unit_ids):
                number = int(live.unit_doc[row])
                if number in new_number:
                    clause_id, article, text = live.unit_rows[row]
                    units.append([unit_id, new_number[number], clause_id, article, text])
                    tokens.append(stored_tokens[row])
                    for name in names:
                        field_tokens[name].append(stored_fields[name][row])
                    kept_rows.append(row)
        parts, owners = _kept_vectors(live, kept_rows) if kept_rows and schema.dimension else ([], [])
        for prepared in upserts:
            number = len(documents)
            documents.append(replace(prepared.document, units=()))
            for position, (unit, unit_tokens) in enumerate(zip(prepared.document.units, prepared.tokens, strict=True)):
                if schema.dimension:
                    owners.append(np.full(len(vector_chunks(unit.vector_text)), len(units), dtype=np.int64))
                units.append([unit.id, number, unit.clause_id, unit.article, unit.text])
                tokens.append(_line(unit_tokens))
                for name in names:
                    field = prepared.fields.get(name)
                    field_tokens[name].append(_line(field[position]) if field is not None else "")
            if prepared.vectors is not None:
                parts.append(np.asarray(prepared.vectors, dtype=np.float32))
        matrix = np.vstack(parts) if parts else np.zeros((0, schema.dimension), dtype=np.float32)
        owner_rows = np.concatenate(owners) if owners else np.zeros(0, dtype=np.int64)
        if schema.dimension and matrix.shape[0] != len(owner_rows):
            raise SearchIndexError(
                f"{matrix.shape[0]} vectors for {len(owner_rows)} pieces of unit text: every piece needs a vector"
            )
        weights = [1.0] + [weight for _, weight in schema.fields]
        bm25 = (
            Bm25Index.build_fields([_split(tokens)] + [_split(field_tokens[name]) for name in names], weights)
            if names
            else Bm25Index.build(_split(tokens))
        )
        vectors = VectorIndex.build(matrix, owner_rows, self.vector_dtype) if schema.dimension else VectorIndex(matrix)
        version = self._write_version(schema, documents, units, (tokens, field_tokens), bm25, vectors)
        self._live = _Live.of_units(schema, documents, units, bm25, vectors, version, tokens, field_tokens)

    def _write_version(
        self,
        schema: IndexSchema,
        documents: list[IndexDocument],
        units: list[list[Any]],
        tokens: tuple[list[str], dict[str, list[str]]],
        bm25: Bm25Index,
        vectors: VectorIndex,
    ) -> Path:
        version = self.folder / f"v-{time.time_ns()}"
        try:
            version.mkdir(parents=True)
            manifest = {"schema": asdict(schema), "documents": [_document_row(d) for d in documents]}
            (version / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
            (version / "units.json").write_text(json.dumps(units, ensure_ascii=False), encoding="utf-8")
            (version / "tokens.txt").write_text("\n".join(tokens[0]), encoding="utf-8")
            for name, lines in tokens[1].items():
                (version / f"tokens.{name}.txt").write_text("\n".join(lines), encoding="utf-8")
            bm25.save(version / "bm25")
            vectors.save(version / "vectors")
            pointer = self.folder / f".{CURRENT_FILE}.{os.getpid()}.tmp"
            pointer.write_text(version.name, encoding="utf-8")
            os.replace(pointer, self.folder / CURRENT_FILE)
        except OSError as e:
            shutil.rmtree(version, ignore_errors=True)
            raise SearchIndexError(f"cannot write the search index in {self.folder}: {e.strerror}") from e
        for old in self.folder.glob("v-*"):
            if old != version:
                shutil.rmtree(old, ignore_errors=True)
        return version

    def lexical_search(
        self, tokens: Sequence[str], filters: Filters, limit: int, weights: Mapping[str, float] | None = None
    ) -> list[tuple[str, float]]:
        """Best units by BM25 among those the filters allow (units scoring 0 are left out)."""
        live = self._live
        scores = live.bm25.weighted_scores(weights) if weights is not None else live.bm25.scores(tokens)
        mask = _mask(live, filters)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        positive = int(np.count_nonzero(scores > 0))
        count = min(limit, positive)
        if count == 0:
            return []
        rows = np.argpartition(-scores, count - 1)[:count]
        rows = rows[np.argsort(-scores[rows], kind="stable")]
        return [(live.unit_ids[r], float(scores[r])) for r in rows]

    def document_frequencies(self, tokens: Sequence[str]) -> tuple[dict[str, int], int] | None:
        """Units holding each token (from the BM25 matrix's columns) and the number of units."""
        bm25 = self._live.bm25
        return {t: bm25.document_frequency(t) for t in tokens}, bm25.size

    def vector_search(self, vector: np.ndarray, filters: Filters, limit: int) -> list[tuple[str, float]]:
        """Nearest units by cosine among those the filters allow."""
        live = self._live
        if live.vectors.size == 0:
            return []
        rows, similarities = live.vectors.search(vector, _mask(live, filters), limit)
        return [(live.unit_ids[r], float(s)) for r, s in zip(rows, similarities, strict=True)]

    def get_units(self, unit_ids: Sequence[str]) -> dict[str, StoredUnit]:
        """Stored units by id (ids no longer in the live version are left out)."""
        live = self._live
        found: dict[str, StoredUnit] = {}
        for unit_id in unit_ids:
            row = live.row_of.get(unit_id)
            if row is not None:
                clause_id, article, text = live.unit_rows[row]
                document = live.documents[int(live.unit_doc[row])]
                found[unit_id] = StoredUnit(unit_id, document, clause_id, article, text)
        return found


def _line(tokens: Sequence[str]) -> str:
    """One unit's tokens as a line of ``tokens.txt`` (a space inside a token becomes ``_``)."""
    return " ".join(t.replace(" ", "_") for t in tokens)


def _split(lines: Sequence[str]) -> list[list[str]]:
    """``tokens.txt``-style lines as token lists."""
    return [line.split(" ") if line else [] for line in lines]


def _mask(live: _Live, filters: Filters) -> np.ndarray | None:
    """Which units of ``live`` the filters allow (cached per version); ``None`` when nothing is filtered."""
    if filters.empty:
        return None
    mask = live.masks.get(filters)
    if mask is None:
        allowed = document_mask(live.documents, filters)
        mask = allowed[live.unit_doc] if len(live.unit_doc) else np.zeros(0, dtype=bool)
        if len(live.masks) >= MASK_CACHE_SIZE:
            live.masks.clear()
        live.masks[filters] = mask
    return mask


def _kept_vectors(live: _Live, kept_rows: list[int]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The vector rows of the kept units (in order) and their new unit numbers (the kept units come first)."""
    vectors = live.vectors
    owners = vectors.owners if vectors.owners is not None else np.arange(vectors.matrix.shape[0])
    new_number = np.full(len(live.unit_ids), -1, dtype=np.int64)
    new_number[kept_rows] = np.arange(len(kept_rows))
    keep = new_number[owners] >= 0
    return [np.asarray(vectors.matrix[keep], dtype=np.float32)], [new_number[owners[keep]]]


def _document_row(document: IndexDocument) -> dict[str, Any]:
    row = asdict(document)
    row.pop("units")
    row.update({name: list(getattr(document, name)) for name in DOCUMENT_LIST_FIELDS})
    return row


def effective_date(document: IndexDocument) -> str | None:
    """The date a version takes effect: effective date, else publication date, else version date."""
    return document.date_effective or document.date_published or document.version_date


def document_mask(documents: Sequence[IndexDocument], filters: Filters) -> np.ndarray:
    """Which documents the filters allow (a region filter admits documents without a region as national)."""
    allowed = np.ones(len(documents), dtype=bool)
    latest_of_work: dict[str, tuple[str, int]] = {}
    for number, document in enumerate(documents):
        if not document_passes(document, filters):
            allowed[number] = False
            continue
        if filters.as_of and document.work_id:
            stamp = document.version_date or effective_date(document) or ""
            best = latest_of_work.get(document.work_id)
            if best is None or stamp > best[0]:
                if best is not None:
                    allowed[best[1]] = False
                latest_of_work[document.work_id] = (stamp, number)
            else:
                allowed[number] = False
    return allowed


def document_passes(document: IndexDocument, filters: Filters) -> bool:
    """The per-document part of the filters (``as_of`` picks versions in effect; the latest is chosen above)."""
    if filters.doc_types and document.doc_type not in filters.doc_types:
        return False
    if filters.region_codes and (document.region_code or NATIONAL_CODE) not in filters.region_codes:
        return False
    if filters.issuer and not any(filters.issuer in issuer for issuer in document.issuers):
        return False
    published = document.date_published or ""
    if filters.date_from and (not published or published < filters.date_from):
        return False
    if filters.date_to and (not published or published > filters.date_to):
        return False
    if filters.status and document.status != filters.status:
        return False
    if filters.as_of:
        effective = effective_date(document)
        if effective is None or effective > filters.as_of:
            return False
    return True
