"""Shared builders for search tests: a deterministic fake embedder and small Chinese documents."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pytest

from search.analysis import Analyzer
from search.embedders.base import Embedder, normalise_rows
from search.types import IndexDocument, IndexUnit
from search.units import vector_text


class FakeEmbedder(Embedder):
    """Bag-of-characters vectors (hashed into 64 dimensions): texts sharing characters are close."""

    name = "fake"

    @property
    def dimension(self) -> int:
        return 64

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        rows = np.zeros((len(texts), 64), dtype=np.float32)
        for i, text in enumerate(texts):
            for ch in text:
                rows[i, hashlib.md5(ch.encode()).digest()[0] % 64] += 1.0
        return normalise_rows(rows)


def make_document(doc_id: str, title: str, articles: Sequence[str], **meta: object) -> IndexDocument:
    """A statute-like document whose units are numbered articles 第一条, 第二条 …"""
    labels = ["第一条", "第二条", "第三条", "第四条", "第五条", "第六条"]
    units = tuple(
        IndexUnit(f"{doc_id}-a{i}", f"{doc_id}-a{i}", labels[i], f"{labels[i]}　{text}", vector_text(title, text))
        for i, text in enumerate(articles)
    )
    return IndexDocument(
        doc_id=doc_id, source_id=f"src-{doc_id}", title=title, content_hash=f"h-{doc_id}", units=units, **meta
    )  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    return Analyzer()


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()
