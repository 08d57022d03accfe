"""USE and the static table as one embedder (real USE, real shipped table): width, the cosine identity,
determinism, empty text, identities, and the search service reusing each part's vector cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from search.embedders import build_embedder
from search.embedders.combined import CombinedEmbedder
from search.embedders.static import StaticEmbedder
from search.embedders.use import UseEmbedder
from search.errors import EmbeddingError
from search.indexes.embedded import EmbeddedIndex
from search.service import SearchService
from tests.unit.search.conftest import make_document

TEXTS = ["老板拖欠工资怎么办", "用人单位应当按时足额支付劳动者的劳动报酬", "机动车发生交通事故造成人身伤亡"]


@pytest.fixture(scope="module")
def use() -> UseEmbedder:
    return UseEmbedder()


@pytest.fixture(scope="module")
def static() -> StaticEmbedder:
    return StaticEmbedder()


@pytest.fixture(scope="module")
def combined(use: UseEmbedder, static: StaticEmbedder) -> CombinedEmbedder:
    return CombinedEmbedder([(use, 0.7), (static, 0.3)])


def test_rows_are_the_parts_side_by_side(combined: CombinedEmbedder) -> None:
    vectors = combined.embed(TEXTS)
    assert combined.dimension == 512 + 256 and vectors.shape == (3, 768) and vectors.dtype == np.float32
    assert combined.name == "use+static"
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_the_cosine_is_the_weighted_mean_of_the_parts_cosines(
    combined: CombinedEmbedder, use: UseEmbedder, static: StaticEmbedder
) -> None:
    joined, use_rows, static_rows = combined.embed(TEXTS), use.embed(TEXTS), static.embed(TEXTS)
    expected = 0.7 * (use_rows @ use_rows.T) + 0.3 * (static_rows @ static_rows.T)
    assert np.allclose(joined @ joined.T, expected, atol=1e-5)
    assert not np.allclose(joined @ joined.T, use_rows @ use_rows.T, atol=1e-3)  # the static part counts


def test_the_same_text_gets_the_same_vector_alone_or_in_any_batch(combined: CombinedEmbedder) -> None:
    batch = combined.embed([*TEXTS, TEXTS[0]])
    assert np.array_equal(batch[0], batch[3])
    assert np.allclose(combined.embed_query(TEXTS[1]), batch[1], atol=1e-5)
    assert np.allclose(combined.embed(TEXTS[::-1])[::-1], batch[:3], atol=1e-5)


def test_empty_text_keeps_only_uses_part_and_empty_input_is_empty(combined: CombinedEmbedder) -> None:
    row = combined.embed(["", "承租人"])[0]
    assert not row[512:].any()  # the static table knows no word of it: its part is the zero vector
    assert np.linalg.norm(row) == pytest.approx(np.sqrt(0.7), abs=1e-5)
    assert combined.embed([]).shape == (0, 768)


def test_the_identity_names_the_weights_and_every_part(
    combined: CombinedEmbedder, use: UseEmbedder, static: StaticEmbedder
) -> None:
    assert combined.identity == f"use+static:0.7,0.3:use|{static.identity}"
    assert CombinedEmbedder([(use, 0.5), (static, 0.5)]).identity != combined.identity


@pytest.mark.parametrize("weights", [(0.5, 0.6), (1.0, 0.0), (1.2, -0.2)])
def test_weights_must_be_positive_and_sum_to_one(
    use: UseEmbedder, static: StaticEmbedder, weights: tuple[float, float]
) -> None:
    with pytest.raises(EmbeddingError):
        CombinedEmbedder([(use, weights[0]), (static, weights[1])])


def test_build_embedder_knows_use_plus_static() -> None:
    built = build_embedder("use+static", use_weight=0.6)
    assert isinstance(built, CombinedEmbedder) and built.weights == pytest.approx((0.6, 0.4))
    with pytest.raises(EmbeddingError):
        build_embedder("use+static", use_weight=1.0)


def test_the_service_caches_vectors_per_part(tmp_path: Path, combined: CombinedEmbedder, use: UseEmbedder) -> None:
    def service(embedder: CombinedEmbedder) -> SearchService:
        return SearchService(EmbeddedIndex(tmp_path / "index"), embedder=embedder, vector_cache=tmp_path / "vc")

    document = make_document("labour", "中华人民共和国劳动合同法", ["用人单位应当按时足额支付劳动报酬"])
    first = service(combined).prepare([document])[0].vectors
    cached = sorted(p.name for p in (tmp_path / "vc").iterdir())
    assert len(cached) == 2 and cached[1] == "use.npz" and cached[0].startswith("static_")
    other_weights = CombinedEmbedder([(use, 0.5), (StaticEmbedder(), 0.5)])
    again = service(other_weights).prepare([document])[0].vectors
    assert first is not None and again is not None
    assert np.allclose(again[:, :512] * np.sqrt(0.7 / 0.5), first[:, :512], atol=1e-5)
    assert sorted(p.name for p in (tmp_path / "vc").iterdir()) == cached  # no cache of the combined vectors
