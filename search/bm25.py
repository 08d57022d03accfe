"""A BM25 index over pre-segmented tokens (bm25s, Lucene's BM25 variant), persisted to a folder.

It sees only token lists: segmentation, stopwords and synonyms happen in ``analysis.py``. bm25s stores the
per-(token, unit) BM25 weights in a sparse CSC matrix, so a query is a sum of a few columns over all units.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from search.errors import SearchIndexError

K1 = 1.2
B = 0.75


class Bm25Index:
    """BM25 scores of a query against every unit (units are numbered 0..n-1 in indexing order)."""

    def __init__(self, retriever: object | None, size: int) -> None:
        self._retriever = retriever
        self.size = size

    @classmethod
    def build(cls, token_lists: Sequence[Sequence[str]], *, k1: float = K1, b: float = B) -> Bm25Index:
        """Index one token list per unit."""
        if not token_lists:
            return cls(None, 0)
        import bm25s

        retriever = bm25s.BM25(method="lucene", k1=k1, b=b)
        # a unit without tokens still needs a row; bm25s drops empty vocabularies, so give it a blank token
        retriever.index([list(tokens) or [""] for tokens in token_lists], show_progress=False)
        return cls(retriever, len(token_lists))

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every unit for the query (zeros when no token is known)."""
        if self._retriever is None or not query_tokens:
            return np.zeros(self.size, dtype=np.float32)
        scores: np.ndarray = self._retriever.get_scores(list(query_tokens))  # type: ignore[attr-defined]
        return scores

    def weighted_scores(self, weights: Mapping[str, float]) -> np.ndarray:
        """BM25 score of every unit for a weighted query: the sum over tokens of ``weight × BM25(token, unit)``
        (an expanded query: its own tokens at 1, added ones lower). Tokens the index does not know add nothing."""
        out = np.zeros(self.size, dtype=np.float32)
        if self._retriever is None:
            return out
        vocab: dict[str, int] = self._retriever.vocab_dict  # type: ignore[attr-defined]
        matrix: dict[str, np.ndarray] = self._retriever.scores  # type: ignore[attr-defined]
        data, indices, indptr = matrix["data"], matrix["indices"], matrix["indptr"]
        for token, weight in weights.items():
            column = vocab.get(token)
            if column is None or weight == 0:
                continue
            start, end = int(indptr[column]), int(indptr[column + 1])
            out[indices[start:end]] += np.float32(weight) * data[start:end]  # a unit appears once per column
        return out

    def document_frequency(self, token: str) -> int:
        """How many units hold ``token`` (0 when unknown)."""
        if self._retriever is None:
            return 0
        column = self._retriever.vocab_dict.get(token)  # type: ignore[attr-defined]
        if column is None:
            return 0
        indptr = self._retriever.scores["indptr"]  # type: ignore[attr-defined]
        return int(indptr[column + 1] - indptr[column])

    def save(self, folder: Path) -> None:
        """Write the index into ``folder`` (created)."""
        folder.mkdir(parents=True, exist_ok=True)
        if self._retriever is not None:
            self._retriever.save(str(folder))  # type: ignore[attr-defined]

    @classmethod
    def load(cls, folder: Path, size: int) -> Bm25Index:
        """Read an index written by ``save`` (memory-mapped)."""
        if size == 0:
            return cls(None, 0)
        import bm25s

        try:
            retriever = bm25s.BM25.load(str(folder), mmap=True)
        except (OSError, ValueError, KeyError) as e:
            raise SearchIndexError(f"cannot read the BM25 index in {folder}: {e}") from e
        return cls(retriever, size)
