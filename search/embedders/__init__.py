"""Embedders behind one port (``base.Embedder``), built by name with ``build_embedder``."""

from __future__ import annotations

from search.embedders.base import Embedder
from search.errors import EmbeddingError

EMBEDDER_NAMES = ("use", "static", "use+static", "sentence-transformers", "none")
USE_WEIGHT = 0.7  # of USE in use+static (the static table gets the rest)


def build_embedder(
    name: str, *, model: str | None = None, workers: int = 1, use_weight: float = USE_WEIGHT
) -> Embedder | None:
    """The embedder called ``name`` (``none`` gives ``None``: lexical search only); ``workers`` processes embed
    large batches with USE (sentence-transformers parallelises inside torch); ``use+static`` is both in one vector,
    USE's cosine weighted ``use_weight`` and the static table's ``1 - use_weight``.

    Raises:
        EmbeddingError: unknown name, sentence-transformers without a model, or ``use_weight`` not inside (0, 1).
    """
    if name == "use":
        from search.embedders.use import UseEmbedder

        return UseEmbedder(workers=workers)
    if name == "static":
        from search.embedders.static import StaticEmbedder

        return StaticEmbedder()
    if name == "use+static":
        from search.embedders.combined import CombinedEmbedder
        from search.embedders.static import StaticEmbedder
        from search.embedders.use import UseEmbedder

        return CombinedEmbedder([(UseEmbedder(workers=workers), use_weight), (StaticEmbedder(), 1.0 - use_weight)])
    if name == "sentence-transformers":
        from search.embedders.sentence_transformers import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(model or "")
    if name == "none":
        return None
    raise EmbeddingError(f"unknown embedder {name!r}; known: {', '.join(EMBEDDER_NAMES)}")


__all__ = ["EMBEDDER_NAMES", "USE_WEIGHT", "Embedder", "build_embedder"]
