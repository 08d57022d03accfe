"""Per-field BM25: an article's text, its law's short title and its headings in separate BM25 matrices of the
embedded index, scored as the text's BM25 plus each other field's times its weight."""

from __future__ import annotations

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
from search.types import Filters, PreparedDocument, SearchRequest
from tests.unit.search.conftest import make_document

SCHEMA = IndexSchema("fp", "none", 0)


def _prepared(doc_id: str, title: list[str], texts: list[list[str]]) -> PreparedDocument:
    document = make_document(doc_id, "某法", ["甲"] * len(texts))
    return PreparedDocument(
        document,
        tuple(tuple(t) for t in texts),
        None,
        {"title": tuple(tuple(title) for _ in texts), "headings": tuple(() for _ in texts)},
    )


def test_a_unit_scores_its_text_plus_the_weighted_title_field_and_reopens_with_its_fields(tmp_path: Path) -> None:
    index = EmbeddedIndex(tmp_path / "idx")
    wage = _prepared("wage", ["劳动", "合同"], [["工资", "支付"], ["试用期"]])
    rent = _prepared("rent", ["房租"], [["工资", "减免"]])
    index.apply(SCHEMA, [wage, rent], [])
    text = Bm25Index.build([["工资", "支付"], ["试用期"], ["工资", "减免"]]).scores(["工资", "劳动"])
    title = Bm25Index.build([["劳动", "合同"], ["劳动", "合同"], ["房租"]]).scores(["工资", "劳动"])
    for weight in (0.0, 0.5, 2.0):
        found = dict(index.lexical_search(["工资", "劳动"], Filters(), 5, field_weights={"title": weight}))
        expected = text + weight * title
        assert found == pytest.approx(
            {u: float(s) for u, s in zip(("wage-a0", "wage-a1", "rent-a0"), expected, strict=True) if s}
        )
    assert [u for u, _ in index.lexical_search(["劳动"], Filters(), 5)] == []  # the title is not in the text field
    weighted = index.lexical_search([], Filters(), 5, {"劳动": 0.5}, {"title": 1.0})
    assert dict(weighted) == pytest.approx({"wage-a0": 0.5 * title[0], "wage-a1": 0.5 * title[1]})

    index.apply(SCHEMA, [_prepared("tax", ["税收"], [["增值税"]])], ["rent"])  # wage's fields are kept as stored
    reopened = EmbeddedIndex(tmp_path / "idx")
    assert sorted(u for u, _ in reopened.lexical_search(["劳动"], Filters(), 5, field_weights={"title": 1.0})) == [
        "wage-a0",
        "wage-a1",
    ]
    assert [u for u, _ in reopened.lexical_search(["税收"], Filters(), 5, field_weights={"title": 1.0})] == ["tax-a0"]
    assert reopened.lexical_search(["房租"], Filters(), 5, field_weights={"title": 1.0}) == []


def test_elasticsearch_keeps_one_field_holding_the_fields_tokens() -> None:
    records = list(unit_records(_prepared("wage", ["劳动"], [["工资"]])))
    assert records[0]["tokens"] == "工资 劳动"


def test_the_service_puts_title_and_headings_in_their_own_fields(tmp_path: Path, analyzer: Analyzer) -> None:
    law = make_document("law", "劳动合同法", ["用人单位应当支付劳动报酬", "本法自公布之日起施行"])
    law = replace(law, units=(replace(law.units[0], heading="第三章 工资"), law.units[1]))
    one = SearchService(EmbeddedIndex(tmp_path / "one"), analyzer=analyzer)
    fields = SearchService(EmbeddedIndex(tmp_path / "f"), analyzer=analyzer, field_weights={"title": 0, "headings": 1})
    assert one.schema != fields.schema
    prepared = fields.prepare([law])[0]
    assert prepared.tokens[1] == tuple(analyzer.tokens(law.units[1].text))
    assert prepared.fields["title"] == (tuple(analyzer.tokens("劳动合同法")),) * 2
    assert prepared.fields["headings"] == (tuple(analyzer.tokens("第三章 工资")), ())
    assert np.array_equal(
        [t for t in one.prepare([law])[0].tokens[0]],
        list(prepared.fields["title"][0] + prepared.fields["headings"][0] + prepared.tokens[0]),
    )
    fields.index_documents([law])
    found = fields.search(SearchRequest(query="工资", mode="lexical"))
    assert [h.clause_id for h in found.hits] == ["law-a0"]  # through the headings field alone
    assert fields.search(SearchRequest(query="合同", mode="lexical")).hits == []  # title weight 0


def test_the_settings_turn_per_field_bm25_on_with_their_weights(tmp_path: Path) -> None:
    from api.bootstrap import open_search_service
    from api.settings import Settings

    default = open_search_service(Settings(policykg_data_dir=tmp_path), tmp_path, None)  # type: ignore[call-arg]
    assert default.field_weights is None
    settings = Settings(  # type: ignore[call-arg]
        policykg_data_dir=tmp_path,
        policykg_bm25_fields=True,
        policykg_title_field_weight=0.4,
        policykg_heading_field_weight=0.7,
    )
    assert open_search_service(settings, tmp_path, None).field_weights == {"title": 0.4, "headings": 0.7}
