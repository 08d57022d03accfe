"""Links: which 《…》 are citations, placeholders shared by title, clause-level CITES, mentions with spans."""

from __future__ import annotations

from ingest.links import ClauseRef, citable_title, citation_change, mention_change, placeholder_id
from ontology.model import ClauseKind
from ontology.text import to_simplified


def test_citable_titles_are_normalised_and_non_normative_titles_are_not_linked() -> None:
    assert citable_title("中華人民共和國行政復議法") == "行政复议法"
    assert citable_title("北京市法治政府建设实施方案（2015-2020年）") == "北京市法治政府建设实施方案"
    assert citable_title("新冠肺炎疫情热线反映") is None


def test_unknown_titles_meet_at_one_placeholder_and_known_ones_resolve() -> None:
    text = "根据《中华人民共和国行政复议法》和《优化营商环境条例》，落实《行政复议法》。"
    clause = ClauseRef("d1/c1", ClauseKind.ARTICLE, 0, len(text))
    change = citation_change("d1", "本文件", text, [clause], {"优化营商环境条例": "doc-known"}.get)
    placeholders = [n for n in change.nodes if n.props["placeholder"]]
    assert [(n.id, n.props["title_norm"]) for n in placeholders] == [(placeholder_id("行政复议法"), "行政复议法")]
    doc_edges = [(r.target_id, r.props["surface"]) for r in change.rels if r.source_label == "NormativeDocument"]
    assert doc_edges == [
        (placeholder_id("行政复议法"), "《中华人民共和国行政复议法》"),
        ("doc-known", "《优化营商环境条例》"),
    ]
    clause_edges = [r for r in change.rels if r.source_label == "Clause"]
    assert {r.target_id for r in clause_edges} == {placeholder_id("行政复议法"), "doc-known"}
    first = doc_edges[0]
    start = text.index(first[1])
    assert change.rels[0].props["span_start"] == start


def test_mentions_link_regions_bodies_and_full_dates_with_spans() -> None:
    text = to_simplified("2023年3月,區司法局聘請第三方評估。重庆市江津区司法局于2023年11月1日启用平台。")
    change = mention_change("d1", text, "500116")
    regions = {r.target_id for r in change.rels if r.target_label == "Region"}
    assert regions == {"500116"}
    agencies = [n.props["name"] for n in change.nodes if n.label == "Agency"]
    assert agencies == ["重庆市江津区司法局"]
    dates = [
        (n.props["date"], text[n.props["span_start"] : n.props["span_end"]])
        for n in change.nodes
        if n.label == "DatedEvent"
    ]
    assert dates == [("2023-11-01", "2023年11月1日")]
