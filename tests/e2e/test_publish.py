"""End to end: with ``policykg serve`` running, an official publishes a policy (发布) and everything follows at once.

Keys are made with the CLI before the service starts (admin, two officials); the admin registers a consumer over
HTTP (registration is closed by default), the consumer stores profiles and a webhook to a real receiver on
127.0.0.1. The official's POST /documents is then found by GET /search, matched by POST /match with its cap, and
delivered to the webhook signed; wrong keys get 401/403, and a rotated or revoked key stops working.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import httpx

from push.signing import verify_signature
from tests.support.cli import POLICYKG
from tests.support.service import environment, running_service, wait_for
from tests.support.webhook_receiver import run_receiver

POLICY = {
    "source_id": "tongzhou/2026-fgw-7",
    "title": "北京市通州区发展和改革委员会关于支持小微企业稳定发展的若干措施",
    "doc_number": "通发改发〔2026〕7号",
    "issuer": "北京市通州区发展和改革委员会",
    "published": "2026-11-20",
    "text": (
        "各有关单位：\n\n为支持本区小微企业稳定发展，制定以下措施。\n\n"
        "一、通州区的小微企业可以申请一次性稳岗补贴，每家企业最高20万元。\n\n"
        "二、本措施自2026年12月1日起施行，有效期至2027年12月31日。\n\n"
        "北京市通州区发展和改革委员会\n2026年11月20日\n"
    ),
}
PROFILES = [
    {
        "id": "tz-1",
        "name": "通州甲科技有限公司",
        "region_code": "110112",
        "industry_code": "I6513",
        "scale": "小型",
    },
    {
        "id": "tz-2",
        "name": "通州乙制造股份公司",
        "region_code": "110112",
        "industry_code": "C3311",
        "scale": "大型",
    },
]


def _cli(data_dir: Path, *args: str) -> dict[str, str]:
    env = environment(data_dir, open_registration=False)
    done = subprocess.run([str(POLICYKG), *args], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    created: dict[str, str] = json.loads(done.stdout)
    return created


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_an_official_publishes_into_the_running_service(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    admin = _cli(data_dir, "admins", "add", "运维")
    official = _cli(
        data_dir, "officials", "add", "通州区发改委", "--region", "110112", "--agency", "北京市通州区发展和改革委员会"
    )
    elsewhere = _cli(data_dir, "officials", "add", "重庆市发改委", "--region", "500000")
    assert official["region_code"] == "110112" and official["api_key"].startswith("pk_o_")
    with run_receiver() as receiver, running_service(data_dir, open_registration=False) as (base, _):
        assert httpx.post(f"{base}/consumers", json={"name": "园区平台"}).status_code == 403  # closed by default
        consumer = httpx.post(f"{base}/consumers", json={"name": "园区平台"}, headers=_bearer(admin["api_key"]))
        assert consumer.status_code == 201, consumer.text
        consumer_key = consumer.json()["api_key"]
        assert httpx.put(f"{base}/profiles", json={"profiles": PROFILES}, headers=_bearer(consumer_key)).is_success
        subscription = httpx.post(
            f"{base}/subscriptions", json={"url": receiver.url}, headers=_bearer(consumer_key)
        ).json()

        assert httpx.post(f"{base}/documents", json=POLICY).status_code == 401
        assert httpx.post(f"{base}/documents", json=POLICY, headers=_bearer(consumer_key)).status_code == 403
        refused = httpx.post(f"{base}/documents", json=POLICY, headers=_bearer(elsewhere["api_key"]))
        assert refused.status_code == 403 and "110112" in refused.json()["detail"]

        published = httpx.post(f"{base}/documents", json=POLICY, headers=_bearer(official["api_key"]), timeout=120)
        assert published.status_code == 201, published.text
        body = published.json()
        assert body["document"]["doc_number"] == "通发改发〔2026〕7号"
        assert body["document"]["region_code"] == "110112"
        (measure,) = body["measures"]
        assert measure["benefit"]["max_amount_wan"] == 20
        again = httpx.post(f"{base}/documents", json=POLICY, headers=_bearer(official["api_key"]), timeout=120)
        assert again.status_code == 200 and again.json()["unchanged"] is True

        hits = httpx.get(f"{base}/search", params={"q": "通州 稳岗补贴", "mode": "lexical"}).json()["hits"]
        assert hits and hits[0]["source_id"] == POLICY["source_id"]
        answers = httpx.post(f"{base}/match", params={"as_of": "2026-12-03"}, json=PROFILES[0]).json()
        (eligible,) = [a for a in answers if a["source_id"] == POLICY["source_id"]]
        assert eligible["verdict"] == "eligible" and eligible["benefit"]["max_amount_wan"] == 20
        big = httpx.post(f"{base}/match", params={"as_of": "2026-12-03"}, json=PROFILES[1]).json()
        assert [a["verdict"] for a in big if a["source_id"] == POLICY["source_id"]] == ["ineligible"]

        wait_for(lambda: len(receiver.accepted) >= 1, 60, "the webhook event of the published policy")
        (request,) = receiver.accepted
        assert verify_signature(subscription["secret"], request.headers["x-policykg-signature"], request.body)
        event = json.loads(request.body)
        assert event["profile"]["id"] == "tz-1" and event["match"]["source_id"] == POLICY["source_id"]

        # Keys: a rotated key replaces the old one at once; a revoked key is refused.
        rotated = httpx.post(f"{base}/keys/rotate", headers=_bearer(consumer_key)).json()["api_key"]
        assert httpx.get(f"{base}/profiles", headers=_bearer(consumer_key)).status_code == 401
        assert httpx.get(f"{base}/profiles", headers=_bearer(rotated)).status_code == 200
        other_id = elsewhere["id"]
        assert httpx.delete(f"{base}/keys/{other_id}", headers=_bearer(rotated)).status_code == 403
        assert httpx.delete(f"{base}/keys/{other_id}", headers=_bearer(admin["api_key"])).status_code == 204
        assert httpx.post(f"{base}/documents", json=POLICY, headers=_bearer(elsewhere["api_key"])).status_code == 401

        # Deleting: only within the official's scope; then search no longer finds it.
        path = f"{base}/documents/{POLICY['source_id']}"
        assert httpx.delete(path, headers=_bearer(rotated)).status_code == 403
        assert httpx.delete(path, headers=_bearer(official["api_key"]), timeout=120).status_code == 204
        assert httpx.delete(path, headers=_bearer(official["api_key"])).status_code == 404
        hits = httpx.get(f"{base}/search", params={"q": "通州 稳岗补贴", "mode": "lexical"}).json()["hits"]
        assert all(h["source_id"] != POLICY["source_id"] for h in hits)
