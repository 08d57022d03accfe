"""The indicator table: CSV parsing with line-numbered errors, its SKOS form, the lexical linker."""

from __future__ import annotations

import pytest
from rdflib import SKOS, URIRef

from ontology.errors import InvalidInputError
from ontology.indicators import IND, link_indicators, load_scheme, parse_indicator_csv, write_indicator_csv

TABLE = (
    "id,level,parent,name,text\nA,1,,政府职能依法全面履行,\nA1,2,A,加大简政放权力度,\n"
    "A1a,3,A1,,行政审批中介服务实行清单管理\n"
)


def test_shipped_table_has_its_first_level_and_a_source_for_every_row() -> None:
    scheme = load_scheme()
    assert scheme.level(1)[0].name == "政府职能依法全面履行"
    assert all(i.source for i in scheme.indicators)
    assert scheme.first_level_of("3-1").id == "1-1"


def test_shipped_rows_are_sourced_or_marked_unverified_and_real_rows_hang_under_real_ones() -> None:
    scheme = load_scheme()
    verified = {i.id for i in scheme.indicators if i.source.startswith("https://")}
    unverified = {i.id for i in scheme.indicators if i.source.startswith("unverified:")}
    assert verified | unverified == set(scheme.by_id) and not verified & unverified
    assert all(scheme.by_id[i].parent in verified for i in verified if scheme.by_id[i].parent)
    assert all("numbered" in scheme.by_id[i].source for i in verified)
    counts = {level: len(scheme.level(level)) for level in (1, 2, 3)}
    assert (counts, sorted(verified)) == ({1: 9, 2: 1, 3: 3}, ["1-1", "2-1", "3-1", "3-2", "3-3"])


def test_skos_form_has_broader_links_and_top_concepts() -> None:
    graph = parse_indicator_csv(TABLE).to_skos()
    assert (URIRef(IND["A1a"]), SKOS.broader, URIRef(IND["A1"])) in graph
    assert (URIRef(IND["A"]), SKOS.topConceptOf, URIRef(IND["scheme"])) in graph
    assert len(set(graph.subjects(SKOS.inScheme, URIRef(IND["scheme"])))) == 3


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("id,level,name\nA,1,x\n", "line 1: missing column"),
        ("id,level,parent,name,text\nA,1,,x,\nA,1,,y,\n", "line 3: duplicate id 'A'"),
        ("id,level,parent,name,text\nA,4,,x,\n", "line 2: level must be 1, 2 or 3"),
        ("id,level,parent,name,text\nA,1,,x,\nB,3,A,y,\n", "line 3: parent 'A' is not a level-2"),
        ("id,level,parent,name,text\nA,2,,x,\n", "line 2: a level-1 indicator has no parent"),
        ("id,level,parent,name,text\nA,1,,,\n", "line 2: name and text are both empty"),
    ],
)
def test_bad_tables_name_the_line(bad: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        parse_indicator_csv(bad)


def test_written_table_reads_back_the_same() -> None:
    scheme = load_scheme()
    again = parse_indicator_csv(write_indicator_csv(scheme.indicators))
    assert again.indicators == scheme.indicators


def test_cues_link_first_level_indicators_with_a_score_in_traditional_text_too() -> None:
    links = link_indicators("持續深化“放管服”改革,加快推進告知承諾制", load_scheme())
    assert links[0].indicator.name == "政府职能依法全面履行"
    assert links[0].score == pytest.approx(0.75) and set(links[0].matched) == {"放管服", "告知承诺"}
    assert link_indicators("天气晴朗", load_scheme()) == []


def test_wording_links_deeper_indicators_and_lifts_their_first_level() -> None:
    scheme = parse_indicator_csv(TABLE)
    links = {link.indicator.id: link for link in link_indicators("对行政审批中介服务事项实行清单管理", scheme)}
    assert links["A1a"].score >= 0.35
    assert links["A"].score >= links["A1a"].score
