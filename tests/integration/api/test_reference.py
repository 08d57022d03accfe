"""Regions and industries found by typing a name, as the self-check form offers them."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_a_place_name_gives_its_county_code(client: TestClient) -> None:
    answer = client.get("/reference/regions", params={"q": "通州"})
    assert answer.status_code == 200
    assert {"code": "110112", "name": "北京市通州区", "level": "county"} in answer.json()


def test_an_industry_word_gives_profile_codes_of_classes(client: TestClient) -> None:
    codes = [i["code"] for i in client.get("/reference/industries", params={"q": "软件"}).json()]
    assert {"I6511", "I6512", "I6513"} <= set(codes[:5])


def test_an_empty_query_is_a_422_naming_q(client: TestClient) -> None:
    answer = client.get("/reference/regions", params={"q": ""})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "query.q"
