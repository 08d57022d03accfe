"""GET /documents/{id}: a policy with everything around it — measures, citations both ways (placeholders marked),
versions, and its 政策解读, which itself yields no measure."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

DEMO_DATA = Path(__file__).resolve().parents[3] / "api" / "demo_data"
POLICY = (
    "北京市通州区关于支持小微企业稳定发展的若干措施\n"
    "为贯彻《中华人民共和国中小企业促进法》，制定以下措施。\n"
    "一、对通州区的小微企业，减免3个月房租，每家最高10万元。\n"
)
INTERPRETATION = (
    "《北京市通州区关于支持小微企业稳定发展的若干措施》政策解读\n"
    "一、出台背景。为支持小微企业，区政府印发了《北京市通州区关于支持小微企业稳定发展的若干措施》。\n"
    "二、主要内容。对通州区的小微企业，减免3个月房租，每家最高10万元。\n"
)


def test_a_policy_shows_its_measures_citations_versions_and_interpretation(client: TestClient, tmp_path: Path) -> None:
    services = client.app.state.services  # type: ignore[attr-defined]
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "policy.txt").write_text(POLICY, encoding="utf-8")
    (folder / "policy-interpretation.txt").write_text(INTERPRETATION, encoding="utf-8")
    summary = services.ingest(
        [folder, DEMO_DATA / "行政复议法(2017-09-01).md", DEMO_DATA / "行政复议法(2023-09-01).md"]
    )
    assert not summary.failed
    listing = {d["source_id"]: d for d in client.get("/documents", params={"limit": 10}).json()["items"]}
    assert listing["docs/policy-interpretation.txt"]["doc_type"] == "政策解读"

    view = client.get(f"/documents/{listing['docs/policy.txt']['id']}").json()
    assert [m["benefit"]["max_amount_wan"] for m in view["measures"]] == [10]
    assert [(c["title"], c["placeholder"]) for c in view["cites"]] == [("中华人民共和国中小企业促进法", True)]
    assert [i["source_id"] for i in view["interpretations"]] == ["docs/policy-interpretation.txt"]
    explained = client.get(f"/documents/{listing['docs/policy-interpretation.txt']['id']}").json()
    assert explained["measures"] == []  # an interpretation restates the policy; it grants nothing

    revision = client.get(f"/documents/{listing['demo_data/行政复议法(2023-09-01).md']['id']}").json()
    assert [v["version_date"] for v in revision["versions"]] == ["2017-09-01", "2023-09-01"]
    assert [v["status"] for v in revision["versions"]] == ["已被修改", "现行有效"]
