"""Officials' queries over the seeds ingested through the real pipeline into LadybugDB: CLI, HTTP and service."""

from __future__ import annotations

import itertools
import json
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.bootstrap import GRAPH_DIR_NAME, build_services
from api.cli import app as cli_app
from api.main import create_app
from api.settings import Settings
from graph.base import GraphStore
from graph.ladybug_store import LadybugGraphStore
from ingest.extractors.demonstrations import extract_demonstrations
from ingest.pipeline import ingest_paths
from ingest.reference import reference_change
from ontology.text import to_simplified
from practices.cards import list_designations, list_mechanisms, practice_card, similar_practices
from search.embedders.base import Embedder, normalise_rows


class BigramEmbedder(Embedder):
    """A deterministic test embedder: hashed character bigrams, so texts sharing wording are close."""

    name = "bigram-test"

    @property
    def dimension(self) -> int:
        return 256

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for a, b in itertools.pairwise(text):
                vectors[row, zlib.crc32((a + b).encode()) % self.dimension] += 1.0
        return normalise_rows(vectors)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """A data dir with regions (no townships) and the five seeds ingested with the demonstration extractor."""
    shared = request.getfixturevalue("shared_dir")
    folder = tmp_path_factory.mktemp("practices")
    store = LadybugGraphStore(folder / GRAPH_DIR_NAME)
    store.ensure_schema()
    store.write(reference_change(include_townships=False))
    summary = ingest_paths([shared / "corpora" / "seeds"], store=store, extractors=[extract_demonstrations])
    assert summary.documents == 5 and not summary.failed
    store.close()
    return folder


@pytest.fixture
def store(data_dir: Path) -> Iterator[GraphStore]:
    opened = LadybugGraphStore(data_dir / GRAPH_DIR_NAME)
    try:
        yield opened
    finally:
        opened.close()


def test_designations_from_the_seeds_filter_by_batch_kind_and_region(store: GraphStore) -> None:
    batch_one = {(r.kind, r.region_code, r.name) for r in list_designations(store, batch=1)}
    assert batch_one == {
        ("area", "110108", ""),
        ("area", "110102", ""),
        ("area", "110105", ""),
        ("project", "110112", "行政复议规范化建设"),
        ("project", "110117", "‘街乡吹哨、部门报到’三协同执法链机制"),
    }
    batch_two = list_designations(store, batch=2)
    assert [(r.kind, r.region_code, r.region) for r in batch_two] == [("area", "110112", "北京市通州区")]
    assert {r.region_code for r in list_designations(store, kind="area", region_code="110000")} == {
        "110108",
        "110102",
        "110105",
        "110112",
    }
    assert list_designations(store, region_code="320000") == []
    assert all(r.year == 2020 for r in list_designations(store, batch=1))


def test_mechanisms_filter_by_topic_and_region(store: GraphStore) -> None:
    enforcement = {r.name for r in list_mechanisms(store, topic="行政执法", region_code="110112")}
    assert "“三个一”包容审慎执法机制" in enforcement
    jiangjin = list_mechanisms(store, region_code="500116")
    assert [r.name for r in jiangjin] == ["“法治·执法+监督”平台"]
    assert all(r.region_code and r.region_code.startswith("11") for r in list_mechanisms(store, region_code="110000"))


def test_practice_card_says_where_who_since_and_on_what_basis(store: GraphStore) -> None:
    card = practice_card(store, "一意见、一报告")
    assert card.where == "北京市通州区"
    assert card.who == "通州区司法局"
    titles = [b["title"] for b in card.legal_basis] + [t for r in card.related for t in r.legal_basis]
    assert any("重大行政决策程序实施细则" in t for t in titles)
    assert card.sources and all("一意见、一报告" in s.passage for s in card.sources)
    assert {i["name"] for i in card.indicators} >= {"重大行政决策科学民主合法"}


