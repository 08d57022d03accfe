"""RDF namespaces of the policykg ontology and of the public vocabularies it aligns with, and the files."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Namespace
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS, XSD

__all__ = [
    "CCCEV",
    "DCTERMS",
    "ELI",
    "ONTOLOGY_FILE",
    "ORG",
    "OWL",
    "PKG",
    "PKGID",
    "PREFIXES",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SHAPES_FILE",
    "SKOS",
    "XSD",
    "bind_prefixes",
    "load_ontology",
    "load_shapes",
    "relationship_predicate",
]

ONTOLOGY_FILE = Path(__file__).parent / "policykg.ttl"
SHAPES_FILE = Path(__file__).parent / "shapes.ttl"

PKG = Namespace("https://w3id.org/policykg/ontology#")
"""Classes and properties of the policykg ontology."""
PKGID = Namespace("https://w3id.org/policykg/id/")
"""Instances: ``PKGID[f"{label}/{quoted id}"]``."""
ELI = Namespace("http://data.europa.eu/eli/ontology#")
CCCEV = Namespace("http://data.europa.eu/m8g/")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
DCTERMS = Namespace("http://purl.org/dc/terms/")

PREFIXES: dict[str, Namespace] = {
    "pkg": PKG,
    "pkgid": PKGID,
    "eli": ELI,
    "cccev": CCCEV,
    "org": ORG,
    "skos": Namespace(str(SKOS)),
    "prov": Namespace(str(PROV)),
    "schema": SCHEMA,
    "dcterms": DCTERMS,
}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the policykg and aligned vocabularies' prefixes on ``graph`` and return it."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def load_ontology() -> Graph:
    """The OWL ontology (``policykg.ttl``) as an rdflib graph."""
    return Graph().parse(ONTOLOGY_FILE)


def load_shapes() -> Graph:
    """The SHACL shapes (``shapes.ttl``) as an rdflib graph."""
    return Graph().parse(SHAPES_FILE)


def relationship_predicate(rel_type: str) -> str:
    """The local name of a relationship's object property: ``HAS_CLAUSE`` → ``hasClause``."""
    first, *rest = rel_type.lower().split("_")
    return first + "".join(part.capitalize() for part in rest)
