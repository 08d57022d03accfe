"""Applications (办理, 一次办) and 免申即享 grants over HTTP, in process: a question answered once serves every
application of the profile, officials of the issuing region decide, every status change is an outbox event,
consumers never see each other's applications and officials of another region see none of them."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from push.officials import add_official
from tests.integration.api.conftest import register

POLICY = """北京市通州区人力资源和社会保障局关于支持小微企业稳岗扩岗的若干措施

一、对通州区依法参加失业保险并足额缴费的小微企业，按其上年度实际缴纳失业保险费的50%给予稳岗返还。

二、对通州区依法参加失业保险并足额缴费的小微企业，每吸纳1名高校毕业生给予1000元补贴，每家最高5万元。

三、对通州区的小微企业，给予一次性经营补贴2万元。

四、本措施自2026年1月1日起施行。
"""
SHARED = "unemployment_insured"  # the catalogue fact both measures name (是否依法参加失业保险并足额缴费？)
PROFILE = {"id": "tz-1", "name": "通州甲公司", "region_code": "110112", "industry_code": "I6513", "scale": "小型"}


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _setup(client: TestClient, tmp_path: Path) -> tuple[list[dict[str, object]], dict[str, str], dict[str, str]]:
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "jobs.txt").write_text(POLICY, encoding="utf-8")
    assert not client.app.state.services.ingest([folder]).failed  # type: ignore[attr-defined]
    measures = client.get("/policies/policies/jobs.txt/measures").json()
    consumer = register(client, "园区平台")
    assert client.put("/profiles", json={"profiles": [PROFILE]}, headers=consumer).is_success
    hook = client.post("/subscriptions", json={"url": "https://hooks.example.org/policykg"}, headers=consumer)
    assert hook.status_code == 201, hook.text
    other = register(client, "银行")
    assert client.put("/profiles", json={"profiles": [PROFILE]}, headers=other).is_success
    return measures, consumer, other


def _events(client: TestClient, kind: str) -> list[dict[str, object]]:
    rows = client.app.state.services.store.find_nodes("OutboxEvent")  # type: ignore[attr-defined]
    bodies = [json.loads(r["payload_json"]) for r in rows]
    return [b for b in bodies if b["type"] == kind]


def test_apply_once_decide_and_pay(client: TestClient, tmp_path: Path) -> None:
    measures, consumer, other = _setup(client, tmp_path)
    store = client.app.state.services.store  # type: ignore[attr-defined]
    _, official = add_official(store, "通州区人社局", "110112")
    _, outsider = add_official(store, "朝阳区人社局", "110105")
    first, second = measures[0]["clause_id"], measures[1]["clause_id"]

    created = client.post("/applications", json={"profile_id": "tz-1", "measure_id": first}, headers=consumer)
    assert created.status_code == 201, created.text
    one = created.json()
    assert one["status"] == "draft" and one["prefilled"]["region_code"] == "110112"
    assert [q["fact"] for q in one["open_questions"]] == [SHARED, "unemployment_insurance_paid_wan"]
    refused = client.patch(f"/applications/{one['id']}", json={"status": "submitted"}, headers=consumer)
    assert refused.status_code == 409 and "提交前请先回答" in refused.json()["detail"]
    bad = client.patch(
        f"/applications/{one['id']}", json={"facts": {"unemployment_insurance_paid_wan": "多"}}, headers=consumer
    )
    assert bad.status_code == 422 and "unemployment_insurance_paid_wan：应为数字" in bad.text
    answered = {SHARED: True, "unemployment_insurance_paid_wan": 6}
    submitted = client.patch(
        f"/applications/{one['id']}", json={"facts": answered, "status": "submitted"}, headers=consumer
    ).json()
    assert submitted["status"] == "submitted" and submitted["amount_applied_wan"] == 3
    assert submitted["prefilled"]["facts"] == answered

    # the shared question was answered once: the second application asks only for its own amount input
    two = client.post("/applications", json={"profile_id": "tz-1", "measure_id": second}, headers=consumer).json()
    assert [q["fact"] for q in two["open_questions"]] == ["subsidised_persons"]
    again = client.post("/applications", json={"profile_id": "tz-1", "measure_id": second}, headers=consumer)
    assert again.status_code == 409
    client.patch(f"/applications/{two['id']}", json={"facts": {"subsidised_persons": 20}}, headers=consumer)
    assert client.patch(f"/applications/{two['id']}", json={"status": "submitted"}, headers=consumer).is_success

    # consumers see only theirs; officials of another region see none and may not decide
    assert client.get("/applications", headers=other).json()["total"] == 0
    assert client.get(f"/applications/{one['id']}", headers=other).status_code == 404
    assert client.get("/applications", headers=_bearer(outsider)).json()["total"] == 0
    assert client.get(f"/applications/{one['id']}", headers=_bearer(outsider)).status_code == 403
    deny = client.patch(f"/applications/{one['id']}", json={"status": "accepted"}, headers=_bearer(outsider))
    assert deny.status_code == 403
    assert client.patch(f"/applications/{one['id']}", json={"status": "accepted"}, headers=consumer).status_code == 422

    listed = client.get("/applications", params={"status": "submitted"}, headers=_bearer(official)).json()
    assert listed["total"] == 2
    accepted = client.patch(f"/applications/{one['id']}", json={"status": "accepted"}, headers=_bearer(official))
    assert accepted.status_code == 200, accepted.text
    rejected = client.patch(
        f"/applications/{two['id']}", json={"status": "rejected", "note": "材料不全"}, headers=_bearer(official)
    ).json()
    assert rejected["history"][-1]["note"] == "材料不全" and rejected["history"][-1]["by"].startswith("o_")
    paid = client.patch(f"/applications/{one['id']}", json={"status": "paid"}, headers=_bearer(official)).json()
    assert paid["status"] == "paid" and paid["amount_paid_wan"] == 3
    assert [h["status"] for h in paid["history"]] == ["draft", "submitted", "accepted", "paid"]
    late = client.patch(f"/applications/{two['id']}", json={"status": "paid"}, headers=_bearer(official))
    assert late.status_code == 409

    # every status change is a webhook event to the consumer that applied
    kinds = sorted(str(e["type"]) for e in _events(client, "application.paid") + _events(client, "application.draft"))
    assert kinds == ["application.draft", "application.draft", "application.paid"]
    assert len(_events(client, "application.rejected")) == 1


def test_a_free_grant_needs_no_application(client: TestClient, tmp_path: Path) -> None:
    measures, consumer, other = _setup(client, tmp_path)
    store = client.app.state.services.store  # type: ignore[attr-defined]
    _, official = add_official(store, "通州区人社局", "110112")
    third = measures[2]
    # a condition known only by its words (no catalogue fact decides it) refuses 免申即享
    unchecked = {"dimension": "other", "operator": "==", "value": True, "text": "经区人社局认定"}
    refused = client.patch(
        "/policies/policies/jobs.txt/measures/1",
        json={"auto_grant": True, "conditions": [unchecked]},
        headers=_bearer(official),
    )
    assert refused.status_code == 422 and "auto_grant" in refused.text and "经区人社局认定" in refused.text
    patch = client.patch("/policies/policies/jobs.txt/measures/3", json={"auto_grant": True}, headers=_bearer(official))
    assert patch.status_code == 200, patch.text
    (grant,) = client.get("/applications", headers=consumer).json()["items"]
    assert grant["channel"] == "auto_grant" and grant["status"] == "accepted"
    assert grant["measure_id"] == third["clause_id"] and grant["amount_applied_wan"] == 2
    assert grant["history"][0]["by"] == "免申即享"
    (event,) = _events(client, "application.granted")
    assert event["profile"] == {"id": "tz-1", "name": "通州甲公司"}  # type: ignore[comparison-overlap]
    # the other consumer's profile is granted too, to that consumer only; curating again grants nothing twice
    assert client.get("/applications", headers=other).json()["total"] == 1
    client.patch("/policies/policies/jobs.txt/measures/3", json={"note": "再次确认"}, headers=_bearer(official))
    assert client.get("/applications", headers=_bearer(official)).json()["total"] == 2
    # the record outlives the profile: paid after its consumer deleted it, still listed
    assert client.delete("/profiles/tz-1", headers=consumer).status_code == 204
    paid = client.patch(f"/applications/{grant['id']}", json={"status": "paid"}, headers=_bearer(official))
    assert paid.status_code == 200 and paid.json()["amount_paid_wan"] == 2
    (kept,) = client.get("/applications", headers=consumer).json()["items"]
    assert kept["status"] == "paid" and kept["open_questions"] == [] and kept["verdict"] == "eligible"


def test_an_expired_or_unmet_measure_is_not_applied_for(client: TestClient, tmp_path: Path) -> None:
    measures, consumer, _ = _setup(client, tmp_path)
    _, official = add_official(client.app.state.services.store, "通州区人社局", "110112")  # type: ignore[attr-defined]
    ended = {"valid_to": "2026-01-31", "note": "已截止"}
    assert client.patch("/policies/policies/jobs.txt/measures/3", json=ended, headers=_bearer(official)).is_success
    body = {"profile_id": "tz-1", "measure_id": measures[2]["clause_id"]}
    expired = client.post("/applications", json=body, headers=consumer)
    assert expired.status_code == 422 and "已过期" in expired.json()["detail"]
    big = {**PROFILE, "id": "big", "scale": "大型"}
    assert client.put("/profiles", json={"profiles": [big]}, headers=consumer).is_success
    unmet = client.post(
        "/applications", json={**body, "profile_id": "big", "measure_id": measures[0]["clause_id"]}, headers=consumer
    )
    assert unmet.status_code == 422 and "小微企业" in unmet.json()["detail"]
    missing = client.post("/applications", json={**body, "profile_id": "nobody"}, headers=consumer)
    assert missing.status_code == 404 and "profile_id" in missing.text
    assert client.post("/applications", json={"profile_id": "tz-1"}, headers=consumer).status_code == 422
