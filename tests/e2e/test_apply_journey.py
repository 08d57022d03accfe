"""End to end (issue 18's done-when): with ``policykg serve`` running, an official publishes a policy with two
measures sharing a behaviour question; a consumer's profile is pushed both; it applies to both and is asked that
question once; the official accepts one and rejects one; the dashboard's counts and amounts (HTTP and
``policykg dashboard --json`` beside the server) reflect it; the consumer's feedback reaches the issuer; a 免申即享
measure yields a grant without an application. Officials of another region see none of it, and consumers never
see each other's applications. Every status change reaches the consumer's webhook, signed.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import httpx

from push.signing import verify_signature
from tests.support.cli import POLICYKG
from tests.support.service import environment, running_service, wait_for
from tests.support.webhook_receiver import run_receiver

ISSUER = "北京市通州区人力资源和社会保障局"
POLICY = {
    "source_id": "tongzhou/2026-rsj-3",
    "title": "北京市通州区人力资源和社会保障局关于支持小微企业稳岗扩岗的若干措施",
    "doc_number": "通人社发〔2026〕3号",
    "issuer": ISSUER,
    "published": "2026-11-20",
    "text": (
        "各有关单位：\n\n为支持本区小微企业稳岗扩岗，制定以下措施。\n\n"
        "一、对通州区依法参加失业保险并足额缴费的小微企业，按其上年度实际缴纳失业保险费的50%给予稳岗返还。\n\n"
        "二、对通州区依法参加失业保险并足额缴费的小微企业，每吸纳1名高校毕业生给予1000元补贴，每家最高5万元。\n\n"
        "三、对通州区的小微企业，给予一次性经营补贴2万元。\n\n"
        "四、本措施自2026年1月1日起施行，有效期至2030年12月31日。\n\n"
        f"{ISSUER}\n2026年11月20日\n"
    ),
}
SHARED = "unemployment_insured"  # the catalogue fact both measures name (是否依法参加失业保险并足额缴费？)
PROFILE = {
    "id": "tz-1",
    "name": "通州甲科技有限公司",
    "region_code": "110112",
    "industry_code": "I6513",
    "scale": "小型",
}


def _cli(data_dir: Path, *args: str) -> Any:
    done = subprocess.run(
        [str(POLICYKG), *args], env=environment(data_dir), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_apply_once_decide_oversee_rate_and_grant(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    admin = _cli(data_dir, "admins", "add", "运维")["api_key"]
    official = _bearer(
        _cli(data_dir, "officials", "add", "通州区人社局", "--region", "110112", "--agency", ISSUER)["api_key"]
    )
    elsewhere = _bearer(_cli(data_dir, "officials", "add", "重庆市人社局", "--region", "500000")["api_key"])
    with run_receiver() as receiver, running_service(data_dir, open_registration=False) as (base, _):
        http = httpx.Client(base_url=base, timeout=60)
        keys = [
            http.post("/consumers", json={"name": n}, headers=_bearer(admin)).json()["api_key"]
            for n in ("园区", "银行")
        ]
        consumer, rival = _bearer(keys[0]), _bearer(keys[1])
        for who in (consumer, rival):
            assert http.put("/profiles", json={"profiles": [PROFILE]}, headers=who).is_success
        filters = {"min_verdict": "undetermined"}  # the two measures await the shared question: pushed as 待确认
        secret = http.post("/subscriptions", json={"url": receiver.url, "filters": filters}, headers=consumer).json()[
            "secret"
        ]

        published = http.post("/documents", json=POLICY, headers=official)
        assert published.status_code == 201, published.text
        first, second, third = (m["clause_id"] for m in published.json()["measures"])

        def events() -> list[dict[str, Any]]:
            for request in receiver.accepted:
                assert verify_signature(secret, request.headers["x-policykg-signature"], request.body)
            return [json.loads(r.body) for r in receiver.accepted]

        def pushed() -> set[str]:
            return {e["match"]["clause_id"] for e in events() if e["type"] == "policy.matched"}

        wait_for(lambda: {first, second} <= pushed(), 60, "both measures pushed to the consumer")

        # 办理: the shared question is asked once, by the first application
        one = http.post("/applications", json={"profile_id": "tz-1", "measure_id": first}, headers=consumer).json()
        assert [q["fact"] for q in one["open_questions"]] == [SHARED, "unemployment_insurance_paid_wan"]
        answers = {"facts": {SHARED: True, "unemployment_insurance_paid_wan": 6}, "status": "submitted"}
        assert http.patch(f"/applications/{one['id']}", json=answers, headers=consumer).json()["status"] == "submitted"
        two = http.post("/applications", json={"profile_id": "tz-1", "measure_id": second}, headers=consumer).json()
        assert [q["fact"] for q in two["open_questions"]] == ["subsidised_persons"]
        answers = {"facts": {"subsidised_persons": 20}, "status": "submitted"}
        assert (
            http.patch(f"/applications/{two['id']}", json=answers, headers=consumer).json()["amount_applied_wan"] == 2
        )

        # the issuing official decides; another region's official sees and decides nothing
        assert http.get("/applications", headers=elsewhere).json()["total"] == 0
        assert (
            http.patch(f"/applications/{one['id']}", json={"status": "accepted"}, headers=elsewhere).status_code == 403
        )
        assert http.get("/applications", params={"status": "submitted"}, headers=official).json()["total"] == 2
        assert http.patch(f"/applications/{one['id']}", json={"status": "accepted"}, headers=official).is_success
        rejected = http.patch(
            f"/applications/{two['id']}", json={"status": "rejected", "note": "不符合"}, headers=official
        )
        assert rejected.json()["status"] == "rejected"
        assert http.patch(f"/applications/{one['id']}", json={"status": "paid"}, headers=official).is_success

        # 评价
        rating = {"profile_id": "tz-1", "rating": 4, "comment": "一次办好", "measure_id": first}
        assert http.post(f"/policies/{POLICY['source_id']}/feedback", json=rating, headers=consumer).status_code == 201
        feedback = http.get(f"/policies/{POLICY['source_id']}/feedback", headers=official).json()
        assert feedback["average"] == 4 and feedback["comments"][0]["comment"] == "一次办好"
        assert http.get(f"/policies/{POLICY['source_id']}/feedback", headers=elsewhere).status_code == 403

        # 免申即享: the third measure is granted to both consumers' profiles, no application
        assert http.patch(
            f"/policies/{POLICY['source_id']}/measures/3", json={"auto_grant": True}, headers=official
        ).is_success
        wait_for(lambda: any(e["type"] == "application.granted" for e in events()), 60, "the grant's webhook event")
        (grant,) = [e for e in events() if e["type"] == "application.granted"]
        assert grant["application"]["measure_id"] == third and grant["application"]["status"] == "accepted"
        wait_for(
            lambda: (
                [e["type"] for e in events() if e.get("application", {}).get("id") == one["id"]]
                == ["application.draft", "application.submitted", "application.accepted", "application.paid"]
            ),
            60,
            "every status change of the first application delivered in order",
        )

        # consumers never see each other's applications
        (rivals,) = http.get("/applications", headers=rival).json()["items"]
        assert rivals["channel"] == "auto_grant"
        assert http.get(f"/applications/{one['id']}", headers=rival).status_code == 404
        assert http.get("/applications", headers=consumer).json()["total"] == 3

        # 督查: the dashboard over HTTP and on the command line beside the server
        view = http.get("/dashboard", headers=official).json()
        (policy,) = [p for p in view["policies"] if p["source_id"] == POLICY["source_id"]]
        assert policy["applications"]["paid"] == 1 and policy["applications"]["rejected"] == 1
        assert policy["amount_applied_wan"] == 5 and policy["amount_paid_wan"] == 3
        assert policy["grants"] == 2 and policy["average_rating"] == 4 and policy["qualifying_profiles"] == 2
        assert policy["delivered_events"] >= 3
        assert http.get("/dashboard", headers=elsewhere).json()["policies"] == []
        cli = _cli(data_dir, "dashboard", "--region", "110112", "--json")
        (row,) = [p for p in cli["policies"] if p["source_id"] == POLICY["source_id"]]
        assert (row["applications"]["paid"], row["grants"], row["amount_paid_wan"]) == (1, 2, 3)
        assert _cli(data_dir, "dashboard", "--region", "500000", "--json")["policies"] == []
