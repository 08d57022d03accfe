"""Texts embedded once per embedder: the one vector cache of ``practices`` (mechanism texts for similar
practices, indicator and item texts for indicator links). Mechanisms and indicators change only with an ingest
or an import, so a text's vector is kept for the life of the process, up to ``MAX_CACHED_VECTORS``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from search.embedders.base import Embedder

MAX_CACHED_VECTORS = 50_000

_VECTORS: dict[tuple[str, str], np.ndarray] = {}


def embed_cached(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    """The ``(len(texts), dimension)`` unit vectors of ``texts``, embedding only those not seen before."""
    key = f"{type(embedder).__name__}:{embedder.name}:{embedder.dimension}"
    missing = list(dict.fromkeys(t for t in texts if (key, t) not in _VECTORS))
    if len(_VECTORS) + len(missing) > MAX_CACHED_VECTORS:
        _VECTORS.clear()
        missing = list(dict.fromkeys(texts))
    if missing:
        for text, vector in zip(missing, embedder.embed(missing), strict=True):
            _VECTORS[key, text] = vector
    if not texts:
        return np.zeros((0, embedder.dimension), dtype=np.float32)
    return np.stack([_VECTORS[key, t] for t in texts])
