"""Links from a document to what it names: 《…》 citations (CITES), regions and bodies (MENTIONS), and dates
(DatedEvent nodes of kind 提及), each with its span in the stored text.

A citation is resolved by normalised title (``normalise_title``) through a ``TitleResolver`` the pipeline
supplies; a title nothing answers to becomes a placeholder NormativeDocument whose id depends only on the
normalised title (``placeholder_id``), so every citation of one unknown work meets at one node, and the
pipeline re-points those edges when the real document is ingested.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from graph.base import GraphChange, NodeRecord, RelRecord
from ingest.mentions import (
    Mention,
    body_region,
    find_bodies,
    find_book_titles,
    find_dates,
    find_regions,
    gazetteer,
)
from ingest.structure import CONTAINER_KINDS
from ontology.model import ClauseKind, DocumentStatus
from ontology.text import normalise_title

TitleResolver = Callable[[str], str | None]
"""Given a normalised title, the id of the stored document it names (its current version), or ``None``."""

_CITABLE = re.compile(
    r"(?:法|法典|条例|规定|办法|决定|细则|解释|意见|通知|纲要|方案|规划|规则|章程|公约|宪法|修正案|措施|决议|"
    r"准则|标准|指引|目录|清单|制度|批复|通告|公告|令)$"
)
_TRAILING_NOTE = re.compile(r"[（(][^（()）]*[)）]$")
MAX_DATE_MENTIONS = 50


@dataclass(frozen=True)
class ClauseRef:
    """A stored clause as links see it: id, kind and span."""

    id: str
    kind: ClauseKind
    start: int
    end: int


def placeholder_id(title_norm: str) -> str:
    """The id of the placeholder node for a cited work not (yet) ingested: the same for the same title."""
    return "work-" + hashlib.sha1(title_norm.encode("utf-8")).hexdigest()[:16]


def agency_id(name: str) -> str:
    """The id of an Agency node: one per (Simplified) name."""
    return "agency-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:16]


def citable_title(title: str) -> str | None:
    """The normalised title of a 《…》 that names a normative document (law, regulation, notice …), else
    ``None`` (newspapers, books and reports are not linked)."""
    bare = _TRAILING_NOTE.sub("", title.strip())
    key = normalise_title(bare)
    return key if len(key) >= 2 and _CITABLE.search(key) else None


def citation_change(
    doc_id: str,
    own_title_norm: str,
    norm_text: str,
    clauses: Sequence[ClauseRef],
    resolve: TitleResolver,
    *,
    body_start: int = 0,
) -> GraphChange:
    """CITES edges from the document and from the innermost clause holding each citation, plus placeholder
    nodes for titles that resolve to nothing."""
    change = GraphChange()
    doc_targets: set[str] = set()
    clause_targets: set[tuple[str, str]] = set()
    leaves = _Innermost([c for c in clauses if c.kind not in CONTAINER_KINDS])
    for mention in find_book_titles(norm_text):
        if mention.start < body_start:
            continue
        key = citable_title(mention.value)
        if key is None or key == own_title_norm:
            continue
        target = resolve(key)
        if target is None:
            target = placeholder_id(key)
            if target not in doc_targets:
                change.nodes.append(
                    NodeRecord(
                        "NormativeDocument",
                        target,
                        {
                            "title": _TRAILING_NOTE.sub("", mention.value.strip()),
                            "title_norm": key,
                            "placeholder": True,
                            "status": DocumentStatus.UNKNOWN.value,
                            "clause_count": 0,
                        },
                    )
                )
        if target == doc_id:
            continue
        props = {"surface": mention.surface, "span_start": mention.start, "span_end": mention.end}
        if target not in doc_targets:
            doc_targets.add(target)
            change.rels.append(RelRecord("CITES", "NormativeDocument", doc_id, "NormativeDocument", target, props))
        holder = leaves.holder(mention.start, mention.end)
        if holder is not None and (holder.id, target) not in clause_targets:
            clause_targets.add((holder.id, target))
            change.rels.append(RelRecord("CITES", "Clause", holder.id, "NormativeDocument", target, props))
    return change


class _Innermost:
    """Finds the innermost of ``clauses`` holding a span: the one starting last (the later listed of two starting
    together) with ``start <= span start`` and ``span end <= end``.

    Clauses are kept in order of start with the running maximum of their ends, so a look-up bisects to the last
    clause starting early enough and walks back only while an earlier clause could still reach the span's end,
    instead of testing every clause for every citation (quadratic in a long text).
    """

    def __init__(self, clauses: Sequence[ClauseRef]) -> None:
        order = sorted(range(len(clauses)), key=lambda i: (clauses[i].start, i))
        self._clauses = [clauses[i] for i in order]
        self._starts = [c.start for c in self._clauses]
        self._reach: list[int] = []
        for clause in self._clauses:
            self._reach.append(max(clause.end, self._reach[-1]) if self._reach else clause.end)

    def holder(self, start: int, end: int) -> ClauseRef | None:
        """The innermost clause holding ``[start, end)``, or ``None``."""
        k = bisect_right(self._starts, start) - 1
        while k >= 0 and self._reach[k] >= end:
            if end <= self._clauses[k].end:
                return self._clauses[k]
            k -= 1
        return None


def mention_change(
    doc_id: str,
    norm_text: str,
    home_code: str,
    *,
    body_start: int = 0,
    surfaces: Sequence[tuple[int, int, str]] | None = None,
) -> GraphChange:
    """MENTIONS edges to the regions and bodies the text names (first span each), Agency nodes for the bodies,
    and DatedEvent nodes (kind 提及) for the dates it mentions (first span of each date, at most 50)."""
    change = GraphChange()
    context = [home_code]
    regions = [m for m in find_regions(norm_text, context, surfaces=surfaces) if m.start >= body_start]
    seen: set[str] = set()
    for region in regions:
        if region.value not in seen:
            seen.add(region.value)
            change.rels.append(_mention("Region", doc_id, region.value, region))
    for body in find_bodies(norm_text, regions, gazetteer().get(home_code)):
        if body.start < body_start:
            continue
        node_id = agency_id(body.value)
        if node_id not in seen:
            seen.add(node_id)
            change.extend(agency_change(body.value))
            change.rels.append(_mention("Agency", doc_id, node_id, body))
    change.extend(date_change(doc_id, norm_text, body_start=body_start))
    return change


def agency_node(name: str, region_code: str | None = None) -> NodeRecord:
    """An Agency node (shared by every document that names the body); without ``region_code`` the region
    is derived from the name alone, so every document writes the same properties for the same body."""
    code = region_code if region_code is not None else body_region(name)
    return NodeRecord("Agency", agency_id(name), {"name": name, "name_norm": name, "region_code": code})


def agency_change(name: str) -> GraphChange:
    """``agency_node`` for a body named in a text, with AGENCY_IN to its region when the name tells it (a
    leading region name, else 全国 for a national body)."""
    node = agency_node(name)
    change = GraphChange(nodes=[node])
    if node.props["region_code"] is not None:
        change.rels.append(RelRecord("AGENCY_IN", "Agency", node.id, "Region", node.props["region_code"]))
    return change


def _mention(label: str, doc_id: str, target: str, mention: Mention) -> RelRecord:
    props = {"surface": mention.surface, "span_start": mention.start, "span_end": mention.end}
    return RelRecord("MENTIONS", "NormativeDocument", doc_id, label, target, props)


def date_change(doc_id: str, norm_text: str, *, body_start: int = 0) -> GraphChange:
    """DatedEvent nodes (kind 提及) for the first mention of each full date (year, month, day) in the body."""
    change = GraphChange()
    seen: set[str] = set()
    for mention in find_dates(norm_text):
        if mention.start < body_start or len(mention.value) != len("2020-01-01"):
            continue  # a year or a month alone is not a date event
        if mention.value in seen or len(seen) >= MAX_DATE_MENTIONS:
            continue
        seen.add(mention.value)
        event_id = f"{doc_id}/date/{mention.start}"
        change.nodes.append(
            NodeRecord(
                "DatedEvent",
                event_id,
                {
                    "doc_id": doc_id,
                    "date": mention.value,
                    "kind": "提及",
                    "text": mention.surface,
                    "span_start": mention.start,
                    "span_end": mention.end,
                },
            )
        )
        change.rels.append(RelRecord("HAS_EVENT", "NormativeDocument", doc_id, "DatedEvent", event_id))
    return change
