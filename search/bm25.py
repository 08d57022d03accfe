"""A BM25 index over pre-segmented tokens (bm25s, Lucene's BM25 variant), persisted to a folder.

It sees only token lists: segmentation, stopwords and synonyms happen in ``analysis.py``. bm25s stores the
per-(token, unit) BM25 weights in a sparse CSC matrix, so a query is a sum of a few columns over all units.

``build_fields`` makes the same matrix for units of several fields (an article's text, its law's title, its
headings) by BM25F: a token's frequency in a unit is the weighted sum of its frequencies in the fields, the
unit's length the weighted sum of theirs, and the sum is saturated once (Robertson & Zaragoza's simple BM25F,
one ``b``). bm25s has no fields, so its vocabulary and IDF (units holding the token in any field) are kept and
the matrix's weights are recomputed. The weights are fixed when the index is built; a query costs what it costs
over one field, and with every weight 1 the scores are those of one field holding all the tokens.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import scipy.sparse

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

    @classmethod
    def build_fields(
        cls, fields: Sequence[Sequence[Sequence[str]]], weights: Sequence[float], *, k1: float = K1, b: float = B
    ) -> Bm25Index:
        """Index units of several fields by BM25F (the module docstring): ``fields[f][unit]`` is a unit's token
        list in field ``f``, ``weights[f]`` that field's weight."""
        size = len(fields[0]) if fields else 0
        index = cls.build([[t for field in fields for t in field[row]] for row in range(size)], k1=k1, b=b)
        retriever = index._retriever
        if retriever is None:
            return index
        vocab: dict[str, int] = retriever.vocab_dict  # type: ignore[attr-defined]
        rows, columns, counts = [], [], []
        lengths = np.zeros(size, dtype=np.float64)
        for field, weight in zip(fields, weights, strict=True):
            sizes = np.fromiter((len(tokens) for tokens in field), dtype=np.int64, count=size)
            lengths += weight * sizes
            if weight:
                rows.append(np.repeat(np.arange(size, dtype=np.int64), sizes))
                columns.append(np.fromiter((vocab[t] for tokens in field for t in tokens), dtype=np.int64))
                counts.append(np.full(int(sizes.sum()), weight, dtype=np.float64))
        lengths[lengths == 0] = 1.0  # an empty unit holds bm25s's one blank token
        frequency = scipy.sparse.csc_matrix(
            (np.concatenate(counts), (np.concatenate(rows), np.concatenate(columns))), shape=(size, len(vocab))
        )  # duplicates (a token twice in a unit) are summed
        frequency.sum_duplicates()
        frequency.eliminate_zeros()
        scores: dict[str, np.ndarray] = retriever.scores  # type: ignore[attr-defined]
        holding = np.diff(scores["indptr"]).astype(np.float64)  # units holding each token, in any field
        idf = np.log(1.0 + (size - holding + 0.5) / (holding + 0.5))  # Lucene's IDF, as bm25s's method="lucene"
        column_of = np.repeat(np.arange(len(vocab)), np.diff(frequency.indptr))
        norm = k1 * (1.0 - b + b * lengths[frequency.indices] / lengths.mean())
        tf = frequency.data
        scores["data"] = (idf[column_of] * tf / (tf + norm)).astype(np.float32)
        scores["indices"] = frequency.indices.astype(scores["indices"].dtype)
        scores["indptr"] = frequency.indptr.astype(scores["indptr"].dtype)
        return index

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
