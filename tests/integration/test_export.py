"""RDF export: the graph in the policykg ontology, valid against the SHACL shapes."""

from __future__ import annotations

import json

from rdflib import Graph

from graph.base import GraphChange, GraphStore, NodeRecord, RelRecord
from graph.export import export_rdf, node_uri, to_rdf, validate_rdf
from graph.records import MeasureDates, measure_records
from ontology.eligibility import BenefitSpec, ConditionSpec
from ontology.vocabulary import PKG


def small_policy_graph(store: GraphStore, *, clause_span: int | None = 0) -> None:
    measure_nodes, measure_rels = measure_records(
        [ConditionSpec("scale", "in", ["中型", "小型", "微型"], "中小微企业")],
        BenefitSpec("租金减免", "减免房租", 3.0),
        doc_id="d1",
        clause_id="c1",
        region_code="110000",
        dates=MeasureDates(),
    )
    store.write(
        GraphChange(
            nodes=[
                NodeRecord("Region", "110000", {"code": "110000", "name": "北京市", "level": "province"}),
                NodeRecord("Region", "110112", {"code": "110112", "name": "通州区", "level": "county"}),
                NodeRecord(
                    "NormativeDocument",
                    "d1",
                    {
                        "title": "关于应对疫情影响支持中小微企业的若干措施",
                        "doc_type": "政策文件",
                        "region_code": "110000",
                        "date_published": "2020-02-05",
                        "issuers": ["北京市人民政府办公厅"],
                    },
                ),
                NodeRecord("NormativeDocument", "d0", {"title": "中小企业促进法", "placeholder": True}),
                NodeRecord(
                    "Clause",
                    "c1",
                    {"doc_id": "d1", "kind": "列举", "text": "一、减免房租", "span_start": clause_span, "span_end": 6},
                ),
                *measure_nodes,
            ],
            rels=[
                RelRecord("BROADER", "Region", "110112", "Region", "110000"),
                RelRecord("JURISDICTION", "NormativeDocument", "d1", "Region", "110000"),
                RelRecord("HAS_CLAUSE", "NormativeDocument", "d1", "Clause", "c1"),
                *measure_rels,
                RelRecord(
                    "CITES",
                    "Clause",
                    "c1",
                    "NormativeDocument",
                    "d0",
                    {"surface": "《中小企业促进法》", "span_start": 1, "span_end": 9},
                ),
            ],
        )
    )


def test_export_conforms_to_the_shapes(graph_store: GraphStore) -> None:
    small_policy_graph(graph_store)

    graph = to_rdf(graph_store)
    conforms, report = validate_rdf(graph)

    assert conforms, report
    clause = node_uri("Clause", "c1")
    assert (node_uri("NormativeDocument", "d1"), PKG.hasClause, clause) in graph
    assert {str(o) for o in graph.objects(node_uri("NormativeDocument", "d1"), PKG.issuers)} == {"北京市人民政府办公厅"}
    spans = {int(o) for o in graph.objects(None, PKG.span_end)}
    assert spans == {6, 9}  # the clause's and the citation's (on its rdf:Statement)


def test_shapes_catch_a_clause_without_span(ladybug_store: GraphStore) -> None:
    small_policy_graph(ladybug_store, clause_span=None)

    conforms, report = validate_rdf(to_rdf(ladybug_store))

    assert not conforms
    assert "span_start" in report


def test_turtle_and_json_ld_carry_the_same_triples(ladybug_store: GraphStore) -> None:
    small_policy_graph(ladybug_store)

    turtle = Graph().parse(data=export_rdf(ladybug_store, "turtle"), format="turtle")
    json_ld_text = export_rdf(ladybug_store, "json-ld")
    json_ld = Graph().parse(data=json_ld_text, format="json-ld")

    assert json.loads(json_ld_text)
    assert len(turtle) == len(json_ld) > 30


def test_consumers_private_data_is_never_exported(ladybug_store: GraphStore) -> None:
    small_policy_graph(ladybug_store)
    ladybug_store.upsert_nodes(
        [
            NodeRecord("ApiConsumer", "c1", {"name": "园区平台", "key_hash": "0" * 64}),
            NodeRecord("Subscription", "s1", {"consumer_id": "c1", "secret": "whsec-top-secret"}),
            NodeRecord("EnterpriseProfile", "c1/p1", {"consumer_id": "c1", "name": "某公司（虚构）"}),
        ]
    )

    turtle = export_rdf(ladybug_store, "turtle")

    assert "whsec-top-secret" not in turtle
    assert "0" * 64 not in turtle
    assert "某公司" not in turtle
    assert "关于应对疫情影响支持中小微企业的若干措施" in turtle
