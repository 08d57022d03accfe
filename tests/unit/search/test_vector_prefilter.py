"""The projected first pass of the vector index (between ``PREFILTER_THRESHOLD`` and ``HNSW_THRESHOLD`` rows)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from search.embedders.base import normalise_rows
from search.vector_index import PROJECTION_FILE, VectorIndex


@pytest.fixture
def low_rank_matrix() -> np.ndarray:
    """3,000 unit vectors of dimension 48 that vary along 6 directions (as embeddings vary along few), plus noise."""
    rng = np.random.default_rng(5)
    return normalise_rows(rng.normal(size=(3000, 6)) @ rng.normal(size=(6, 48)) + 0.01 * rng.normal(size=(3000, 48)))


@pytest.fixture
def small_thresholds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("search.vector_index.PREFILTER_THRESHOLD", 1000)
    monkeypatch.setattr("search.vector_index.PROJECTION_DIMENSION", 8)
    monkeypatch.setattr("search.vector_index.PREFILTER_MIN_ROWS", 50)


@pytest.mark.usefixtures("small_thresholds")
def test_prefiltered_search_finds_what_the_exact_search_finds(low_rank_matrix: np.ndarray) -> None:
    index = VectorIndex.build(low_rank_matrix)
    exact = VectorIndex(low_rank_matrix)
    assert not index.exact and exact.exact
    assert index.projection is not None and index.projection.shape == (48, 8)
    for row in (0, 17, 2999):
        query = low_rank_matrix[row]
        rows, similarities = index.search(query, None, 10)
        exact_rows, exact_similarities = exact.search(query, None, 10)
        assert rows[0] == row
        assert similarities == pytest.approx(exact_similarities, abs=1e-5)
        assert set(rows.tolist()) == set(exact_rows.tolist())


@pytest.mark.usefixtures("small_thresholds")
def test_prefiltered_search_keeps_to_the_mask_and_pools_a_units_vectors(low_rank_matrix: np.ndarray) -> None:
    owners = np.repeat(np.arange(1500), 2)  # two vectors per unit
    index = VectorIndex.build(low_rank_matrix, owners)
    assert index.size == 1500 and not index.exact
    units, _ = index.search(low_rank_matrix[901], None, 5)  # the second vector of unit 450
    assert units[0] == 450 and len(set(units.tolist())) == 5
    mask = np.zeros(1500, dtype=bool)
    mask[[3, 450, 1200]] = True
    units, similarities = index.search(low_rank_matrix[901], mask, 10)
    assert units.tolist()[0] == 450 and set(units.tolist()) == {3, 450, 1200}
    assert list(similarities) == sorted(similarities, reverse=True)
    assert index.search(low_rank_matrix[901], np.zeros(1500, dtype=bool), 10)[0].tolist() == []


@pytest.mark.usefixtures("small_thresholds")
def test_the_principal_axes_are_saved_and_fitted_for_an_index_saved_without_them(
    low_rank_matrix: np.ndarray, tmp_path: Path
) -> None:
    index = VectorIndex.build(low_rank_matrix)
    index.save(tmp_path / "new")
    loaded = VectorIndex.load(tmp_path / "new", 48)
    assert loaded.projection is not None and np.array_equal(loaded.projection, index.projection)
    (tmp_path / "new" / PROJECTION_FILE).unlink()  # as an index written before the first pass existed
    refitted = VectorIndex.load(tmp_path / "new", 48)
    assert not refitted.exact
    assert refitted.search(low_rank_matrix[42], None, 1)[0].tolist() == [42]


def test_small_or_narrow_matrices_are_searched_exactly(low_rank_matrix: np.ndarray) -> None:
    assert VectorIndex.build(low_rank_matrix).exact  # 3,000 rows: below the threshold


@pytest.mark.parametrize("prefiltered", [False, True])
def test_float16_vectors_halve_the_matrix_and_find_what_float32_finds(
    low_rank_matrix: np.ndarray, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefiltered: bool
) -> None:
    if prefiltered:
        monkeypatch.setattr("search.vector_index.PREFILTER_THRESHOLD", 1000)
        monkeypatch.setattr("search.vector_index.PROJECTION_DIMENSION", 8)
        monkeypatch.setattr("search.vector_index.PREFILTER_MIN_ROWS", 50)
    monkeypatch.setattr("search.vector_index.EXACT_BLOCK_ROWS", 700)  # several blocks, the last one short
    single = VectorIndex.build(low_rank_matrix)
    half = VectorIndex.build(low_rank_matrix, dtype="float16")
    assert half.matrix.dtype == np.float16 and half.matrix.nbytes * 2 == single.matrix.nbytes
    assert half.exact is not prefiltered and (half.projection is not None) is prefiltered
    half.save(tmp_path / "v")
    loaded = VectorIndex.load(tmp_path / "v", 48)
    assert loaded.matrix.dtype == np.float16
    for row in (0, 17, 2999):
        rows, similarities = loaded.search(low_rank_matrix[row], None, 10)
        single_rows, single_similarities = single.search(low_rank_matrix[row], None, 10)
        assert rows[0] == row and similarities.dtype == np.float32
        assert similarities == pytest.approx(single_similarities, abs=2e-3)
        assert len(set(rows.tolist()) & set(single_rows.tolist())) >= 8
