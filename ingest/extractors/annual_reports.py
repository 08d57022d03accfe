"""The annual-report extractor: a 法治政府建设年度报告 as a report node with typed sections and items.

The 法治政府建设年度报告 has a fixed outline (as the provinces' templates for it, made under
《法治政府建设与责任落实督察工作规定》, lay it out): 主要举措和成效, 存在的不足和原因,
党政主要负责人履行推进法治建设第一责任人职责情况, 下一年度工作安排. A document is read as one when its title
names such a report, or when it is a work report (工作报告) about 法治 and at least two top-level headings of
its clause tree (一、 二、 …) are headings of that outline. Each top-level heading becomes a section of the kind
its heading names; each of its enumerated parts ((一) (二) …) an item, or, when it has none, each of its
paragraphs. The reporting agency is the document's first issuer, else the place its title opens with
(``XX区2022年法治政府建设情况报告``, a title that names no issuer). Everything is read on the Simplified twin,
so a Traditional report gives the same sections; every span is ``[span_start, span_end)`` into the stored text.
Linking items to indicators happens when reports are read (``practices.reports``), so an imported indicator
table applies to reports already stored.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum

from graph.base import GraphChange, NodeRecord, RelRecord
from ingest.extractors.base import ClauseSpan, DocumentContext
from ontology.model import STATUTE_TYPES, DocumentType
from ontology.reference import load_gazetteer
from ontology.text import to_simplified


class SectionKind(StrEnum):
    """The parts of a 法治政府建设年度报告."""

    MEASURES = "主要举措和成效"
    SHORTCOMINGS = "存在的不足"
    LEADERS = "党政主要负责人履行推进法治建设第一责任人职责情况"
    NEXT_YEAR = "下一年度工作安排"
    OTHER = "其他"


# Heading cues of each kind, tried in this order (a 第一责任人 heading often also says 加强…建设).
SECTION_CUES: tuple[tuple[SectionKind, tuple[str, ...]], ...] = (
    (SectionKind.LEADERS, ("第一责任人", "主要负责人履行")),
    (SectionKind.SHORTCOMINGS, ("不足", "存在的问题", "差距")),
    (SectionKind.NEXT_YEAR, ("安排", "打算", "工作计划", "工作思路", "下一步", "下一年")),
    (SectionKind.MEASURES, ("举措", "成效", "主要工作", "工作情况", "进展")),
)
REPORT_TITLE = re.compile(r"法治(?:政府)?建设.{0,12}(?:年度)?(?:工作)?(?:情况)?报告")
YEAR = re.compile(r"(20\d{2}|19\d{2})\s*年")
HEADING_END = re.compile(r"[。\n]")
MAX_HEADING = 80


@dataclass(frozen=True)
class ReportItemFact:
    """One item of a section: its span in the stored text."""

    start: int
    end: int


@dataclass(frozen=True)
class ReportSectionFact:
    """One section: its kind, its heading's span and its items."""

    kind: SectionKind
    title_start: int
    title_end: int
    items: tuple[ReportItemFact, ...]


@dataclass(frozen=True)
class AnnualReportFact:
    """What was read of one report."""

    year: int | None
    agency: str | None
    region_code: str | None
    start: int
    end: int
    sections: tuple[ReportSectionFact, ...]


def section_kind(heading: str) -> SectionKind:
    """The kind of section a (Simplified) heading names."""
    for kind, cues in SECTION_CUES:
        if any(cue in heading for cue in cues):
            return kind
    return SectionKind.OTHER


def _heading(text: str, clause: ClauseSpan) -> tuple[int, int]:
    """The span of a clause's heading: its first line or sentence (at most ``MAX_HEADING`` characters)."""
    body = text[clause.span_start : clause.span_end]
    stop = HEADING_END.search(body)
    end = stop.start() if stop else len(body)
    return clause.span_start, clause.span_start + min(end, MAX_HEADING)


def _paragraphs(text: str, start: int, end: int) -> list[ReportItemFact]:
    items, pos = [], start
    for line in text[start:end].split("\n"):
        stripped = line.strip()
        if stripped:
            lead = pos + line.index(stripped[0])
            items.append(ReportItemFact(lead, lead + len(stripped)))
        pos += len(line) + 1
    return items


