"""End to end: profiles and a webhook over HTTP, a policy ingested, signed deliveries to a real local receiver.

The service runs as a subprocess (``policykg serve``) on a temporary data dir; the receiver is an HTTP server
on 127.0.0.1 in this process that fails every other request. Between the ingest and the first delivery the
service is killed with SIGKILL while the receiver holds the first request unanswered; after a restart every
event still arrives, signed, for exactly the qualifying profiles.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from push.signing import verify_signature
from tests.support.service import environment, running_service, wait_for
from tests.support.webhook_receiver import run_receiver

POLICY = """北京市人民政府办公厅关于支持小微企业发展的若干措施

京政办发〔2026〕12号

各区人民政府，市政府各委、办、局：

一、本市小微企业可以申请一次性经营补贴，每家企业最高10万元。

二、本措施自2026年11月1日起施行，有效期至2027年12月31日。

北京市人民政府办公厅
2026年10月20日
"""
PROFILES = [
    {"id": "ent-1", "name": "北京甲科技有限公司", "region_code": "110112", "industry_code": "I6513", "scale": "小型"},
    {"id": "ent-2", "name": "北京乙餐饮有限公司", "region_code": "110105", "industry_code": "H6210", "scale": "微型"},
    {"id": "ent-3", "name": "北京丙制造股份公司", "region_code": "110112", "industry_code": "C3311", "scale": "大型"},
]
QUALIFYING = {"ent-1", "ent-2"}

# The ingest as ``policykg ingest`` runs it, with the eligibility extractor and the services' hooks.
INGEST_SCRIPT = """
import sys
from api.bootstrap import build_services
from ingest.extractors.eligibility import extract_conditions
from ingest.pipeline import ingest_paths
services = build_services()
summary = ingest_paths(sys.argv[1:], store=services.store, extractors=[extract_conditions], hooks=services.hooks)
services.close()
assert summary.documents == 1 and not summary.failed, summary.to_dict()
"""


def test_signed_deliveries_survive_failures_and_a_killedrunning_service(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    policy = tmp_path / "policy.txt"
    policy.write_text(POLICY, encoding="utf-8")
    with run_receiver(fail_every_other=True) as receiver:
        with running_service(data_dir) as (base, _):
            api_key = httpx.post(f"{base}/consumers", json={"name": "园区服务平台"}).json()["api_key"]
            headers = {"Authorization": f"Bearer {api_key}"}
            stored = httpx.put(f"{base}/profiles", json={"profiles": PROFILES}, headers=headers)
            assert stored.json() == {"upserted": 3}
            subscription = httpx.post(f"{base}/subscriptions", json={"url": receiver.url}, headers=headers).json()

        ingest = subprocess.run(
            [sys.executable, "-c", INGEST_SCRIPT, str(policy)],
            env=environment(data_dir),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert ingest.returncode == 0, ingest.stderr[-2000:]

        # Kill the service while its first delivery is in flight (the receiver holds it unanswered).
        receiver.hold.set()
        with running_service(data_dir) as (_, process):
            assert receiver.held.wait(30), "no delivery attempt reached the receiver"
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
        receiver.hold.clear()
        receiver.release.set()

        with running_service(data_dir) as (base, _):

            def delivered() -> list[dict[str, object]]:
                page = httpx.get(f"{base}/deliveries", params={"status": "delivered"}, headers=headers).json()
                return page["items"]

            wait_for(lambda: len(delivered()) == len(QUALIFYING), 60, "every event to be delivered")
            receipts = httpx.get(f"{base}/deliveries", headers=headers).json()
            one = httpx.get(f"{base}/deliveries/{receipts['items'][0]['id']}", headers=headers).json()

    assert receipts["total"] == len(QUALIFYING)
    assert {r["status"] for r in receipts["items"]} == {"delivered"}
    assert one["history"] and one["history"][-1]["status_code"] == 204
    keys = {r["idempotency_key"] for r in receipts["items"]}
    arrived: dict[str, set[str]] = {}
    for request in receiver.accepted:
        assert verify_signature(subscription["secret"], request.headers["x-policykg-signature"], request.body)
        body = json.loads(request.body)
        assert body["match"]["verdict"] == "eligible" and body["match"]["source_id"]
        arrived.setdefault(request.headers["idempotency-key"], set()).add(body["profile"]["id"])
    assert set(arrived) == keys
    assert set().union(*arrived.values()) == QUALIFYING
    assert len(receiver.requests) > len(receiver.accepted)  # the receiver did fail some requests
