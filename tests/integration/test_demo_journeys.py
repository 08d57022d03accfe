"""`make run`'s data serve the journeys: init + load-demo, then the enterprise self-check and the officials' views."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.bootstrap import Services, build_services
from api.cli import app as cli_app
from api.commands.ingest import DEMO_POLICIES
from api.main import create_app
from api.settings import Settings
from eligibility.profile import EnterpriseProfile

NOTICES = DEMO_POLICIES / "ncp_2020_agency_notices.jsonl"
RESTAURANT = EnterpriseProfile(id="cq", name="重庆某餐饮店", region_code="500103", industry_code="H6210", scale="微型")


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo-journeys")
    runner = CliRunner(env={"POLICYKG_EMBEDDER": "none"})  # lexical only: the embedders have their own tests
    assert runner.invoke(cli_app, ["--data-dir", str(folder), "init"]).exit_code == 0
    loaded = runner.invoke(cli_app, ["--data-dir", str(folder), "load-demo"])
    assert loaded.exit_code == 0, loaded.output
    return folder


@pytest.fixture
def services(demo_dir: Path) -> Iterator[Services]:
    built = build_services(Settings(policykg_data_dir=demo_dir, policykg_embedder="none", policykg_push_worker=False))
    try:
        yield built
    finally:
        built.close()


def test_a_chongqing_restaurant_finds_fifty_measures_from_ten_documents_in_march_2020(services: Services) -> None:
    found = [r for r in services.matcher.match(RESTAURANT, as_of=date(2020, 3, 1)) if r.verdict != "ineligible"]
    documents = {r.measure.source_id for r in found}
    assert len(found) >= 50 and len(documents) >= 10
    # the bundled 2020 agency notices carry them (the other bundled policies are of 2021–2025)
    notice_ids = {json.loads(line)["docid"] for line in NOTICES.read_text(encoding="utf-8").splitlines()}
    from_notices = [r for r in found if r.measure.source_id in notice_ids]
    assert len(from_notices) >= 50 and len({r.measure.source_id for r in from_notices}) >= 10
    for doc_id in {r.measure.doc_id for r in from_notices}:
        document = services.store.get_node("NormativeDocument", doc_id)
        assert document is not None and document["doc_type"] == "政策文件", doc_id


def test_the_self_check_route_answers_the_same(services: Services) -> None:
    with TestClient(create_app(services)) as client:
        answer = client.post(
            "/match",
            params={"as_of": "2020-03-01"},
            json=RESTAURANT.model_dump(mode="json", exclude_none=True),
        )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    results = body["results"] if isinstance(body, dict) else body
    kept = [r for r in results if r["verdict"] != "ineligible"]
    assert len(kept) >= 50


def test_the_officials_tab_has_mechanisms_and_a_coverage_view(services: Services) -> None:
    with TestClient(create_app(services)) as client:
        mechanisms = client.get("/mechanisms").json()
        coverage = client.get("/indicators/coverage", params={"region": "500000"}).json()
    names = {m["name"] for m in mechanisms}
    assert {"“一厂一组”驻厂联络制度", "九省联保联供协作机制"} <= names
    assert all(m["source_ids"] for m in mechanisms)
    assert coverage["covered"] and coverage["uncovered"]
    assert all(e["source_id"] for c in coverage["covered"] for e in c["evidence"])


def test_the_officials_tab_has_chongqing_annual_reports_with_sections_as_coverage_evidence(
    services: Services,
) -> None:
    with TestClient(create_app(services)) as client:
        reports = client.get("/reports", params={"region": "500000"}).json()
        coverage = client.get("/indicators/coverage", params={"region": "500000"}).json()
    # the bundled 法治政府建设年度报告 of 重庆's districts (openings of their pages on the districts' own sites)
    assert len(reports) >= 3
    for report in reports:
        assert report["year"] == 2022 and report["agency"] and report["region_code"].startswith("50")
        assert report["sections"] and all(section["items"] for section in report["sections"])
        text = (DEMO_POLICIES.parent / report["source_id"]).read_text(encoding="utf-8")
        for item in (i for section in report["sections"] for i in section["items"]):
            start, end = item["span"]
            assert text[start:end] == item["text"]
    kinds = {section["kind"] for report in reports for section in report["sections"]}
    assert {"主要举措和成效", "党政主要负责人履行推进法治建设第一责任人职责情况"} <= kinds
    evidence = {e["source_id"] for c in coverage["covered"] for e in c["evidence"]}
    assert {r["source_id"] for r in reports} & evidence


def test_the_calculator_adds_up_what_the_restaurant_may_expect(services: Services) -> None:
    from eligibility.calculator import calculate

    calculation = calculate(
        services.matcher, RESTAURANT, as_of=date(2020, 3, 1), verdicts=("eligible", "undetermined")
    ).to_json()
    # most 2020 measures relieve or defer (减免, 缓缴) with no sum in their text; 杨凌示范区's 促销奖励 (fixed sums)
    # are for firms of 杨凌 (杨陵区 610403), not for a 重庆 restaurant
    assert calculation["measures_counted"] >= 50
    assert not any("杨凌" in m["source_id"] for m in calculation["measures"])
    assert {"rd_expense_wan", "loan_interest_wan"} <= {q["fact"] for q in calculation["missing"]}
    yangling = RESTAURANT.model_copy(update={"id": "yl", "name": "杨凌某餐饮店", "region_code": "610403"})
    local = calculate(services.matcher, yangling, as_of=date(2022, 2, 20), verdicts=("eligible", "undetermined"))
    # 住宿餐饮企业 may get 1万元 or 2万元 by their growth
    assert local.to_json()["exact_wan"] >= 3
    assert any("杨凌" in m["source_id"] for m in local.to_json()["measures"])
