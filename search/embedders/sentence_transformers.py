"""sentence-transformers models named by hub id or local path (e.g. BAAI/bge-small-zh-v1.5 where available).

torch and sentence-transformers are imported when the model is first used, so the rest of search runs
without them (install the ``sentence-transformers`` extra).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from search.embedders.base import Embedder, normalise_rows
from search.errors import EmbeddingError

BATCH_SIZE = 64


class SentenceTransformerEmbedder(Embedder):
    """A sentence-transformers model; vectors are L2-normalised."""

    name = "sentence-transformers"

    def __init__(self, model_name_or_path: str, *, batch_size: int = BATCH_SIZE, device: str = "cpu") -> None:
        if not model_name_or_path or not model_name_or_path.strip():
            raise EmbeddingError("policykg_embedding_model: a sentence-transformers model name or path is required")
        self.model_name_or_path = model_name_or_path
        self._batch_size = batch_size
        self._device = device
        self._model: Any = None

    def _load(self) -> Any:
        if self._model is None:
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as e:
                raise EmbeddingError(
                    "the sentence-transformers embedder needs the extra: pip install 'policykg[sentence-transformers]'"
                ) from e
            try:
                self._model = SentenceTransformer(self.model_name_or_path, device=self._device)
            except Exception as e:  # missing model, no network, bad path
                raise EmbeddingError(f"cannot load sentence-transformers model {self.model_name_or_path!r}: {e}") from e
        return self._model

    @property
    def identity(self) -> str:
        """``sentence-transformers:<model name or path>``."""
        return f"{self.name}:{self.model_name_or_path}"

    @property
    def dimension(self) -> int:
        """The model's output dimension."""
        dimension = self._load().get_embedding_dimension()
        return int(dimension)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts; empty input gives a ``(0, dimension)`` array."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        model = self._load()
        try:
            vectors = model.encode(
                list(texts), batch_size=self._batch_size, convert_to_numpy=True, normalize_embeddings=True
            )
        except Exception as e:
            raise EmbeddingError(f"{self.model_name_or_path} failed to embed a batch: {e}") from e
        return normalise_rows(vectors)
