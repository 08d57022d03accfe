"""督查 over HTTP: per policy and per region counts and amounts, scoped to the official's region."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from push.officials import add_admin, add_official
from tests.integration.api.test_applications import SHARED, _bearer, _setup


def test_the_dashboard_counts_what_happened(client: TestClient, tmp_path: Path) -> None:
    measures, consumer, _ = _setup(client, tmp_path)
    store = client.app.state.services.store  # type: ignore[attr-defined]
    _, official = add_official(store, "通州区人社局", "110112")
    _, outsider = add_official(store, "朝阳区人社局", "110105")
    _, admin = add_admin(store, "运维")
    first = measures[0]["clause_id"]
    (before,) = client.get("/dashboard", params={"as_of": "2026-06-01"}, headers=_bearer(official)).json()["regions"]
    assert [m["number"] for m in before["without_qualifying"]] == [1, 2]  # their question is not answered yet
    assert [m["number"] for m in before["qualifying_without_application"]] == [3]
    facts = {SHARED: True, "unemployment_insurance_paid_wan": 6}
    one = client.post("/applications", json={"profile_id": "tz-1", "measure_id": first}, headers=consumer).json()
    client.patch(f"/applications/{one['id']}", json={"facts": facts, "status": "submitted"}, headers=consumer)
    client.patch(f"/applications/{one['id']}", json={"status": "accepted"}, headers=_bearer(official))
    client.patch(f"/applications/{one['id']}", json={"status": "paid"}, headers=_bearer(official))
    client.post("/policies/policies/jobs.txt/feedback", json={"profile_id": "tz-1", "rating": 5}, headers=consumer)
    client.patch("/policies/policies/jobs.txt/measures/3", json={"auto_grant": True}, headers=_bearer(official))

    view = client.get("/dashboard", params={"as_of": "2026-06-01"}, headers=_bearer(official)).json()
    (policy,) = view["policies"]
    assert policy["qualifying_profiles"] == 2  # both consumers' tz-1: measure 3 needs only region and scale
    assert policy["applications"] == {"draft": 0, "submitted": 0, "accepted": 0, "rejected": 0, "paid": 1}
    assert policy["grants"] == 2 and policy["amount_granted_wan"] == 4
    assert policy["amount_applied_wan"] == 3 and policy["amount_paid_wan"] == 3
    assert policy["average_rating"] == 5
    (region,) = view["regions"]
    assert region["region_code"] == "110112" and region["measures"] == 3
    # measure 2: the first profile answered its question (so it qualifies) but nobody applied for it
    (idle,) = region["qualifying_without_application"]
    assert (idle["number"], idle["qualifying_profiles"]) == (2, 1)
    assert region["without_qualifying"] == []

    assert client.get("/dashboard", headers=_bearer(outsider)).json()["policies"] == []
    assert client.get("/dashboard", headers=_bearer(admin)).json()["totals"]["grants"] == 2
    assert client.get("/dashboard", headers=consumer).status_code == 403
    assert client.get("/dashboard", params={"as_of": "soon"}, headers=_bearer(admin)).status_code == 422
