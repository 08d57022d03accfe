"""The ingest pipeline against a real LadybugDB store: documents, clauses, versions, citations, lifecycle."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from graph.base import GraphStore
from ingest.pipeline import ingest_paths
from ingest.sources import document_id, source_id_for
from ingest.versions import delete_source
from ontology.text import OffsetMap

LAWREF = "corpora/lawrefbook"


def clause_edges(store: GraphStore, doc_id: str) -> int:
    rows = store.query(
        "MATCH (d:NormativeDocument {id: $id})-[:HAS_CLAUSE]->(c:Clause) RETURN count(c) AS c", {"id": doc_id}
    )
    return int(rows[0]["c"])


def test_seeds_ingest_once_and_reingest_writes_nothing(shared_dir: Path, ladybug_store: GraphStore) -> None:
    first = ingest_paths([shared_dir / "corpora/seeds"], store=ladybug_store)
    assert (first.documents, first.failed) == (5, [])
    assert first.skipped == [(str(shared_dir / "corpora/seeds/SOURCE.md"), "corpus documentation, not a document")]
    doc = ladybug_store.find_nodes("NormativeDocument", {"doc_number": "津司函〔2024〕14号"})[0]
    assert doc["title"] == "关于推进法治政府评估助推法治政府建设的建议"
    issuers = ladybug_store.neighbours("NormativeDocument", doc["id"], rel_types=["ISSUED_BY"], direction="out")
    assert [n.props["name"] for n in issuers] == ["重庆市江津区司法局"]
    assert doc["clause_count"] == clause_edges(ladybug_store, doc["id"]) > 5
    before = ladybug_store.counts()
    again = ingest_paths([shared_dir / "corpora/seeds"], store=ladybug_store)
    assert (again.documents, again.unchanged) == (0, 5)
    assert ladybug_store.counts() == before


def test_changed_file_replaces_its_clauses_and_delete_removes_it(tmp_path: Path, ladybug_store: GraphStore) -> None:
    path = tmp_path / "policy.txt"
    path.write_text("关于支持企业的通知\n一、减免租金\n二、稳岗返还\n三、贷款贴息\n", encoding="utf-8")
    ingest_paths([path], store=ladybug_store)
    doc_id = document_id(source_id_for(path))
    assert clause_edges(ladybug_store, doc_id) == 3
    path.write_text("关于支持企业的通知\n一、减免租金\n", encoding="utf-8")
    summary = ingest_paths([path], store=ladybug_store)
    assert summary.documents == 1
    assert clause_edges(ladybug_store, doc_id) == 1
    assert len(ladybug_store.find_nodes("Clause", {"doc_id": doc_id})) == 1
    assert delete_source(ladybug_store, source_id_for(path)) == doc_id
    assert ladybug_store.get_node("NormativeDocument", doc_id) is None
    assert ladybug_store.find_nodes("Clause", {"doc_id": doc_id}) == []


def test_versions_are_chained_and_the_newest_is_current(shared_dir: Path, ladybug_store: GraphStore) -> None:
    folder = shared_dir / LAWREF / "诉讼与非诉讼程序法"
    summary = ingest_paths(sorted(folder.glob("行政复议法*.md"), reverse=True), store=ladybug_store)
    assert summary.documents == 2
    versions = {
        d["version_date"]: d for d in ladybug_store.find_nodes("NormativeDocument", {"title_norm": "行政复议法"})
    }
    assert (versions["2023-09-01"]["status"], versions["2023-09-01"]["is_current"]) == ("现行有效", True)
    assert (versions["2017-09-01"]["status"], versions["2017-09-01"]["is_current"]) == ("已被修改", False)
    assert versions["2023-09-01"]["work_id"] == versions["2017-09-01"]["work_id"]
    older = ladybug_store.neighbours(
        "NormativeDocument", versions["2023-09-01"]["id"], rel_types=["SUPERSEDES"], direction="out"
    )
    assert [n.id for n in older] == [versions["2017-09-01"]["id"]]


def test_deleting_the_current_version_makes_the_previous_one_current(
    shared_dir: Path, ladybug_store: GraphStore
) -> None:
    folder = shared_dir / LAWREF / "诉讼与非诉讼程序法"
    ingest_paths(sorted(folder.glob("行政复议法*.md")), store=ladybug_store)
    newest = max(
        ladybug_store.find_nodes("NormativeDocument", {"title_norm": "行政复议法"}), key=lambda d: d["version_date"]
    )

    delete_source(ladybug_store, newest["source_id"])

    [left] = ladybug_store.find_nodes("NormativeDocument", {"title_norm": "行政复议法"})
    assert (left["version_date"], left["status"], left["is_current"]) == ("2017-09-01", "现行有效", True)


def test_placeholder_of_a_cited_law_is_filled_by_its_later_ingest(shared_dir: Path, ladybug_store: GraphStore) -> None:
    seed = shared_dir / "corpora/seeds/002_3cdd26ce39aa6b6f.txt"
    ingest_paths([seed], store=ladybug_store)
    [placeholder] = ladybug_store.find_nodes("NormativeDocument", {"title_norm": "北京市优化营商环境条例"})
    assert placeholder["placeholder"] is True
    law = shared_dir / LAWREF / "DLC/北京地方法规/地方性法规/北京"
    ingest_paths(sorted(law.glob("北京市优化营商环境条例*.md")), store=ladybug_store)
    versions = ladybug_store.find_nodes("NormativeDocument", {"title_norm": "北京市优化营商环境条例"})
    assert versions and all(v["placeholder"] is False for v in versions)
    assert ladybug_store.get_node("NormativeDocument", placeholder["id"]) is None
    citing = {
        (n.label, n.id)
        for v in versions
        for n in ladybug_store.neighbours("NormativeDocument", v["id"], rel_types=["CITES"], direction="in")
    }
    seed_id = document_id(source_id_for(seed))
    assert ("NormativeDocument", seed_id) in citing


def test_jsonl_records_keep_their_ids_and_spans_address_the_record_text(
    shared_dir: Path, tmp_path: Path, ladybug_store: GraphStore
) -> None:
    lines = (shared_dir / "corpora/ncp-policies/docs.jsonl").read_text(encoding="utf-8").splitlines()[:20]
    path = tmp_path / "docs.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = ingest_paths([path], store=ladybug_store)
    assert summary.documents + len(summary.skipped) == 20 and not summary.failed
    for line in lines[:20]:
        record = json.loads(line)
        doc = ladybug_store.find_nodes("NormativeDocument", {"source_id": record["docid"]})
        if not doc:
            continue
        offsets = OffsetMap.from_json(doc[0]["source_offsets"])
        for clause in ladybug_store.find_nodes("Clause", {"doc_id": doc[0]["id"]}):
            start, end = offsets.span_to_source(clause["span_start"], clause["span_end"])
            assert record["text"][start:end] == clause["text"]


def test_a_file_copied_elsewhere_is_a_duplicate(shared_dir: Path, tmp_path: Path, ladybug_store: GraphStore) -> None:
    seed = shared_dir / "corpora/seeds/001_a3537d6f8fba1534.txt"
    copy = tmp_path / "copy" / "same.txt"
    copy.parent.mkdir()
    shutil.copy(seed, copy)
    summary = ingest_paths([seed, copy], store=ladybug_store)
    assert summary.documents == 1
    assert summary.skipped[0][1].startswith("duplicate of seeds/001_a3537d6f8fba1534.txt")
    stored = ladybug_store.get_node("NormativeDocument", summary.doc_ids[0])
    assert stored is not None and stored["duplicate_source_ids"] == [source_id_for(copy)]
    again = ingest_paths([seed, copy], store=ladybug_store)  # the copy's id is listed once, the rest kept
    assert again.unchanged == 1 and again.documents == 0
    assert ladybug_store.get_node("NormativeDocument", summary.doc_ids[0]) == stored


def test_globs_expand_and_missing_paths_are_reported(shared_dir: Path, ladybug_store: GraphStore) -> None:
    pattern = str(shared_dir / "corpora/seeds/00[01]_*.txt")
    summary = ingest_paths([pattern, shared_dir / "corpora/seeds/nothing.txt"], store=ladybug_store)
    assert summary.documents == 2
    assert summary.failed == [(str(shared_dir / "corpora/seeds/nothing.txt"), "no such file or folder")]


def test_a_different_file_with_the_same_source_id_replaces_nothing(ladybug_store: GraphStore, tmp_path: Path) -> None:
    first, second = tmp_path / "a" / "seeds", tmp_path / "b" / "seeds"
    first.mkdir(parents=True)
    second.mkdir(parents=True)
    (first / "policy.txt").write_text("关于支持企业的通知\n一、对中小企业减免房租。", encoding="utf-8")
    (second / "policy.txt").write_text("另一份文件\n一、完全不同的内容。", encoding="utf-8")
    assert ingest_paths([first], store=ladybug_store).documents == 1
    summary = ingest_paths([second], store=ladybug_store)
    assert summary.documents == 0
    assert "already held by another file" in summary.failed[0][1]
    stored = ladybug_store.find_nodes("NormativeDocument", {"source_id": "seeds/policy.txt"})
    assert "减免房租" in stored[0]["text"]
    (first / "policy.txt").write_text("关于支持企业的通知\n一、对中小企业减免房租三个月。", encoding="utf-8")
    assert ingest_paths([first], store=ladybug_store).documents == 1  # the same file changed is re-ingested
