"""BM25 and vector indexes, the vector cache, and the embedded index's atomic versions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from search.analysis import Analyzer
from search.bm25 import Bm25Index
from search.embedders.base import normalise_rows
from search.errors import SearchIndexError
from search.indexes.base import IndexSchema
from search.indexes.embedded import CURRENT_FILE, EmbeddedIndex, document_mask
from search.types import Filters, PreparedDocument
from search.units import vector_chunks
from search.vector_cache import VectorCache
from search.vector_index import VectorIndex
from tests.unit.search.conftest import FakeEmbedder, make_document


def test_bm25_ranks_the_unit_with_the_rare_term_first(tmp_path: Path) -> None:
    index = Bm25Index.build([["房租", "减免"], ["税收", "减免"], ["房租", "房租", "补贴"]])
    scores = index.scores(["房租", "补贴"])
    assert int(np.argmax(scores)) == 2
    assert scores[1] == 0
    index.save(tmp_path / "bm25")
    assert np.allclose(Bm25Index.load(tmp_path / "bm25", 3).scores(["房租", "补贴"]), scores)


def test_bm25_of_unknown_tokens_is_zero() -> None:
    assert not Bm25Index.build([["房租"]]).scores(["火星"]).any()


def test_vector_index_returns_nearest_rows_within_the_mask() -> None:
    matrix = normalise_rows(np.array([[1, 0], [0.9, 0.1], [0, 1]], dtype=np.float32))
    index = VectorIndex.build(matrix)
    rows, similarities = index.search(np.array([1, 0], dtype=np.float32), None, 2)
    assert rows.tolist() == [0, 1]
    assert similarities[0] == pytest.approx(1.0)
    rows, _ = index.search(np.array([1, 0], dtype=np.float32), np.array([False, True, True]), 5)
    assert rows.tolist() == [1, 2]


def test_vector_index_uses_hnsw_beyond_the_threshold(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("search.vector_index.HNSW_THRESHOLD", 10)
    rng = np.random.default_rng(7)
    matrix = normalise_rows(rng.normal(size=(200, 16)))
    index = VectorIndex.build(matrix)
    rows, _ = index.search(matrix[42], None, 3)
    assert rows[0] == 42
    mask = np.ones(200, dtype=bool)
    mask[42] = False
    assert 42 not in index.search(matrix[42], mask, 3)[0].tolist()
    index.save(tmp_path)
    assert VectorIndex.load(tmp_path, 16).search(matrix[42], None, 1)[0].tolist() == [42]


def test_a_unit_with_several_vectors_scores_its_best_one() -> None:
    matrix = normalise_rows(np.array([[0, 1], [1, 0], [0.6, 0.8], [0.8, 0.6]], dtype=np.float32))
    index = VectorIndex.build(matrix, np.array([0, 0, 1, 2]))
    assert index.size == 3
    rows, similarities = index.search(np.array([1, 0], dtype=np.float32), None, 3)
    assert rows.tolist() == [0, 2, 1]
    assert similarities.tolist() == pytest.approx([1.0, 0.8, 0.6])
    rows, _ = index.search(np.array([1, 0], dtype=np.float32), np.array([False, True, True]), 3)
    assert rows.tolist() == [2, 1]
    with pytest.raises(SearchIndexError, match="owners"):
        VectorIndex.build(matrix, np.array([0, 2, 2, 3]))


def test_hnsw_search_pools_the_vectors_of_a_unit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("search.vector_index.HNSW_THRESHOLD", 10)
    rng = np.random.default_rng(11)
    matrix = normalise_rows(rng.normal(size=(300, 16)))
    owners = np.repeat(np.arange(100), 3)
    index = VectorIndex.build(matrix, owners)
    rows, _ = index.search(matrix[130], None, 4)  # row 130 is the second vector of unit 43
    assert rows[0] == 43 and len(set(rows.tolist())) == len(rows)
    index.save(tmp_path)
    assert VectorIndex.load(tmp_path, 16).search(matrix[130], None, 1)[0].tolist() == [43]


def test_vector_cache_embeds_each_text_once(tmp_path: Path) -> None:
    calls: list[list[str]] = []
    embedder = FakeEmbedder()

    def embed(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        return embedder.embed(texts)

    cache = VectorCache(tmp_path / "v.npz", 64)
    first = cache.vectors_for(["甲", "乙"], embed)
    cache.save()
    again = VectorCache(tmp_path / "v.npz", 64).vectors_for(["乙", "丙", "甲"], embed)
    assert calls == [["甲", "乙"], ["丙"]]
    assert np.allclose(again[0], first[1]) and np.allclose(again[2], first[0])


def _prepared(analyzer: Analyzer, embedder: FakeEmbedder, *documents: object) -> list[PreparedDocument]:
    out = []
    for document in documents:
        units = document.units  # type: ignore[attr-defined]
        tokens = tuple(tuple(analyzer.tokens(u.text)) for u in units)
        out.append(
            PreparedDocument(document, tokens, embedder.embed([p for u in units for p in vector_chunks(u.vector_text)]))
        )  # type: ignore[arg-type]
    return out


def test_embedded_index_replaces_and_removes_documents_and_survives_reopening(
    tmp_path: Path, analyzer: Analyzer, fake_embedder: FakeEmbedder
) -> None:
    schema = IndexSchema(analyzer.fingerprint, fake_embedder.identity, fake_embedder.dimension)
    index = EmbeddedIndex(tmp_path / "idx")
    rent = make_document("rent", "房租减免办法", ["小微企业房租减免三个月", "申请程序"])
    tax = make_document("tax", "税收优惠办法", ["增值税免征"])
    index.apply(schema, _prepared(analyzer, fake_embedder, rent, tax), [])
    assert index.indexed_documents() == {"rent": "h-rent", "tax": "h-tax"}
    assert index.lexical_search(["房租"], Filters(), 5)[0][0] == "rent-a0"

    new_rent = make_document("rent", "房租减免办法", ["个体工商户租金减免"])
    index.apply(schema, _prepared(analyzer, fake_embedder, new_rent), ["tax"])
    reopened = EmbeddedIndex(tmp_path / "idx")
    assert reopened.indexed_documents() == {"rent": "h-rent"}
    assert [u for u, _ in reopened.lexical_search(["个体工商户"], Filters(), 5)] == ["rent-a0"]
    assert reopened.lexical_search(["增值税"], Filters(), 5) == []
    assert reopened.get_units(["rent-a0"])["rent-a0"].text.endswith("个体工商户租金减免")
    assert len(reopened.vector_search(fake_embedder.embed_query("租金"), Filters(), 5)) == 1
    assert len(list((tmp_path / "idx").glob("v-*"))) == 1
    assert (tmp_path / "idx" / CURRENT_FILE).read_text() == next((tmp_path / "idx").glob("v-*")).name


def test_units_of_several_pieces_keep_their_vectors_when_other_documents_change(
    tmp_path: Path, analyzer: Analyzer, fake_embedder: FakeEmbedder
) -> None:
    schema = IndexSchema(analyzer.fingerprint, fake_embedder.identity, fake_embedder.dimension)
    index = EmbeddedIndex(tmp_path / "idx")
    long_text = "甲" * 100 + "房租减免" * 10
    rent = make_document("rent", "减免办法", [long_text, "申请程序"])
    assert len(vector_chunks(rent.units[0].vector_text)) == 2
    tax = make_document("tax", "税收优惠办法", ["增值税免征"])
    index.apply(schema, _prepared(analyzer, fake_embedder, tax, rent), [])
    query = fake_embedder.embed_query("减免办法：" + "房租减免" * 10)
    assert index.vector_search(query, Filters(), 1)[0][0] == "rent-a0"
    index.apply(schema, [], ["tax"])
    reopened = EmbeddedIndex(tmp_path / "idx")
    found = reopened.vector_search(query, Filters(), 5)
    assert found[0][0] == "rent-a0" and len(found) == 2


def test_a_failed_write_keeps_the_previous_version(
    tmp_path: Path, analyzer: Analyzer, fake_embedder: FakeEmbedder
) -> None:
    schema = IndexSchema(analyzer.fingerprint, fake_embedder.identity, fake_embedder.dimension)
    index = EmbeddedIndex(tmp_path / "idx")
    index.apply(schema, _prepared(analyzer, fake_embedder, make_document("a", "甲法", ["房租"])), [])
    broken = _prepared(analyzer, fake_embedder, make_document("b", "乙法", ["税收"]))[0]
    mismatched = PreparedDocument(broken.document, broken.tokens, np.zeros((3, 64), dtype=np.float32))
    with pytest.raises(Exception, match="every piece needs a vector"):
        index.apply(schema, [mismatched], [])
    assert EmbeddedIndex(tmp_path / "idx").indexed_documents() == {"a": "h-a"}


def test_filters_pick_documents_by_type_region_date_and_version() -> None:
    docs = [
        make_document("n", "国家法", ["甲"], doc_type="法律", date_published="2020-01-01"),
        make_document("c", "县办法", ["乙"], doc_type="规范性文件", region_code="110112", date_published="2021-05-01"),
        make_document("o", "省办法", ["丙"], doc_type="规范性文件", region_code="120000", date_published="2019-01-01"),
        make_document("v1", "条例", ["丁"], work_id="w", version_date="2010-01-01", date_effective="2010-01-01"),
        make_document("v2", "条例", ["戊"], work_id="w", version_date="2020-01-01", date_effective="2020-01-01"),
    ]
    tongzhou = frozenset({"110112", "110000", "100000"})
    assert document_mask(docs, Filters(region_codes=tongzhou)).tolist() == [True, True, False, True, True]
    assert document_mask(docs, Filters(doc_types=frozenset({"法律"}))).tolist() == [True, False, False, False, False]
    assert document_mask(docs, Filters(date_from="2020-01-01")).tolist() == [True, True, False, False, False]
    assert document_mask(docs, Filters(as_of="2015-06-01")).tolist() == [False, False, False, True, False]
    assert document_mask(docs, Filters(as_of="2025-06-01")).tolist() == [True, True, True, False, True]
