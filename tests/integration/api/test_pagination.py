"""Pages past the end answer an empty page (LadybugDB crashes on Cypher SKIP past the end; we never send it)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.pagination import MAX_OFFSET
from tests.integration.api.conftest import register


def test_documents_page_past_the_end_is_empty(client: TestClient) -> None:
    response = client.get("/documents", params={"offset": MAX_OFFSET, "limit": 500})

    assert response.status_code == 200
    assert response.json()["items"] == []
    assert response.json()["next_offset"] is None


def test_profiles_pages_slice_in_order(client: TestClient) -> None:
    headers = register(client)
    profiles = [
        {"id": f"p{i}", "name": f"企业{i}（虚构）", "region_code": "110112", "industry_code": "C1781"} for i in range(5)
    ]
    assert client.put("/profiles", json={"profiles": profiles}, headers=headers).status_code < 300

    second = client.get("/profiles", params={"offset": 2, "limit": 2}, headers=headers).json()
    beyond = client.get("/profiles", params={"offset": 5, "limit": 2}, headers=headers).json()

    assert [p["id"] for p in second["items"]] == ["p2", "p3"]
    assert (second["total"], second["next_offset"]) == (5, 4)
    assert beyond["items"] == []
