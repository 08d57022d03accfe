"""The composition root: build the services (graph store, search, matching …) from settings.

The FastAPI app, the CLI and the benchmarks all call ``build_services``; tests pass their own parts.
Importing this module opens nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from api.settings import Settings
from graph.base import GraphStore
from graph.errors import GraphStoreError

GRAPH_DIR_NAME = "graph.lbug"


def open_graph_store(settings: Settings) -> GraphStore:
    """Open the configured graph back-end and make sure its schema exists.

    Raises:
        GraphStoreError: the data dir is unusable or the server cannot be reached.
    """
    if settings.policykg_graph_backend == "neo4j":
        from graph.neo4j_store import Neo4jGraphStore

        assert settings.neo4j_uri is not None  # guaranteed by Settings' validator
        store: GraphStore = Neo4jGraphStore.connect(
            settings.neo4j_uri,
            settings.neo4j_user,
            settings.neo4j_password.get_secret_value(),
            settings.neo4j_database,
        )
    else:
        from graph.ladybug_store import LadybugGraphStore

        store = LadybugGraphStore(prepare_data_dir(settings.policykg_data_dir) / GRAPH_DIR_NAME)
    store.ensure_schema()
    return store


def prepare_data_dir(data_dir: Path) -> Path:
    """Create the data dir when missing; refuse a path that exists and is not a folder."""
    if data_dir.exists() and not data_dir.is_dir():
        raise GraphStoreError(f"data dir {data_dir} exists and is not a folder")
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise GraphStoreError(f"cannot create data dir {data_dir}: {e.strerror}") from e
    return data_dir


@dataclass
class Services:
    """What the entry points use. Parts are built on first use, so a command opens only what it needs."""

    settings: Settings
    _store: GraphStore | None = field(default=None, repr=False)

    @cached_property
    def store(self) -> GraphStore:
        """The graph store (opened on first use)."""
        return self._store if self._store is not None else open_graph_store(self.settings)

    @property
    def data_dir(self) -> Path:
        """The data dir (created on first use)."""
        return prepare_data_dir(self.settings.policykg_data_dir)

    def close(self) -> None:
        """Close whatever was opened."""
        if "store" in self.__dict__:
            self.store.close()


def build_services(settings: Settings | None = None, *, store: GraphStore | None = None) -> Services:
    """Build the services from settings (read from the environment when not given)."""
    return Services(settings or Settings(), store)