def test_similar_practices_explain_their_scores(store: GraphStore) -> None:
    results = similar_practices(store, BigramEmbedder(), "重大行政决策合法性审查意见怎么出具", top=5)
    assert results
    best = results[0]
    assert "行政决策" in best.shared_topics
    assert best.score == pytest.approx(0.6 * best.semantic + 0.3 * best.topic_overlap + 0.1 * best.basis_overlap, 1e-3)
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)
    by_name = similar_practices(store, BigramEmbedder(), "“三个一”包容审慎执法机制", top=10)
    assert all("三个一" not in r.mechanism.name for r in by_name)
    assert by_name and "行政执法" in by_name[0].shared_topics


def test_cli_lists_designations_and_mechanisms_as_json(data_dir: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli_app, ["--data-dir", str(data_dir), "demonstrations", "--json", "--batch", "2"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [set(r) for r in rows] == [
        {"kind", "name", "region", "region_code", "batch", "year", "source_id", "source_ids"}
    ]
    assert rows[0]["region_code"] == "110112" and rows[0]["name"] == "" and rows[0]["source_id"]
    result = runner.invoke(cli_app, ["--data-dir", str(data_dir), "mechanisms", "--json", "--region", "通州区"])
    assert result.exit_code == 0, result.output
    mechanisms = json.loads(result.output)
    assert set(mechanisms[0]) == {
        "name",
        "aliases",
        "region",
        "region_code",
        "description",
        "claims",
        "topics",
        "source_id",
        "source_ids",
    }
    assert any(m["name"] == "小微企业法治体检中心" and "在北京市率先" in m["claims"] for m in mechanisms)
    card = runner.invoke(cli_app, ["--data-dir", str(data_dir), "practices", "card", "首席法律顾问制度", "--json"])
    assert card.exit_code == 0, card.output
    assert json.loads(card.output)["where"] == "北京市通州区"


def test_http_routes(data_dir: Path) -> None:
    services = build_services(Settings(policykg_data_dir=data_dir, policykg_embedder="none"))
    with TestClient(create_app(services)) as client:
        areas = client.get("/demonstrations", params={"kind": "area", "region": "北京市"}).json()
        assert {a["region_code"] for a in areas} == {"110108", "110102", "110105", "110112"}
        mechanisms = client.get("/mechanisms", params={"topic": "行政决策"}).json()
        assert any("一意见、一报告" in m["name"] for m in mechanisms)
        card = client.get(f"/mechanisms/{mechanisms[0]['id']}")
        assert card.status_code == 200 and card.json()["mechanism"]["id"] == mechanisms[0]["id"]
        assert client.get("/mechanisms/不存在的机制名称").status_code == 404
        similar = client.get("/practices/similar", params={"q": "行政执法包容审慎", "top": 3})
        assert similar.status_code == 200 and len(similar.json()) <= 3
        assert client.get("/practices/similar", params={"q": ""}).status_code == 422


def _seed_source_id(store: GraphStore, prefix: str) -> str:
    return next(d["source_id"] for d in store.find_nodes("NormativeDocument") if prefix in (d.get("source_id") or ""))


def test_tongzhou_batch_one_project_is_one_designation_with_both_seeds_as_sources(store: GraphStore) -> None:
    rows = list_designations(store, batch=1, kind="project", region_code="110112")
    assert [(r.name, r.batch, r.year) for r in rows] == [("行政复议规范化建设", 1, 2020)]
    assert rows[0].source_ids == sorted([_seed_source_id(store, "000_"), _seed_source_id(store, "002_")])
    assert all("行政复议规范化建设" in to_simplified(ref.text) for ref in rows[0].sources)
    # one node in the graph, stated in both documents
    nodes = store.find_nodes("DemonstrationDesignation", {"region_code": "110112", "batch": 1})
    assert len(nodes) == 1
    stated = [r for r in store.relationships("STATED_IN") if r.source_id == nodes[0]["id"]]
    assert len({r.target_id for r in stated}) == 2
    projects = store.find_nodes("DemonstrationProject", {"region_code": "110112"})
    assert [p["name"] for p in projects] == ["行政复议规范化建设"]


def test_a_shared_designation_keeps_its_other_source_and_goes_with_the_last(tmp_path: Path, shared_dir: Path) -> None:
    seeds = shared_dir / "corpora" / "seeds"
    own = LadybugGraphStore(tmp_path / GRAPH_DIR_NAME)
    try:
        own.ensure_schema()
        own.write(reference_change(include_townships=False))
        paths = [next(seeds.glob("000_*.txt")), next(seeds.glob("002_*.txt"))]
        assert not ingest_paths(paths, store=own, extractors=[extract_demonstrations]).failed
        docs = {d["source_id"]: d["id"] for d in own.find_nodes("NormativeDocument") if d.get("source_id")}
        first, second = sorted(docs)
        own.delete_document(docs[second])
        rows = list_designations(own, batch=1, kind="project", region_code="110112")
        assert [r.source_ids for r in rows] == [[first]]
        assert list_designations(own, batch=2) == []  # named by the deleted seed only
        own.delete_document(docs[first])
        assert own.find_nodes("DemonstrationDesignation") == []
        assert own.find_nodes("DemonstrationProject") == []
    finally:
        own.close()


def test_mechanisms_are_merged_across_sources_by_name_and_alias(store: GraphStore) -> None:
    rows = list_mechanisms(store)
    study = [r for r in rows if r.name == "会前学法"]
    assert len(study) == 1
    assert set(study[0].source_ids) == {_seed_source_id(store, p) for p in ("000_", "003_", "004_")}
    assert len(study[0].sources) == 3
    check_up = [r for r in rows if "法治体检中心" in r.name or any("法治体检中心" in a for a in r.aliases)]
    assert len(check_up) == 1
    assert {check_up[0].name, *check_up[0].aliases} == {"小微企业法治体检中心", "公共法律服务企业法治体检中心"}
    assert set(check_up[0].source_ids) == {_seed_source_id(store, "002_"), _seed_source_id(store, "004_")}
    assert len({r.name for r in rows}) == len(rows)
    assert list_mechanisms(store, region_code="110112")[0].region_code == "110112"


def test_mechanism_text_has_no_byline_or_scrape_debris(store: GraphStore) -> None:
    rows = list_mechanisms(store)
    assert rows
    for row in rows:
        assert "本报记者" not in row.description and "□" not in row.description, row.name
    card = practice_card(store, "小微企业法治体检中心")
    assert card.sources and all("本报记者" not in s.passage and "□" not in s.passage for s in card.sources)
    assert {s.source_id for s in card.sources} == set(card.mechanism.source_ids)


def test_a_naming_without_batch_is_one_more_source_of_the_batched_one(tmp_path: Path) -> None:
    texts = {
        "a.txt": "2020年，北京市通州区“行政复议规范化建设”被命名为第一批全国法治政府建设示范项目。",
        "b.txt": "北京市通州区“行政复议规范化建设”获评全国法治政府建设示范项目，成为全区的一张名片。",
    }
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    own = LadybugGraphStore(tmp_path / GRAPH_DIR_NAME)
    try:
        own.ensure_schema()
        own.write(reference_change(include_townships=False))
        summary = ingest_paths([tmp_path / n for n in texts], store=own, extractors=[extract_demonstrations])
        assert summary.documents == 2 and not summary.failed
        assert {n["batch"] for n in own.find_nodes("DemonstrationDesignation")} == {1, None}  # as each text says
        rows = list_designations(own)
        found = [(r.kind, r.region_code, r.name, r.batch) for r in rows]
        assert found == [("project", "110112", "行政复议规范化建设", 1)]
        assert len(rows[0].source_ids) == 2
        assert [r.source_ids for r in list_designations(own, batch=1)] == [rows[0].source_ids]
    finally:
        own.close()
