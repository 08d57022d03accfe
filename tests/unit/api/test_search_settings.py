"""The search service as the settings configure it (``api/bootstrap.py``'s ``open_search_service``)."""

from __future__ import annotations

from pathlib import Path

from api.bootstrap import SEARCH_DIR_NAME, open_search_service
from api.settings import Settings
from search.embedders.static import StaticEmbedder
from search.indexes.embedded import EmbeddedIndex
from search.ranking import Fusion
from search.types import SearchRequest
from tests.unit.search.conftest import make_document


def test_an_index_dir_holds_the_index_and_the_data_dir_keeps_the_vector_cache(tmp_path: Path) -> None:
    data_dir, index_dir = tmp_path / "data", tmp_path / "scratch" / "index"
    settings = Settings(policykg_data_dir=data_dir, policykg_embedder="static")  # type: ignore[call-arg]
    service = open_search_service(settings, data_dir, StaticEmbedder(), index_dir=index_dir)
    service.index_documents([make_document("law", "劳动合同法", ["用人单位应当按时足额支付劳动报酬"])])
    assert isinstance(service.index, EmbeddedIndex) and service.index.folder == index_dir
    assert service.search(SearchRequest(query="拖欠劳动报酬", mode="vector")).hits[0].clause_id == "law-a0"
    assert any(index_dir.iterdir()) and not (data_dir / SEARCH_DIR_NAME / "index").exists()
    assert list((data_dir / SEARCH_DIR_NAME / "vector-cache").glob("static_*.npz"))


def test_statute_articles_enter_the_fusion_from_400_deep_and_passages_from_200(tmp_path: Path) -> None:
    service = open_search_service(Settings(policykg_data_dir=tmp_path), tmp_path, None)  # type: ignore[call-arg]
    assert service.fusion == Fusion(lexical_depth=400, vector_depth=400, passage_depth_share=0.5)  # README, Search
