"""One contract for every search back-end: the embedded index always, Elasticsearch when ELASTICSEARCH_URL is set.

Against a real server the test creates and deletes its own indices (``policykg-test-<random>``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from search.analysis import Analyzer
from search.indexes.base import SearchIndex
from search.indexes.embedded import EmbeddedIndex
from search.service import SearchService
from search.types import SearchRequest
from tests.unit.search.conftest import FakeEmbedder, make_document

ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL")


@pytest.fixture(
    params=[
        "embedded",
        pytest.param(
            "elasticsearch",
            marks=[
                pytest.mark.elasticsearch,
                pytest.mark.skipif(not ELASTICSEARCH_URL, reason="ELASTICSEARCH_URL is not set: no server to test"),
            ],
        ),
    ]
)
def search_index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchIndex]:
    if request.param == "embedded":
        yield EmbeddedIndex(tmp_path / "index")
        return
    from search.indexes.elasticsearch import ElasticsearchIndex

    assert ELASTICSEARCH_URL is not None
    index = ElasticsearchIndex.connect(ELASTICSEARCH_URL, f"policykg-test-{uuid.uuid4().hex[:8]}")
    yield index
    for name in (index.name, index.documents_name):
        index.client.indices.delete(index=name, ignore_unavailable=True)
    index.close()


@pytest.fixture
def service(search_index: SearchIndex) -> SearchService:
    service = SearchService(search_index, analyzer=Analyzer(), embedder=FakeEmbedder())
    service.index_documents(
        [
            make_document(
                "rent",
                "房租减免办法",
                ["小微企业房租减免三个月", "申请程序"],
                doc_type="政策文件",
                region_code="110112",
            ),
            make_document("tax", "税收优惠办法", ["增值税免征"], doc_type="政策文件", region_code="120000"),
            make_document("law", "中华人民共和国劳动合同法", ["劳动报酬按月支付"], doc_type="法律"),
        ]
    )
    return service


def test_each_mode_finds_the_relevant_article(service: SearchService) -> None:
    for mode in ("lexical", "vector", "hybrid"):
        hits = service.search(SearchRequest(query="小型微型企业房租", mode=mode, top=3)).hits  # type: ignore[arg-type]
        assert hits[0].clause_id == "rent-a0", mode


def test_filters_apply_the_same_way(service: SearchService) -> None:
    hits = service.search(SearchRequest(query="房租 增值税 劳动报酬", region="110112", top=10)).hits
    assert {h.doc_id for h in hits} == {"rent", "law"}
    typed = service.search(SearchRequest(query="房租 增值税 劳动报酬", doc_types=("法律",), top=10)).hits
    assert {h.doc_id for h in typed} == {"law"}


def test_replacing_and_deleting_documents(service: SearchService) -> None:
    service.index_documents([make_document("rent", "房租减免办法", ["个体工商户租金减免"])], deletions=["tax"])
    assert set(service.index.indexed_documents()) == {"rent", "law"}
    assert service.search(SearchRequest(query="增值税", mode="lexical")).hits == []
    hits = service.search(SearchRequest(query="个体工商户", mode="lexical")).hits
    assert [h.clause_id for h in hits] == ["rent-a0"]
    assert service.index.schema() == service.schema
