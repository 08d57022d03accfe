"""POST /calculate (政策计算器) over a stored policy: per measure and in total, missing inputs named, 422s."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

POLICY = (
    "北京市通州区关于支持小微企业的若干措施\n"
    "一、对通州区的小微企业，减免3个月房租，每家最高10万元。\n"
    "二、对通州区的小微企业，按其上年度实际缴纳失业保险费的50%给予稳岗返还。\n"
    "三、本措施自2026年1月1日起施行。\n"
)
PROFILE = {"id": "tz-1", "name": "通州甲公司", "region_code": "110112", "industry_code": "I6513", "scale": "小型"}
AS_OF = {"as_of": "2026-06-01"}


def test_a_profile_gets_each_estimate_and_the_total(client: TestClient, tmp_path: Path) -> None:
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "calc.txt").write_text(POLICY, encoding="utf-8")
    assert not client.app.state.services.ingest([folder]).failed  # type: ignore[attr-defined]

    answer = client.post("/calculate", params=AS_OF, json={"profile": PROFILE}).json()
    mine = [m for m in answer["measures"] if m["source_id"] == "policies/calc.txt"]
    assert len(mine) == 2, answer
    by_kind = {m["estimate"]["bound"]: m for m in mine}
    assert by_kind["at_most"]["estimate"]["amount_wan"] == 10
    assert by_kind["none"]["estimate"]["missing"][0]["fact"] == "unemployment_insurance_paid_wan"
    assert "失业保险费" in by_kind["none"]["estimate"]["missing"][0]["question"]

    facts = {**PROFILE, "facts": {"unemployment_insurance_paid_wan": 8}}
    total = client.post("/calculate", params=AS_OF, json={"profile": facts}).json()
    assert total["exact_wan"] == 4 and total["without_amount"] == 0
    assert total["total_wan"] >= 14
    one_id = by_kind["none"]["clause_id"]
    one = client.post("/calculate", params=AS_OF, json={"profile": facts, "measure_id": one_id}).json()
    assert one["total_wan"] == 4 and "50% ×" in one["measures"][0]["estimate"]["formula_text"]

    missing = client.post("/calculate", params=AS_OF, json={"profile": facts, "measure_id": "nope"})
    assert missing.status_code == 404 and "measure_id" in missing.text
    bad = client.post("/calculate", json={"profile": {**PROFILE, "employees": -1}})
    assert bad.status_code == 422 and "body.profile.employees" in bad.text
    wrong = client.post("/calculate", json={"profile": PROFILE, "verdicts": ["maybe"]})
    assert wrong.status_code == 422 and "verdicts" in wrong.text
