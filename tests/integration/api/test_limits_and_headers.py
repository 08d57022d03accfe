"""Bounded work and safe defaults on the HTTP surface: body size, profile fields, security headers, no leaks."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from api.bootstrap import build_services
from api.main import create_app
from api.settings import Settings
from tests.integration.api.conftest import register


def test_every_answer_carries_the_security_headers(client: TestClient) -> None:
    answer = client.get("/health")
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in answer.headers["content-security-policy"]


def test_a_body_over_the_limit_is_refused_and_nothing_is_stored(tmp_path: Path) -> None:
    settings = Settings(
        policykg_data_dir=tmp_path,
        policykg_push_worker=False,
        policykg_max_request_mb=0.01,
        policykg_open_registration=True,
    )
    with TestClient(create_app(build_services(settings)), raise_server_exceptions=False) as client:
        headers = register(client)
        profile = {"id": "p", "region_code": "110105", "industry_code": "I6513", "description": "软" * 1500}
        refused = client.put("/profiles", json={"profiles": [profile] * 20}, headers=headers)
        assert refused.status_code == 413
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert client.get("/profiles", headers=headers).json()["total"] == 0


def test_an_overlong_profile_field_is_a_422_naming_it(client: TestClient) -> None:
    answer = client.post(
        "/match", json={"id": "p", "region_code": "110105", "industry_code": "I6513", "name": "名" * 300}
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "body.name"


def test_registration_is_closed_by_default(tmp_path: Path) -> None:
    settings = Settings(policykg_data_dir=tmp_path, policykg_push_worker=False)
    with TestClient(create_app(build_services(settings))) as client:
        refused = client.post("/consumers", json={"name": "某园区平台"})
        assert refused.status_code == 403
        assert "registration is closed" in refused.json()["detail"]


def test_the_api_docs_work_offline_and_the_data_dir_is_private(client: TestClient, tmp_path: Path) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and "/docs/assets/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower()
    assert client.get("/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/docs/assets/../../etc/passwd").status_code == 404
    fresh = tmp_path / "fresh-data"
    build_services(Settings(policykg_data_dir=fresh)).data_dir  # noqa: B018 - creates it
    assert (fresh.stat().st_mode & 0o077) == 0
