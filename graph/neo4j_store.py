"""The production graph back-end: Neo4j 5 over Bolt with the official ``neo4j`` driver.

``ensure_schema`` creates a uniqueness constraint on ``id`` for every ontology class and an index for each
property the ontology marks as indexed. Writes run in one managed write transaction (retried by the driver on
transient errors); ``query`` runs in a read transaction, so the server refuses writes as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graph.base import GraphStore, Row
from graph.errors import GraphStoreError
from ontology.model import NODE_CLASSES

try:
    import neo4j
    import neo4j.exceptions
    import neo4j.graph
except ImportError as e:  # pragma: no cover - the dependency is part of the default install
    raise ImportError("the Neo4j back-end needs the 'neo4j' package: pip install neo4j") from e


def schema_statements() -> list[str]:
    """Constraints and indexes for the ontology (Neo4j 5 syntax, idempotent)."""
    statements = []
    for cls in NODE_CLASSES.values():
        statements.append(
            f"CREATE CONSTRAINT {cls.label.lower()}_id IF NOT EXISTS FOR (n:{cls.label}) REQUIRE n.id IS UNIQUE"
        )
        for prop in cls.indexed:
            statements.append(
                f"CREATE INDEX {cls.label.lower()}_{prop} IF NOT EXISTS FOR (n:{cls.label}) ON (n.{prop})"
            )
    return statements


def _plain(value: Any) -> Any:
    """Nodes and relationships as dicts of their properties; lists and maps converted recursively."""
    if isinstance(value, neo4j.graph.Node | neo4j.graph.Relationship):
        return dict(value.items())
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


class Neo4jGraphStore(GraphStore):
    """Graph store on a Neo4j (or Bolt-compatible) server reached through ``driver``.

    Args:
        driver: an open ``neo4j.Driver``; the store closes it in ``close``.
        database: the database name, or ``None`` for the server's default.
    """

    dialect = "neo4j"

    def __init__(self, driver: neo4j.Driver, database: str | None = None) -> None:
        self._driver = driver
        self._database = database

    @classmethod
    def connect(cls, uri: str, user: str, password: str, database: str | None = None) -> Neo4jGraphStore:
        """Open a driver and check that the server answers; raise ``GraphStoreError`` with the reason if not."""
        try:
            driver = neo4j.GraphDatabase.driver(uri, auth=(user, password))
            driver.verify_connectivity()
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, ValueError, OSError) as e:
            raise GraphStoreError(f"cannot reach Neo4j at {uri}: {e}") from e
        return cls(driver, database)

    def ensure_schema(self) -> None:
        """Create the uniqueness constraints and property indexes (idempotent)."""
        with self._session() as session:
            for statement in schema_statements():
                self._guard(lambda s=statement: session.run(s).consume())

    def _session(self) -> neo4j.Session:
        return self._driver.session(database=self._database)

    def _guard(self, work: Any) -> Any:
        try:
            return work()
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError) as e:
            raise GraphStoreError(f"Neo4j: {e}") from e

    def _run_in_transaction(self, statements: Sequence[tuple[str, Row]]) -> None:
        def work(tx: neo4j.ManagedTransaction) -> None:
            for statement, params in statements:
                tx.run(statement, params).consume()

        with self._session() as session:
            self._guard(lambda: session.execute_write(work))

    def _read(self, statement: str, params: Row | None = None) -> list[Row]:
        def work(tx: neo4j.ManagedTransaction) -> list[Row]:
            records = tx.run(statement, params or {})
            # A Record iterates over its values, not its keys.
            return [{k: _plain(v) for k, v in zip(record.keys(), record.values(), strict=True)} for record in records]

        with self._session() as session:
            rows: list[Row] = self._guard(lambda: session.execute_read(work))
            return rows

    def close(self) -> None:
        """Close the driver."""
        self._driver.close()
