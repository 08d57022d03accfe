"""API keys are stored hashed, checked, and scope every profile and subscription to its consumer."""

from __future__ import annotations

from fastapi.testclient import TestClient

from push.keys import hash_key
from tests.integration.api.conftest import register

PROFILES = [
    {"id": f"ent-{i}", "name": f"企业{i}", "region_code": "110112", "industry_code": "I6513", "employees": 10 * i}
    for i in range(1, 4)
]


def test_key_is_shown_once_and_stored_only_as_hash(client: TestClient) -> None:
    response = client.post("/consumers", json={"name": "某银行"})
    api_key = response.json()["api_key"]
    store = client.app.state.services.store  # type: ignore[attr-defined]
    stored = store.get_node("ApiConsumer", response.json()["id"])
    assert stored["key_hash"] == hash_key(api_key)
    assert api_key not in str(stored)


def test_wrong_or_forged_key_is_refused(client: TestClient) -> None:
    headers = register(client)
    good = headers["Authorization"]
    forged = good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB")
    for value in (forged, "Bearer pk_c_0000000000000000_xxxxxxxxxxxxxxxxxxxxxxxx", "Bearer nonsense", "Basic abc"):
        assert client.get("/profiles", headers={"Authorization": value}).status_code == 401
    assert client.get("/profiles", headers=headers).status_code == 200


def test_bulk_upsert_list_page_and_delete(client: TestClient) -> None:
    headers = register(client)
    assert client.put("/profiles", json={"profiles": PROFILES}, headers=headers).json() == {"upserted": 3}
    first = client.get("/profiles", params={"limit": 2}, headers=headers).json()
    assert [p["id"] for p in first["items"]] == ["ent-1", "ent-2"]
    assert first["total"] == 3 and first["next_offset"] == 2
    second = client.get("/profiles", params={"limit": 2, "offset": 2}, headers=headers).json()
    assert [p["id"] for p in second["items"]] == ["ent-3"] and second["next_offset"] is None
    changed = {**PROFILES[0], "employees": 99}
    client.put("/profiles", json={"profiles": [changed]}, headers=headers)
    assert client.get("/profiles/ent-1", headers=headers).json()["employees"] == 99
    assert client.delete("/profiles/ent-1", headers=headers).status_code == 204
    assert client.get("/profiles/ent-1", headers=headers).status_code == 404
    assert client.get("/profiles", headers=headers).json()["total"] == 2


def test_one_consumer_never_sees_anothers_profiles_or_subscriptions(client: TestClient) -> None:
    alice, bob = register(client, "甲"), register(client, "乙")
    client.put("/profiles", json={"profiles": PROFILES}, headers=alice)
    subscription = client.post("/subscriptions", json={"url": "https://hooks.example.cn/alice"}, headers=alice).json()
    assert client.get("/profiles", headers=bob).json()["total"] == 0
    assert client.get("/profiles/ent-1", headers=bob).status_code == 404
    assert client.delete("/profiles/ent-1", headers=bob).status_code == 404
    assert client.get("/subscriptions", headers=bob).json()["total"] == 0
    assert client.delete(f"/subscriptions/{subscription['id']}", headers=bob).status_code == 404
    client.put("/profiles", json={"profiles": [PROFILES[0]]}, headers=bob)
    assert client.get("/profiles/ent-1", headers=alice).json()["employees"] == 10
    assert client.get("/profiles", headers=alice).json()["total"] == 3


def test_page_past_the_end_is_empty(client: TestClient) -> None:
    headers = register(client)
    client.put("/profiles", json={"profiles": PROFILES}, headers=headers)
    page = client.get("/profiles", params={"offset": 860_811, "limit": 49}, headers=headers).json()
    assert page == {"items": [], "total": 3, "limit": 49, "offset": 860_811, "next_offset": None}


def test_a_profile_sent_again_keeps_the_facts_it_does_not_name(client: TestClient) -> None:
    headers = register(client)
    answered = {**PROFILES[0], "facts": {"no_layoffs": True, "resumed_work": True}}
    client.put("/profiles", json={"profiles": [answered]}, headers=headers)
    client.put("/profiles", json={"profiles": [{**PROFILES[0], "employees": 12}]}, headers=headers)
    stored = client.get("/profiles/ent-1", headers=headers).json()
    assert stored["employees"] == 12 and stored["facts"] == {"no_layoffs": True, "resumed_work": True}
    client.put("/profiles", json={"profiles": [{**PROFILES[0], "facts": {"resumed_work": False}}]}, headers=headers)
    assert client.get("/profiles/ent-1", headers=headers).json()["facts"] == {"no_layoffs": True, "resumed_work": False}
    client.delete("/profiles/ent-1", headers=headers)  # forgetting the answers: delete, then store again
    client.put("/profiles", json={"profiles": [PROFILES[0]]}, headers=headers)
    assert client.get("/profiles/ent-1", headers=headers).json()["facts"] == {}
