"""The graph store port: one interface, adapters for LadybugDB (embedded default) and Neo4j behind it.

Callers build a ``GraphChange`` (nodes and relationships, optionally replacing one document's subgraph) and
hand it to ``GraphStore.write``, which validates it against the ontology and applies it in one transaction:
all of it or none of it. Reads go through small, back-end neutral methods or ``query`` (read-only Cypher).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from graph import cypher
from graph.errors import GraphSchemaError, ReadOnlyQueryError
from ontology.model import NODE_CLASSES, OWNED_LABELS, RELATIONSHIPS, SHARED_LABELS, PropertyType

Direction = Literal["out", "in", "both"]
Row = dict[str, Any]

# classes that state shared facts besides documents (STATED_IN targets other than NormativeDocument)
SOURCE_LABELS: frozenset[str] = frozenset(
    target for _, target in RELATIONSHIPS["STATED_IN"].endpoints if target != "NormativeDocument"
)

BATCH_SIZE = 2000
MAX_HOPS = 4


@dataclass(frozen=True)
class PageParams:
    """Which slice of a list to answer."""

    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class NodeRecord:
    """A node to upsert: its ontology class, stable id and properties (missing properties become null)."""

    label: str
    id: str
    props: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RelRecord:
    """A relationship to upsert between two nodes named by label and id (idempotent: one per type and pair)."""

    type: str
    source_label: str
    source_id: str
    target_label: str
    target_id: str
    props: dict[str, Any] = field(default_factory=dict)


@dataclass
class GraphChange:
    """One atomic unit of writing.

    ``replace_document``: a document id whose owned nodes (those with this ``doc_id``) and outgoing
    relationships are deleted before the new nodes and relationships are written, in the same transaction;
    shared facts (``NodeClass.shared_by_documents``) lose it as a source and are deleted when no source is left.
    ``delete_nodes`` are deleted first too; deleting another source of shared facts (a ``DesignationList``) also
    deletes the facts no source states any more, before the change's own nodes are written.
    ``new_documents``: ids of documents stored for the first time by this change. Nodes owned by them (or by
    ``replace_document``) cannot exist yet, so they are created rather than merged, which is much faster; a
    clash with an existing id fails the whole change. ``new_node_ids``: other nodes known not to exist yet (outbox
    events whose ids were checked), created the same way.
    """

    nodes: list[NodeRecord] = field(default_factory=list)
    rels: list[RelRecord] = field(default_factory=list)
    replace_document: str | None = None
    delete_nodes: list[tuple[str, str]] = field(default_factory=list)
    new_documents: set[str] = field(default_factory=set)
    new_node_ids: set[str] = field(default_factory=set)

    def extend(self, other: GraphChange) -> None:
        """Append another change's nodes, relationships, deletions and new documents (not its
        ``replace_document``)."""
        self.nodes.extend(other.nodes)
        self.rels.extend(other.rels)
        self.delete_nodes.extend(other.delete_nodes)
        self.new_documents.update(other.new_documents)
        self.new_node_ids.update(other.new_node_ids)


@dataclass(frozen=True)
class Neighbour:
    """A node adjacent to another, with the relationship that joins them."""

    rel_type: str
    direction: Literal["out", "in"]
    label: str
    id: str
    props: Row
    rel_props: Row


_WRITE_CLAUSE = re.compile(
    r"\b(CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|LOAD|COPY|ALTER|INSTALL|ATTACH|IMPORT|EXPORT|CHECKPOINT|CALL)\b",
    re.IGNORECASE,
)
_STRING_LITERAL = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`")


def check_read_only(statement: str) -> None:
    """Raise ``ReadOnlyQueryError`` when a Cypher statement contains a writing or administrative clause."""
    bare = _STRING_LITERAL.sub("''", statement)
    found = _WRITE_CLAUSE.search(bare)
    if found:
        raise ReadOnlyQueryError(f"only read queries are allowed here; found {found.group(1).upper()}")


class GraphStore(ABC):
    """The port every graph back-end implements.

    The public methods validate and build Cypher (``graph.cypher``); adapters only run statements
    (``_run_in_transaction`` for writes, ``_read`` for reads) and declare their dialect.
    """

    dialect: cypher.Dialect

    # --- schema -----------------------------------------------------------------------------------------
    @abstractmethod
    def ensure_schema(self) -> None:
        """Create what the back-end needs for the ontology (tables, constraints, indexes); idempotent."""

    # --- writes -----------------------------------------------------------------------------------------
    def write(self, change: GraphChange) -> None:
        """Validate ``change`` against the ontology and apply it in one transaction (all or nothing).

        Raises:
            GraphSchemaError: a label, relationship type, endpoint pair or property is not in the ontology.
            GraphStoreError: the back-end failed; nothing of the change is stored.
        """
        statements = list(self._statements_for(change))
        if statements:
            self._run_in_transaction(statements)

    def upsert_nodes(self, nodes: Sequence[NodeRecord]) -> None:
        """Create or update nodes by id (idempotent), in one transaction."""
        self.write(GraphChange(nodes=list(nodes)))

    def upsert_relationships(self, rels: Sequence[RelRecord]) -> None:
        """Create or update relationships (one per type and node pair), in one transaction.

        A relationship whose endpoint nodes do not exist is skipped (MATCH finds nothing to join).
        """
        self.write(GraphChange(rels=list(rels)))

    def delete_document(self, doc_id: str) -> None:
        """Delete a document node, the nodes it owns, every relationship touching them and the shared facts it was
        the last source of, in one transaction."""
        statements = [*self._owned_deletions(doc_id), (cypher.delete_node("NormativeDocument"), {"id": doc_id})]
        self._run_in_transaction(statements)

    def _owned_deletions(self, doc_id: str) -> Iterator[tuple[str, Row]]:
        for label in OWNED_LABELS:
            yield cypher.delete_owned(label), {"doc_id": doc_id}
        yield cypher.delete_outgoing("NormativeDocument"), {"id": doc_id}
        # shared facts lose this document as a source; those it was the last source of go with it
        for label in SHARED_LABELS:
            yield cypher.delete_statements_in(label), {"id": doc_id}
        for label in SHARED_LABELS:
            yield cypher.delete_unstated(label), {}

    def _statements_for(self, change: GraphChange) -> Iterator[tuple[str, Row]]:
        for node in change.nodes:
            _validate_node(node)
        for rel in change.rels:
            _validate_rel(rel)
        if change.replace_document is not None:
            yield from self._owned_deletions(change.replace_document)
        for label, node_id in change.delete_nodes:
            _require_label(label)
            yield cypher.delete_node(label), {"id": node_id}
        if any(label in SOURCE_LABELS for label, _ in change.delete_nodes):
            # a deleted source (an imported list) takes the shared facts only it stated
            for label in SHARED_LABELS:
                yield cypher.delete_unstated(label), {}
        fresh = change.new_documents | ({change.replace_document} if change.replace_document else set())
        by_label: dict[tuple[str, bool], list[Row]] = {}
        for node in change.nodes:
            created = node.id in change.new_node_ids or (
                NODE_CLASSES[node.label].owned_by_document and node.props.get("doc_id") in fresh
            )
            by_label.setdefault((node.label, created), []).append(_node_row(node))
        for (label, created), rows in by_label.items():
            props = NODE_CLASSES[label].properties
            if created:
                statements = [cypher.create_nodes(label, props, self.dialect)]
            else:
                statements = cypher.upsert_nodes(label, props, self.dialect)
            for batch in _batches(_dedupe(rows)):
                for statement in statements:
                    yield statement, {"rows": batch}
        by_type: dict[tuple[str, str, str], list[Row]] = {}
        for rel in change.rels:
            by_type.setdefault((rel.type, rel.source_label, rel.target_label), []).append(_rel_row(rel))
        for (rel_type, source, target), rows in by_type.items():
            statement = cypher.upsert_relationships(
                rel_type, source, target, RELATIONSHIPS[rel_type].properties, self.dialect
            )
            for batch in _batches(rows):
                yield statement, {"rows": batch}

    @abstractmethod
    def _run_in_transaction(self, statements: Sequence[tuple[str, Row]]) -> None:
        """Run write statements in one transaction; roll back and raise ``GraphStoreError`` on failure."""

    # --- reads ------------------------------------------------------------------------------------------
    @abstractmethod
    def _read(self, statement: str, params: Row | None = None) -> list[Row]:
        """Run a read statement and return its rows as dicts keyed by column name."""

    def query(self, statement: str, params: Row | None = None) -> list[Row]:
        """Run a read-only Cypher query (the entry point for ad-hoc reads); writes are refused.

        Raises:
            ReadOnlyQueryError: the statement writes or administers.
            GraphStoreError: the back-end rejected the query.
        """
        check_read_only(statement)
        return self._read(statement, params or {})

    def get_node(self, label: str, node_id: str) -> Row | None:
        """A node's properties (with ``id``), or ``None`` when absent."""
        _require_label(label)
        rows = self._read(cypher.get_node(label, NODE_CLASSES[label].all_properties), {"id": node_id})
        return _clean(rows[0]["n"], NODE_CLASSES[label].all_properties) if rows else None

    def find_nodes(self, label: str, where: Row | None = None, *, limit: int | None = None) -> list[Row]:
        """Nodes of a class whose properties equal the given values, ordered by id."""
        _require_label(label)
        where = where or {}
        for prop in where:
            _require_property(label, prop)
        statement = cypher.find_nodes(label, NODE_CLASSES[label].all_properties, list(where), limit)
        return [_clean(r["n"], NODE_CLASSES[label].all_properties) for r in self._read(statement, where)]

    def count(self, label: str, where: Row | None = None) -> int:
        """How many nodes of a class have the given property values."""
        _require_label(label)
        where = where or {}
        for prop in where:
            _require_property(label, prop)
        return int(self._read(cypher.count_where(label, list(where)), where)[0]["c"])

    def page(
        self,
        label: str,
        where: Row | None = None,
        *,
        order_by: Sequence[str] = ("id",),
        newest_first: bool = False,
        fields: Sequence[str] = ("id",),
        page: PageParams = PageParams(),
    ) -> list[Row]:
        """One page of the nodes of a class with the given property values: their ``fields``, ordered by
        ``order_by`` (descending ``created_at`` first when ``newest_first``).

        The slice is taken here, not with Cypher ``SKIP``: LadybugDB 0.22 crashes the process (segfault) on
        ``ORDER BY … SKIP n`` when ``n`` exceeds the matching rows.
        """
        _require_label(label)
        where = where or {}
        for prop in [*where, *order_by, *fields]:
            _require_property(label, prop)
        order = [*(["created_at DESC"] if newest_first else []), *order_by]
        statement = cypher.page_where(label, list(where), order, fields)
        return self._read(statement, {**where, "page_end": page.offset + page.limit})[page.offset :]

    def neighbours(
        self,
        label: str,
        node_id: str,
        *,
        rel_types: Sequence[str] | None = None,
        direction: Direction = "both",
        limit: int = 1000,
    ) -> list[Neighbour]:
        """Nodes joined to one node by one relationship, optionally of the given types and direction."""
        _require_label(label)
        for rel_type in rel_types or ():
            _require_rel_type(rel_type)
        found: list[Neighbour] = []
        directions: list[Literal["out", "in"]] = ["out", "in"] if direction == "both" else [direction]
        for d in directions:
            statement = cypher.neighbours(label, d, rel_types, self.dialect)
            for row in self._read(statement, {"id": node_id, "limit": limit}):
                node_props = _clean(row["node"], NODE_CLASSES[row["label"]].all_properties)
                rel_props = _clean(row["rel"], RELATIONSHIPS[row["rel_type"]].properties)
                found.append(Neighbour(row["rel_type"], d, row["label"], node_props["id"], node_props, rel_props))
        return found[:limit]

    def traverse(
        self,
        label: str,
        node_id: str,
        *,
        max_hops: int = 2,
        rel_types: Sequence[str] | None = None,
        limit: int = 1000,
    ) -> list[Row]:
        """Distinct nodes reachable within ``max_hops`` (1..4) relationships in either direction.

        Each row has ``label``, ``id`` and ``hops`` (the fewest hops at which it was reached).
        """
        _require_label(label)
        if not 1 <= max_hops <= MAX_HOPS:
            raise GraphSchemaError(f"max_hops must be between 1 and {MAX_HOPS}, got {max_hops}")
        for rel_type in rel_types or ():
            _require_rel_type(rel_type)
        reached: dict[tuple[str, str], int] = {}
        frontier = [(label, node_id)]
        seen = {(label, node_id)}
        for hop in range(1, max_hops + 1):
            next_frontier: list[tuple[str, str]] = []
            for frontier_label in {fl for fl, _ in frontier}:
                ids = [i for fl, i in frontier if fl == frontier_label]
                statement = cypher.expand(frontier_label, rel_types, self.dialect)
                for row in self._read(statement, {"ids": ids}):
                    key = (row["label"], row["id"])
                    if key not in seen:
                        seen.add(key)
                        reached[key] = hop
                        next_frontier.append(key)
            frontier = next_frontier
            if not frontier or len(reached) >= limit:
                break
        return [{"label": k[0], "id": k[1], "hops": h} for k, h in list(reached.items())[:limit]]

    def relationships(self, rel_type: str) -> list[RelRecord]:
        """Every relationship of one type, with its properties."""
        _require_rel_type(rel_type)
        spec = RELATIONSHIPS[rel_type]
        found = []
        for source, target in spec.endpoints:
            for row in self._read(cypher.list_relationships(rel_type, source, target)):
                props = _clean(row["rel"], spec.properties)
                found.append(RelRecord(rel_type, source, row["source"], target, row["target"], props))
        return found

    def counts(self) -> dict[str, int]:
        """Number of nodes of each ontology class and relationships of each type (zeros included)."""
        result: dict[str, int] = {}
        for label in NODE_CLASSES:
            result[label] = int(self._read(cypher.count_nodes(label))[0]["c"])
        for rel_type in RELATIONSHIPS:
            result[rel_type] = int(self._read(cypher.count_rels(rel_type))[0]["c"])
        return result

    @abstractmethod
    def close(self) -> None:
        """Release the back-end's connections and files."""

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _require_label(label: str) -> None:
    if label not in NODE_CLASSES:
        raise GraphSchemaError(f"unknown node class {label!r}; known: {', '.join(NODE_CLASSES)}")


