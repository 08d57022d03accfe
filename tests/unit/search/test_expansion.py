"""Query expansion (``search/expansion.py``): the mined thesaurus, pseudo-relevance feedback and the weighted
BM25 query they produce, on the embedded index and in the Elasticsearch query."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from search.analysis import Analyzer
from search.bm25 import Bm25Index
from search.expansion import Feedback, Thesaurus
from search.indexes.embedded import EmbeddedIndex
from search.service import SearchService
from search.types import Filters, SearchRequest
from search.units import ClauseRow, build_units
from tests.unit.search.conftest import make_document


def _service(tmp_path: Path, analyzer: Analyzer, **expansion: object) -> SearchService:
    service = SearchService(EmbeddedIndex(tmp_path / "index"), analyzer=analyzer, **expansion)  # type: ignore[arg-type]
    service.index_documents(
        [
            make_document("chem", "危险化学品安全管理条例", ["生产、储存化学品的单位，应当取得安全生产许可证"]),
            make_document("wage", "劳动合同法", ["用人单位应当按时足额支付劳动报酬"]),
            make_document("rent", "房租减免通知", ["承租国有房屋的小微企业减免房租", "小微企业可以申请贷款贴息"]),
        ]
    )
    return service


def _found(service: SearchService, query: str) -> list[str]:
    return [h.clause_id or "" for h in service.search(SearchRequest(query=query, mode="lexical", top=10)).hits]


def test_weighted_scores_are_the_weighted_sum_of_the_tokens_scores(analyzer: Analyzer) -> None:
    index = Bm25Index.build([["房租", "减免"], ["房租"], ["贷款"]])
    expected = index.scores(["房租"]) + 0.5 * index.scores(["贷款"])
    assert np.allclose(index.weighted_scores({"房租": 1.0, "贷款": 0.5, "未知": 1.0}), expected)
    assert index.document_frequency("房租") == 2 and index.document_frequency("未知") == 0


def test_thesaurus_adds_weighted_words_and_filters_by_source() -> None:
    lines = ["# comment", "毒害\t化学品\t0.5\tdefinition", "员工\t劳动者\t1\tquestion"]
    thesaurus = Thesaurus.parse(lines, weight=0.4)
    assert thesaurus.expand({"毒害": 1.0, "化学品": 1.0}) == {"毒害": 1.0, "化学品": 1.0}
    assert thesaurus.expand({"员工": 1.0}) == pytest.approx({"员工": 1.0, "劳动者": 0.4})
    assert Thesaurus.parse(lines, sources={"question"}).entries == {"员工": (("劳动者", 1.0),)}


def test_a_definition_mined_word_expands_a_lay_query_to_the_article_using_the_defined_term(
    tmp_path: Path, analyzer: Analyzer
) -> None:
    # 危险化学品安全管理条例 defines 危险化学品 as chemicals with 毒害、腐蚀… properties: the shipped thesaurus
    # (benchmarks/build_thesaurus.py) maps 毒害 to 化学品
    thesaurus = Thesaurus.load(sources={"definition"})
    assert ("化学品", 0.5) in thesaurus.entries["毒害"]
    assert "chem-a0" not in _found(_service(tmp_path / "plain", analyzer), "有毒害的东西")
    expanded = _service(tmp_path / "expanded", analyzer, thesaurus=thesaurus)
    assert _found(expanded, "有毒害的东西")[0] == "chem-a0"


def test_feedback_adds_the_first_pass_terms_and_finds_a_unit_without_the_query_words(
    tmp_path: Path, analyzer: Analyzer
) -> None:
    query = "国有房屋承租"
    assert _found(_service(tmp_path / "plain", analyzer), query) == ["rent-a0"]
    service = _service(tmp_path / "prf", analyzer, feedback=Feedback(units=1, terms=3, weight=0.5))
    weights = service.expanded_query(analyzer.query_tokens(query), Filters())
    # the first unit's other words, equally frequent there and equally rare in the index, all at the top weight
    assert weights == pytest.approx({"国有": 1.0, "房屋": 1.0, "承租": 1.0, "企业": 0.5, "小微企业": 0.5, "减免": 0.5})
    assert _found(service, query)[:2] == ["rent-a0", "rent-a1"]


def test_feedback_without_document_frequencies_still_ranks_by_the_first_pass() -> None:
    first_pass = [(["房租", "减免", "减免"], 2.0), (["房租", "贴息"], 1.0)]
    weights = Feedback(units=2, terms=1, weight=0.3).expand({"房租": 1.0}, first_pass)
    assert weights == pytest.approx({"房租": 1.0, "减免": 0.3})


def test_the_settings_turn_each_expansion_on_with_its_weight(tmp_path: Path) -> None:
    from api.bootstrap import open_search_service
    from api.settings import Settings

    default = open_search_service(Settings(policykg_data_dir=tmp_path), tmp_path, None)  # type: ignore[call-arg]
    assert default.thesaurus is not None and default.thesaurus.weight == 0.3 and default.thesaurus_scope == "articles"
    assert default.feedback is None and default.heading_tokens
    off = open_search_service(Settings(policykg_data_dir=tmp_path, policykg_query_thesaurus=0), tmp_path, None)  # type: ignore[call-arg]
    assert off.thesaurus is None
    settings = Settings(  # type: ignore[call-arg]
        policykg_data_dir=tmp_path,
        policykg_query_thesaurus=0.4,
        policykg_thesaurus_scope="all",
        policykg_query_feedback=0.2,
        policykg_heading_tokens=False,
    )
    both = open_search_service(settings, tmp_path, None)
    assert both.thesaurus is not None and both.thesaurus.weight == 0.4 and "毒害" in both.thesaurus.entries
    assert both.feedback == Feedback(weight=0.2) and not both.heading_tokens and both.thesaurus_scope == "all"


def test_an_article_carries_its_chapter_and_section_headings_and_can_be_found_by_them(
    tmp_path: Path, analyzer: Analyzer
) -> None:
    text = (
        "第一章 总则\n第一条 为了规范管理，制定本法。\n"
        "第二章 劳动合同的解除\n第一节 一般规定\n第二条 提前三十日书面通知。"
    )
    starts = {label: text.index(label) for label in ("第一章", "第一条", "第二章", "第一节", "第二条")}
    clauses = [
        ClauseRow("c1", "章", "第一章", "第一章 总则", starts["第一章"], starts["第二章"], 2),
        ClauseRow("a1", "条", "第一条", None, starts["第一条"], starts["第二章"], 4),
        ClauseRow("c2", "章", "第二章", "第二章 劳动合同的解除", starts["第二章"], len(text), 2),
        ClauseRow("s1", "节", "第一节", "第一节 一般规定", starts["第一节"], len(text), 3),
        ClauseRow("a2", "条", "第二条", None, starts["第二条"], len(text), 4),
    ]
    units = build_units("law", "劳动合同法", text, clauses)
    assert [u.heading for u in units] == ["第一章 总则", "第二章 劳动合同的解除\n第一节 一般规定"]
    document = replace(make_document("law", "某某法", []), units=units)
    for headings in (False, True):
        service = SearchService(EmbeddedIndex(tmp_path / str(headings)), analyzer=analyzer, heading_tokens=headings)
        service.index_documents([document])
        assert ("a2" in _found(service, "解除合同")) is headings
    assert SearchService(EmbeddedIndex(tmp_path / "x"), analyzer=analyzer).schema != (
        SearchService(EmbeddedIndex(tmp_path / "y"), analyzer=analyzer, heading_tokens=False).schema
    )


def test_the_articles_scope_expands_the_query_for_statute_articles_only(tmp_path: Path, analyzer: Analyzer) -> None:
    thesaurus = Thesaurus.parse(["毒害\t化学品\t1\tdefinition"])
    statute = make_document("chem", "危险化学品安全管理条例", ["生产、储存化学品的单位，应当取得安全生产许可证"])
    notice = make_document("note", "仓储整治通知", ["储存化学品的仓库开展安全检查"])
    notice = replace(notice, units=tuple(replace(u, article=None) for u in notice.units))  # a passage
    found = {}
    for scope in ("all", "articles"):
        service = SearchService(
            EmbeddedIndex(tmp_path / scope), analyzer=analyzer, thesaurus=thesaurus, thesaurus_scope=scope
        )
        service.index_documents([statute, notice])
        found[scope] = _found(service, "有毒害的东西")
    assert found == {"all": ["chem-a0", "note-a0"], "articles": ["chem-a0"]}
