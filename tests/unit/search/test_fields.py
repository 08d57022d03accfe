"""Per-field BM25 (BM25F): an article's text, its law's short title and its headings as fields of one BM25
matrix, the fields' term frequencies and lengths weighted before BM25's saturation."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from search.analysis import Analyzer
from search.bm25 import Bm25Index
from search.indexes.base import IndexSchema
from search.indexes.elasticsearch import unit_records
from search.indexes.embedded import EmbeddedIndex
from search.service import SearchService
from search.types import Filters, IndexDocument, PreparedDocument, SearchRequest
from tests.unit.search.conftest import make_document

FIELDS = [
    [["工资", "支付"], ["试用期", "工资", "工资"], ["减免"], ["房租"]],
    [["劳动", "合同"], ["劳动", "合同"], ["房租"], []],
    [["第三章", "工资"], [], [], []],
]


def test_bm25f_at_weights_one_is_bm25_over_the_joined_fields(analyzer: Analyzer) -> None:
    joined = Bm25Index.build([[t for field in FIELDS for t in field[row]] for row in range(4)])
    fields = Bm25Index.build_fields(FIELDS, [1.0, 1.0, 1.0])
    for query in (["工资"], ["劳动", "房租"], ["第三章", "减免", "未知"]):
        assert np.allclose(fields.scores(query), joined.scores(query))
        assert np.allclose(fields.weighted_scores(dict.fromkeys(query, 0.5)), 0.5 * joined.scores(query))


def test_bm25f_weights_a_fields_frequency_before_saturation() -> None:
    k1, b = 1.2, 0.75
    index = Bm25Index.build_fields(FIELDS, [1.0, 0.5, 2.0], k1=k1, b=b)
    lengths = np.array([2 + 0.5 * 2 + 2 * 2, 3 + 0.5 * 2, 1 + 0.5 * 1, 1.0])
    norm = k1 * (1 - b + b * lengths / lengths.mean())
    idf = np.log(1 + (4 - 2 + 0.5) / (2 + 0.5))  # 工资 is in units 0 and 1
    tf = np.array([1 + 2 * 1, 2, 0, 0])  # unit 0: once in the text, once in the headings (weight 2)
    assert np.allclose(index.scores(["工资"]), idf * tf / (tf + norm))
    assert index.scores(["第三章"])[0] > Bm25Index.build_fields(FIELDS, [1.0, 0.5, 1.0]).scores(["第三章"])[0]
    assert not Bm25Index.build_fields(FIELDS, [1.0, 0.0, 1.0]).scores(["合同"]).any()


def _prepared(doc_id: str, title: list[str], texts: list[list[str]]) -> PreparedDocument:
    document = make_document(doc_id, "某法", ["甲"] * len(texts))
    return PreparedDocument(
        document,
        tuple(tuple(t) for t in texts),
        None,
        {"title": tuple(tuple(title) for _ in texts), "headings": tuple(() for _ in texts)},
    )


def test_the_embedded_index_keeps_the_fields_through_changes_and_reopening(tmp_path: Path) -> None:
    schema = IndexSchema("fp", "none", 0, (("headings", 1.0), ("title", 0.5)))
    index = EmbeddedIndex(tmp_path / "idx")
    wage = _prepared("wage", ["劳动", "合同"], [["工资", "支付"], ["试用期"]])
    index.apply(schema, [wage, _prepared("rent", ["房租"], [["工资", "减免"]])], [])
    expected = Bm25Index.build_fields(
        [[["工资", "支付"], ["试用期"], ["工资", "减免"]], [["劳动", "合同"]] * 2 + [["房租"]], [[], [], []]],
        [1.0, 0.5, 1.0],
    ).scores(["工资", "劳动"])
    found = dict(index.lexical_search(["工资", "劳动"], Filters(), 5))
    assert found == pytest.approx(dict(zip(("wage-a0", "wage-a1", "rent-a0"), expected.tolist(), strict=True)))

    index.apply(schema, [_prepared("tax", ["税收"], [["增值税"]])], ["rent"])  # wage's fields kept as stored
    reopened = EmbeddedIndex(tmp_path / "idx")
    assert reopened.schema() == schema
    assert sorted(u for u, _ in reopened.lexical_search(["劳动"], Filters(), 5)) == ["wage-a0", "wage-a1"]
    assert [u for u, _ in reopened.lexical_search(["税收"], Filters(), 5)] == ["tax-a0"]
    assert reopened.lexical_search(["房租"], Filters(), 5) == []
    version = next((tmp_path / "idx").glob("v-*"))
    assert (version / "tokens.title.txt").read_text(encoding="utf-8").split("\n") == ["劳动 合同"] * 2 + ["税收"]
    assert json.loads((version / "manifest.json").read_text())["schema"]["fields"] == [
        ["headings", 1.0],
        ["title", 0.5],
    ]


def test_elasticsearch_keeps_one_field_holding_the_fields_tokens() -> None:
    records = list(unit_records(_prepared("wage", ["劳动"], [["工资"]])))
    assert records[0]["tokens"] == "工资 劳动"


def test_the_service_puts_title_and_headings_in_their_own_fields(tmp_path: Path, analyzer: Analyzer) -> None:
    law = make_document("law", "劳动合同法", ["用人单位应当支付劳动报酬", "本法自公布之日起施行"])
    law = replace(law, units=(replace(law.units[0], heading="第三章 工资"), law.units[1]))
    one = SearchService(EmbeddedIndex(tmp_path / "one"), analyzer=analyzer)
    fields = SearchService(EmbeddedIndex(tmp_path / "f"), analyzer=analyzer, field_weights={"title": 0, "headings": 1})
    assert one.schema.fields == ()
    assert fields.schema.fields == (("article_title", 0.0), ("headings", 1.0), ("title", 0.0))
    prepared = fields.prepare([law])[0]
    assert prepared.tokens[1] == tuple(analyzer.tokens(law.units[1].text))
    assert prepared.fields["article_title"] == (tuple(analyzer.tokens("劳动合同法")),) * 2  # its units are articles
    assert prepared.fields["title"] == ((), ())
    assert prepared.fields["headings"] == (tuple(analyzer.tokens("第三章 工资")), ())
    joined = prepared.fields["article_title"][0] + prepared.fields["headings"][0] + prepared.tokens[0]
    assert one.prepare([law])[0].tokens[0] == joined
    fields.index_documents([law])
    found = fields.search(SearchRequest(query="工资", mode="lexical"))
    assert [h.clause_id for h in found.hits] == ["law-a0"]  # through the headings field alone
    assert fields.search(SearchRequest(query="合同", mode="lexical")).hits == []  # title weight 0


def test_the_settings_turn_per_field_bm25_on_with_their_weights(tmp_path: Path) -> None:
    from api.bootstrap import open_search_service
    from api.settings import Settings

    default = open_search_service(Settings(policykg_data_dir=tmp_path), tmp_path, None)  # type: ignore[call-arg]
    assert default.field_weights == {"title": 1.5, "article_title": 1.0, "headings": 1.0}  # README, Search
    one_field = Settings(policykg_data_dir=tmp_path, policykg_bm25_fields=False)  # type: ignore[call-arg]
    assert open_search_service(one_field, tmp_path, None).field_weights is None
    settings = Settings(  # type: ignore[call-arg]
        policykg_data_dir=tmp_path,
        policykg_title_field_weight=0.4,
        policykg_heading_field_weight=0.7,
    )
    weights = {"title": 0.4, "article_title": 1.0, "headings": 0.7}
    assert open_search_service(settings, tmp_path, None).field_weights == weights
    articles_apart = settings.model_copy(update={"policykg_article_title_field_weight": 1.5})
    assert open_search_service(articles_apart, tmp_path, None).field_weights == weights | {"article_title": 1.5}


def _passages(doc_id: str, title: str, texts: list[str]) -> IndexDocument:
    """A policy-like document: its units are passages, not articles."""
    document = make_document(doc_id, title, texts)
    return replace(document, units=tuple(replace(u, article=None) for u in document.units))


def _mixed(analyzer: Analyzer) -> tuple[list[IndexDocument], list[list[str]], list[list[str]]]:
    """Two statutes' articles and a policy's passages, and each unit's tokens of its text and of its title."""
    documents = [
        make_document("labour", "劳动合同法", ["用人单位应当支付劳动报酬", "劳动报酬按月支付"]),
        _passages("rent", "房租减免通知", ["对承租国有房屋的小微企业减免租金", "劳动密集型企业优先"]),
        make_document("tax", "增值税法", ["小微企业减免增值税"]),
    ]
    texts = [list(analyzer.tokens(u.text)) for d in documents for u in d.units]
    titles = [list(analyzer.tokens(d.title)) for d in documents for _ in d.units]
    return documents, texts, titles


