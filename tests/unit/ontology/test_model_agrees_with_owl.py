"""The Turtle ontology and the Python domain model describe the same classes, properties and relationships."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from ontology.model import NODE_CLASSES, RELATIONSHIPS
from ontology.vocabulary import OWL, PKG, RDF, RDFS, SCHEMA, XSD, load_ontology, relationship_predicate

XSD_OF = {
    "string": XSD.string,
    "int": XSD.integer,
    "float": XSD.double,
    "bool": XSD.boolean,
    "date": XSD.date,
    "string[]": XSD.string,
}

OWL_GRAPH = load_ontology()


def local(uri: URIRef) -> str:
    return str(uri).removeprefix(str(PKG))


def test_every_class_is_declared_with_chinese_and_english_labels() -> None:
    declared = {local(c) for c in OWL_GRAPH.subjects(RDF.type, OWL.Class)}
    assert declared == set(NODE_CLASSES)
    for label, cls in NODE_CLASSES.items():
        labels = {(str(lit), lit.language) for lit in OWL_GRAPH.objects(PKG[label], RDFS.label)}
        assert (cls.label_zh, "zh") in labels
        assert any(lang == "en" for _, lang in labels)


@pytest.mark.parametrize("label", sorted(NODE_CLASSES))
def test_class_properties_and_datatypes_agree(label: str) -> None:
    in_owl = {local(p): OWL_GRAPH.value(p, RDFS.range) for p in OWL_GRAPH.subjects(SCHEMA.domainIncludes, PKG[label])}
    in_owl = {name: rng for name, rng in in_owl.items() if (PKG[name], RDF.type, OWL.DatatypeProperty) in OWL_GRAPH}
    in_model = {name: XSD_OF[kind] for name, kind in NODE_CLASSES[label].properties.items()}
    assert in_owl == in_model
    multi = {name for name, kind in NODE_CLASSES[label].properties.items() if kind == "string[]"}
    assert multi == {name for name in in_owl if (PKG[name], PKG.multiValued, Literal(True)) in OWL_GRAPH}


def test_owned_classes_agree() -> None:
    owned = {local(c) for c in OWL_GRAPH.subjects(PKG.ownedByDocument, Literal(True))}
    assert owned == {label for label, cls in NODE_CLASSES.items() if cls.owned_by_document}


@pytest.mark.parametrize("rel_type", sorted(RELATIONSHIPS))
def test_relationships_agree(rel_type: str) -> None:
    rel = RELATIONSHIPS[rel_type]
    predicate = PKG[relationship_predicate(rel_type)]
    assert (predicate, RDF.type, OWL.ObjectProperty) in OWL_GRAPH
    assert str(OWL_GRAPH.value(predicate, PKG.graphType)) == rel_type
    assert {local(s) for s in OWL_GRAPH.objects(predicate, SCHEMA.domainIncludes)} == {s for s, _ in rel.endpoints}
    assert {local(t) for t in OWL_GRAPH.objects(predicate, SCHEMA.rangeIncludes)} == {t for _, t in rel.endpoints}
    assert {local(p) for p in OWL_GRAPH.objects(predicate, PKG.relationshipProperty)} == set(rel.properties)


def test_no_property_is_declared_twice_with_different_ranges() -> None:
    for prop in OWL_GRAPH.subjects(RDF.type, OWL.DatatypeProperty):
        assert len(set(OWL_GRAPH.objects(prop, RDFS.range))) == 1, prop
