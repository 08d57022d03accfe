"""Load the reference code lists (regions, GB/T 4754 industries) into the graph as SKOS-like trees."""

from __future__ import annotations

from graph.base import GraphChange, NodeRecord, RelRecord
from ontology.reference import load_gazetteer, load_industries


def reference_change(*, include_townships: bool = True) -> GraphChange:
    """Region and Industry nodes with their BROADER relationships (idempotent to write again)."""
    change = GraphChange()
    for region in load_gazetteer().by_code.values():
        if region.level == "township" and not include_townships:
            continue
        change.nodes.append(
            NodeRecord(
                "Region",
                region.code,
                {
                    "code": region.code,
                    "name": region.name,
                    "full_name": region.full_name,
                    "level": region.level.value,
                    "parent_code": region.parent_code,
                },
            )
        )
        if region.parent_code:
            change.rels.append(RelRecord("BROADER", "Region", region.code, "Region", region.parent_code))
    for industry in load_industries().by_code.values():
        change.nodes.append(
            NodeRecord(
                "Industry",
                industry.code,
                {
                    "code": industry.code,
                    "name": industry.name,
                    "depth": industry.level,
                    "parent_code": industry.parent_code,
                    "remark": industry.remark,
                },
            )
        )
        if industry.level > 1:
            change.rels.append(RelRecord("BROADER", "Industry", industry.code, "Industry", industry.parent_code))
    return change
