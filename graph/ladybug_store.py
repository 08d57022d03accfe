"""The embedded default graph back-end: LadybugDB (PyPI ``ladybug``, a Kùzu fork), in a folder of the data dir.

Kùzu-family Cypher needs declared tables, so ``ensure_schema`` generates ``CREATE NODE TABLE`` /
``CREATE REL TABLE`` statements from the ontology, and adds the columns of properties the ontology gained since a
database was created (``ALTER TABLE … ADD``: what is stored stays, the new column is null) and the endpoint pairs its
relationship tables gained. One process may open
the database for writing at a time; calls are serialised with a lock because a connection is not safe to share
between threads.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import ladybug

from graph.base import GraphStore, Row
from graph.errors import GraphStoreError
from ontology.model import NODE_CLASSES, RELATIONSHIPS, PropertyType

_KUZU_TYPES: dict[PropertyType, str] = {
    "string": "STRING",
    "int": "INT64",
    "float": "DOUBLE",
    "bool": "BOOLEAN",
    "date": "STRING",
    "string[]": "STRING[]",
}


def added_column_statements(existing: dict[str, set[str]]) -> list[str]:
    """``ALTER TABLE … ADD`` for each ontology property missing from the existing tables' columns
    (``existing``: table name → its column names; tables not in it are left to ``schema_statements``)."""
    tables = [(c.label, c.properties) for c in NODE_CLASSES.values()]
    tables += [(r.type, r.properties) for r in RELATIONSHIPS.values()]
    return [
        f"ALTER TABLE {table} ADD {name} {_KUZU_TYPES[kind]}"
        for table, properties in tables
        if table in existing
        for name, kind in properties.items()
        if name not in existing[table]
    ]


def added_endpoint_statements(existing: set[str]) -> list[str]:
    """``ALTER TABLE … ADD IF NOT EXISTS FROM … TO …`` for every endpoint pair of the relationship tables that
    exist (``existing``: table names), so a table created before the ontology gained a pair accepts it."""
    return [
        f"ALTER TABLE {rel.type} ADD IF NOT EXISTS FROM {source} TO {target}"
        for rel in RELATIONSHIPS.values()
        if rel.type in existing
        for source, target in rel.endpoints
    ]


def schema_statements() -> list[str]:
    """The DDL that declares every ontology class and relationship as LadybugDB tables."""
    statements = []
    for cls in NODE_CLASSES.values():
        columns = ", ".join(f"{name} {_KUZU_TYPES[kind]}" for name, kind in cls.properties.items())
        statements.append(
            f"CREATE NODE TABLE IF NOT EXISTS {cls.label}(id STRING PRIMARY KEY"
            + (f", {columns}" if columns else "")
            + ")"
        )
    for rel in RELATIONSHIPS.values():
        pairs = ", ".join(f"FROM {s} TO {t}" for s, t in rel.endpoints)
        columns = "".join(f", {name} {_KUZU_TYPES[kind]}" for name, kind in rel.properties.items())
        statements.append(f"CREATE REL TABLE IF NOT EXISTS {rel.type}({pairs}{columns})")
    return statements


class LadybugGraphStore(GraphStore):
    """Graph store on an embedded LadybugDB database at ``path`` (created when missing).

    Differences from Neo4j worth knowing: no uniqueness constraint is needed (the primary key is ``id``);
    ``label(x)`` replaces ``type(r)``/``labels(n)``; list indexing is 1-based in ad-hoc queries.
    """

    dialect = "kuzu"

    def __init__(self, path: Path | str, *, read_only: bool = False) -> None:
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = ladybug.Database(str(path), read_only=read_only)
            self._conn = ladybug.Connection(self._db)
        except (RuntimeError, OSError) as e:
            raise GraphStoreError(f"cannot open LadybugDB at {path}: {e}") from e
        self._lock = threading.RLock()
        self.path = path
        if not read_only:
            # Checkpoint the write-ahead log every 256 MB instead of 16 MB: ingest commits many transactions.
            self._execute("CALL checkpoint_threshold=268435456")

    def ensure_schema(self) -> None:
        """Declare the node and relationship tables of the ontology, and add the columns the existing tables lack
        (idempotent)."""
        with self._lock:
            tables = {row["name"] for row in self._execute("CALL show_tables() RETURN *")}
            existing = {
                table: {row["name"] for row in self._execute(f"CALL table_info('{table}') RETURN *")}
                for table in tables
            }
            for statement in added_column_statements(existing) + schema_statements():
                self._execute(statement)
            # after the node tables exist, so a pair naming a new class can be added
            for statement in added_endpoint_statements(tables):
                self._execute(statement)

    def _execute(self, statement: str, params: Row | None = None) -> list[Row]:
        """Run one statement and return its rows; the native result is closed here, under the lock."""
        try:
            result = self._conn.execute(statement, params or {})
        except RuntimeError as e:
            raise GraphStoreError(f"LadybugDB: {e}") from e
        if isinstance(result, list):  # several statements in one string answer one result each
            raise GraphStoreError("LadybugDB: run one statement at a time")
        try:
            columns = result.get_column_names()
            return [dict(zip(columns, row, strict=True)) for row in result.get_all()]
        finally:
            result.close()

    def _run_in_transaction(self, statements: Sequence[tuple[str, Row]]) -> None:
        with self._lock:
            self._execute("BEGIN TRANSACTION")
            try:
                for statement, params in statements:
                    self._execute(statement, params)
            except BaseException:
                self._rollback()
                raise
            self._execute("COMMIT")

    def _rollback(self) -> None:
        # A failed statement may already have ended the transaction; LadybugDB then has nothing to roll back.
        try:
            self._conn.execute("ROLLBACK")
        except RuntimeError as e:
            if "No active transaction" not in str(e):
                raise GraphStoreError(f"LadybugDB: rollback failed: {e}") from e

    def _read(self, statement: str, params: Row | None = None) -> list[Row]:
        with self._lock:
            return self._execute(statement, params)

    def close(self) -> None:
        """Close the connection and the database files."""
        with self._lock:
            self._conn.close()
            self._db.close()
