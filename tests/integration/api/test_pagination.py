"""Pages past the end answer an empty page (LadybugDB crashes on Cypher SKIP past the end; we never send it)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.pagination import MAX_OFFSET
from tests.integration.api.conftest import register
from tests.support.push_fixtures import PROFILES, policy_change


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


def test_qualifying_pages_slice_the_ranked_list(client: TestClient) -> None:
    _, policy = policy_change()
    client.app.state.services.store.write(policy)  # type: ignore[attr-defined]
    headers = register(client)
    assert client.put("/profiles", json={"profiles": PROFILES}, headers=headers).status_code < 300
    path = "/policies/bj-2026-001/qualifying"
    params = {"as_of": "2026-11-22"}

    whole = client.get(path, params=params, headers=headers).json()
    second = client.get(path, params={**params, "offset": 1, "limit": 1}, headers=headers).json()
    last = client.get(path, params={**params, "offset": 2, "limit": 5}, headers=headers).json()

    assert [q["profile_id"] for q in whole["items"]] == ["ent-1", "ent-2", "ent-5"]
    assert second["items"] == whole["items"][1:2] and (second["total"], second["next_offset"]) == (3, 2)
    assert last["items"] == whole["items"][2:] and last["next_offset"] is None
