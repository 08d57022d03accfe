"""Officials' reading of 法治政府建设年度报告: each report's year, agency, region, sections and items, every item
linked to the indicators of the 示范指标体系 it speaks to (``ontology.indicators.link_indicators``, scored).

Reports are read from the graph through the ``GraphStore`` port (AnnualReport and ReportItem nodes, written by
``ingest.extractors.annual_reports``); links are computed here against the indicator table in use, so a table
imported later applies to the reports already stored.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from graph.base import GraphStore
from ontology.indicators import IndicatorScheme, link_indicators
from ontology.reference import contains

MIN_LINK_SCORE = 0.5
"""Links below this score are not reported (one cue word of a first-level indicator scores 0.5)."""


@dataclass(frozen=True)
class ReportItemRow:
    """One item: text, span in the stored document text and linked indicators (id, level, name, score …)."""

    text: str
    span: tuple[int, int]
    indicators: list[dict[str, object]]


@dataclass(frozen=True)
class ReportSectionRow:
    """One section of a report: its kind, heading and items."""

    kind: str
    title: str
    items: list[ReportItemRow]


@dataclass(frozen=True)
class AnnualReportRow:
    """One annual report as officials list it."""

    source_id: str | None
    year: int | None
    agency: str | None
    region_code: str | None
    sections: list[ReportSectionRow]

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready data."""
        return asdict(self)


def item_links(text: str, scheme: IndicatorScheme) -> list[dict[str, object]]:
    """The indicators an item's text is linked to (score at least ``MIN_LINK_SCORE``), best first."""
    return [link.to_dict() for link in link_indicators(text, scheme) if link.score >= MIN_LINK_SCORE]


def list_reports(
    store: GraphStore, scheme: IndicatorScheme, *, region_code: str | None = None, year: int | None = None
) -> list[AnnualReportRow]:
    """The stored annual reports (of ``region_code`` and its sub-regions, of ``year``), by year and source."""
    rows: list[AnnualReportRow] = []
    for report in store.find_nodes("AnnualReport"):
        code = report.get("region_code")
        if region_code is not None and not (code and contains(region_code, code)):
            continue
        if year is not None and report.get("year") != year:
            continue
        document = store.get_node("NormativeDocument", report["doc_id"])
        items = sorted(store.find_nodes("ReportItem", {"doc_id": report["doc_id"]}), key=lambda n: n["ordinal"])
        sections: list[ReportSectionRow] = []
        for item in items:
            if not sections or sections[-1].title != item.get("section_title"):
                sections.append(ReportSectionRow(item["section"], item.get("section_title") or "", []))
            text = item.get("text") or ""
            sections[-1].items.append(
                ReportItemRow(text, (item["span_start"], item["span_end"]), item_links(text, scheme))
            )
        rows.append(
            AnnualReportRow(
                source_id=document.get("source_id") if document else None,
                year=report.get("year"),
                agency=report.get("agency"),
                region_code=code,
                sections=sections,
            )
        )
    return sorted(rows, key=lambda r: (r.year or 0, r.source_id or ""))