def _require_rel_type(rel_type: str) -> None:
    if rel_type not in RELATIONSHIPS:
        raise GraphSchemaError(f"unknown relationship type {rel_type!r}; known: {', '.join(RELATIONSHIPS)}")


def _require_property(label: str, prop: str) -> None:
    if prop not in NODE_CLASSES[label].all_properties:
        raise GraphSchemaError(
            f"{label} has no property {prop!r}; known: {', '.join(NODE_CLASSES[label].all_properties)}"
        )


_CHECKS: dict[PropertyType, type | tuple[type, ...]] = {
    "string": str,
    "int": int,
    "float": (int, float),
    "bool": bool,
    "date": str,
    "string[]": list,
}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _check_value(owner: str, prop: str, kind: PropertyType, value: Any) -> None:
    if value is None:
        return
    ok = isinstance(value, _CHECKS[kind]) and not (kind in ("int", "float") and isinstance(value, bool))
    if ok and kind == "string[]":
        ok = all(isinstance(v, str) for v in value)
    if ok and kind == "date":
        ok = bool(_ISO_DATE.match(value))
    if not ok:
        expected = "an ISO date YYYY-MM-DD" if kind == "date" else kind
        raise GraphSchemaError(f"{owner}.{prop} must be {expected}, got {type(value).__name__}: {value!r}"[:300])


