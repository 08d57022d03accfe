"""An app over a temporary data dir (no background worker) and helpers to register consumers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.bootstrap import build_services
from api.main import create_app
from api.settings import Settings


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    """A test client of the app on an empty embedded graph, the delivery worker off."""
    services = build_services(
        Settings(policykg_data_dir=tmp_path, policykg_push_worker=False, policykg_open_registration=True)
    )
    with TestClient(create_app(services), raise_server_exceptions=False) as test_client:
        yield test_client


def register(client: TestClient, name: str = "测试平台") -> dict[str, str]:
    """Register a consumer; return the Authorization header carrying its key."""
    response = client.post("/consumers", json={"name": name})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['api_key']}"}
