"""The search service over the embedded index with a fake embedder: fusion, filters, grouping, bad queries."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from pydantic import ValidationError

from search.analysis import Analyzer
from search.errors import InvalidQueryError
from search.indexes.embedded import EmbeddedIndex
from search.ranking import Fusion
from search.service import SearchService
from search.types import SearchRequest
from tests.unit.search.conftest import FakeEmbedder, make_document


def test_hybrid_search_finds_the_rent_relief_article_with_a_synonym(service: SearchService) -> None:
    response = service.search(SearchRequest(query="小型微型企业的房租能减免吗"))
    best = response.hits[0]
    assert (best.doc_id, best.article, best.clause_id) == ("rent", "第一条", "rent-a0")
    assert best.source_id == "src-rent" and best.region_code == "110112"
    assert "【租金】" in best.snippet and "减免】" in best.snippet
    assert "小微企业" in response.tokens


def test_current_version_ranks_above_the_superseded_one(service: SearchService) -> None:
    hits = service.search(SearchRequest(query="劳动合同法规定试用期最长多久", mode="lexical")).hits
    by_doc = [(h.doc_id, h.article) for h in hits]
    assert by_doc.index(("labour", "第二条")) < by_doc.index(("labour-old", "第二条"))
    assert by_doc[0] == ("labour", "第二条")


def test_grouping_keeps_one_hit_per_document(service: SearchService) -> None:
    hits = service.search(SearchRequest(query="房租 减免 小微企业 个体工商户", group_by_document=True, top=10)).hits
    doc_ids = [h.doc_id for h in hits]
    assert len(doc_ids) == len(set(doc_ids)) and "rent" in doc_ids


def test_a_county_finds_its_own_and_national_documents_but_not_another_province(service: SearchService) -> None:
    hits = service.search(SearchRequest(query="房租", region="110112", top=20)).hits
    assert {h.doc_id for h in hits} <= {"rent", "labour", "labour-old"}
    assert "rent" in {h.doc_id for h in hits}
    by_name = service.search(SearchRequest(query="房租", region="天津市", top=20)).hits
    assert {h.doc_id for h in by_name} <= {"tj", "labour", "labour-old"}


def test_doc_type_filter(service: SearchService) -> None:
    hits = service.search(SearchRequest(query="房租 劳动报酬", doc_types=("法律",), top=20)).hits
    assert hits and {h.doc_type for h in hits} == {"法律"}


def test_unknown_region_is_a_clear_error(service: SearchService) -> None:
    with pytest.raises(InvalidQueryError, match="region"):
        service.search(SearchRequest(query="房租", region="999999"))
    with pytest.raises(InvalidQueryError, match="region"):
        service.search(SearchRequest(query="房租", region="火星市"))


@pytest.mark.parametrize("query", ["", "   ", "房" * 10_000])
def test_empty_and_oversized_queries_are_refused(query: str) -> None:
    with pytest.raises(ValidationError, match="query"):
        SearchRequest(query=query)


def test_unknown_filter_values_are_refused() -> None:
    with pytest.raises(ValidationError, match="doc_types"):
        SearchRequest(query="房租", doc_types=("小说",))  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="status"):
        SearchRequest(query="房租", status="有效吧")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="date_from"):
        SearchRequest(query="房租", date_from="2021-01-01", date_to="2020-01-01")  # type: ignore[arg-type]


def test_emoji_only_query_finds_nothing(service: SearchService) -> None:
    assert service.search(SearchRequest(query="😀🎉")).hits == []


def test_lexical_and_vector_modes_each_answer(service: SearchService) -> None:
    assert service.search(SearchRequest(query="劳动报酬", mode="lexical")).hits[0].doc_id.startswith("labour")
    assert service.search(SearchRequest(query="劳动报酬", mode="vector")).hits


def test_reindexing_with_another_analyzer_replaces_the_schema(tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    first = SearchService(EmbeddedIndex(tmp_path / "i"), analyzer=Analyzer(), embedder=fake_embedder)
    first.index_documents([make_document("a", "甲法", ["吹哨报到机制"])])
    second = SearchService(EmbeddedIndex(tmp_path / "i"), analyzer=Analyzer(["吹哨报到机制"]), embedder=fake_embedder)
    assert second.index.schema() != second.schema


def test_fusion_depths_bound_how_many_units_of_each_list_are_fused(service: SearchService) -> None:
    request = SearchRequest(query="小微企业房租减免", top=1)
    assert len(service.candidates(request)) > 2
    service.fusion = Fusion(lexical_depth=1, vector_depth=1)
    assert 1 <= len(service.candidates(request)) <= 2  # the best of each list, once or twice


def test_units_other_than_articles_enter_from_their_share_of_the_depth(
    tmp_path: Path, analyzer: Analyzer, fake_embedder: FakeEmbedder
) -> None:
    law = make_document("law", "企业法", [f"企业应当依法纳税第{i}项" for i in range(6)])
    policy = make_document("policy", "企业通知", [f"企业可以申请补贴第{i}项" for i in range(6)])
    policy = replace(policy, units=tuple(replace(u, article=None) for u in policy.units))
    service = SearchService(EmbeddedIndex(tmp_path / "i"), analyzer=analyzer, embedder=fake_embedder)
    service.index_documents([law, policy])
    request = SearchRequest(query="企业", top=1, mode="lexical")
    service.fusion = Fusion(lexical_depth=10)
    whole = [c.unit_id for c in service.candidates(request)]
    assert len(whole) == 10  # of 12: at least 4 passages
    service.fusion = Fusion(lexical_depth=10, passage_depth_share=0.2)  # passages only from the first 2
    shared = {c.unit_id for c in service.candidates(request)}
    assert {u for u in whole if u.startswith("law")} <= shared
    assert len([u for u in shared if u.startswith("policy")]) <= 2 < len([u for u in whole if u.startswith("policy")])
