"""Shared builders for search tests: a deterministic fake embedder, small Chinese documents and a service over
four of them."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from search.analysis import Analyzer
from search.embedders.base import Embedder, normalise_rows
from search.indexes.embedded import EmbeddedIndex
from search.service import SearchService
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


@pytest.fixture
def service(tmp_path: Path, analyzer: Analyzer, fake_embedder: FakeEmbedder) -> SearchService:
    """A service over four small documents (rent relief in 北京 and 天津, a law in two versions)."""
    service = SearchService(
        EmbeddedIndex(tmp_path / "index"), analyzer=analyzer, embedder=fake_embedder, vector_cache=tmp_path / "vc"
    )
    service.index_documents(
        [
            make_document(
                "rent",
                "关于小微企业房租减免的通知",
                ["对承租国有房屋的小微企业减免三个月租金", "个体工商户参照执行"],
                doc_type="政策文件",
                region_code="110112",
                is_current=True,
            ),
            make_document(
                "labour",
                "中华人民共和国劳动合同法",
                ["用人单位应当按时足额支付劳动报酬", "试用期最长不得超过六个月"],
                doc_type="法律",
                is_current=True,
            ),
            make_document(
                "labour-old",
                "中华人民共和国劳动合同法",
                ["用人单位应当按时足额支付劳动报酬", "试用期最长不得超过六个月"],
                doc_type="法律",
                is_current=False,
            ),
            make_document(
                "tj", "天津市房租补贴办法", ["天津市小微企业房租补贴"], doc_type="政策文件", region_code="120000"
            ),
        ]
    )
    return service
