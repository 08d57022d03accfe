"""The bundled demo statutes ingest cleanly and are served by GET /documents."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.bootstrap import build_services
from api.commands.ingest import DEMO_DATA, list_documents
from api.main import create_app
from api.settings import Settings
from ingest.pipeline import ingest_paths
from ontology.model import DocumentType

STATUTE_TYPES = {
    DocumentType.LAW.value,
    DocumentType.ADMINISTRATIVE_REGULATION.value,
    DocumentType.LOCAL_REGULATION.value,
}


@pytest.fixture(scope="module")
def demo_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data_dir = tmp_path_factory.mktemp("demo")
    services = build_services(Settings(policykg_data_dir=data_dir, policykg_push_worker=False))
    summary = ingest_paths([DEMO_DATA], store=services.store)
    assert summary.failed == []
    assert summary.documents == len(list(Path(DEMO_DATA).glob("*.md"))) - 1  # less SOURCE.md
    with TestClient(create_app(services), raise_server_exceptions=False) as client:
        yield client


def test_demo_statutes_have_statute_types_issuers_and_one_current_version_each(demo_client: TestClient) -> None:
    documents = list_documents(demo_client.app.state.services.store)
    assert {d["type"] for d in documents} <= STATUTE_TYPES
    current = [d for d in documents if d["status"] == "现行有效"]
    amended = [d for d in documents if d["status"] == "已被修改"]
    assert len(current) + len(amended) == len(documents)
    assert sorted(d["title"] for d in amended) == [
        "上海市优化营商环境条例",
        "中华人民共和国行政复议法",
        "保障中小企业款项支付条例",
        "北京市优化营商环境条例",
    ]


def test_documents_route_lists_and_reads_one_with_its_clauses(demo_client: TestClient) -> None:
    page = demo_client.get("/documents", params={"limit": 5}).json()
    assert page["total"] == len(list(Path(DEMO_DATA).glob("*.md"))) - 1
    assert len(page["items"]) == 5 and page["next_offset"] == 5
    first = page["items"][0]
    detail = demo_client.get(f"/documents/{first['id']}").json()
    assert len(detail["clauses"]) == first["clause_count"] > 0
    for clause in detail["clauses"][:20]:
        assert detail["text"][clause["span_start"] : clause["span_end"]].startswith(clause["text"][:10])
    assert demo_client.get("/documents/doc-missing").status_code == 404
