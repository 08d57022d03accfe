"""The search index as a derived view of the graph: ingest → sync → search, re-ingest, delete, crash repair."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from api.commands.search import run_batch
from graph.base import GraphChange
from graph.ladybug_store import LadybugGraphStore
from ingest.answered import delete_collection, store_questions
from ingest.pipeline import ingest_paths
from ingest.versions import delete_source
from ontology.answered import AnsweredQuestion
from search.embedders.use import UseEmbedder
from search.indexes.embedded import EmbeddedIndex
from search.service import SearchService
from search.types import SearchRequest

RENT = (
    "# 关于小微企业房租减免的办法\n\n2020年2月1日 发布\n\n<!-- INFO END -->\n\n"
    "第一条 对承租国有房屋的小微企业减免三个月租金。\n\n第二条 个体工商户参照执行。\n"
)
LABOUR = (
    "# 中华人民共和国劳动合同法\n\n<!-- INFO END -->\n\n"
    "第一条 用人单位应当按时足额支付劳动报酬。\n\n第二条 试用期最长不得超过六个月。\n"
)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "rent.md").write_text(RENT, encoding="utf-8")
    (folder / "labour.md").write_text(LABOUR, encoding="utf-8")
    return folder


@pytest.fixture
def store(tmp_path: Path) -> LadybugGraphStore:
    graph = LadybugGraphStore(tmp_path / "graph.lbug")
    graph.ensure_schema()
    yield graph
    graph.close()


def _service(tmp_path: Path) -> SearchService:
    return SearchService(EmbeddedIndex(tmp_path / "index"), embedder=UseEmbedder(), vector_cache=tmp_path / "vc")


@pytest.fixture
def service(tmp_path: Path, corpus: Path, store: LadybugGraphStore) -> SearchService:
    """The corpus ingested into the store and a service whose index is in step with it."""
    ingest_paths([corpus], store=store)
    service = _service(tmp_path)
    service.sync(store)
    return service


def test_sync_indexes_articles_with_their_documents_and_finds_a_paraphrase(
    tmp_path: Path, corpus: Path, store: LadybugGraphStore
) -> None:
    ingest_paths([corpus], store=store)
    report = _service(tmp_path).sync(store)
    assert (report.added, report.updated, report.removed, report.units) == (2, 0, 0, 4)
    service = _service(tmp_path)  # reopened from disk
    hits = service.search(SearchRequest(query="个体户交的房租能不能少一点")).hits
    rent = next(h for h in hits if h.title == "关于小微企业房租减免的办法")
    assert rent.source_id is not None and rent.source_id.endswith("rent.md")
    assert rent.article in {"第一条", "第二条"} and rent.clause_id is not None
    assert store.get_node("Clause", rent.clause_id) is not None
    assert service.sync(store).unchanged == 2


def test_sync_replaces_changed_and_removes_deleted_documents(
    corpus: Path, store: LadybugGraphStore, service: SearchService
) -> None:
    (corpus / "rent.md").write_text(RENT.replace("三个月", "六个月"), encoding="utf-8")
    ingest_paths([corpus / "rent.md"], store=store)
    labour_source = next(h.source_id for h in service.search(SearchRequest(query="试用期", mode="lexical")).hits)
    assert labour_source is not None
    delete_source(store, labour_source)
    report = service.sync(store)
    assert (report.updated, report.removed) == (1, 1)
    assert service.search(SearchRequest(query="试用期", mode="lexical")).hits == []
    assert "六个月" in service.search(SearchRequest(query="小微企业 租金", mode="lexical")).hits[0].snippet


@pytest.mark.usefixtures("service")
def test_a_graph_write_without_index_update_is_repaired_by_the_next_sync(
    tmp_path: Path, store: LadybugGraphStore
) -> None:
    rent_id = next(iter(store.find_nodes("NormativeDocument", {"title": "关于小微企业房租减免的办法"})))["id"]
    store.delete_document(rent_id)  # the "crash": the graph changed and the index was never told
    assert _service(tmp_path).sync(store).removed == 1
    assert rent_id not in EmbeddedIndex(tmp_path / "index").indexed_documents()


def test_placeholders_are_not_indexed(tmp_path: Path, corpus: Path, store: LadybugGraphStore) -> None:
    from graph.base import NodeRecord

    store.write(GraphChange(nodes=[NodeRecord("NormativeDocument", "work-x", {"title": "某法", "placeholder": True})]))
    assert _service(tmp_path).sync(store).units == 0
    assert EmbeddedIndex(tmp_path / "index").indexed_documents() == {}


def test_answered_questions_in_the_graph_expand_their_article_until_deleted(
    tmp_path: Path, store: LadybugGraphStore, service: SearchService
) -> None:
    asked = SearchRequest(query="刚上班老板说先考察半年", mode="lexical")

    def finds_probation_article(searcher: SearchService) -> bool:
        return any((h.title, h.article) == ("中华人民共和国劳动合同法", "第二条") for h in searcher.search(asked).hits)

    assert not finds_probation_article(service)
    question = AnsweredQuestion("刚上班老板说要考察半年合法吗", title="劳动合同法", article="第二条")
    store_questions(store, [question], collection="t", created_at="2026-12-01")
    report = service.sync(store)
    assert (report.updated, report.unchanged) == (1, 1)
    best = _service(tmp_path).search(asked).hits[0]  # reopened from disk
    assert (best.title, best.article) == ("中华人民共和国劳动合同法", "第二条")
    assert "试用期" in best.snippet  # the article's own text, not the question
    assert delete_collection(store, "t") == 1
    assert service.sync(store).updated == 1
    assert not finds_probation_article(service)


def test_a_duplicate_record_is_listed_with_its_document_and_in_batch_output(
    tmp_path: Path, corpus: Path, store: LadybugGraphStore, service: SearchService
) -> None:
    copy = tmp_path / "elsewhere" / "rent-copy.md"
    copy.parent.mkdir()
    copy.write_text(RENT, encoding="utf-8")
    summary = ingest_paths([copy], store=store)
    assert summary.documents == 0 and "duplicate of" in summary.skipped[0][1]
    report = service.sync(store)
    assert (report.added, report.updated, report.removed) == (0, 1, 0)  # the kept document gained the duplicate
    rent = next(h for h in service.search(SearchRequest(query="房租减免", mode="lexical")).hits if "房租" in h.title)
    assert rent.source_id is not None and rent.source_id.endswith("rent.md")
    assert len(rent.duplicate_source_ids) == 1 and rent.duplicate_source_ids[0].endswith("rent-copy.md")
    out = io.StringIO()
    run_batch(service, ['{"qid": "q1", "query": "房租减免"}'], out, SearchRequest(query="-", mode="lexical"))
    hits = json.loads(out.getvalue())["hits"]
    first = next(i for i, h in enumerate(hits) if h["source_id"] == rent.source_id)
    assert hits[first + 1] == {**hits[first], "source_id": rent.duplicate_source_ids[0]}
    assert service.sync(store).unchanged == 2
