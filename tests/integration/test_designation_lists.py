"""Imported designation lists in LadybugDB: one node per fact with the seeds and the list as its sources,
re-import, bad files, the CLI, HTTP (admins only) and a graph created before lists existed."""

from __future__ import annotations

from pathlib import Path

import ladybug
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.bootstrap import GRAPH_DIR_NAME, build_services
from api.cli import app as cli_app
from api.main import create_app
from api.settings import Settings
from graph.base import GraphStore
from graph.ladybug_store import LadybugGraphStore
from ingest.designation_lists import DesignationListError, designation_list_change
from ingest.extractors.demonstrations import extract_demonstrations
from ingest.pipeline import ingest_paths
from ingest.reference import reference_change
from practices.cards import list_designations
from push.officials import add_admin, add_official

HEADER = "batch,year,kind,region,name\n"
TONGZHOU = "1,2020,project,北京市通州区,行政复议规范化建设\n"
HAIDIAN = "1,2020,area,北京市海淀区,\n"


def _store(path: Path) -> LadybugGraphStore:
    store = LadybugGraphStore(path / GRAPH_DIR_NAME)
    store.ensure_schema()
    store.write(reference_change(include_townships=False))
    return store


def _import(store: GraphStore, name: str, text: str) -> None:
    change, _ = designation_list_change(name, text)
    store.write(change)


def test_a_listed_designation_the_seeds_state_is_one_node_with_every_source(tmp_path: Path, shared_dir: Path) -> None:
    seeds = shared_dir / "corpora" / "seeds"
    store = _store(tmp_path)
    try:
        paths = [next(seeds.glob("000_*.txt")), next(seeds.glob("002_*.txt"))]
        assert not ingest_paths(paths, store=store, extractors=[extract_demonstrations]).failed
        seed_ids = sorted(d["source_id"] for d in store.find_nodes("NormativeDocument") if d.get("source_id"))
        _import(store, "第一批名单.csv", HEADER + HAIDIAN + TONGZHOU)
        _import(store, "第一批名单.csv", HEADER + HAIDIAN + TONGZHOU)  # again: nothing changes
        (row,) = list_designations(store, batch=1, kind="project", region_code="110112")
        assert (row.name, row.year) == ("行政复议规范化建设", 2020)
        assert row.source_ids == sorted([*seed_ids, "第一批名单.csv"])
        listed = next(s for s in row.sources if s.source_id == "第一批名单.csv")
        assert listed.span == (3, 4) and listed.text == TONGZHOU.strip() and listed.title == "导入名单 第一批名单.csv"
        assert len(store.find_nodes("DemonstrationDesignation", {"region_code": "110112", "batch": 1})) == 1
        assert len(store.find_nodes("DemonstrationProject", {"region_code": "110112"})) == 1
        assert store.count("DesignationList") == 1
        assert len([r for r in store.relationships("STATED_IN") if r.target_label == "DesignationList"]) == 3
        # the seeds go; the list still states it
        docs = {d["source_id"]: d["id"] for d in store.find_nodes("NormativeDocument") if d.get("source_id")}
        for source_id in seed_ids:
            store.delete_document(docs[source_id])
        (row,) = list_designations(store, batch=1, kind="project", region_code="110112")
        assert row.source_ids == ["第一批名单.csv"]
        # the list imported again without the project: it goes with its last source
        _import(store, "第一批名单.csv", HEADER + HAIDIAN)
        assert list_designations(store, kind="project") == []
        assert store.find_nodes("DemonstrationProject") == []
        assert [r.region_code for r in list_designations(store)] == ["110108"]
    finally:
        store.close()


def test_a_bad_file_stores_nothing_and_the_cli_names_its_line(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    runner = CliRunner()
    assert runner.invoke(cli_app, ["--data-dir", str(data_dir), "init"]).exit_code == 0
    good = tmp_path / "list.csv"
    good.write_text(HEADER + HAIDIAN + TONGZHOU, encoding="utf-8")
    done = runner.invoke(cli_app, ["--data-dir", str(data_dir), "demonstrations", "import", str(good)])
    assert done.exit_code == 0, done.output
    assert "imported 2 designations from list.csv (1 areas, 1 projects)" in done.output
    bad = tmp_path / "list.csv"
    bad.write_text(HEADER + "1,2020,area,北京市西城区,\n1,2020,area,火星市,\n", encoding="utf-8")
    refused = runner.invoke(cli_app, ["--data-dir", str(data_dir), "demonstrations", "import", str(bad)])
    assert refused.exit_code != 0
    assert isinstance(refused.exception, DesignationListError)
    assert "line 3: region: unknown region '火星市'" in str(refused.exception)
    listed = runner.invoke(cli_app, ["--data-dir", str(data_dir), "demonstrations", "--json"])
    assert listed.exit_code == 0
    assert '"110102"' not in listed.output and '"110108"' in listed.output  # the earlier import stands
    assert '"source_id": "list.csv"' in listed.output


def test_http_import_is_for_admins_and_refuses_a_bad_row_with_its_line(tmp_path: Path) -> None:
    services = build_services(Settings(policykg_data_dir=tmp_path / "data", policykg_embedder="none"))
    with TestClient(create_app(services)) as client:
        store = services.store
        _, admin = add_admin(store, "运维")
        _, official = add_official(store, "通州区司法局", "110112")
        body = {"name": "第一批名单.csv", "csv": HEADER + HAIDIAN + TONGZHOU}
        assert client.post("/demonstrations/import", json=body).status_code == 401
        headers = {"Authorization": f"Bearer {official}"}
        assert client.post("/demonstrations/import", json=body, headers=headers).status_code == 403
        headers = {"Authorization": f"Bearer {admin}"}
        done = client.post("/demonstrations/import", json=body, headers=headers)
        assert done.status_code == 200, done.text
        assert done.json() == {
            "id": "designation-list:第一批名单.csv",
            "name": "第一批名单.csv",
            "designations": 2,
            "areas": 1,
            "projects": 1,
        }
        bad = {"name": "第二批名单.csv", "csv": HEADER + "2,2022,project,北京市西城区,\n"}
        refused = client.post("/demonstrations/import", json=bad, headers=headers)
        assert refused.status_code == 422
        assert "第二批名单.csv line 2: name: a project needs its name" in refused.json()["detail"]
        rows = client.get("/demonstrations").json()
        assert [(r["region_code"], r["source_ids"]) for r in rows] == [
            ("110108", ["第一批名单.csv"]),
            ("110112", ["第一批名单.csv"]),
        ]


def test_a_graph_made_before_lists_existed_accepts_them(tmp_path: Path) -> None:
    path = tmp_path / GRAPH_DIR_NAME
    db = ladybug.Database(str(path))
    connection = ladybug.Connection(db)
    connection.execute("CREATE NODE TABLE DemonstrationDesignation(id STRING PRIMARY KEY, kind STRING)")
    connection.execute("CREATE NODE TABLE NormativeDocument(id STRING PRIMARY KEY, title STRING)")
    connection.execute(
        "CREATE REL TABLE STATED_IN(FROM DemonstrationDesignation TO NormativeDocument, span_start INT64, "
        "span_end INT64)"
    )
    connection.close()
    db.close()
    store = LadybugGraphStore(path)
    try:
        store.ensure_schema()
        _import(store, "list.csv", HEADER + HAIDIAN)
        assert [r.source_ids for r in list_designations(store)] == [["list.csv"]]
    finally:
        store.close()
