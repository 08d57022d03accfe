"""A BM25 index over pre-segmented tokens (bm25s, Lucene's BM25 variant), persisted to a folder.

It sees only token lists: segmentation, stopwords and synonyms happen in ``analysis.py``. bm25s stores the
per-(token, unit) BM25 weights in a sparse CSC matrix, so a query is a sum of a few columns over all units.
"""

from __future__ import annotations

from collections.abc import Sequence
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
