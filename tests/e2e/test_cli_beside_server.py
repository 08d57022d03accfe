"""The CLI beside a running ``serve``: ``ingest``, ``delete`` and ``demonstrations import`` hand their work to the
server, read-only commands open the graph read-only; the server's announcement and its key end with it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import httpx

from api.handoff import SERVER_FILE
from tests.support.cli import POLICYKG
from tests.support.service import environment, running_service

POLICY = (
    "北京市通州区关于支持小微企业的若干措施\n"
    "一、对通州区的小微企业，减免3个月房租，每家最高10万元。\n"
    "二、本措施自2026年1月1日起施行。\n"
)


def _cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(POLICYKG), *args], env=environment(data_dir), capture_output=True, text=True, timeout=180
    )


def test_ingest_delete_and_reads_work_beside_serve(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    policy = tmp_path / "policies" / "rent.txt"
    policy.parent.mkdir()
    policy.write_text(POLICY, encoding="utf-8")
    with running_service(data_dir) as (base, _):
        announcement = data_dir / SERVER_FILE
        assert announcement.stat().st_mode & 0o077 == 0
        ingested = _cli(data_dir, "ingest", str(policy.parent), "--json")
        assert ingested.returncode == 0, ingested.stderr
        assert json.loads(ingested.stdout)["documents"] == 1
        hits = httpx.get(f"{base}/search", params={"q": "通州 房租 减免", "mode": "lexical"}).json()["hits"]
        assert hits and hits[0]["source_id"] == "policies/rent.txt"

        listed = _cli(data_dir, "documents", "--json")
        assert listed.returncode == 0, listed.stderr
        assert [d["source_id"] for d in json.loads(listed.stdout)] == ["policies/rent.txt"]
        conditions = _cli(data_dir, "conditions", "policies/rent.txt", "--json")
        assert conditions.returncode == 0 and json.loads(conditions.stdout)[0]["benefit"]["max_amount_wan"] == 10

        again = _cli(data_dir, "ingest", str(policy), "--json")
        assert again.returncode == 0 and json.loads(again.stdout)["unchanged"] == 1

        # an official list of designations, imported by the server; a bad row is refused naming its line
        listed_csv = tmp_path / "list.csv"
        listed_csv.write_text("batch,year,kind,region,name\n1,2020,area,北京市海淀区,\n", encoding="utf-8")
        imported = _cli(data_dir, "demonstrations", "import", str(listed_csv))
        assert imported.returncode == 0, imported.stderr
        assert "imported 1 designations from list.csv (1 areas, 0 projects) (by the running server)" in imported.stdout
        assert [d["source_ids"] for d in httpx.get(f"{base}/demonstrations").json()] == [["list.csv"]]
        listed_csv.write_text("batch,year,kind,region,name\n1,2020,area,火星市,\n", encoding="utf-8")
        refused = _cli(data_dir, "demonstrations", "import", str(listed_csv))
        assert refused.returncode != 0 and "list.csv line 2: region: unknown region" in refused.stderr
        assert len(httpx.get(f"{base}/demonstrations").json()) == 1

        deleted = _cli(data_dir, "delete", "policies/rent.txt")
        assert deleted.returncode == 0, deleted.stderr
        assert httpx.get(f"{base}/documents").json()["total"] == 0
        server_key = json.loads(announcement.read_text(encoding="utf-8"))["api_key"]
    assert not announcement.exists()
    # the key the server issued to this machine's CLI died with it
    with running_service(data_dir) as (base, _):
        assert httpx.post(f"{base}/keys/rotate", headers={"Authorization": f"Bearer {server_key}"}).status_code == 401
