"""8 clients search while an official posts 20 documents one after another (loopback, stops by itself): no error,
nothing lost, each document searchable as soon as its 201 arrives."""

from __future__ import annotations

import json
import subprocess
import threading
from pathlib import Path

import httpx

from tests.support.cli import POLICYKG
from tests.support.service import environment, running_service

CLIENTS = 8
DOCUMENTS = 20
# distinct place words make each document findable by its own query
TOWNS = ["永乐店", "漷县", "于家务", "西集", "宋庄", "张家湾", "马驹桥", "台湖", "潞城", "台湖南",
         "梨园", "九棵树", "临河里", "杨庄", "北苑", "玉桥", "中仓", "新华", "通运", "文景"]  # fmt: skip


def _policy(number: int) -> dict[str, str]:
    town = TOWNS[number]
    return {
        "source_id": f"tongzhou/load-{number}",
        "title": f"通州区{town}小微企业房租减免办法（第{number}号）",
        "issuer": "北京市通州区人民政府",
        "published": "2026-11-01",
        "text": f"一、{town}的小微企业可申请减免3个月房租，最高{number + 1}万元。\n二、本办法自印发之日起施行。\n",
    }


def test_searches_meanwhile_never_fail_and_every_post_is_searchable(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    made = subprocess.run(
        [str(POLICYKG), "officials", "add", "通州区政府", "--region", "110112"],
        env=environment(data_dir),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    headers = {"Authorization": f"Bearer {json.loads(made.stdout)['api_key']}"}
    stop = threading.Event()
    failures: list[str] = []
    answered = [0] * CLIENTS

    with running_service(data_dir) as (base, _):

        def search(client_number: int) -> None:
            with httpx.Client(base_url=base, timeout=60) as client:
                while not stop.is_set():
                    query = TOWNS[answered[client_number] % DOCUMENTS] + " 房租减免"
                    try:
                        response = client.get("/search", params={"q": query, "mode": "lexical"})
                    except httpx.HTTPError as e:
                        failures.append(f"client {client_number}: {e!r}")
                        return
                    if response.status_code != 200:
                        failures.append(f"client {client_number}: {response.status_code} {response.text[:200]}")
                    answered[client_number] += 1

        clients = [threading.Thread(target=search, args=(n,)) for n in range(CLIENTS)]
        for thread in clients:
            thread.start()
        try:
            with httpx.Client(base_url=base, headers=headers, timeout=120) as official:
                for number in range(DOCUMENTS):
                    posted = official.post("/documents", json=_policy(number))
                    assert posted.status_code == 201, posted.text
                    hits = official.get("/search", params={"q": TOWNS[number] + " 房租", "mode": "lexical"}).json()
                    assert f"tongzhou/load-{number}" in [h["source_id"] for h in hits["hits"]]
        finally:
            stop.set()
            for thread in clients:
                thread.join(timeout=60)
        stored = httpx.get(f"{base}/documents", params={"limit": 100}).json()
    assert failures == []
    assert min(answered) > 0
    assert stored["total"] == DOCUMENTS
