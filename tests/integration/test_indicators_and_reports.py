"""The indicator system, annual reports and region coverage over the real seeds (LadybugDB): CLI and HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.bootstrap import GRAPH_DIR_NAME, build_services
from api.cli import app as cli_app
from api.main import create_app
from api.settings import Settings
from graph.ladybug_store import LadybugGraphStore
from ingest.extractors.annual_reports import extract_annual_reports
from ingest.extractors.demonstrations import extract_demonstrations
from ingest.pipeline import ingest_paths
from ingest.reference import reference_change

SEED_003 = "seeds/003_1c026c9581430ca0.txt"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """A data dir with regions (no townships) and the five seeds ingested with the report and demonstration
    extractors."""
    shared = request.getfixturevalue("shared_dir")
    folder = tmp_path_factory.mktemp("indicators")
    store = LadybugGraphStore(folder / GRAPH_DIR_NAME)
    store.ensure_schema()
    store.write(reference_change(include_townships=False))
    summary = ingest_paths(
        [shared / "corpora" / "seeds"], store=store, extractors=[extract_demonstrations, extract_annual_reports]
    )
    assert summary.documents == 5 and not summary.failed
    store.close()
    return folder


def _cli(data_dir: Path, *args: str) -> object:
    result = CliRunner().invoke(cli_app, ["--data-dir", str(data_dir), *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_seed_003_is_one_report_of_2020_by_the_beijing_government_service_bureau(data_dir: Path) -> None:
    reports = _cli(data_dir, "reports", "--json")
    assert isinstance(reports, list)
    assert [r["source_id"] for r in reports] == [SEED_003]  # the proposal (001) and the news are not reports
    report = reports[0]
    assert (report["year"], report["agency"], report["region_code"]) == (2020, "北京市政务服务管理局", "110000")
    kinds = [s["kind"] for s in report["sections"]]
    assert kinds == [
        "主要举措和成效",
        "存在的不足",
        "党政主要负责人履行推进法治建设第一责任人职责情况",
        "下一年度工作安排",
    ]
    assert [len(s["items"]) for s in report["sections"]] == [4, 3, 5, 4]


def test_report_items_have_spans_into_the_stored_text_and_scored_indicator_links(data_dir: Path) -> None:
    report = _cli(data_dir, "reports", "--json")[0]  # type: ignore[index]
    services = build_services(Settings(policykg_data_dir=data_dir))
    try:
        document = services.store.find_nodes("NormativeDocument", {"source_id": SEED_003})[0]
    finally:
        services.close()
    items = [item for section in report["sections"] for item in section["items"]]
    for item in items:
        start, end = item["span"]
        assert document["text"][start:end] == item["text"]
    linked = [item for item in items if item["indicators"]]
    assert len(linked) >= 5
    assert all(0.5 <= link["score"] <= 1 for item in linked for link in item["indicators"])
    plan = report["sections"][3]["items"][1]  # (二)持续深化“放管服”改革
    assert "放管服" in plan["text"]
    assert plan["indicators"][0]["name"] == "政府职能依法全面履行"
    assert "放管服" in plan["indicators"][0]["matched"]


def test_indicators_list_each_with_its_source(data_dir: Path) -> None:
    rows = _cli(data_dir, "indicators", "--json")
    assert isinstance(rows, list)
    first = [r for r in rows if r["level"] == 1]
    assert len(first) == 9 and first[0]["name"] == "政府职能依法全面履行"
    assert all(set(r) == {"id", "level", "parent", "name", "text", "source"} and r["source"] for r in rows)
    ids = {r["id"] for r in rows}
    assert all(r["parent"] in ids for r in rows if r["level"] > 1)


def test_coverage_of_tongzhou_lists_covered_indicators_with_evidence_and_the_gaps(data_dir: Path) -> None:
    result = _cli(data_dir, "indicators", "coverage", "--region", "110112", "--json")
    assert isinstance(result, dict)
    covered = {c["indicator"]["name"]: c["evidence"] for c in result["covered"]}
    assert "重大行政决策科学民主合法" in covered  # 通州's “一意见、一报告”
    for evidence in covered.values():
        assert evidence and all(e["source_id"] and e["text"] for e in evidence)
    assert all(e["source_id"] != SEED_003 for ev in covered.values() for e in ev)  # a 北京市 report, not 通州's
    uncovered = {u["name"] for u in result["uncovered"]}
    assert uncovered and not uncovered & set(covered)
    beijing = _cli(data_dir, "indicators", "coverage", "--region", "北京市", "--json")
    sources = {e["source_id"] for c in beijing["covered"] for e in c["evidence"]}  # type: ignore[index]
    assert SEED_003 in sources


def test_an_imported_table_is_used_thereafter(data_dir: Path, tmp_path: Path) -> None:
    table = tmp_path / "official.csv"
    table.write_text(
        "id,level,parent,name,text\n"
        "A,1,,政府职能依法全面履行,\n"
        "A1,2,A,深化放管服改革,\n"
        "A1a,3,A1,,持续深化“放管服”改革，全面推行证明事项和涉企经营许可事项告知承诺制。\n",
        encoding="utf-8",
    )
    own = tmp_path / "data"
    own.mkdir()
    for part in data_dir.iterdir():
        (own / part.name).symlink_to(part)
    result = CliRunner().invoke(cli_app, ["--data-dir", str(own), "indicators", "import", str(table)])
    assert result.exit_code == 0, result.output
    rows = _cli(own, "indicators", "--json")
    assert [r["id"] for r in rows] == ["A", "A1", "A1a"]  # type: ignore[index]
    report = _cli(own, "reports", "--json")[0]  # type: ignore[index]
    plan = report["sections"][3]["items"][1]
    assert {link["id"] for link in plan["indicators"]} >= {"A", "A1a"}


def test_a_bad_table_is_refused_naming_the_line(tmp_path: Path) -> None:
    table = tmp_path / "bad.csv"
    table.write_text("id,level,parent,name,text\nA,1,,职能,\nB,2,Z,下级,\n", encoding="utf-8")
    result = CliRunner().invoke(cli_app, ["--data-dir", str(tmp_path / "d"), "indicators", "import", str(table)])
    assert result.exit_code != 0
    assert "line 3" in str(result.exception) and "'Z'" in str(result.exception)
    assert not (tmp_path / "d" / "indicators.csv").exists()


@pytest.fixture
def client(data_dir: Path) -> Iterator[TestClient]:
    services = build_services(Settings(policykg_data_dir=data_dir, policykg_push_worker=False))
    with TestClient(create_app(services), raise_server_exceptions=False) as test_client:
        yield test_client


def test_http_serves_indicators_coverage_and_reports(client: TestClient) -> None:
    indicators = client.get("/indicators", params={"level": 1})
    assert indicators.status_code == 200 and len(indicators.json()) == 9
    coverage = client.get("/indicators/coverage", params={"region": "110112"})
    assert coverage.status_code == 200 and coverage.json()["covered"]
    reports = client.get("/reports", params={"year": 2020})
    assert reports.status_code == 200 and [r["agency"] for r in reports.json()] == ["北京市政务服务管理局"]
    unknown = client.get("/indicators/coverage", params={"region": "火星"})
    assert unknown.status_code == 422 and unknown.headers["content-type"].startswith("application/problem+json")
