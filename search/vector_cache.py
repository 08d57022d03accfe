"""Vectors cached by the hash of the text embedded, per embedder, in the data dir.

Re-syncing an index (a changed analyzer, a rebuilt index, a re-ingested document whose articles did not change)
then embeds only texts it has never seen. The file is rewritten atomically (temp file + rename).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from search.errors import SearchIndexError

HASH_BYTES = 16


def text_key(text: str) -> bytes:
    """The cache key of a text (first 16 bytes of its SHA-256)."""
    return hashlib.sha256(text.encode("utf-8")).digest()[:HASH_BYTES]


class VectorCache:
    """A map text hash → vector for one embedder, loaded from and saved to one ``.npz`` file."""

    def __init__(self, path: Path, dimension: int) -> None:
        self.path = path
        self.dimension = dimension
        self._rows: dict[bytes, int] = {}
        self._vectors = np.zeros((0, dimension), dtype=np.float32)
        self._added: list[np.ndarray] = []
        self._added_count = 0
        if path.exists():
            self._load()

    def _load(self) -> None:
        try:
            with np.load(self.path) as data:
                keys, vectors = data["keys"], data["vectors"]
        except (OSError, ValueError, KeyError) as e:
            raise SearchIndexError(f"cannot read the vector cache {self.path}: {e}") from e
        if vectors.shape[1:] != (self.dimension,):
            return  # another model's vectors: start afresh
        self._vectors = vectors.astype(np.float32)
        self._rows = {bytes(k): i for i, k in enumerate(keys)}

    def __len__(self) -> int:
        return len(self._rows)

    def vectors_for(self, texts: Sequence[str], embed: Callable[[Sequence[str]], np.ndarray]) -> np.ndarray:
        """Vectors of ``texts``: cached ones looked up, the others embedded with ``embed`` and remembered."""
        keys = [text_key(t) for t in texts]
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in self._rows}
        if missing:
            fresh = embed(list(missing.values()))
            base = self._vectors.shape[0] + self._added_count
            for offset, key in enumerate(missing):
                self._rows[key] = base + offset
            self._added.append(fresh.astype(np.float32))
            self._added_count += fresh.shape[0]
            self._consolidate()
        if not keys:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self._vectors[[self._rows[k] for k in keys]]

    def _consolidate(self) -> None:
        if self._added:
            self._vectors = np.vstack([self._vectors, *self._added])
            self._added = []
            self._added_count = 0

    def save(self) -> None:
        """Write the cache atomically."""
        self._consolidate()
        keys = np.zeros((len(self._rows), HASH_BYTES), dtype=np.uint8)
        for key, row in self._rows.items():
            keys[row] = np.frombuffer(key, dtype=np.uint8)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp.npz")
        np.savez(temporary, keys=keys, vectors=self._vectors)
        os.replace(temporary, self.path)
