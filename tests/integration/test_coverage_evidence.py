"""Coverage evidence of every kind over a real store (LadybugDB): the seeds' designations and mechanisms, and
real 2020 agency notices of ``ncp-policies`` as a region's normative documents; CLI and HTTP."""

from __future__ import annotations

import json
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
from ontology.text import to_simplified

NOTICES = {
    "29c396610e15332283c407a73e878204": "北京市公安局关于新型冠状病毒感染肺炎疫情防控期间行政复议有关工作安排的公告",
    "8641ac1caca23e8c9dfd96b67b85d005": "北京市市场监督管理局关于疫情防控期间保障电梯安全运行的工作提示",
    "11b7e9f957703fcd99b8ad5ec85f512a": "通州区人力资源和社会保障局关于疫情防控期间养老待遇核准工作的通知",
}
"""Agency notices of 北京市 and 通州区: one on 行政复议 arrangements, two whose cue words are an agency's name
(市场监督管理局) or a time qualifier (疫情防控期间)."""

EVIDENCE_KEYS = {"source_id", "span", "text", "kind", "score"}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """The five seeds and three ncp-policies notices, ingested with the report and demonstration extractors."""
    shared = request.getfixturevalue("shared_dir")
    folder = tmp_path_factory.mktemp("coverage")
    notices = folder / "notices.jsonl"
    with (shared / "corpora" / "ncp-policies" / "docs.jsonl").open(encoding="utf-8") as records:
        notices.write_text("".join(r for r in records if json.loads(r)["docid"] in NOTICES), encoding="utf-8")
    store = LadybugGraphStore(folder / GRAPH_DIR_NAME)
    store.ensure_schema()
    store.write(reference_change(include_townships=False))
    summary = ingest_paths(
        [shared / "corpora" / "seeds", notices],
        store=store,
        extractors=[extract_demonstrations, extract_annual_reports],
    )
    assert summary.documents == 8 and not summary.failed
    store.close()
    return folder


def _coverage(data_dir: Path, region: str) -> dict[str, list[dict[str, object]]]:
    result = CliRunner().invoke(
        cli_app, ["--data-dir", str(data_dir), "indicators", "coverage", "--region", region, "--json"]
    )
    assert result.exit_code == 0, result.output
    found: dict[str, list[dict[str, object]]] = {}
    for covered in json.loads(result.output)["covered"]:
        assert covered["evidence"] and all(set(e) == EVIDENCE_KEYS for e in covered["evidence"])
        found[covered["indicator"]["name"]] = covered["evidence"]
    return found


def _stored_text(data_dir: Path, source_id: str) -> str:
    services = build_services(Settings(policykg_data_dir=data_dir, policykg_embedder="none"))
    try:
        return str(services.store.find_nodes("NormativeDocument", {"source_id": source_id})[0]["text"])
    finally:
        services.close()


def test_tongzhous_batch_one_project_is_designation_evidence_once_per_source(data_dir: Path) -> None:
    covered = _coverage(data_dir, "110112")
    designations = [e for evidence in covered.values() for e in evidence if e["kind"] == "designation"]
    assert designations, "the 通州 project of batch 1 (行政复议规范化建设)"
    by_indicator = [e for e in covered["社会矛盾纠纷依法有效预防化解"] if e["kind"] == "designation"]
    sources = [str(e["source_id"]) for e in by_indicator]
    assert sorted(sources) == sorted(set(sources)) and len(sources) == 2  # both seeds that report it
    for evidence in by_indicator:
        start, end = evidence["span"]  # type: ignore[misc]
        stated = _stored_text(data_dir, str(evidence["source_id"]))[start:end]
        assert stated == evidence["text"] and "行政复议规范化建设" in to_simplified(stated)
        assert 0.5 <= float(str(evidence["score"])) <= 1
    assert {e["kind"] for ev in covered.values() for e in ev} >= {"designation", "mechanism"}
    assert all(e["kind"] != "normative_document" for ev in covered.values() for e in ev)  # 通州's 养老 notice


def test_a_regions_normative_document_is_evidence_by_its_titles_subject(data_dir: Path) -> None:
    covered = _coverage(data_dir, "110000")
    documents = [(name, e) for name, ev in covered.items() for e in ev if e["kind"] == "normative_document"]
    assert [(name, e["source_id"]) for name, e in documents] == [
        ("社会矛盾纠纷依法有效预防化解", "29c396610e15332283c407a73e878204")
    ]
    evidence = documents[0][1]
    start, end = evidence["span"]  # type: ignore[misc]
    assert _stored_text(data_dir, "29c396610e15332283c407a73e878204")[start:end] == evidence["text"]
    assert evidence["text"] == NOTICES["29c396610e15332283c407a73e878204"]


def test_http_serves_the_new_kinds(data_dir: Path) -> None:
    services = build_services(
        Settings(policykg_data_dir=data_dir, policykg_embedder="none", policykg_push_worker=False)
    )
    try:
        with TestClient(create_app(services)) as client:
            body = client.get("/indicators/coverage", params={"region": "110000"}).json()
    finally:
        services.close()
    kinds = {e["kind"] for c in body["covered"] for e in c["evidence"]}
    assert {"designation", "normative_document", "report_item", "mechanism"} <= kinds
