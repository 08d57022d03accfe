"""`policykg match` / `conditions` and POST /match, GET /policies/{id}/measures over a small ingested corpus."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.bootstrap import build_services
from api.main import create_app
from api.settings import Settings
from ingest.extractors.eligibility import extract_conditions
from ingest.pipeline import ingest_paths

RECORDS = [
    {
        "docid": "local1",
        "text": "泰州市人民政府关于支持中小企业的政策措施 各市（区）人民政府： "
        "1．减免中小企业房租。对中小微企业，2020年一季度可减半或全免房租。"
        "2．对制造业企业，给予最高20万元补贴。"
        "3．对不裁员或少裁员的参保企业，返还其上年度实际缴纳失业保险费的50%。"
        "本政策自发布之日起施行，施行期暂定为6个月。 泰州市人民政府 2020年2月4日",
    },
    {
        "docid": "national1",
        "text": "国家发展改革委办公厅关于降低企业用电成本的通知 各电网公司： 一、对小微企业，减免收取容量电费。 "
        "国家发展改革委办公厅 2020年2月7日",
    },
]
PROFILE = {
    "id": "E1",
    "region_code": "321202",
    "industry_code": "C1781",
    "employees": 40,
    "annual_revenue_wan": 1200,
    "scale": "小型",
    "qualifications": [],
}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("match")
    corpus = root / "docs.jsonl"
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in RECORDS), encoding="utf-8")
    services = build_services(Settings(policykg_data_dir=root / "data", policykg_embedder="none"))  # type: ignore[call-arg]
    ingest_paths([corpus], store=services.store, extractors=[extract_conditions])
    services.close()
    (root / "profile.json").write_text(json.dumps(PROFILE), encoding="utf-8")
    (root / "bad.json").write_text(json.dumps({**PROFILE, "region_code": "999999"}), encoding="utf-8")
    return root


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"POLICYKG_EMBEDDER": "none", "PATH": str(Path(sys.executable).parent)}
    return subprocess.run(
        [str(Path(sys.executable).parent / "policykg"), "--data-dir", str(root / "data"), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_cli_match_answers_verdicts_with_reasons_and_source_spans(data_dir: Path) -> None:
    done = _cli(data_dir, "match", "--profile", str(data_dir / "profile.json"), "--as-of", "2020-03-01", "--json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    verdicts = {a["clause_text"][:2]: a["verdict"] for a in answer}
    # a stated 小型 (its official classification; a missing one is never guessed from staff or revenue)
    assert verdicts["1．"] == "eligible"
    assert verdicts["2．"] == "eligible"
    assert verdicts["3．"] == "undetermined"
    assert verdicts["一、"] == "eligible"
    text = RECORDS[0]["text"]
    for a in answer:
        if a["source_id"].endswith("local1"):
            start, end = a["source_span"]
            assert text[start:end] == a["clause_text"]
    undetermined = next(a for a in answer if a["verdict"] == "undetermined")
    assert {"layoff_rate_2019_pct", "unemployment_insured"} <= set(undetermined["missing_facts"])
    assert [a["verdict"] for a in answer] == sorted(
        (a["verdict"] for a in answer), key=["eligible", "undetermined", "ineligible"].index
    )


def test_cli_match_leaves_out_measures_not_in_force(data_dir: Path) -> None:
    done = _cli(data_dir, "match", "--profile", str(data_dir / "profile.json"), "--as-of", "2020-09-01", "--json")
    answer = json.loads(done.stdout)
    assert answer and all(a["source_id"].endswith("national1") for a in answer)


def test_cli_errors_name_the_bad_field(data_dir: Path) -> None:
    done = _cli(data_dir, "match", "--profile", str(data_dir / "bad.json"), "--json")
    assert done.returncode != 0 and "region_code" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    done = _cli(data_dir, "match", "--profile", str(data_dir / "profile.json"), "--as-of", "2020-13-01")
    assert done.returncode != 0 and "--as-of" in done.stderr


def test_cli_conditions_lists_measures_of_a_policy(data_dir: Path) -> None:
    listing = json.loads(_cli(data_dir, "documents", "--json").stdout)
    source_id = next(
        d["source_id"]
        for d in (listing if isinstance(listing, list) else listing["documents"])
        if d["source_id"].endswith("local1")
    )
    found = json.loads(_cli(data_dir, "conditions", source_id, "--json").stdout)
    assert len(found) == 3
    assert found[1]["conditions"][1] == {**found[1]["conditions"][1], "dimension": "industry", "value": ["C"]}


def test_http_match_and_422s(data_dir: Path) -> None:
    services = build_services(Settings(policykg_data_dir=data_dir / "data", policykg_embedder="none"))  # type: ignore[call-arg]
    with TestClient(create_app(services)) as client:
        ok = client.post("/match", params={"as_of": "2020-03-01"}, json=PROFILE)
        assert ok.status_code == 200 and len(ok.json()) == 4
        for bad, field in [
            ({"region_code": "999999"}, "region_code"),
            ({"industry_code": "Z9"}, "industry_code"),
            ({"employees": -1}, "employees"),
            ({"established": "2020-02-30"}, "established"),
        ]:
            response = client.post("/match", json={**PROFILE, **bad})
            assert response.status_code == 422
            assert field in json.dumps(response.json(), ensure_ascii=False)
        assert client.get("/policies/nope/measures").status_code == 404
