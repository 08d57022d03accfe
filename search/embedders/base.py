"""The embedder port: texts in, L2-normalised float32 vectors out.

Adapters (``use.py``, ``sentence_transformers.py``) import their heavy libraries inside, so importing this
module or ``search`` needs neither numpy-heavy weights nor torch.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

import numpy as np


class Embedder(ABC):
    """Turns texts into unit-length vectors whose dot product is their cosine similarity."""

    name: str = "embedder"

    @property
    @abstractmethod
    def dimension(self) -> int:
        """Length of every vector this embedder returns."""

    @abstractmethod
    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts as a ``(len(texts), dimension)`` float32 array of L2-normalised rows.

        Raises:
            EmbeddingError: the model failed.
        """

    @property
    def identity(self) -> str:
        """A string naming the model, so stored vectors are reused only with the model that made them."""
        return self.name

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one query as a ``(dimension,)`` float32 unit vector."""
        vector: np.ndarray = self.embed([text])[0]
        return vector


def normalise_rows(vectors: np.ndarray) -> np.ndarray:
    """Return ``vectors`` as float32 with each row scaled to unit length (zero rows stay zero)."""
    array = np.asarray(vectors, dtype=np.float32)
    if array.ndim == 1:
        array = array[None, :]
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    normalised: np.ndarray = array / norms
    return normalised
