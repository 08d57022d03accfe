"""Coverage and gaps: which indicators of the 示范指标体系 a region's own texts give evidence for.

Evidence comes from the region's and its sub-regions' annual-report items (``practices.reports``, kind
``report_item``), mechanisms (name and topics, with their sentence for the semantic part; ``mechanism``),
designations (a 示范项目 by its name alone — a naming sentence may name other projects too, 通州's and 平谷's in
one — and an area, which has no name, by the sentence of each source that names it, the programme's name left
out; ``designation``, one evidence per source, the text that sentence) and normative documents (a 规章, 规范性文件 or
政策文件 by its title, ``practices.document_links``; ``normative_document``), each linked to indicators by the
one linker of reports (``practices.indicator_links``); an indicator with any evidence is covered, every other
indicator of the table is listed as uncovered, so an official can 对照指标体系，查找差距.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from graph.base import GraphStore
from ontology.indicators import Indicator
from ontology.reference import contains
from ontology.text import find_spaced, to_simplified
from practices.cards import list_designations
from practices.document_links import EVIDENCE_TYPES, document_links
from practices.indicator_links import IndicatorLinker, mechanism_text
from practices.reports import list_reports


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


def _mechanism_evidence(store: GraphStore, linker: IndicatorLinker, region_code: str) -> list[tuple[str, Evidence]]:
    nodes = [n for n in store.find_nodes("Mechanism") if (c := n.get("region_code")) and contains(region_code, c)]
    documents: dict[str, str | None] = {}
    for doc_id in dict.fromkeys(n["doc_id"] for n in nodes):
        document = store.get_node("NormativeDocument", doc_id)
        documents[doc_id] = document.get("source_id") if document else None
    texts, contexts = zip(*(mechanism_text(n) for n in nodes), strict=True) if nodes else ((), ())
    found: list[tuple[str, Evidence]] = []
    for node, links in zip(nodes, linker.link(texts, contexts), strict=True):
        span, source_id = (node.get("span_start") or 0, node.get("span_end") or 0), documents[node["doc_id"]]
        for link in links:
            evidence = Evidence(source_id, span, node.get("text") or "", "mechanism", round(link.score, 3))
            found.append((link.indicator.id, evidence))
    return found


_PROGRAMME = re.compile(r"(?:全国)?法治政府建设示范(?:地区和项目|地区|项目)?")
"""The programme's name, which every naming sentence carries: it speaks to no one indicator, so it is not read."""


def _designation_evidence(store: GraphStore, linker: IndicatorLinker, region_code: str) -> list[tuple[str, Evidence]]:
    stated = [(row, ref) for row in list_designations(store, region_code=region_code) for ref in row.sources]
    texts = [row.name or _PROGRAMME.sub(" ", to_simplified(ref.text)).strip() for row, ref in stated]
    found: list[tuple[str, Evidence]] = []
    for (row, ref), links in zip(stated, linker.link(texts), strict=True):
        for link in links:
            text = ref.text or row.name
            evidence = Evidence(ref.source_id, ref.span or (0, 0), text, "designation", round(link.score, 3))
            found.append((link.indicator.id, evidence))
    return found


def _document_evidence(store: GraphStore, linker: IndicatorLinker, region_code: str) -> list[tuple[str, Evidence]]:
    documents = [
        node
        for doc_type in sorted(EVIDENCE_TYPES)
        for node in store.find_nodes("NormativeDocument", {"doc_type": doc_type})
        if not node.get("placeholder")
        and node.get("is_current") is not False
        and (code := node.get("region_code"))
        and contains(region_code, code)
    ]
    titles = [node.get("title") or "" for node in documents]
    found: list[tuple[str, Evidence]] = []
    links_of = document_links(linker, titles, [node["doc_type"] for node in documents])
    for node, title, links in zip(documents, titles, links_of, strict=True):
        if not links:
            continue
        span = _title_span(node.get("text") or "", title)
        for link in links:
            evidence = Evidence(node.get("source_id"), span, title, "normative_document", round(link.score, 3))
            found.append((link.indicator.id, evidence))
    return found


def _title_span(text: str, title: str) -> tuple[int, int]:
    """Where ``title`` stands in the stored ``text`` (spaces inside it allowed: titles are stored without them);
    ``(0, 0)`` when the text does not carry it."""
    found = find_spaced(text, title)
    return found.span() if found else (0, 0)


def region_coverage(store: GraphStore, linker: IndicatorLinker, region_code: str) -> Coverage:
    """The coverage of ``linker``'s indicators by the texts of ``region_code`` and its sub-regions."""
    by_indicator: dict[str, list[Evidence]] = {}
    for report in list_reports(store, linker, region_code=region_code):
        for section in report.sections:
            for item in section.items:
                for link in item.indicators:
                    evidence = Evidence(
                        report.source_id, item.span, item.text, "report_item", float(str(link["score"]))
                    )
                    by_indicator.setdefault(str(link["id"]), []).append(evidence)
    for source in (_mechanism_evidence, _designation_evidence, _document_evidence):
        for indicator_id, passage in source(store, linker, region_code):
            by_indicator.setdefault(indicator_id, []).append(passage)
    coverage = Coverage()
    for indicator in linker.scheme.indicators:
        found = by_indicator.get(indicator.id)
        if found:
            coverage.covered.append((indicator, sorted(found, key=lambda e: -e.score)))
        else:
            coverage.uncovered.append(indicator)
    return coverage