def _validate_node(node: NodeRecord) -> None:
    _require_label(node.label)
    if not isinstance(node.id, str) or not node.id:
        raise GraphSchemaError(f"{node.label} node needs a non-empty string id, got {node.id!r}")
    props = NODE_CLASSES[node.label].properties
    for prop, value in node.props.items():
        if prop not in props:
            _require_property(node.label, prop)
        _check_value(node.label, prop, props[prop], value)


def _validate_rel(rel: RelRecord) -> None:
    _require_rel_type(rel.type)
    spec = RELATIONSHIPS[rel.type]
    if (rel.source_label, rel.target_label) not in spec.endpoints:
        allowed = ", ".join(f"{s}->{t}" for s, t in spec.endpoints)
        raise GraphSchemaError(f"{rel.type} cannot join {rel.source_label}->{rel.target_label}; allowed: {allowed}")
    for prop, value in rel.props.items():
        if prop not in spec.properties:
            raise GraphSchemaError(
                f"{rel.type} has no property {prop!r}; known: {', '.join(spec.properties) or 'none'}"
            )
        _check_value(rel.type, prop, spec.properties[prop], value)


def _node_row(node: NodeRecord) -> Row:
    props = NODE_CLASSES[node.label].properties
    row: Row = {name: node.props.get(name) for name in props}
    for name, kind in props.items():
        if kind == "float" and row[name] is not None:
            row[name] = float(row[name])
    row["id"] = node.id
    return row


def _rel_row(rel: RelRecord) -> Row:
    row: Row = {name: rel.props.get(name) for name in RELATIONSHIPS[rel.type].properties}
    row["source"] = rel.source_id
    row["target"] = rel.target_id
    return row


def _dedupe(rows: list[Row]) -> list[Row]:
    """Keep the last row for each id, so one batch never MERGEs the same node twice."""
    return list({row["id"]: row for row in rows}.values())


def _batches(rows: list[Row]) -> Iterator[list[Row]]:
    for i in range(0, len(rows), BATCH_SIZE):
        yield rows[i : i + BATCH_SIZE]


def _clean(value: Any, declared: Iterable[str] | None = None) -> Row:
    """A node or relationship as a plain dict of its properties, back-end internals dropped.

    With ``declared``, exactly those properties are returned, absent ones as ``None``: LadybugDB returns the
    union of all tables' columns for a node matched without a label, and Neo4j omits null properties.
    """
    if value is None:
        return {}
    props = {k: v for k, v in value.items() if not k.startswith("_")}
    if declared is None:
        return props
    return {k: props.get(k) for k in declared}
