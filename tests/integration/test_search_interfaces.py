"""`policykg search` (single and batch) and GET /search over a small ingested corpus, bad input included."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.bootstrap import build_services
from api.main import create_app
from api.settings import Settings
from ingest.pipeline import ingest_paths

DOCUMENTS = {
    "rent.md": "# 关于小微企业房租减免的办法\n\n<!-- INFO END -->\n\n第一条 对承租国有房屋的小微企业减免三个月租金。\n",
    "labour.md": "# 中华人民共和国劳动合同法\n\n<!-- INFO END -->\n\n第一条 用人单位应当按时足额支付劳动报酬。\n",
}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("search-cli")
    for name, text in DOCUMENTS.items():
        (root / name).write_text(text, encoding="utf-8")
    services = build_services(Settings(policykg_data_dir=root / "data", policykg_embedder="none"))  # type: ignore[call-arg]
    ingest_paths([root / name for name in DOCUMENTS], store=services.store)
    services.search.sync(services.store)
    services.close()
    return root / "data"


def _cli(data_dir: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {"POLICYKG_EMBEDDER": "none", "PATH": str(Path(sys.executable).parent)}
    return subprocess.run(
        [str(Path(sys.executable).parent / "policykg"), "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=120,
    )


def test_cli_search_prints_json_hits(data_dir: Path) -> None:
    result = _cli(data_dir, "search", "租金减免", "--top", "3", "--json")
    assert result.returncode == 0, result.stderr
    response = json.loads(result.stdout)
    best = response["hits"][0]
    assert best["title"] == "关于小微企业房租减免的办法" and best["article"] == "第一条"
    assert "【" in best["snippet"]


def test_cli_batch_writes_one_line_per_query(data_dir: Path, tmp_path: Path) -> None:
    queries = tmp_path / "q.jsonl"
    queries.write_text(
        '{"qid": "1", "query": "劳动报酬"}\n{"qid": "2", "query": "   "}\n{"qid": "3", "query": "房租"}\n',
        encoding="utf-8",
    )
    result = _cli(data_dir, "search", "--batch", str(queries), "--top", "100", "--mode", "lexical")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["qid"] for line in lines] == ["1", "2", "3"]
    assert lines[0]["hits"][0]["title"] == "中华人民共和国劳动合同法"
    assert set(lines[0]["hits"][0]) == {"doc_id", "source_id", "title", "article", "clause_id", "score", "snippet"}
    assert lines[1]["hits"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", "   "], "query is empty"),
        (["search", "房租", "--type", "小说"], "doc_types"),
        (["search", "房租", "--region", "999999"], "unknown region"),
        (["search", "房租", "--mode", "magic"], "mode"),
        (["search"], "give either a QUERY or --batch"),
    ],
)
def test_cli_bad_input_is_one_line_error(data_dir: Path, args: list[str], message: str) -> None:
    result = _cli(data_dir, *args)
    assert result.returncode != 0
    assert message in result.stderr and "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def client(data_dir: Path) -> Iterator[TestClient]:
    services = build_services(
        Settings(policykg_data_dir=data_dir, policykg_embedder="none", policykg_push_worker=False)
    )  # type: ignore[call-arg]
    with TestClient(create_app(services), raise_server_exceptions=False) as test_client:
        yield test_client


def test_http_search_returns_hits_with_document_fields_and_filters_by_type(client: TestClient) -> None:
    response = client.get("/search", params={"q": "房租减免", "top": 5})
    assert response.status_code == 200, response.text
    hit = response.json()["hits"][0]
    assert hit["title"] == "关于小微企业房租减免的办法"
    assert {"doc_id", "source_id", "article", "clause_id", "score", "snippet", "doc_type", "is_current"} <= set(hit)
    same_type = client.get("/search", params={"q": "房租减免", "doc_type": [hit["doc_type"], "宪法"]}).json()
    assert hit["doc_id"] in [h["doc_id"] for h in same_type["hits"]]
    other_type = client.get("/search", params={"q": "房租减免", "doc_type": "宪法"}).json()
    assert other_type["hits"] == []


@pytest.mark.parametrize(
    "params",
    [
        {"q": ""},
        {"q": "   "},
        {"q": "房" * 1_500},
        {"q": "房租", "doc_type": "小说"},
        {"q": "房租", "region": "999999"},
        {"q": "房租", "top": 0},
        {"q": "房租", "date_from": "2021-01-01", "date_to": "2020-01-01"},
    ],
)
def test_http_bad_queries_are_422_problems(client: TestClient, params: dict[str, object]) -> None:
    response = client.get("/search", params=params)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


def test_http_emoji_only_query_finds_nothing(client: TestClient) -> None:
    response = client.get("/search", params={"q": "😀🎉"})
    assert response.status_code == 200 and response.json()["hits"] == []
