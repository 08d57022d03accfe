"""The demonstration extractor: designations, projects and mechanisms of a document as graph nodes.

``extract_demonstrations(ctx)`` reads the document's Simplified twin (so Traditional input gives the same
names, regions and claims) and returns a ``GraphChange`` of Mechanism nodes the document owns (each with
``doc_id`` and a span ``[span_start, span_end)`` that addresses both ``ctx.text`` and ``ctx.norm_text``), of
DemonstrationDesignation and DemonstrationProject nodes shared by every document that states the same naming
(their ids carry no document: kind, region, batch and name; each document adds its STATED_IN with the span), plus
shared Topic, Indicator and Agency nodes and placeholder NormativeDocuments for cited titles not yet ingested.
Statutes are skipped: they neither name demonstration areas nor describe local practices.
"""

from __future__ import annotations

import hashlib

from graph.base import GraphChange, NodeRecord, RelRecord
from ingest.extractors.base import DocumentContext
from ingest.extractors.demonstration_designations import DesignationFact, find_designations
from ingest.extractors.demonstration_mechanisms import MechanismFact, find_mechanisms, topics_of
from ingest.extractors.demonstration_text import DocumentRegions, Span, load_resource, name_key
from ingest.links import agency_id, agency_node, placeholder_id
from ontology.indicators import link_indicators, load_scheme
from ontology.model import STATUTE_TYPES, DesignationKind, DocumentStatus
from ontology.text import normalise_title


def extract_demonstrations(ctx: DocumentContext) -> GraphChange:
    """Designations, projects and mechanisms stated in ``ctx`` (an empty change for statutes)."""
    change = GraphChange()
    if ctx.doc_type in STATUTE_TYPES:
        return change
    regions = DocumentRegions(ctx.norm_text, ctx.region_code)
    for designation in find_designations(ctx, regions):
        _add_designation(ctx, designation, change)
    for mechanism in find_mechanisms(ctx, regions):
        _add_mechanism(ctx, mechanism, change)
    return change


def _digest(value: str) -> str:
    return hashlib.sha1(value.encode("utf-8")).hexdigest()[:12]


def designation_id(fact: DesignationFact) -> str:
    """Id of a designation, the same in every source that states it (documents, imported lists): kind, region,
    batch and project name."""
    return f"designation:{fact.kind.value}/{fact.region.code}/{fact.batch or 0}/{_digest(name_key(fact.name))}"


def project_id(region_code: str, name: str) -> str:
    """Id of a demonstration project, the same in every document that names it: region and name."""
    return f"project:{region_code}/{_digest(name_key(name))}"


def mechanism_id(doc_id: str, key: str) -> str:
    """Stable id of a mechanism: document and the key of its name."""
    return f"{doc_id}/mechanism/{_digest(key)}"


def topic_id(name: str) -> str:
    """Id of the shared Topic node called ``name``."""
    return f"topic:{name}"


def indicator_id(code: str) -> str:
    """Id of the shared Indicator node with this code."""
    return f"indicator:{code}"


def _span_props(ctx: DocumentContext, span: Span) -> dict[str, object]:
    return {"span_start": span.start, "span_end": span.end, "text": ctx.text[span.start : span.end]}


def _stated_in(label: str, node_id: str, source_label: str, source_id: str, span: Span) -> RelRecord:
    return RelRecord(
        "STATED_IN", label, node_id, source_label, source_id, {"span_start": span.start, "span_end": span.end}
    )


def _add_designation(ctx: DocumentContext, fact: DesignationFact, change: GraphChange) -> None:
    add_designation(fact, change, "NormativeDocument", ctx.doc_id)


