"""The SHACL shapes' enumerations equal the domain model's enums, and every path is an ontology property."""

from __future__ import annotations

import pytest
from rdflib import URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from ontology.model import (
    BenefitType,
    ClauseKind,
    ConditionDimension,
    ConditionOperator,
    DesignationKind,
    DocumentStatus,
    DocumentType,
    RegionLevel,
)
from ontology.vocabulary import PKG, load_ontology, load_shapes

SHAPES = load_shapes()
ONTOLOGY = load_ontology()


def enumeration(class_name: str, prop: str) -> list[str]:
    shape = SHAPES.value(predicate=SH.targetClass, object=PKG[class_name])
    for prop_shape in SHAPES.objects(shape, SH.property):
        if SHAPES.value(prop_shape, SH.path) == PKG[prop]:
            return [str(v) for v in Collection(SHAPES, SHAPES.value(prop_shape, SH["in"]))]
    raise AssertionError(f"no sh:in for {class_name}.{prop}")


@pytest.mark.parametrize(
    ("class_name", "prop", "enum"),
    [
        ("NormativeDocument", "doc_type", DocumentType),
        ("NormativeDocument", "status", DocumentStatus),
        ("Clause", "kind", ClauseKind),
        ("Condition", "dimension", ConditionDimension),
        ("Condition", "operator", ConditionOperator),
        ("Benefit", "type", BenefitType),
        ("DemonstrationDesignation", "kind", DesignationKind),
        ("Region", "level", RegionLevel),
    ],
)
def test_enumerations_match_the_model(class_name: str, prop: str, enum: type) -> None:
    assert enumeration(class_name, prop) == [member.value for member in enum]


def test_every_shape_path_is_declared_in_the_ontology() -> None:
    for path in SHAPES.objects(None, SH.path):
        if isinstance(path, URIRef):
            assert (path, None, None) in ONTOLOGY, path
