"""Export the property graph as RDF (Turtle or JSON-LD) in the policykg ontology, with rdflib.

Each node becomes ``pkgid:{Label}/{id}`` typed ``pkg:{Label}``; properties become typed literals (lists become
several values); relationships become object properties (``HAS_CLAUSE`` → ``pkg:hasClause``). A
relationship's own properties (a citation's span, say) go on an ``rdf:Statement`` reifying the triple.
"""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import quote

from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RdfLiteral

from graph.base import GraphStore
from ontology.model import NODE_CLASSES, RELATIONSHIPS, PropertyType
from ontology.vocabulary import PKG, PKGID, RDF, XSD, bind_prefixes, relationship_predicate

ExportFormat = Literal["turtle", "json-ld"]
PRIVATE_LABELS: tuple[str, ...] = (
    "EnterpriseProfile",
    "ApiConsumer",
    "Official",
    "Subscription",
    "OutboxEvent",
    "OutboxBatch",
    "DeliveryAttempt",
    "AnsweredQuestion",
    "Application",
    "Feedback",
)
"""Consumers' data (profiles, key hashes, webhook secrets, deliveries, applications, feedback) and people's
questions: never exported."""
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("turtle", "json-ld")

# Strings are simple literals (RDF 1.1: implicitly xsd:string; rdflib compares them unlike typed ones).
_DATATYPES: dict[PropertyType, URIRef | None] = {
    "string": None,
    "int": XSD.integer,
    "float": XSD.double,
    "bool": XSD.boolean,
    "date": XSD.date,
    "string[]": None,
}


def node_uri(label: str, node_id: str) -> URIRef:
    """The IRI of a node: ``https://w3id.org/policykg/id/{Label}/{percent-encoded id}``."""
    return PKGID[f"{label}/{quote(node_id, safe='')}"]


def _literals(kind: PropertyType, value: Any) -> list[RdfLiteral]:
    if value is None:
        return []
    values = value if kind == "string[]" else [value]
    return [RdfLiteral(v, datatype=_DATATYPES[kind]) for v in values]


def to_rdf(store: GraphStore, *, labels: tuple[str, ...] | None = None) -> Graph:
    """The store's nodes (of ``labels``, default all public classes) and the relationships between them, as RDF.

    Consumers' private data (``PRIVATE_LABELS``) is left out whatever ``labels`` says.
    """
    graph = bind_prefixes(Graph())
    wanted = set(labels or NODE_CLASSES) - set(PRIVATE_LABELS)
    for label in wanted:
        cls = NODE_CLASSES[label]
        for node in store.find_nodes(label):
            subject = node_uri(label, node["id"])
            graph.add((subject, RDF.type, PKG[label]))
            for prop, kind in cls.all_properties.items():
                for literal in _literals(kind, node.get(prop)):
                    graph.add((subject, PKG[prop], literal))
    for rel_type, spec in RELATIONSHIPS.items():
        if not any(s in wanted and t in wanted for s, t in spec.endpoints):
            continue
        predicate = PKG[relationship_predicate(rel_type)]
        for rel in store.relationships(rel_type):
            if rel.source_label not in wanted or rel.target_label not in wanted:
                continue
            triple = (node_uri(rel.source_label, rel.source_id), predicate, node_uri(rel.target_label, rel.target_id))
            graph.add(triple)
            qualifiers = {k: v for k, v in rel.props.items() if v is not None}
            if qualifiers:
                statement = BNode()
                graph.add((statement, RDF.type, RDF.Statement))
                graph.add((statement, RDF.subject, triple[0]))
                graph.add((statement, RDF.predicate, predicate))
                graph.add((statement, RDF.object, triple[2]))
                for prop, value in qualifiers.items():
                    for literal in _literals(spec.properties[prop], value):
                        graph.add((statement, PKG[prop], literal))
    return graph


def export_rdf(store: GraphStore, fmt: ExportFormat = "turtle", *, labels: tuple[str, ...] | None = None) -> str:
    """The store serialised as Turtle or JSON-LD."""
    return to_rdf(store, labels=labels).serialize(format=fmt)


def validate_rdf(graph: Graph) -> tuple[bool, str]:
    """Validate an exported graph against the SHACL shapes; return (conforms, pyshacl's report text)."""
    from pyshacl import validate

    from ontology.vocabulary import load_shapes

    conforms, _, report = validate(graph, shacl_graph=load_shapes(), inference="none")
    return bool(conforms), str(report)