def test_one_title_weight_for_every_kind_of_unit_is_bm25f_with_one_title_field(
    tmp_path: Path, analyzer: Analyzer
) -> None:
    documents, texts, titles = _mixed(analyzer)
    service = SearchService(
        EmbeddedIndex(tmp_path / "f"), analyzer=analyzer, field_weights={"title": 1.5, "headings": 0.3}
    )
    assert service.field_weights == {"title": 1.5, "article_title": 1.5, "headings": 0.3}
    service.index_documents(documents)
    one_title = Bm25Index.build_fields([texts, titles, [[] for _ in texts]], [1.0, 1.5, 0.3])
    ids = [u.id for d in documents for u in d.units]
    for query in (["劳动"], ["减免", "企业"], ["增值税", "房租", "合同"]):
        found = dict(service.index.lexical_search(query, Filters(), 10))
        expected = {unit: s for unit, s in zip(ids, one_title.scores(query).tolist(), strict=True) if s > 0}
        assert found == pytest.approx(expected, rel=1e-6)


def test_an_articles_title_weighs_apart_from_a_passages(tmp_path: Path, analyzer: Analyzer) -> None:
    documents, texts, titles = _mixed(analyzer)
    weights = {"title": 1.0, "article_title": 0.0, "headings": 1.0}
    service = SearchService(EmbeddedIndex(tmp_path / "f"), analyzer=analyzer, field_weights=weights)
    service.index_documents(documents)
    # 合同 and 通知 are in titles only: the articles' title weighs 0, the passages' 1
    assert service.index.lexical_search(["合同"], Filters(), 10) == []
    assert sorted(u for u, _ in service.index.lexical_search(["通知"], Filters(), 10)) == ["rent-a0", "rent-a1"]
    passage_titles = [t if i in (2, 3) else [] for i, t in enumerate(titles)]
    expected = Bm25Index.build_fields([texts, passage_titles], [1.0, 1.0]).scores(["劳动", "减免"])
    found = dict(service.index.lexical_search(["劳动", "减免"], Filters(), 10))
    ids = [u.id for d in documents for u in d.units]
    assert found == pytest.approx({u: s for u, s in zip(ids, expected.tolist(), strict=True) if s > 0}, rel=1e-6)
