"""The reranker: query terms, features, the article and passage models, the shipped model, and its use in search."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from search.errors import SearchIndexError
from search.rerank import (
    DEFAULT_MODEL,
    FEATURES,
    RERANK_DEPTH,
    Candidate,
    LinearReranker,
    LogisticModel,
    QueryTerms,
    feature_matrix,
)
from search.service import SearchService
from search.types import SearchRequest

STOPWORDS = frozenset({"的", "有", "哪些", "对"})


def candidate(unit_id: str, text: str, fused: float, **kwargs: object) -> Candidate:
    defaults: dict[str, object] = {"document_id": unit_id, "title": "", "lexical": fused, "vector": None}
    return Candidate(unit_id=unit_id, text=text, fused=fused, **{**defaults, **kwargs})  # type: ignore[arg-type]


def only(feature: str, weight: float, bias: float = 0.0) -> LogisticModel:
    """A model that looks at one feature."""
    return LogisticModel(tuple(weight if f == feature else 0.0 for f in FEATURES), bias)


def column(matrix: np.ndarray, feature: str) -> list[float]:
    return [round(float(v), 4) for v in matrix[:, FEATURES.index(feature)]]


def test_query_bigrams_skip_stopwords_and_punctuation_and_words_carry_their_synonyms() -> None:
    terms = QueryTerms.of("海陵区的房租有哪些？", ["海陵区", "房租"], STOPWORDS, {"房租": frozenset({"房租", "租金"})})
    assert terms.bigrams == {"海陵", "陵区", "房租"}
    assert terms.words == (frozenset({"海陵区"}), frozenset({"房租", "租金"}))


def test_features_measure_how_much_of_the_query_each_unit_and_document_covers() -> None:
    terms = QueryTerms.of("海陵区房租", ["海陵区", "房租"], STOPWORDS, {"房租": frozenset({"房租", "租金"})})
    candidates = [
        candidate("a", "海陵区减免租金", 2.0, document_id="d1"),
        candidate("b", "无关内容", 1.0, document_id="d2", title="关于房租的通知"),
        candidate("c", "房租减半", 0.5, document_id="d1"),
    ]
    matrix = feature_matrix(terms, candidates)
    assert matrix.shape == (3, len(FEATURES))
    assert column(matrix, "fused") == [1.0, 0.5, 0.25]
    assert column(matrix, "unit_terms") == [1.0, 0.0, 0.5]  # 租金 counts for 房租
    # the query's bigrams: 海陵 陵区 区房 房租
    assert column(matrix, "unit_bigrams") == [0.5, 0.0, 0.25]
    assert column(matrix, "document_bigrams") == [0.75, 0.25, 0.75]  # d1: 海陵, 陵区 in a and 房租 in c
    assert column(matrix, "title_bigrams") == [0.0, 0.25, 0.0]
    assert column(matrix, "document_units") == [round(2 / 3, 4), round(1 / 3, 4), round(2 / 3, 4)]
    assert column(matrix, "vector") == [0.0, 0.0, 0.0]  # absent from the vector list


def test_region_features_compare_the_regions_asked_with_the_documents_region() -> None:
    terms = QueryTerms.of("山东", [], STOPWORDS, {}, frozenset({"370000"}))
    candidates = [
        candidate("inside", "x", 1.0, region_code="370200"),  # 青岛市 lies in 山东
        candidate("other", "x", 1.0, region_code="140000"),  # 山西
        candidate("national", "x", 1.0, region_code="100000"),
        candidate("unknown", "x", 1.0, region_code=None),
    ]
    matrix = feature_matrix(terms, candidates)
    assert column(matrix, "region_match") == [1.0, 0.0, 0.0, 0.0]
    assert column(matrix, "region_mismatch") == [0.0, 1.0, 0.0, 0.0]


def test_rerank_puts_the_covering_passage_first_and_keeps_the_tail_below() -> None:
    terms = QueryTerms.of("海陵区政务服务", ["海陵区", "政务服务"], STOPWORDS, {})
    head = [candidate("vague", "政务", 3.0), candidate("exact", "海陵区政务服务大厅", 2.0)]
    tail = [candidate(f"t{i}", "无关", 1.0 - i / 100) for i in range(RERANK_DEPTH)]
    reranker = LinearReranker(article=only("fused", 1.0), passage=only("unit_bigrams", 8.0, bias=-4.0))
    ranked = reranker.rerank(terms, head + tail)
    assert [u for u, _ in ranked[:2]] == ["exact", "vague"]
    assert [u for u, _ in ranked[RERANK_DEPTH:]] == ["t28", "t29"]  # beyond the depth: fused order, after the head
    scores = [s for _, s in ranked]
    assert scores == sorted(scores, reverse=True)


def test_expanded_coverage_counts_a_word_the_thesaurus_adds() -> None:
    added = {"员工": frozenset({"劳动者"})}
    terms = QueryTerms.of("员工加班", ["员工", "加班"], STOPWORDS, {}, added_of=lambda w: added.get(w, frozenset()))
    candidates = [candidate("law", "劳动者加班的，应当支付加班费", 1.0), candidate("other", "员工培训", 0.5)]
    matrix = feature_matrix(terms, candidates)
    assert column(matrix, "unit_terms") == [0.5, 0.5]
    assert column(matrix, "unit_expanded_terms") == [1.0, 0.5]


def test_articles_are_scored_by_the_article_model() -> None:
    terms = QueryTerms.of("试用期", ["试用期"], STOPWORDS, {})
    candidates = [candidate("passage", "试用期", 2.0), candidate("article", "工资", 1.0, is_article=True)]
    reranker = LinearReranker(article=LogisticModel((0.0,) * len(FEATURES), 5.0), passage=only("fused", 0.0))
    assert [u for u, _ in reranker.rerank(terms, candidates)] == ["article", "passage"]


def test_models_round_trip_and_a_file_for_other_features_is_refused(tmp_path: Path) -> None:
    reranker = LinearReranker(article=only("fused", 1.5, 0.5), passage=only("unit_terms", 2.0))
    reranker.save(tmp_path / "r.json")
    assert LinearReranker.load(tmp_path / "r.json") == reranker
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    older = {"features": ["fused", "unit_terms"]}  # fitted before the other features existed: they weigh 0
    older.update(
        {
            k: {**data[k], "weights": [data[k]["weights"][FEATURES.index(f)] for f in older["features"]]}
            for k in ("article", "passage")
        }
    )
    (tmp_path / "older.json").write_text(json.dumps(older), encoding="utf-8")
    assert LinearReranker.load(tmp_path / "older.json") == reranker
    data["features"] = ["fused", *FEATURES[1:-1], "unknown"]
    (tmp_path / "bad.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SearchIndexError, match="features"):
        LinearReranker.load(tmp_path / "bad.json")
    with pytest.raises(SearchIndexError, match="cannot read"):
        LinearReranker.load(tmp_path / "missing.json")


def test_the_shipped_model_loads_and_says_what_it_was_trained_on() -> None:
    reranker = LinearReranker.load(DEFAULT_MODEL)
    assert "stard" in reranker.article.trained_on and "ncp" in reranker.passage.trained_on


def test_only_hybrid_searches_are_reranked(service: SearchService) -> None:
    request = SearchRequest(query="小微企业房租补贴", top=5)
    fused = [h.doc_id for h in service.search(request).hits]
    service.reranker = LinearReranker(article=only("log_rank", 10.0), passage=only("log_rank", 10.0))
    reranked = [h.doc_id for h in service.search(request).hits]
    assert len(fused) > 1 and reranked[0] == fused[-1]  # this model prefers the last candidate
    lexical = SearchRequest(query="小微企业房租补贴", top=5, mode="lexical")
    service.reranker = None
    plain = [h.doc_id for h in service.search(lexical).hits]
    service.reranker = LinearReranker(article=only("log_rank", 10.0), passage=only("log_rank", 10.0))
    assert [h.doc_id for h in service.search(lexical).hits] == plain