def is_annual_report(ctx: DocumentContext, kinds: set[SectionKind]) -> bool:
    """Whether ``ctx`` is a 法治政府建设年度报告: its title names one, or it is a work report about 法治 whose
    headings follow at least two parts of the outline (a proposal's 存在的问题 and 下一步打算 are not enough)."""
    if REPORT_TITLE.search(to_simplified(ctx.title)):
        return True
    outline = kinds - {SectionKind.OTHER}
    return ctx.doc_type == DocumentType.WORK_REPORT and len(outline) >= 2 and "法治" in ctx.norm_text[:300]


def read_report(ctx: DocumentContext) -> AnnualReportFact | None:
    """The report ``ctx`` holds, or ``None`` when it is not a 法治政府建设年度报告."""
    text = ctx.norm_text
    top = [c for c in ctx.clauses if c.parent_id is None]
    sections: list[ReportSectionFact] = []
    for clause in top:
        title_start, title_end = _heading(text, clause)
        kind = section_kind(text[title_start:title_end])
        children = [c for c in ctx.clauses if c.parent_id == clause.id]
        if children:
            items = [ReportItemFact(c.span_start, c.span_end) for c in children]
        else:
            items = _paragraphs(text, title_end, clause.span_end)
        sections.append(ReportSectionFact(kind, title_start, title_end, tuple(items)))
    if not sections or not is_annual_report(ctx, {s.kind for s in sections}):
        return None
    return AnnualReportFact(
        year=_year(ctx, text, sections),
        agency=ctx.issuers[0] if ctx.issuers else _title_place(ctx.title),
        region_code=ctx.region_code,
        start=sections[0].title_start,
        end=max(c.span_end for c in top),
        sections=tuple(sections),
    )


def _title_place(title: str) -> str | None:
    """The place a report speaks for when no issuer was read: the region names opening its title, as written
    (``重庆市綦江区2022年法治政府建设情况报告`` → 重庆市綦江区), or ``None`` when the title opens otherwise."""
    simplified = to_simplified(title)
    end = 0
    for mention in load_gazetteer().find_mentions(simplified):
        if mention.start != end:
            break
        end = mention.end
    return title[:end] or None


def _year(ctx: DocumentContext, text: str, sections: list[ReportSectionFact]) -> int | None:
    """The year reported on: from the title, else from the first section heading naming one, else the
    year before publication (reports are published early in the next year)."""
    found = YEAR.search(ctx.title)
    if found:
        return int(found.group(1))
    for section in sections:
        found = YEAR.search(text[section.title_start : section.title_end])
        if found and section.kind is not SectionKind.NEXT_YEAR:
            return int(found.group(1))
    if ctx.date_published:
        return int(ctx.date_published[:4]) - 1
    return None


def report_id(doc_id: str) -> str:
    """Id of a document's annual report node."""
    return f"{doc_id}/annual-report"


def item_id(doc_id: str, start: int, end: int) -> str:
    """Id of a report item: document and span."""
    return f"{doc_id}/report-item/{hashlib.sha1(f'{start}:{end}'.encode()).hexdigest()[:12]}"


def extract_annual_reports(ctx: DocumentContext) -> GraphChange:
    """The annual report of ``ctx`` as an AnnualReport node with its ReportItems (empty for statutes and for
    documents that are not such reports)."""
    change = GraphChange()
    if ctx.doc_type in STATUTE_TYPES:
        return change
    fact = read_report(ctx)
    if fact is None:
        return change
    node_id = report_id(ctx.doc_id)
    change.nodes.append(
        NodeRecord(
            "AnnualReport",
            node_id,
            {
                "doc_id": ctx.doc_id,
                "year": fact.year,
                "agency": fact.agency,
                "region_code": fact.region_code,
                "span_start": fact.start,
                "span_end": fact.end,
            },
        )
    )
    change.rels.append(
        RelRecord(
            "STATED_IN",
            "AnnualReport",
            node_id,
            "NormativeDocument",
            ctx.doc_id,
            {"span_start": fact.start, "span_end": fact.end},
        )
    )
    ordinal = 0
    for section in fact.sections:
        title = ctx.text[section.title_start : section.title_end]
        for item in section.items:
            ordinal += 1
            item_node = item_id(ctx.doc_id, item.start, item.end)
            change.nodes.append(
                NodeRecord(
                    "ReportItem",
                    item_node,
                    {
                        "doc_id": ctx.doc_id,
                        "section": section.kind.value,
                        "section_title": title,
                        "ordinal": ordinal,
                        "text": ctx.text[item.start : item.end],
                        "span_start": item.start,
                        "span_end": item.end,
                    },
                )
            )
            change.rels.append(RelRecord("HAS_ITEM", "AnnualReport", node_id, "ReportItem", item_node))
    return change
