"""The Elasticsearch adapter's requests and response parsing, through the real ``elasticsearch`` client.

No Elasticsearch server can run here, so a small HTTP server on 127.0.0.1 answers the way Elasticsearch does
(product header, bulk and search response shapes) and records every request; the client, its transport and
serialisation are the real ones. ``tests/e2e/test_elasticsearch_contract.py`` runs against a real server when
``ELASTICSEARCH_URL`` is set.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pytest

from search.analysis import Analyzer
from search.errors import SearchIndexError
from search.indexes.base import IndexSchema
from search.indexes.elasticsearch import ElasticsearchIndex, filter_clauses, unit_mapping
from search.types import Filters, PreparedDocument
from search.units import vector_chunks
from tests.unit.search.conftest import FakeEmbedder, make_document


class EsLikeServer:
    """Records requests and answers like Elasticsearch 9 for the calls the adapter makes."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, Any]] = []
        self.indices: dict[str, dict[str, Any]] = {}
        self.sources: dict[str, dict[str, Any]] = {}
        self.search_hits: list[dict[str, Any]] = []
        self.fail_with: int | None = None

    def answer(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        self.requests.append((method, path, body))
        if self.fail_with:
            return self.fail_with, {"error": {"type": "exception", "reason": "boom"}, "status": self.fail_with}
        parts = [p for p in path.split("/") if p]
        if method == "HEAD":
            return (200 if parts[0] in self.indices else 404), None
        if method == "PUT" and len(parts) == 1 and not parts[0].startswith("_"):
            self.indices[parts[0]] = body
            return 200, {"acknowledged": True, "index": parts[0]}
        if method == "DELETE":
            self.indices.pop(parts[0], None)
            return 200, {"acknowledged": True}
        if parts[-1] == "_mapping":
            return 200, {parts[0]: {"mappings": self.indices[parts[0]]["mappings"]}}
        if parts[-1] == "_delete_by_query":
            return 200, {"deleted": 0, "failures": []}
        if parts[-1] == "_bulk":
            items = []
            for line in body:
                if "index" in line:
                    action = line["index"]
                    items.append({"index": {"_index": action["_index"], "_id": action["_id"], "status": 201}})
                else:
                    self.sources[line.get("unit_id") or line["doc_id"]] = line
            return 200, {"errors": False, "took": 1, "items": items}
        if parts[-1] == "_search":
            return 200, {"hits": {"total": {"value": len(self.search_hits)}, "hits": self.search_hits}}
        if parts[-1] == "_mget":
            docs = [
                {"_id": i, "found": i in self.sources, **({"_source": self.sources[i]} if i in self.sources else {})}
                for i in body["ids"]
            ]
            return 200, {"docs": docs}
        return 400, {"error": f"unexpected {method} {path}"}


@pytest.fixture
def es_server() -> Iterator[tuple[EsLikeServer, str]]:
    state = EsLikeServer()

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode() if length else ""
            if raw and urlsplit(self.path).path.endswith("_bulk"):
                body: Any = [json.loads(line) for line in raw.splitlines() if line.strip()]
            else:
                body = json.loads(raw) if raw else None
            status, payload = state.answer(self.command, urlsplit(self.path).path, body)
            data = json.dumps(payload).encode() if payload is not None else b""
            self.send_response(status)
            self.send_header("X-Elastic-Product", "Elasticsearch")
            self.send_header("Content-Type", "application/vnd.elasticsearch+json; compatible-with=9")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


SCHEMA = IndexSchema("fp", "fake", 64)


def _prepared(analyzer: Analyzer) -> PreparedDocument:
    document = make_document("rent", "房租减免办法", ["小微企业房租减免"], doc_type="政策文件", region_code="110112")
    tokens = tuple(tuple(analyzer.tokens(u.text)) for u in document.units)
    return PreparedDocument(
        document, tokens, FakeEmbedder().embed([p for u in document.units for p in vector_chunks(u.vector_text)])
    )


def test_mapping_segments_on_whitespace_and_stores_unit_vectors() -> None:
    mapping = unit_mapping(SCHEMA)
    assert mapping["settings"]["analysis"]["analyzer"]["pretokenized"]["tokenizer"] == "whitespace"
    assert mapping["mappings"]["properties"]["tokens"]["analyzer"] == "pretokenized"
    assert mapping["mappings"]["properties"]["vectors"] == {
        "type": "nested",
        "properties": {"vector": {"type": "dense_vector", "dims": 64, "index": True, "similarity": "dot_product"}},
    }
    assert mapping["mappings"]["_meta"]["schema"] == {
        "analyzer": "fp",
        "embedder": "fake",
        "dimension": 64,
        "fields": (),
    }
    assert "vectors" not in unit_mapping(IndexSchema("fp", "none", 0))["mappings"]["properties"]


def test_filters_become_bool_filter_clauses() -> None:
    clauses = filter_clauses(
        Filters(
            doc_types=frozenset({"法律"}),
            region_codes=frozenset({"110112", "110000", "100000"}),
            issuer="国务院*",
            date_from="2020-01-01",
            status="现行有效",
            as_of="2021-01-01",
        )
    )
    assert {"terms": {"doc_type": ["法律"]}} in clauses
    region = next(c for c in clauses if "bool" in c)["bool"]["should"]
    assert region[0] == {"terms": {"region_code": ["100000", "110000", "110112"]}}
    assert region[1] == {"bool": {"must_not": {"exists": {"field": "region_code"}}}}
    assert {"wildcard": {"issuers": {"value": "*国务院\\**"}}} in clauses
    assert {"range": {"date_published": {"gte": "2020-01-01"}}} in clauses
    assert {"range": {"effective_date": {"lte": "2021-01-01"}}} in clauses
    assert filter_clauses(Filters()) == []


def test_apply_creates_the_indices_then_replaces_units_before_document_records(
    es_server: tuple[EsLikeServer, str], analyzer: Analyzer
) -> None:
    state, url = es_server
    index = ElasticsearchIndex.connect(url, "pkg")
    assert index.schema() is None
    index.apply(SCHEMA, [_prepared(analyzer)], ["gone"])
    calls = [(m, p) for m, p, _ in state.requests]
    assert ("PUT", "/pkg") in calls and ("PUT", "/pkg-documents") in calls
    bulk_positions = [i for i, (_, p) in enumerate(calls) if p == "/_bulk"]
    delete_positions = [i for i, (m, p) in enumerate(calls) if p.endswith("_delete_by_query")]
    assert max(delete_positions) < bulk_positions[0] < bulk_positions[1]
    deleted = next(b for m, p, b in state.requests if p == "/pkg/_delete_by_query")
    assert deleted["query"] == {"terms": {"doc_id": ["gone", "rent"]}}
    unit_lines = next(b for m, p, b in state.requests if p == "/_bulk")
    record = unit_lines[1]
    assert record["unit_id"] == "rent-a0" and record["region_code"] == "110112"
    assert "小微企业" in record["tokens"].split(" ")
    assert [len(piece["vector"]) for piece in record["vectors"]] == [64]
    document_lines = [b for m, p, b in state.requests if p == "/_bulk"][1]
    assert document_lines[1] == {"doc_id": "rent", "content_hash": "h-rent"}
    assert index.schema() == SCHEMA
    state.requests.clear()
    index.apply(SCHEMA, [], ["rent"])
    assert ("PUT", "/pkg") not in [(m, p) for m, p, _ in state.requests]


def test_lexical_and_vector_search_send_match_and_knn_and_parse_hits(es_server: tuple[EsLikeServer, str]) -> None:
    state, url = es_server
    index = ElasticsearchIndex.connect(url, "pkg")
    state.search_hits = [{"_id": "u1", "_score": 7.5}, {"_id": "u2", "_score": 3.0}]
    filters = Filters(doc_types=frozenset({"法律"}))
    assert index.lexical_search(["房租", "减免"], filters, 50) == [("u1", 7.5), ("u2", 3.0)]
    body = state.requests[-1][2]
    assert body["query"]["bool"]["must"] == {"match": {"tokens": {"query": "房租 减免"}}}
    assert body["query"]["bool"]["filter"] == [{"terms": {"doc_type": ["法律"]}}]
    assert body["size"] == 50 and body["_source"] is False

    state.search_hits = [{"_id": "u3", "_score": 0.9}]
    found = index.vector_search(np.ones(4, dtype=np.float32) / 2, filters, 20)
    assert found[0][0] == "u3" and found[0][1] == pytest.approx(0.8)
    knn = state.requests[-1][2]["knn"]
    assert (
        knn["field"] == "vectors.vector"
        and knn["k"] == 20
        and knn["num_candidates"] == 100
        and knn["query_vector"] == [0.5] * 4
    )
    assert knn["filter"] == {"bool": {"filter": [{"terms": {"doc_type": ["法律"]}}]}}
    assert index.lexical_search([], filters, 5) == []


def test_get_units_rebuilds_documents_from_unit_records(
    es_server: tuple[EsLikeServer, str], analyzer: Analyzer
) -> None:
    _, url = es_server
    index = ElasticsearchIndex.connect(url, "pkg")
    index.apply(SCHEMA, [_prepared(analyzer)], [])
    units = index.get_units(["rent-a0", "missing"])
    assert list(units) == ["rent-a0"]
    unit = units["rent-a0"]
    assert (unit.article, unit.document.title, unit.document.region_code) == ("第一条", "房租减免办法", "110112")
    assert unit.text.endswith("小微企业房租减免")


def test_server_errors_become_search_index_errors(es_server: tuple[EsLikeServer, str]) -> None:
    state, url = es_server
    state.fail_with = 500
    index = ElasticsearchIndex.connect(url, "pkg", retry_on_status=(), max_retries=0)
    with pytest.raises(SearchIndexError, match="elasticsearch search on 'pkg' failed"):
        index.lexical_search(["房租"], Filters(), 5)


def test_an_unreachable_server_is_a_search_index_error() -> None:
    index = ElasticsearchIndex.connect("http://127.0.0.1:9", "pkg", max_retries=0, request_timeout=2)
    with pytest.raises(SearchIndexError, match="failed"):
        index.schema()


def test_a_weighted_lexical_query_sends_one_boosted_term_per_token(es_server: tuple[EsLikeServer, str]) -> None:
    state, url = es_server
    index = ElasticsearchIndex.connect(url, "pkg")
    state.search_hits = [{"_id": "u1", "_score": 2.0}]
    assert index.lexical_search(["房租"], Filters(), 5, {"房租": 1.0, "租赁": 0.3}) == [("u1", 2.0)]
    should = state.requests[-1][2]["query"]["bool"]["must"]["bool"]["should"]
    assert should == [
        {"term": {"tokens": {"value": "房租", "boost": 1.0}}},
        {"term": {"tokens": {"value": "租赁", "boost": 0.3}}},
    ]
    assert index.lexical_search(["房租"], Filters(), 5, {"房租": 0.0}) == []
