"""Versions are chained by identity, not by title alone: same issuer and title, both dated. Undated copies,
documents of another issuer and titles that are an agency's name stay works of their own (before, 16 records of
``ncp-policies`` were marked 已被修改 by such false chains)."""

from __future__ import annotations

from graph.base import GraphStore
from ingest.pipeline import ingest_sources
from ingest.readers import DeclaredMetadata, SourceDocument

TEXT = "一、对小微企业减免3个月房租。\n二、本措施自{date}起施行。\n"


def _source(source_id: str, title: str, issuer: str | None = None, published: str | None = None) -> SourceDocument:
    declared = DeclaredMetadata(issuer=issuer, published=published)
    text = TEXT.format(date=published or "印发之日") + source_id
    return SourceDocument(source_id, f"api:{source_id}", "text", text, title_hint=title, declared=declared)


def _statuses(store: GraphStore) -> dict[str, tuple[str, bool]]:
    docs = store.find_nodes("NormativeDocument", {"placeholder": False})
    return {d["source_id"]: (d["status"], d["is_current"]) for d in docs}


def test_dated_versions_of_one_issuer_are_chained(ladybug_store: GraphStore) -> None:
    title = "关于支持小微企业稳定发展的若干措施"
    ingest_sources(
        [
            _source("v2025", title, "北京市通州区人民政府", "2025-03-01"),
            _source("v2026", title, "北京市通州区人民政府", "2026-03-01"),
        ],
        store=ladybug_store,
    )
    statuses = _statuses(ladybug_store)
    assert statuses["v2026"] == ("现行有效", True)
    assert statuses["v2025"] == ("已被修改", False)


def test_undated_copies_other_issuers_and_agency_titles_are_not_chained(ladybug_store: GraphStore) -> None:
    title = "关于支持小微企业稳定发展的若干措施"
    ingest_sources(
        [
            _source("copy-1", title),
            _source("copy-2", title),
            _source("tongzhou", title, "北京市通州区人民政府", "2025-03-01"),
            _source("chaoyang", title, "北京市朝阳区人民政府", "2026-03-01"),
            _source("mohrss-1", "人力资源社会保障部", "人力资源社会保障部", "2020-02-01"),
            _source("mohrss-2", "人力资源社会保障部", "人力资源社会保障部", "2020-03-01"),
        ],
        store=ladybug_store,
    )
    statuses = _statuses(ladybug_store)
    assert len(statuses) == 6
    assert [s for s, (status, current) in statuses.items() if status == "已被修改" or not current] == []