def add_designation(fact: DesignationFact, change: GraphChange, source_label: str, source_id: str) -> None:
    """Add a designation (and, for a project, the project with its topics) to ``change``, stated in the source
    node ``source_label``/``source_id`` (a document, or an imported ``DesignationList``) at ``fact.span``."""
    programme = load_resource("batches")["programme"]
    node_id = designation_id(fact)
    change.nodes.append(
        NodeRecord(
            "DemonstrationDesignation",
            node_id,
            {
                "programme": programme,
                "batch": fact.batch,
                "year": fact.year,
                "kind": fact.kind.value,
                "named_by": fact.named_by,
                "region_code": fact.region.code,
                "name": fact.name,
            },
        )
    )
    change.rels.append(_stated_in("DemonstrationDesignation", node_id, source_label, source_id, fact.span))
    if fact.kind is DesignationKind.AREA:
        change.rels.append(RelRecord("DESIGNATES", "DemonstrationDesignation", node_id, "Region", fact.region.code))
        return
    project = project_id(fact.region.code, fact.name)
    change.nodes.append(
        NodeRecord("DemonstrationProject", project, {"name": fact.name, "region_code": fact.region.code})
    )
    change.rels.append(RelRecord("DESIGNATES", "DemonstrationDesignation", node_id, "DemonstrationProject", project))
    change.rels.append(RelRecord("LOCATED_IN", "DemonstrationProject", project, "Region", fact.region.code))
    change.rels.append(_stated_in("DemonstrationProject", project, source_label, source_id, fact.span))
    for topic in topics_of(fact.name):
        _add_topic(topic, change)
        change.rels.append(RelRecord("HAS_TOPIC", "DemonstrationProject", project, "Topic", topic_id(topic)))


def _add_topic(name: str, change: GraphChange) -> None:
    change.nodes.append(NodeRecord("Topic", topic_id(name), {"name": name}))


def _add_mechanism(ctx: DocumentContext, fact: MechanismFact, change: GraphChange) -> None:
    node_id = mechanism_id(ctx.doc_id, fact.key)
    region_code = fact.region.code if fact.region else None
    change.nodes.append(
        NodeRecord(
            "Mechanism",
            node_id,
            {
                "doc_id": ctx.doc_id,
                "name": fact.name,
                "name_norm": name_key(fact.name),
                "region_code": region_code,
                "agency": fact.agency,
                "description": fact.description,
                "claims": fact.claims,
                "topics": fact.topics,
                "legal_basis": fact.legal_basis,
                "since": fact.since,
                **_span_props(ctx, fact.span),
            },
        )
    )
    change.rels.append(_stated_in("Mechanism", node_id, "NormativeDocument", ctx.doc_id, fact.span))
    if region_code:
        change.rels.append(RelRecord("LOCATED_IN", "Mechanism", node_id, "Region", region_code))
    for topic in fact.topics:
        _add_topic(topic, change)
        change.rels.append(RelRecord("HAS_TOPIC", "Mechanism", node_id, "Topic", topic_id(topic)))
    for code, name in indicators_of(fact):
        change.nodes.append(NodeRecord("Indicator", indicator_id(code), {"code": code, "name": name}))
        change.rels.append(RelRecord("MEASURED_BY", "Mechanism", node_id, "Indicator", indicator_id(code)))
    if fact.agency:
        change.nodes.append(agency_node(fact.agency, region_code))
        change.rels.append(RelRecord("RESPONSIBLE", "Mechanism", node_id, "Agency", agency_id(fact.agency)))
    for title in fact.legal_basis:
        title_norm = normalise_title(title)
        # the ingest pipeline's placeholder scheme: one node per cited work, filled in when the work is ingested
        document = placeholder_id(title_norm)
        change.nodes.append(
            NodeRecord(
                "NormativeDocument",
                document,
                {
                    "title": title,
                    "title_norm": title_norm,
                    "placeholder": True,
                    "status": DocumentStatus.UNKNOWN.value,
                    "clause_count": 0,
                },
            )
        )
        change.rels.append(RelRecord("RESTS_ON", "Mechanism", node_id, "NormativeDocument", document))


def indicators_of(fact: MechanismFact) -> list[tuple[str, str]]:
    """(code, name) of the first-level indicators of the 示范指标体系 (``ontology.indicators``, the one mapping
    of text to indicators) that the mechanism's name and topics speak to."""
    links = link_indicators(fact.name + " ".join(fact.topics), load_scheme())
    return [(link.indicator.id, link.indicator.name) for link in links if link.indicator.level == 1]
