"""An ingest that crashed after its graph write leaves the index behind; running the ingest again repairs it
(issue 16: the re-run found every document unchanged and skipped the index, so search answered nothing)."""

from __future__ import annotations

from pathlib import Path

from api.bootstrap import build_services
from api.settings import Settings
from ingest.pipeline import ingest_paths
from search.types import SearchRequest


def test_running_the_ingest_again_rebuilds_what_a_crash_left_out(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus" / "rent.md"
    corpus.parent.mkdir()
    corpus.write_text(
        "# 关于减免中小企业房租的通知\n\n一、对承租国有房屋的中小企业，免收3个月房租。\n", encoding="utf-8"
    )
    services = build_services(Settings(policykg_data_dir=tmp_path / "data", policykg_embedder="none"))  # type: ignore[call-arg]
    ingest_paths([corpus], store=services.store, extractors=services.extractors)  # graph written, then "crash"
    assert services.search.search(SearchRequest(query="房租", mode="lexical")).hits == []
    summary = services.ingest([corpus])
    assert summary.unchanged == 1 and summary.documents == 0
    assert services.search.search(SearchRequest(query="房租", mode="lexical")).hits
    services.close()
