"""Embedders behind one port (``base.Embedder``), built by name with ``build_embedder``."""

from __future__ import annotations

from search.embedders.base import Embedder
from search.errors import EmbeddingError

EMBEDDER_NAMES = ("use", "static", "sentence-transformers", "none")


def build_embedder(name: str, *, model: str | None = None, workers: int = 1) -> Embedder | None:
    """The embedder called ``name`` (``none`` gives ``None``: lexical search only); ``workers`` processes embed
    large batches with USE (sentence-transformers parallelises inside torch).

    Raises:
        EmbeddingError: unknown name, or sentence-transformers without a model.
    """
    if name == "use":
        from search.embedders.use import UseEmbedder

        return UseEmbedder(workers=workers)
    if name == "static":
        from search.embedders.static import StaticEmbedder

        return StaticEmbedder()
    if name == "sentence-transformers":
        from search.embedders.sentence_transformers import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(model or "")
    if name == "none":
        return None
    raise EmbeddingError(f"unknown embedder {name!r}; known: {', '.join(EMBEDDER_NAMES)}")


__all__ = ["EMBEDDER_NAMES", "Embedder", "build_embedder"]
