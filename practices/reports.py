"""Officials' reading of 法治政府建设年度报告: each report's year, agency, region, sections and items, every item
linked to the indicators of the 示范指标体系 it speaks to (``practices.indicator_links``: lexical and, with the
process's embedder, semantic, scored).

Reports are read from the graph through the ``GraphStore`` port (AnnualReport and ReportItem nodes, written by
``ingest.extractors.annual_reports``); links are computed here against the indicator table in use, so a table
imported later applies to the reports already stored.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from graph.base import GraphStore
from ontology.reference import contains
from practices.indicator_links import IndicatorLinker


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


def list_reports(
    store: GraphStore, linker: IndicatorLinker, *, region_code: str | None = None, year: int | None = None
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
        texts = [item.get("text") or "" for item in items]
        sections: list[ReportSectionRow] = []
        for item, text, links in zip(items, texts, linker.link(texts), strict=True):
            if not sections or sections[-1].title != item.get("section_title"):
                sections.append(ReportSectionRow(item["section"], item.get("section_title") or "", []))
            span = (item["span_start"], item["span_end"])
            sections[-1].items.append(ReportItemRow(text, span, [link.to_dict() for link in links]))
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
