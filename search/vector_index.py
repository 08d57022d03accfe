"""Nearest-neighbour search over unit vectors, in three sizes:

- up to ``PREFILTER_THRESHOLD`` vector rows, exact numpy dot products;
- up to ``HNSW_THRESHOLD``, a projected first pass: every row is scored in the ``PROJECTION_DIMENSION`` principal
  axes of the matrix (a quarter of the bytes a 512-dimension pass reads), and only the best
  ``PREFILTER_ROWS_PER_RESULT`` rows per result wanted are scored exactly (approximate: its time against the
  exact search's, and how often it returns the exact 200 nearest, are printed by ``benchmarks/search_bench.py``);
- beyond, an hnswlib graph (approximate, inner product), where a full pass stops fitting the latency goal.

Vectors are L2-normalised, so the dot product is the cosine similarity. The matrix may be stored in float16
(``build(dtype=…)``, half the memory and disk); it is then read in float32 for every product (in blocks for an
exact pass), and the projected first pass's matrix stays float32. A unit may have several vectors (one
per piece of its text, ``units.vector_chunks``): ``owners[i]`` is the unit of vector row ``i`` (non-decreasing,
every unit at least once) and a unit's similarity is the best of its vectors' (max-pooling with
``np.maximum.reduceat`` over each unit's run of rows).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from search.errors import SearchIndexError

PREFILTER_THRESHOLD = 20_000
PROJECTION_DIMENSION = 128
PREFILTER_ROWS_PER_RESULT = 5
PREFILTER_MIN_ROWS = 1000
PROJECTION_SAMPLE = 20_000  # rows the principal axes are fitted on (evenly spaced)
HNSW_THRESHOLD = 100_000
HNSW_M = 16
HNSW_EF_CONSTRUCTION = 200
HNSW_EF_SEARCH = 128
VECTOR_ROWS_PER_UNIT_FETCHED = 3  # hnswlib returns vector rows; ask for this many per unit wanted
MATRIX_FILE = "vectors.npy"
OWNERS_FILE = "owners.npy"
HNSW_FILE = "vectors.hnsw"
PROJECTION_FILE = "projection.npy"
EXACT_BLOCK_ROWS = 4096  # rows of a float16 matrix read into float32 at a time by an exact pass
VECTOR_DTYPES = {"float32": np.float32, "float16": np.float16}


class VectorIndex:
    """Cosine search over a ``(vectors, dimension)`` float32 or float16 matrix whose rows belong to units
    ``owners`` (``None``: row ``i`` is unit ``i``)."""

    def __init__(
        self,
        matrix: np.ndarray,
        owners: np.ndarray | None = None,
        *,
        hnsw: object | None = None,
        projection: np.ndarray | None = None,
    ) -> None:
        self.matrix = matrix
        self.owners = owners
        self._starts = None if owners is None else np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
        self._hnsw = hnsw
        self.projection = projection
        self._projected = None if projection is None else np.ascontiguousarray(matrix @ projection, dtype=np.float32)

    @property
    def size(self) -> int:
        """Number of units."""
        return int(self.matrix.shape[0]) if self._starts is None else len(self._starts)

    @property
    def exact(self) -> bool:
        """Whether a search scores every vector exactly (no projected first pass, no hnswlib graph)."""
        return self._hnsw is None and self._projected is None

    @classmethod
    def build(cls, matrix: np.ndarray, owners: np.ndarray | None = None, dtype: str = "float32") -> VectorIndex:
        """Index the rows of ``matrix`` (an hnswlib graph is built when there are many), held as ``dtype``
        (``VECTOR_DTYPES``).

        Raises:
            SearchIndexError: ``owners`` is not non-decreasing from unit 0 without gaps, one per row.
        """
        matrix = np.ascontiguousarray(matrix, dtype=np.float32)
        if owners is not None:
            owners = np.asarray(owners, dtype=np.int64)
            steps = np.diff(owners)
            if len(owners) != matrix.shape[0] or (
                len(owners) and (owners[0] != 0 or steps.min(initial=0) < 0 or steps.max(initial=0) > 1)
            ):
                raise SearchIndexError("vector owners must number the units 0, 1, … in order, one per vector row")
            if len(owners) == 0 or owners[-1] == len(owners) - 1:
                owners = None  # one vector per unit
        stored = matrix.astype(VECTOR_DTYPES[dtype], copy=False)
        if matrix.shape[0] > HNSW_THRESHOLD:
            return cls(stored, owners, hnsw=_build_hnsw(matrix))
        return cls(stored, owners, projection=_principal_axes(matrix) if _prefiltered(matrix) else None)

    def search(self, query: np.ndarray, mask: np.ndarray | None, limit: int) -> tuple[np.ndarray, np.ndarray]:
        """Row numbers and similarities of the ``limit`` rows nearest ``query`` among those ``mask`` allows."""
        if self.size == 0 or limit <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        query = np.asarray(query, dtype=np.float32)
        if self._hnsw is not None:
            return self._search_hnsw(query, mask, limit)
        if self._projected is not None:
            return self._search_prefiltered(query, mask, limit)
        similarities = _products(self.matrix, query)
        if self._starts is not None:
            similarities = np.maximum.reduceat(similarities, self._starts)
        if mask is not None:
            similarities = np.where(mask, similarities, -np.inf)
        allowed = int(mask.sum()) if mask is not None else self.size
        count = min(limit, allowed)
        if count == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        rows = np.argpartition(-similarities, count - 1)[:count]
        rows = rows[np.argsort(-similarities[rows], kind="stable")]
        return rows.astype(np.int64), similarities[rows].astype(np.float32)

    def _search_prefiltered(
        self, query: np.ndarray, mask: np.ndarray | None, limit: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Score every row in the principal axes, then the best rows exactly, and pool them by unit."""
        assert self._projected is not None and self.projection is not None
        coarse = self._projected @ (query @ self.projection)
        if mask is not None:
            coarse = np.where(mask if self.owners is None else mask[self.owners], coarse, -np.inf)
        allowed = int(np.count_nonzero(coarse > -np.inf)) if mask is not None else len(coarse)
        count = min(allowed, max(PREFILTER_MIN_ROWS, PREFILTER_ROWS_PER_RESULT * limit))
        if count == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        rows = np.sort(np.argpartition(-coarse, count - 1)[:count])
        exact = np.asarray(self.matrix[rows], dtype=np.float32) @ query
        order = np.argsort(-exact, kind="stable")
        units = (rows if self.owners is None else self.owners[rows])[order]
        _, first = np.unique(units, return_index=True)  # best row of each unit
        best = np.sort(first)[:limit]
        return units[best].astype(np.int64), exact[order][best].astype(np.float32)

    def _search_hnsw(self, query: np.ndarray, mask: np.ndarray | None, limit: int) -> tuple[np.ndarray, np.ndarray]:
        index: Any = self._hnsw
        count = min(limit, self.size if mask is None else int(mask.sum()))
        if count == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        owners = self.owners
        allowed: Callable[[int], bool] | None = None
        if mask is not None:
            allowed = (lambda row: bool(mask[row])) if owners is None else (lambda row: bool(mask[owners[row]]))
        k = count if owners is None else min(int(self.matrix.shape[0]), count * VECTOR_ROWS_PER_UNIT_FETCHED)
        index.set_ef(max(HNSW_EF_SEARCH, k))
        labels, distances = index.knn_query(query[None, :], k=k, filter=allowed)
        rows, similarities = labels[0].astype(np.int64), (1.0 - distances[0]).astype(np.float32)
        if owners is None:
            return rows, similarities
        units, first = np.unique(owners[rows], return_index=True)  # best row of each unit (rows come best first)
        order = np.argsort(first)[:count]
        return units[order], similarities[first[order]]

    def save(self, folder: Path) -> None:
        """Write the matrix (and the principal axes or the hnswlib graph when there are) into ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / MATRIX_FILE, self.matrix)
        if self.owners is not None:
            np.save(folder / OWNERS_FILE, self.owners)
        if self.projection is not None:
            np.save(folder / PROJECTION_FILE, self.projection)
        if self._hnsw is not None:
            self._hnsw.save_index(str(folder / HNSW_FILE))  # type: ignore[attr-defined]

    @classmethod
    def load(cls, folder: Path, dimension: int) -> VectorIndex:
        """Read what ``save`` wrote (the matrix memory-mapped; principal axes are fitted when an index written
        before they existed needs them)."""
        path = folder / MATRIX_FILE
        if not path.exists():
            return cls(np.zeros((0, dimension), dtype=np.float32))
        try:
            matrix = np.load(path, mmap_mode="r")
        except (OSError, ValueError) as e:
            raise SearchIndexError(f"cannot read vectors in {path}: {e}") from e
        owners = np.load(folder / OWNERS_FILE) if (folder / OWNERS_FILE).exists() else None
        hnsw = None
        if (folder / HNSW_FILE).exists():
            import hnswlib

            hnsw = hnswlib.Index(space="ip", dim=int(matrix.shape[1]))
            hnsw.load_index(str(folder / HNSW_FILE), max_elements=int(matrix.shape[0]))
            return cls(matrix, owners, hnsw=hnsw)
        projection = None
        if (folder / PROJECTION_FILE).exists():
            projection = np.load(folder / PROJECTION_FILE)
        elif _prefiltered(matrix):
            projection = _principal_axes(matrix)
        return cls(matrix, owners, projection=projection)


def _products(matrix: np.ndarray, query: np.ndarray) -> np.ndarray:
    """``matrix @ query`` in float32 (a float16 matrix read in blocks, so no float32 copy of it is made)."""
    if matrix.dtype == np.float32:
        return np.asarray(matrix @ query)
    blocks = [
        np.asarray(matrix[start : start + EXACT_BLOCK_ROWS], dtype=np.float32) @ query
        for start in range(0, matrix.shape[0], EXACT_BLOCK_ROWS)
    ]
    return np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.float32)


def _prefiltered(matrix: np.ndarray) -> bool:
    """Whether a search over ``matrix`` takes the projected first pass."""
    rows, dimension = (int(n) for n in matrix.shape)
    return PREFILTER_THRESHOLD < rows <= HNSW_THRESHOLD and dimension > PROJECTION_DIMENSION


def _principal_axes(matrix: np.ndarray) -> np.ndarray:
    """The ``PROJECTION_DIMENSION`` principal axes of the rows, as a ``(dimension, PROJECTION_DIMENSION)`` matrix
    with orthonormal columns (fitted on at most ``PROJECTION_SAMPLE`` evenly spaced rows)."""
    step = max(1, matrix.shape[0] // PROJECTION_SAMPLE)
    sample = np.asarray(matrix[::step], dtype=np.float64)
    centred = sample - sample.mean(axis=0)
    eigenvalues, eigenvectors = np.linalg.eigh(centred.T @ centred)
    largest = np.argsort(-eigenvalues)[:PROJECTION_DIMENSION]
    return np.ascontiguousarray(eigenvectors[:, largest], dtype=np.float32)


def _build_hnsw(matrix: np.ndarray) -> object:
    import hnswlib

    index = hnswlib.Index(space="ip", dim=int(matrix.shape[1]))
    index.init_index(max_elements=int(matrix.shape[0]), ef_construction=HNSW_EF_CONSTRUCTION, M=HNSW_M)
    index.add_items(matrix, np.arange(matrix.shape[0]))
    return index
