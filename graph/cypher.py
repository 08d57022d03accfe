"""All Cypher text of the graph store, built for a dialect.

LadybugDB (Kùzu family) and Neo4j share most of openCypher; where they differ (``label(x)`` vs ``type(r)`` /
``labels(n)[0]``) the builders take the dialect, so no adapter keeps its own copy of a query.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

Dialect = Literal["kuzu", "neo4j"]


# Kùzu infers a parameter's type from its values; a column of nulls would bind as STRING, so typed
# properties are cast explicitly there.
_KUZU_CASTS = {"int": "INT64", "float": "DOUBLE", "bool": "BOOLEAN", "string[]": "STRING[]"}


def _assignments(var: str, props: Mapping[str, str], dialect: Dialect) -> str:
    def value(name: str, kind: str) -> str:
        if dialect == "kuzu" and kind in _KUZU_CASTS:
            return f"CAST(r.{name} AS {_KUZU_CASTS[kind]})"
        return f"r.{name}"

    return ", ".join(f"{var}.{name} = {value(name, kind)}" for name, kind in props.items())


def upsert_nodes(label: str, props: Mapping[str, str], dialect: Dialect) -> list[str]:
    """Statements that create-or-update nodes of one class by id from ``$rows``, setting every property.

    Neo4j: one MERGE. LadybugDB: MERGE slows as the table grows (0.15 → 0.8 ms a row at 100k rows), so it
    creates the missing ids first and then sets properties on all rows by id: constant ~0.13 ms a row.
    """
    sets = _assignments("n", props, dialect)
    set_clause = f" SET {sets}" if sets else ""
    if dialect == "neo4j":
        return [f"UNWIND $rows AS r MERGE (n:{label} {{id: r.id}}){set_clause}"]
    create_missing = (
        f"UNWIND $rows AS r OPTIONAL MATCH (n:{label} {{id: r.id}}) WITH r, n WHERE n IS NULL "
        f"CREATE (:{label} {{id: r.id}})"
    )
    if not set_clause:
        return [create_missing]
    return [create_missing, f"UNWIND $rows AS r MATCH (n:{label} {{id: r.id}}){set_clause}"]


def create_nodes(label: str, props: Mapping[str, str], dialect: Dialect) -> str:
    """CREATE nodes of one class from ``$rows`` with every property set: for ids known not to exist."""
    values = ", ".join(
        f"{name}: CAST(r.{name} AS {_KUZU_CASTS[kind]})"
        if dialect == "kuzu" and kind in _KUZU_CASTS
        else f"{name}: r.{name}"
        for name, kind in props.items()
    )
    return f"UNWIND $rows AS r CREATE (n:{label} {{id: r.id" + (f", {values}" if values else "") + "})"


def upsert_relationships(rel_type: str, source: str, target: str, props: Mapping[str, str], dialect: Dialect) -> str:
    """MERGE relationships of one type between existing nodes named in ``$rows`` (source, target ids).

    Two MATCH clauses, not one comma pattern: LadybugDB plans ``MATCH (a {…}), (b {…})`` as a cross
    product and scans per row (14 s for 2,000 rows on 45k nodes, against 0.04 s this way).
    """
    sets = _assignments("e", props, dialect)
    return (
        f"UNWIND $rows AS r MATCH (a:{source} {{id: r.source}}) MATCH (b:{target} {{id: r.target}}) "
        f"MERGE (a)-[e:{rel_type}]->(b)" + (f" SET {sets}" if sets else "")
    )


def delete_owned(label: str) -> str:
    """Delete the nodes of one class owned by document ``$doc_id``, with their relationships."""
    return f"MATCH (n:{label}) WHERE n.doc_id = $doc_id DETACH DELETE n"


def delete_outgoing(label: str) -> str:
    """Delete every outgoing relationship of node ``$id``."""
    return f"MATCH (n:{label} {{id: $id}})-[r]->() DELETE r"


def delete_node(label: str) -> str:
    """Delete node ``$id`` and its relationships."""
    return f"MATCH (n:{label} {{id: $id}}) DETACH DELETE n"


def get_node(label: str, props: Mapping[str, str]) -> str:
    """Return node ``$id`` as ``n``."""
    return f"MATCH (n:{label} {{id: $id}}) RETURN n"


def find_nodes(label: str, props: Mapping[str, str], where: Sequence[str], limit: int | None) -> str:
    """Return nodes of one class whose listed properties equal the parameters of the same name."""
    conditions = " AND ".join(f"n.{p} = ${p}" for p in where)
    return (
        f"MATCH (n:{label})"
        + (f" WHERE {conditions}" if conditions else "")
        + " RETURN n ORDER BY n.id"
        + (f" LIMIT {int(limit)}" if limit is not None else "")
    )


def count_where(label: str, where: Sequence[str]) -> str:
    """Count the nodes of one class whose listed properties equal the parameters of the same name."""
    conditions = " AND ".join(f"n.{p} = ${p}" for p in where)
    return f"MATCH (n:{label})" + (f" WHERE {conditions}" if conditions else "") + " RETURN count(n) AS c"


def page_where(label: str, where: Sequence[str], order: Sequence[str], fields: Sequence[str]) -> str:
    """The listed fields of the nodes of one class whose properties equal the parameters of the same name,
    ordered (``"created_at DESC"`` or a property name), up to ``$page_end`` rows."""
    conditions = " AND ".join(f"n.{p} = ${p}" for p in where)
    returns = ", ".join(f"n.{f} AS {f}" for f in fields)
    order_by = ", ".join(f"n.{o}" for o in order)
    return (
        f"MATCH (n:{label})"
        + (f" WHERE {conditions}" if conditions else "")
        + f" RETURN {returns} ORDER BY {order_by} LIMIT $page_end"
    )


def _label_of(var: str, dialect: Dialect) -> str:
    return f"label({var})" if dialect == "kuzu" else f"labels({var})[0]"


def _type_of(var: str, dialect: Dialect) -> str:
    return f"label({var})" if dialect == "kuzu" else f"type({var})"


def _rel_pattern(rel_types: Sequence[str] | None) -> str:
    return "[r:" + "|".join(rel_types) + "]" if rel_types else "[r]"


def neighbours(label: str, direction: Literal["out", "in"], rel_types: Sequence[str] | None, dialect: Dialect) -> str:
    """Return the nodes one relationship away from node ``$id`` in one direction, up to ``$limit``."""
    arrow = f"-{_rel_pattern(rel_types)}->" if direction == "out" else f"<-{_rel_pattern(rel_types)}-"
    return (
        f"MATCH (a:{label} {{id: $id}}){arrow}(b) "
        f"RETURN {_type_of('r', dialect)} AS rel_type, {_label_of('b', dialect)} AS label, b AS node, r AS rel "
        "ORDER BY rel_type, b.id LIMIT $limit"
    )


def expand(label: str, rel_types: Sequence[str] | None, dialect: Dialect) -> str:
    """Return the distinct (label, id) of nodes one relationship away (either direction) from nodes ``$ids``."""
    return (
        f"UNWIND $ids AS i MATCH (a:{label} {{id: i}})-{_rel_pattern(rel_types)}-(b) "
        f"RETURN DISTINCT {_label_of('b', dialect)} AS label, b.id AS id"
    )


def list_relationships(rel_type: str, source: str, target: str) -> str:
    """Return every relationship of one type between two classes: ``source``, ``target`` ids and ``rel``."""
    return f"MATCH (a:{source})-[r:{rel_type}]->(b:{target}) RETURN a.id AS source, b.id AS target, r AS rel"


def count_nodes(label: str) -> str:
    """Return the number of nodes of one class as ``c``."""
    return f"MATCH (n:{label}) RETURN count(n) AS c"


def count_rels(rel_type: str) -> str:
    """Return the number of relationships of one type as ``c``."""
    return f"MATCH ()-[r:{rel_type}]->() RETURN count(r) AS c"


# --- named read queries of the packages above the graph (parameters in ``$name``) ---

# eligibility: clauses that grant something, and the documents they belong to
MEASURE_CLAUSES = (
    "MATCH (c:Clause)-[:HAS_BENEFIT]->(b:Benefit) "
    "RETURN c.id AS id, c.span_start AS span_start, c.span_end AS span_end, c.text AS text"
)
MEASURE_DOCUMENTS = (
    "MATCH (d:NormativeDocument) "
    "RETURN d.id AS id, d.source_id AS source_id, d.source_offsets AS source_offsets, d.title AS title, "
    "d.region_code AS region_code"
)

# answered questions (search reads them all; ingest deletes a collection)
ANSWERED_QUESTIONS = (
    "MATCH (q:AnsweredQuestion) RETURN q.question AS question, q.cited_title AS title, "
    "q.cited_article AS article, q.source_id AS source_id ORDER BY q.created_at, q.id"
)
ANSWERED_IN_COLLECTION = "MATCH (q:AnsweredQuestion) WHERE q.collection = $c RETURN q.id AS id"
ANSWERED_COLLECTIONS = "MATCH (q:AnsweredQuestion) RETURN q.collection AS collection"

# ingest: what is already stored, to spot unchanged files, new versions of a work and duplicates
KNOWN_DOCUMENTS = (
    "MATCH (n:NormativeDocument) RETURN n.id AS id, n.title_norm AS title_norm, n.work_id AS work_id, "
    "n.version_date AS version_date, n.content_hash AS content_hash, n.source_id AS source_id, "
    "n.placeholder AS placeholder, n.status AS status, n.source_path AS source_path"
)

# the stored document a record with the same content was filed under (its id in duplicate_source_ids)
DOCUMENT_OF_DUPLICATE = "MATCH (d:NormativeDocument) WHERE $source_id IN d.duplicate_source_ids RETURN d.id AS id"

# a document's view: what its clauses cite, and the documents whose clauses cite it
CLAUSE_CITATIONS_OUT = (
    "MATCH (c:Clause)-[:CITES]->(d:NormativeDocument) WHERE c.doc_id = $id "
    "RETURN DISTINCT d.id AS id, d.title AS title, d.source_id AS source_id, d.doc_type AS doc_type, "
    "d.placeholder AS placeholder"
)
CLAUSE_CITATIONS_IN = (
    "MATCH (c:Clause)-[:CITES]->(d:NormativeDocument) WHERE d.id = $id "
    "MATCH (s:NormativeDocument) WHERE s.id = c.doc_id "
    "RETURN DISTINCT s.id AS id, s.title AS title, s.source_id AS source_id, s.doc_type AS doc_type, "
    "s.placeholder AS placeholder"
)

# search: what the index must hold (sync), and the documents and clauses it indexes
INDEXABLE_DOCUMENTS = (
    "MATCH (d:NormativeDocument) RETURN d.id AS id, d.content_hash AS content_hash, "
    "d.duplicate_source_ids AS duplicate_source_ids, d.placeholder AS placeholder, d.title AS title, "
    "d.source_id AS source_id"
)
INDEX_CLAUSES = (
    "MATCH (c:Clause) WHERE c.doc_id IN $ids RETURN c.id AS id, c.doc_id AS doc_id, c.kind AS kind, "
    "c.label AS label, c.text AS text, c.span_start AS span_start, c.span_end AS span_end, c.depth AS depth"
)


# Lookups of many nodes by id go through UNWIND + MATCH {id: …}, which uses the id index: `WHERE n.id IN $ids`
# scans the table (LadybugDB: 5,000 ids among 1,000,000 nodes 29 s against 0.05 s).
def documents_by_id(fields: Sequence[str]) -> str:
    """The listed fields (and ``id``) of the NormativeDocument nodes whose id is in ``$ids``."""
    returns = ", ".join(f"d.{name} AS {name}" for name in fields)
    return f"UNWIND $ids AS wanted MATCH (d:NormativeDocument {{id: wanted}}) RETURN d.id AS id, {returns}"


# push: the stored JSON of some profiles (their answered facts are kept when a profile is sent again)
PROFILES_BY_ID = (
    "UNWIND $ids AS wanted MATCH (n:EnterpriseProfile {id: wanted}) RETURN n.id AS id, n.profile_json AS profile_json"
)
# push: whether stored profiles changed since they were laid out (a write adds, removes or re-stamps one)
PROFILES_SIGNATURE = "MATCH (n:EnterpriseProfile) RETURN count(n) AS profiles, max(n.updated_at) AS updated_at"
EXISTING_EVENTS = "UNWIND $ids AS wanted MATCH (n:OutboxEvent {id: wanted}) RETURN n.id AS id"
DUE_EVENTS = (
    "MATCH (n:OutboxEvent) WHERE n.status = $status AND n.next_attempt_at <= $now "
    "RETURN n.id AS id ORDER BY n.next_attempt_at, n.id LIMIT $limit"
)
NEXT_DUE_TIME = "MATCH (n:OutboxEvent) WHERE n.status = $status RETURN min(n.next_attempt_at) AS t"
EXISTING_BATCHES = "UNWIND $ids AS wanted MATCH (n:OutboxBatch {id: wanted}) RETURN n.id AS id"
PENDING_BATCHES = (
    "MATCH (n:OutboxBatch) WHERE n.status = $status RETURN n.id AS id ORDER BY n.created_at, n.id LIMIT $limit"
)


# shared facts (one node for every source that states it): a document's statements, then the facts none states
def delete_statements_in(label: str) -> str:
    """Delete the STATED_IN relationships from nodes of ``label`` to document ``$id``."""
    return f"MATCH (n:{label})-[r:STATED_IN]->(d:NormativeDocument {{id: $id}}) DELETE r"


def delete_unstated(label: str) -> str:
    """Delete the nodes of ``label`` that no source (a document or an imported list) states any more, with their
    relationships."""
    return f"MATCH (n:{label}) WHERE NOT EXISTS {{ MATCH (n)-[:STATED_IN]->() }} DETACH DELETE n"
