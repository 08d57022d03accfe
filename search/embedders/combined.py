"""Several embedders as one: each part's unit vector scaled by ``sqrt(w_i)`` and the parts concatenated.

With weights summing to 1 the dot product of two combined vectors is ``sum(w_i * cos_i)``, the weighted mean of
the parts' cosines, so one vector index searches with all the parts at once. A part that gives a text the zero
vector (the static table knows none of its words) adds 0 to that mean, so such a row is shorter than 1.

The search service caches vectors per part (``parts``, ``combine``): the parts' own caches are reused, and
changing a weight re-embeds nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from search.embedders.base import Embedder
from search.errors import EmbeddingError

WEIGHT_TOLERANCE = 1e-6


class CombinedEmbedder(Embedder):
    """The weighted concatenation of ``parts`` (named ``a+b``; identity names the weights and each part)."""

    def __init__(self, parts: Sequence[tuple[Embedder, float]]) -> None:
        if not parts:
            raise EmbeddingError("a combined embedder needs at least one part")
        weights = [weight for _, weight in parts]
        if any(weight <= 0 for weight in weights) or abs(sum(weights) - 1.0) > WEIGHT_TOLERANCE:
            raise EmbeddingError(f"combined embedder weights must be positive and sum to 1, got {weights}")
        self.parts = tuple(embedder for embedder, _ in parts)
        self.weights = tuple(weights)
        self._scales = tuple(np.float32(np.sqrt(weight)) for weight in weights)
        self.name = "+".join(part.name for part in self.parts)

    @property
    def dimension(self) -> int:
        """The sum of the parts' dimensions."""
        return sum(part.dimension for part in self.parts)

    @property
    def identity(self) -> str:
        """The weights and every part's identity (``use+static:0.5,0.5:use|static:<hash>``), so vectors of other
        weights or other part models never mix."""
        weights = ",".join(f"{weight:g}" for weight in self.weights)
        return f"{self.name}:{weights}:" + "|".join(part.identity for part in self.parts)

    def combine(self, part_vectors: Sequence[np.ndarray]) -> np.ndarray:
        """Join the parts' rows (one ``(n, dimension_i)`` array per part, in part order) into combined rows.

        Raises:
            EmbeddingError: not one array per part, or arrays of different lengths.
        """
        if len(part_vectors) != len(self.parts) or len({v.shape[0] for v in part_vectors}) > 1:
            raise EmbeddingError("combine needs one array of the same number of rows per part")
        scaled = [np.asarray(v, dtype=np.float32) * s for v, s in zip(part_vectors, self._scales, strict=True)]
        joined: np.ndarray = np.hstack(scaled)
        return joined

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts with every part and join the rows; empty input gives ``(0, dimension)``."""
        return self.combine([part.embed(texts) for part in self.parts])

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one query with every part's own ``embed_query`` and join them."""
        vector: np.ndarray = self.combine([part.embed_query(text)[None, :] for part in self.parts])[0]
        return vector
