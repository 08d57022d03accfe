"""The Elasticsearch back-end: the same units, tokens and vectors as the embedded index, stored in two indices.

- ``<name>`` holds one record per unit: the pre-segmented BM25 tokens in a ``text`` field on a whitespace
  analyzer (our segmentation, so no smartcn/IK plugin is needed), one vector per piece of the unit's text in a
  nested ``dense_vector`` field (``dot_product`` on unit vectors = cosine; HNSW kNN; nested kNN scores a unit by
  its best piece, Elasticsearch 8.11+), and the document's metadata for filters.
- ``<name>-documents`` holds one record per document (``doc_id → content_hash``) for ``sync``.

Lexical (``match``) and vector (``knn``) candidates are fetched separately and fused client-side by the search
service, so ranking is the same as embedded and works on any licence (no server-side RRF needed).

Elasticsearch has no multi-request transaction. ``apply`` first deletes the affected documents' records in
``-documents``, then replaces their units, then writes their document records last: after a crash the missing
or stale document record makes the next ``sync`` redo that document. With ``as_of`` the latest version of each
work is chosen among the candidates (the embedded index chooses among all documents).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict
from typing import Any

import numpy as np

from ontology.reference import NATIONAL_CODE
from search.errors import SearchIndexError
from search.indexes.base import IndexSchema, SearchIndex
from search.indexes.embedded import effective_date
from search.types import DOCUMENT_LIST_FIELDS, Filters, IndexDocument, PreparedDocument, StoredUnit
from search.units import vector_chunks

BULK_CHUNK = 500
KNN_CANDIDATE_FACTOR = 4
DOCUMENT_FIELDS = (
    "doc_id",
    "source_id",
    "title",
    "content_hash",
    "doc_type",
    "region_code",
    "issuers",
    "date_published",
    "date_effective",
    "version_date",
    "status",
    "is_current",
    "work_id",
    "duplicate_source_ids",
)
KEYWORD_FIELDS = (
    "unit_id",
    "doc_id",
    "clause_id",
    "article",
    "source_id",
    "title",
    "content_hash",
    "doc_type",
    "region_code",
    "issuers",
    "duplicate_source_ids",
    "date_published",
    "date_effective",
    "version_date",
    "effective_date",
    "status",
    "work_id",
)


def unit_mapping(schema: IndexSchema) -> dict[str, Any]:
    """Settings and mappings of the unit index for a schema (its ``_meta`` records the schema)."""
    properties: dict[str, Any] = {name: {"type": "keyword"} for name in KEYWORD_FIELDS}
    properties["is_current"] = {"type": "boolean"}
    properties["text"] = {"type": "text", "index": False}
    properties["tokens"] = {"type": "text", "analyzer": "pretokenized", "similarity": "bm25_policykg"}
    if schema.dimension:
        properties["vectors"] = {  # one per piece of the unit's text; kNN scores a unit by its best piece
            "type": "nested",
            "properties": {
                "vector": {"type": "dense_vector", "dims": schema.dimension, "index": True, "similarity": "dot_product"}
            },
        }
    return {
        "settings": {
            "analysis": {"analyzer": {"pretokenized": {"type": "custom", "tokenizer": "whitespace"}}},
            "similarity": {"bm25_policykg": {"type": "BM25", "k1": 1.2, "b": 0.75}},
        },
        "mappings": {"dynamic": "strict", "_meta": {"schema": asdict(schema)}, "properties": properties},
    }


DOCUMENT_MAPPING: dict[str, Any] = {
    "mappings": {
        "dynamic": "strict",
        "properties": {"doc_id": {"type": "keyword"}, "content_hash": {"type": "keyword"}},
    }
}


def filter_clauses(filters: Filters) -> list[dict[str, Any]]:
    """The filters as Elasticsearch ``bool.filter`` clauses (a unit without region counts as national)."""
    clauses: list[dict[str, Any]] = []
    if filters.doc_types:
        clauses.append({"terms": {"doc_type": sorted(filters.doc_types)}})
    if filters.region_codes:
        region: list[dict[str, Any]] = [{"terms": {"region_code": sorted(filters.region_codes)}}]
        if NATIONAL_CODE in filters.region_codes:
            region.append({"bool": {"must_not": {"exists": {"field": "region_code"}}}})
        clauses.append({"bool": {"should": region, "minimum_should_match": 1}})
    if filters.issuer:
        clauses.append({"wildcard": {"issuers": {"value": f"*{_escape_wildcard(filters.issuer)}*"}}})
    if filters.date_from or filters.date_to:
        bounds = {k: v for k, v in (("gte", filters.date_from), ("lte", filters.date_to)) if v}
        clauses.append({"range": {"date_published": bounds}})
    if filters.status:
        clauses.append({"term": {"status": filters.status}})
    if filters.as_of:
        clauses.append({"range": {"effective_date": {"lte": filters.as_of}}})
    return clauses


def _escape_wildcard(value: str) -> str:
    return value.replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?")


def unit_records(prepared: PreparedDocument) -> Iterator[dict[str, Any]]:
    """The unit index records of one prepared document (the extra BM25 fields' tokens join the unit's tokens:
    Elasticsearch keeps one field, without the schema's field weights)."""
    document = prepared.document
    meta = {name: getattr(document, name) for name in DOCUMENT_FIELDS}
    meta.update({name: list(getattr(document, name)) for name in DOCUMENT_LIST_FIELDS})
    meta["effective_date"] = effective_date(document)
    vectors = prepared.vectors
    row = 0
    fields = list(prepared.fields.values())
    for number, (unit, unit_tokens) in enumerate(zip(document.units, prepared.tokens, strict=True)):
        tokens = unit_tokens + tuple(t for field in fields for t in field[number])
        record = {
            **meta,
            "unit_id": unit.id,
            "clause_id": unit.clause_id,
            "article": unit.article,
            "text": unit.text,
            "tokens": " ".join(t.replace(" ", "_") for t in tokens),
        }
        if vectors is not None:
            pieces = len(vector_chunks(unit.vector_text))
            rows = np.asarray(vectors[row : row + pieces], dtype=np.float32)  # type: ignore[index]
            record["vectors"] = [{"vector": vector.tolist()} for vector in rows]
            row += pieces
        yield record


class ElasticsearchIndex(SearchIndex):
    """Search index on an Elasticsearch server (8.x or 9.x)."""

    def __init__(self, client: Any, name: str) -> None:
        self.client = client
        self.name = name
        self.documents_name = f"{name}-documents"

    @classmethod
    def connect(cls, url: str, name: str, **client_options: Any) -> ElasticsearchIndex:
        """Open a client for ``url`` (nothing is sent until the first call)."""
        from elasticsearch import Elasticsearch

        return cls(Elasticsearch(url, **client_options), name)

    def _call(self, what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        from elasticsearch import ApiError, TransportError

        try:
            return fn(*args, **kwargs)
        except (ApiError, TransportError) as e:
            raise SearchIndexError(f"elasticsearch {what} on {self.name!r} failed: {e}") from e

    def schema(self) -> IndexSchema | None:
        """The schema in the unit index's mapping ``_meta`` (``None`` when the index does not exist)."""
        if not self._call("exists", self.client.indices.exists, index=self.name):
            return None
        mapping = self._call("get_mapping", self.client.indices.get_mapping, index=self.name)
        for body in dict(mapping).values():
            stored = body.get("mappings", {}).get("_meta", {}).get("schema")
            if stored:
                return IndexSchema(**stored)
        return None

    def indexed_documents(self) -> dict[str, str]:
        """``doc_id → content_hash`` read from the ``-documents`` index."""
        if not self._call("exists", self.client.indices.exists, index=self.documents_name):
            return {}
        from elasticsearch import helpers

        hits = self._call(
            "scan",
            lambda: list(helpers.scan(self.client, index=self.documents_name, query={"query": {"match_all": {}}})),
        )
        return {hit["_source"]["doc_id"]: hit["_source"]["content_hash"] for hit in hits}

    def apply(self, schema: IndexSchema, upserts: Sequence[PreparedDocument], deletions: Sequence[str]) -> None:
        """Replace and delete documents' units (see the module docstring for the order that makes it repairable)."""
        from elasticsearch import helpers

        if self.schema() != schema:
            for name in (self.name, self.documents_name):
                self._call("delete index", self.client.indices.delete, index=name, ignore_unavailable=True)
            self._call("create index", self.client.indices.create, index=self.name, **unit_mapping(schema))
            self._call("create index", self.client.indices.create, index=self.documents_name, **DOCUMENT_MAPPING)
        affected = sorted({*deletions, *(p.document.doc_id for p in upserts)})
        for start in range(0, len(affected), BULK_CHUNK):
            chunk = affected[start : start + BULK_CHUNK]
            for name in (self.documents_name, self.name):
                self._call(
                    "delete_by_query",
                    self.client.delete_by_query,
                    index=name,
                    query={"terms": {"doc_id": chunk}},
                    refresh=True,
                    conflicts="proceed",
                )
        actions = (
            {"_index": self.name, "_id": record["unit_id"], "_source": record}
            for prepared in upserts
            for record in unit_records(prepared)
        )
        self._call("bulk", helpers.bulk, self.client, actions, chunk_size=BULK_CHUNK, refresh="wait_for")
        documents = (
            {"_index": self.documents_name, "_id": p.document.doc_id, "_source": _document_record(p.document)}
            for p in upserts
        )
        self._call("bulk", helpers.bulk, self.client, documents, chunk_size=BULK_CHUNK, refresh="wait_for")

    def lexical_search(
        self, tokens: Sequence[str], filters: Filters, limit: int, weights: Mapping[str, float] | None = None
    ) -> list[tuple[str, float]]:
        """BM25 ``match`` on the token field (OR of the tokens) within the filters; with ``weights``, a ``should``
        of one boosted ``term`` query per token."""
        if weights is not None:
            must: dict[str, Any] = {
                "bool": {
                    "should": [
                        {"term": {"tokens": {"value": t.replace(" ", "_"), "boost": w}}}
                        for t, w in weights.items()
                        if w > 0
                    ]
                }
            }
            if not must["bool"]["should"]:
                return []
        elif not tokens:
            return []
        else:
            must = {"match": {"tokens": {"query": " ".join(t.replace(" ", "_") for t in tokens)}}}
        query = {"bool": {"must": must, "filter": filter_clauses(filters)}}
        response = self._call("search", self.client.search, index=self.name, query=query, size=limit, source=False)
        return _scored_ids(response)

    def vector_search(self, vector: np.ndarray, filters: Filters, limit: int) -> list[tuple[str, float]]:
        """Approximate nested kNN on the units' piece vectors (a unit scores its best piece, as the embedded index
        does) within the filters (similarity mapped back to cosine)."""
        knn: dict[str, Any] = {
            "field": "vectors.vector",
            "query_vector": np.asarray(vector, dtype=np.float32).tolist(),
            "k": limit,
            "num_candidates": max(limit * KNN_CANDIDATE_FACTOR, 100),
        }
        clauses = filter_clauses(filters)
        if clauses:
            knn["filter"] = {"bool": {"filter": clauses}}
        response = self._call("knn search", self.client.search, index=self.name, knn=knn, size=limit, source=False)
        # Elasticsearch scores dot_product as (1 + dot) / 2; report the cosine itself
        return [(unit_id, 2.0 * score - 1.0) for unit_id, score in _scored_ids(response)]

    def get_units(self, unit_ids: Sequence[str]) -> dict[str, StoredUnit]:
        """Units fetched with ``mget`` (vectors and tokens left out)."""
        if not unit_ids:
            return {}
        response = self._call(
            "mget",
            self.client.mget,
            index=self.name,
            ids=list(unit_ids),
            source_excludes=["vectors", "tokens"],
        )
        found: dict[str, StoredUnit] = {}
        for doc in dict(response)["docs"]:
            if doc.get("found"):
                found[doc["_id"]] = stored_unit(doc["_source"])
        return found

    def close(self) -> None:
        """Close the client's connections."""
        self.client.close()


def _document_record(document: IndexDocument) -> dict[str, Any]:
    return {"doc_id": document.doc_id, "content_hash": document.content_hash}


def _scored_ids(response: Any) -> list[tuple[str, float]]:
    return [(hit["_id"], float(hit["_score"])) for hit in dict(response)["hits"]["hits"]]


def stored_unit(source: dict[str, Any]) -> StoredUnit:
    """A stored unit from a unit record's ``_source``."""
    fields: dict[str, Any] = {name: source.get(name) for name in DOCUMENT_FIELDS}
    fields.update({name: tuple(source.get(name) or ()) for name in DOCUMENT_LIST_FIELDS})
    document = IndexDocument(**fields)
    return StoredUnit(
        source["unit_id"], document, source.get("clause_id"), source.get("article"), source.get("text", "")
    )
