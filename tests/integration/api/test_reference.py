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


def test_a_file_ingested_policy_is_reachable_by_its_source_id_with_a_slash(tmp_path, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    services = client.app.state.services  # type: ignore[attr-defined]
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "rent.txt").write_text(
        "北京市关于支持中小企业的若干措施\n一、对受疫情影响的本市中小微企业，减免3个月房租，最高10万元。\n",
        encoding="utf-8",
    )
    services.ingest([folder])
    answer = client.get("/policies/policies/rent.txt/measures")
    assert answer.status_code == 200, answer.text
    assert answer.json()[0]["source_id"] == "policies/rent.txt"
    assert client.get("/policies/policies/none.txt/measures").status_code == 404
