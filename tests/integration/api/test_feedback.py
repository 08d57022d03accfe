"""评价 over HTTP: consumers rate a policy and its measures; only the issuing region's officials read them."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from push.officials import add_official
from tests.integration.api.test_applications import _bearer, _setup


def test_ratings_reach_the_issuer_only(client: TestClient, tmp_path: Path) -> None:
    measures, consumer, other = _setup(client, tmp_path)
    store = client.app.state.services.store  # type: ignore[attr-defined]
    _, official = add_official(store, "通州区人社局", "110112")
    _, outsider = add_official(store, "朝阳区人社局", "110105")
    path = "/policies/policies/jobs.txt/feedback"
    first = measures[0]["clause_id"]

    posted = client.post(path, json={"profile_id": "tz-1", "rating": 4, "comment": "流程清楚"}, headers=consumer)
    assert posted.status_code == 201, posted.text
    body = {"profile_id": "tz-1", "rating": 2, "comment": "材料太多", "measure_id": first}
    assert client.post(path, json=body, headers=other).status_code == 201
    assert client.post(path, json={**body, "rating": 6}, headers=consumer).status_code == 422
    assert "body.rating" in client.post(path, json={**body, "rating": 0}, headers=consumer).text
    assert client.post(path, json={**body, "profile_id": "nope"}, headers=consumer).status_code == 404
    assert client.post(path, json={**body, "measure_id": "x/c9"}, headers=consumer).status_code == 404
    assert client.post("/policies/none/feedback", json=body, headers=consumer).status_code == 404

    read = client.get(path, headers=_bearer(official))
    assert read.status_code == 200, read.text
    summary = read.json()
    assert summary["count"] == 2 and summary["average"] == 3
    assert summary["measures"] == [{"measure_id": first, "number": 1, "count": 1, "average": 2}]
    assert [c["comment"] for c in summary["comments"]] == ["流程清楚", "材料太多"]
    assert client.get(path, headers=_bearer(outsider)).status_code == 403
    assert client.get(path, headers=consumer).status_code == 403
