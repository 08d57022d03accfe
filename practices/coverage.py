"""Coverage and gaps: which indicators of the 示范指标体系 a region's own texts give evidence for.

Evidence comes from the region's and its sub-regions' annual-report items (``practices.reports``) and
mechanisms (name and topics, the text the demonstration extractor links by), each linked to indicators by the
one lexical linker (``ontology.indicators.link_indicators``); an indicator with any evidence is covered, every
other indicator of the table is listed as uncovered, so an official can 对照指标体系，查找差距.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graph.base import GraphStore
from ontology.indicators import Indicator, IndicatorScheme, link_indicators
from ontology.reference import contains
from practices.reports import MIN_LINK_SCORE, list_reports


@dataclass(frozen=True)
class Evidence:
    """One passage that speaks to an indicator: its document, span, text, kind and link score."""

    source_id: str | None
    span: tuple[int, int]
    text: str
    kind: str
    score: float


@dataclass
class Coverage:
    """Covered indicators with their evidence, and the indicators without any."""

    covered: list[tuple[Indicator, list[Evidence]]] = field(default_factory=list)
    uncovered: list[Indicator] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """``{"covered": [{"indicator", "evidence": [{"source_id", "span", "text", …}]}], "uncovered": […]}``."""
        return {
            "covered": [
                {"indicator": _indicator(i), "evidence": [e.__dict__ for e in evidence]} for i, evidence in self.covered
            ],
            "uncovered": [_indicator(i) for i in self.uncovered],
        }


def _indicator(indicator: Indicator) -> dict[str, Any]:
    return {"id": indicator.id, "level": indicator.level, "parent": indicator.parent, "name": indicator.label}


def _mechanism_evidence(store: GraphStore, scheme: IndicatorScheme, region_code: str) -> list[tuple[str, Evidence]]:
    found: list[tuple[str, Evidence]] = []
    documents: dict[str, str | None] = {}
    for node in store.find_nodes("Mechanism"):
        code = node.get("region_code")
        if not (code and contains(region_code, code)):
            continue
        doc_id = node["doc_id"]
        if doc_id not in documents:
            document = store.get_node("NormativeDocument", doc_id)
            documents[doc_id] = document.get("source_id") if document else None
        text = (node.get("name") or "") + " ".join(node.get("topics") or [])
        for link in link_indicators(text, scheme):
            if link.score >= MIN_LINK_SCORE:
                span = (node.get("span_start") or 0, node.get("span_end") or 0)
                evidence = Evidence(documents[doc_id], span, node.get("text") or "", "mechanism", round(link.score, 3))
                found.append((link.indicator.id, evidence))
    return found


def region_coverage(store: GraphStore, scheme: IndicatorScheme, region_code: str) -> Coverage:
    """The coverage of ``scheme``'s indicators by the texts of ``region_code`` and its sub-regions."""
    by_indicator: dict[str, list[Evidence]] = {}
    for report in list_reports(store, scheme, region_code=region_code):
        for section in report.sections:
            for item in section.items:
                for link in item.indicators:
                    evidence = Evidence(
                        report.source_id, item.span, item.text, "report_item", float(str(link["score"]))
                    )
                    by_indicator.setdefault(str(link["id"]), []).append(evidence)
    for indicator_id, passage in _mechanism_evidence(store, scheme, region_code):
        by_indicator.setdefault(indicator_id, []).append(passage)
    coverage = Coverage()
    for indicator in scheme.indicators:
        found = by_indicator.get(indicator.id)
        if found:
            coverage.covered.append((indicator, sorted(found, key=lambda e: -e.score)))
        else:
            coverage.uncovered.append(indicator)
    return coverage
