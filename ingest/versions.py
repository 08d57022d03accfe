"""Deleting a stored source without breaking its work's version chain."""

from __future__ import annotations

from typing import Any

from graph.base import GraphChange, GraphStore, NodeRecord, RelRecord
from ontology.model import DocumentStatus


def delete_source(store: GraphStore, source_id: str) -> str | None:
    """Delete the document read from ``source_id`` (node, clauses, owned nodes, edges); its id, or ``None``
    when no such document is stored."""
    found = store.find_nodes("NormativeDocument", {"source_id": source_id}, limit=1)
    if not found:
        return None
    doc = found[0]
    change = GraphChange(replace_document=doc["id"], delete_nodes=[("NormativeDocument", doc["id"])])
    change.extend(version_gap_change(store, doc))
    store.write(change)
    return str(doc["id"])


def version_gap_change(store: GraphStore, doc: dict[str, Any]) -> GraphChange:
    """What keeps a work's version chain whole when ``doc`` is deleted: its newer version now supersedes its
    older one, and if ``doc`` was current, the newest remaining version in force becomes current again."""
    change = GraphChange()
    chain = store.neighbours("NormativeDocument", doc["id"], rel_types=["SUPERSEDES"])
    newer = [n for n in chain if n.direction == "in"]
    older = [n for n in chain if n.direction == "out"]
    for n in newer:
        for o in older:
            change.rels.append(RelRecord("SUPERSEDES", "NormativeDocument", n.id, "NormativeDocument", o.id))
    if doc.get("is_current") and doc.get("work_id"):
        versions = [
            v
            for v in store.find_nodes("NormativeDocument", {"work_id": doc["work_id"]})
            if v["id"] != doc["id"] and not v.get("placeholder") and v.get("status") != DocumentStatus.REPEALED.value
        ]
        if versions:
            promoted = max(versions, key=lambda v: v.get("version_date") or "")
            node_id = promoted.pop("id")
            promoted.update(is_current=True, status=doc.get("status"))
            change.nodes.append(NodeRecord("NormativeDocument", node_id, promoted))
    return change
