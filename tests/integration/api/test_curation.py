"""Officials correct an extracted measure (PATCH): the next /match answers with it, the change is pushed, the
extracted original and the audit trail are kept, a re-ingest of unchanged text keeps the correction, and a
changed clause flags it for review."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient

from push.fanout import expand_pending
from push.officials import add_admin, add_official
from tests.integration.api.conftest import register

POLICY = (
    "北京市通州区关于支持小微企业的若干措施\n"
    "一、对通州区的小微企业，减免3个月房租，每家最高10万元。\n"
    "二、本措施自2026年1月1日起施行。\n"
)
PROFILE = {"id": "tz-1", "name": "通州甲公司", "region_code": "110112", "industry_code": "I6513", "scale": "小型"}
AS_OF = {"as_of": "2026-06-01"}


def _ingest(client: TestClient, folder: Path, text: str) -> str:
    services = client.app.state.services  # type: ignore[attr-defined]
    folder.mkdir(exist_ok=True)
    (folder / "rent.txt").write_text(text, encoding="utf-8")
    summary = services.ingest([folder])
    assert not summary.failed
    return "policies/rent.txt"


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _events(client: TestClient) -> int:
    """The outbox events once the delivery worker has expanded the pending match batches."""
    store = client.app.state.services.store  # type: ignore[attr-defined]
    while expand_pending(store, datetime.now(UTC)):
        pass
    return len(store.find_nodes("OutboxEvent"))


def test_a_correction_changes_matching_is_pushed_and_is_audited(client: TestClient, tmp_path: Path) -> None:
    store = client.app.state.services.store  # type: ignore[attr-defined]
    source_id = _ingest(client, tmp_path / "policies", POLICY)
    _, official_key = add_official(store, "通州区发改委", "110112")
    _, outsider_key = add_official(store, "朝阳区发改委", "110105")
    consumer = register(client)
    assert client.put("/profiles", json={"profiles": [PROFILE]}, headers=consumer).is_success
    hook = client.post("/subscriptions", json={"url": "https://hooks.example.org/policykg"}, headers=consumer)
    assert hook.status_code == 201, hook.text

    (measure,) = client.get(f"/policies/{source_id}/measures").json()
    assert measure["number"] == 1 and measure["benefit"]["max_amount_wan"] == 10 and measure["curation"] is None
    before = [a for a in client.post("/match", params=AS_OF, json=PROFILE).json() if a["source_id"] == source_id]
    assert [a["verdict"] for a in before] == ["eligible"]

    patch = {
        "benefit": {"type": "租金减免", "text": "减免3个月房租，每家最高20万元", "max_amount_wan": 20},
        "deadline": "2030-09-30",
        "note": "上限以印发稿为准",
    }
    path = f"/policies/{source_id}/measures/1"
    assert client.patch(path, json=patch).status_code == 401
    assert client.patch(path, json=patch, headers=consumer).status_code == 403
    assert client.patch(path, json=patch, headers=_bearer(outsider_key)).status_code == 403
    bad = {"conditions": [{"dimension": "employees", "operator": "<=", "value": "很多", "text": "从业人员"}]}
    refused = client.patch(path, json=bad, headers=_bearer(official_key))
    assert refused.status_code == 422 and "number" in refused.text
    events_before = _events(client)

    done = client.patch(path, json=patch, headers=_bearer(official_key))
    assert done.status_code == 200, done.text
    curated = done.json()
    assert curated["measure"]["curated"] is True and curated["measure"]["deadline"] == "2030-09-30"
    assert curated["curation"]["original"]["benefit"]["max_amount_wan"] == 10
    assert curated["curation"]["curated"]["benefit"]["max_amount_wan"] == 20
    (entry,) = curated["curation"]["history"]
    assert entry["note"] == "上限以印发稿为准" and entry["by"].startswith("o_")
    assert _events(client) > events_before  # the changed match is pushed

    (answer,) = [a for a in client.post("/match", params=AS_OF, json=PROFILE).json() if a["source_id"] == source_id]
    assert answer["verdict"] == "eligible" and answer["curated"] is True
    assert answer["benefit"]["max_amount_wan"] == 20 and answer["deadline"] == "2030-09-30"

    # A second correction adds a condition the profile does not answer: asked, not assumed.
    employees = {"dimension": "employees", "operator": "<=", "value": 100, "text": "从业人员100人以下"}
    conditions = [*curated["measure"]["conditions"], employees]
    again = client.patch(path, json={"conditions": conditions}, headers=_bearer(official_key))
    assert again.status_code == 200, again.text
    assert len(again.json()["curation"]["history"]) == 2
    (answer,) = [a for a in client.post("/match", params=AS_OF, json=PROFILE).json() if a["source_id"] == source_id]
    assert answer["verdict"] == "undetermined" and answer["benefit"]["max_amount_wan"] == 20

    # Re-ingesting the same clause text (another clause changed) keeps the correction.
    _ingest(client, tmp_path / "policies", POLICY.replace("2026年1月1日", "2026年2月1日"))
    (kept,) = client.get(f"/policies/{source_id}/measures").json()
    assert kept["benefit"]["max_amount_wan"] == 20 and kept["curation"]["status"] == "active"

    # A changed clause text flags the correction for review and answers with what is extracted now.
    _ingest(client, tmp_path / "policies", POLICY.replace("每家最高10万元", "每家最高15万元"))
    (changed,) = client.get(f"/policies/{source_id}/measures").json()
    assert changed["benefit"]["max_amount_wan"] == 15 and changed["curated"] is False
    review = client.app.state.services.store.find_nodes("Curation", {"source_id": source_id})  # type: ignore[attr-defined]
    assert [c["status"] for c in review] == ["needs_review"]


def test_admins_correct_any_policy_and_unknown_measures_are_404(client: TestClient, tmp_path: Path) -> None:
    store = client.app.state.services.store  # type: ignore[attr-defined]
    source_id = _ingest(client, tmp_path / "policies", POLICY)
    _, admin_key = add_admin(store, "运维")
    path = f"/policies/{source_id}/measures"
    assert client.patch(f"{path}/9", json={"auto_grant": True}, headers=_bearer(admin_key)).status_code == 404
    done = client.patch(f"{path}/1", json={"auto_grant": True}, headers=_bearer(admin_key))
    assert done.status_code == 200 and done.json()["measure"]["auto_grant"] is True
    assert client.patch("/policies/nope/measures/1", json={}, headers=_bearer(admin_key)).status_code == 404
