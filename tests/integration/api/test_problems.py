"""Every error is an RFC 9457 problem+json body with the status from the one table."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.errors import PROBLEM_MEDIA_TYPE, status_for
from graph.errors import GraphSchemaError, GraphStoreError
from ontology.errors import NotFoundError, PolicykgError, UnknownCodeError
from push.errors import WebhookTargetError
from tests.integration.api.conftest import register


def test_validation_error_names_the_field(client: TestClient) -> None:
    headers = register(client)
    profile = {"id": "a", "region_code": "110112", "industry_code": "I6513", "employees": -1}
    response = client.put("/profiles", json={"profiles": [profile]}, headers=headers)
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    body = response.json()
    assert body["status"] == 422 and body["instance"] == "/profiles"
    assert [e["field"] for e in body["errors"]] == ["body.profiles.0.employees"]
    assert "body.profiles.0.employees" in body["detail"]


def test_unknown_region_is_422_naming_region_code(client: TestClient) -> None:
    profile = {"id": "a", "region_code": "999999", "industry_code": "I6513"}
    response = client.put("/profiles", json={"profiles": [profile]}, headers=register(client))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.profiles.0.region_code"


def test_query_parameter_out_of_range_is_422(client: TestClient) -> None:
    response = client.get("/profiles", params={"limit": 0}, headers=register(client))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.limit"


@pytest.mark.parametrize(("method", "path", "status"), [("get", "/no-such-route", 404), ("delete", "/health", 405)])
def test_unknown_route_and_method_are_problems(client: TestClient, method: str, path: str, status: int) -> None:
    response = client.request(method, path)
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert response.json()["status"] == status and path in response.json()["detail"]


def test_missing_key_is_401_with_challenge(client: TestClient) -> None:
    response = client.get("/deliveries")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["type"] == "urn:policykg:problem:unauthorized"


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (NotFoundError("x"), 404),
        (WebhookTargetError("x"), 422),
        (UnknownCodeError("x"), 422),
        (GraphSchemaError("x"), 400),
        (GraphStoreError("x"), 503),
        (PolicykgError("x"), 400),
    ],
)
def test_table_maps_along_the_class_hierarchy(error: Exception, status: int) -> None:
    found = status_for(error)
    assert found is not None and found[0] == status


def test_unexpected_error_is_500_problem_without_internals(client: TestClient) -> None:
    def explode() -> None:
        raise RuntimeError("secret internals")

    client.app.add_api_route("/explode", explode)  # type: ignore[attr-defined]
    response = client.get("/explode")
    assert response.status_code == 500
    assert "secret internals" not in response.text
    assert response.json()["type"] == "urn:policykg:problem:internal-error"
