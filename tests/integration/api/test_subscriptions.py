"""Subscriptions: a signing secret shown once, filters kept, targets outside the allow-list refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.bootstrap import build_services
from api.main import create_app
from api.settings import Settings
from push.errors import WebhookTargetError
from push.targets import check_webhook_target
from tests.integration.api.conftest import register


def test_create_returns_secret_once_and_keeps_filters(client: TestClient) -> None:
    headers = register(client)
    body = {"url": "https://hooks.example.cn/p", "filters": {"regions": ["110000"], "benefit_types": ["资金补贴"]}}
    created = client.post("/subscriptions", json=body, headers=headers)
    assert created.status_code == 201 and created.json()["secret"].startswith("whsec_")
    listed = client.get("/subscriptions", headers=headers).json()["items"]
    assert listed[0]["filters"] == {"regions": ["110000"], "benefit_types": ["资金补贴"], "min_verdict": "eligible"}
    assert "secret" not in listed[0]


@pytest.mark.parametrize("url", ["ftp://example.cn/x", "not a url", "http:///nohost", "http://h:99999/x"])
def test_malformed_targets_are_refused(client: TestClient, url: str) -> None:
    response = client.post("/subscriptions", json={"url": url}, headers=register(client))
    assert response.status_code == 422
    assert response.json()["detail"].startswith("url:")


def test_allowlist_refuses_other_hosts(tmp_path: Path) -> None:
    from api.settings import Settings

    settings = Settings(
        policykg_data_dir=tmp_path,
        policykg_push_worker=False,
        policykg_webhook_allowlist=["*.example.cn", "10.0.0.5"],
        policykg_open_registration=True,
    )
    with TestClient(create_app(build_services(settings))) as client:
        headers = register(client)
        assert client.post("/subscriptions", json={"url": "https://a.example.cn/h"}, headers=headers).status_code == 201
        refused = client.post("/subscriptions", json={"url": "https://evil.test/h"}, headers=headers)
        assert refused.status_code == 422 and "evil.test" in refused.json()["detail"]


def test_allowlist_matching_rules() -> None:
    assert check_webhook_target("http://10.0.0.5:8080/x", ["10.0.0.5"]) == "http://10.0.0.5:8080/x"
    assert check_webhook_target("https://x.y.example.cn/", ["*.example.cn"])
    with pytest.raises(WebhookTargetError):
        check_webhook_target("https://example.cn.evil.test/", ["*.example.cn"])
    with pytest.raises(WebhookTargetError):
        check_webhook_target("https://notexample.cn/", ["*.example.cn"])


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://127.1/hook",
        "http://2130706433/hook",
        "http://0x7f000001/hook",
        "http://[::1]:8000/hook",
        "http://0.0.0.0:8000/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.5/hook",
        "http://localhost:8000/hook",
    ],
)
def test_internal_addresses_are_refused_unless_named(url: str) -> None:
    with pytest.raises(WebhookTargetError, match="internal address"):
        check_webhook_target(url, [])
    with pytest.raises(WebhookTargetError, match="internal address"):
        check_webhook_target(url, ["*.example.cn"])


def test_the_allowlist_reads_a_plain_host_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYKG_WEBHOOK_ALLOWLIST", "hooks.example.cn, *.bank.cn 127.0.0.1")
    assert Settings().policykg_webhook_allowlist == ["hooks.example.cn", "*.bank.cn", "127.0.0.1"]
    monkeypatch.setenv("POLICYKG_WEBHOOK_ALLOWLIST", '["a.example.cn"]')
    assert Settings().policykg_webhook_allowlist == ["a.example.cn"]
