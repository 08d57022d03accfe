"""The composition root: build the services (graph store, search, matching …) from settings.

The FastAPI app, the CLI and the benchmarks all call ``build_services``; tests pass their own parts.
Importing this module opens nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from api.settings import Settings
from graph.base import GraphStore
from graph.errors import GraphStoreError

if TYPE_CHECKING:
    from ingest.extractors import ChangeHook, Extractor
    from ingest.pipeline import IngestSummary
    from search.matching import Matcher
    from search.service import SearchService

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


SEARCH_DIR_NAME = "search"


def open_search_service(settings: Settings, data_dir: Path) -> SearchService:
    """Build the search service: the configured index back-end, embedder, fusion weights and reranker.

    Raises:
        SearchIndexError: the stored index is unreadable or Elasticsearch cannot be reached.
        EmbeddingError: the embedder cannot be built.
    """
    from search.embedders import build_embedder
    from search.index_base import SearchIndex
    from search.rerank import LinearReranker
    from search.service import SearchService

    index: SearchIndex
    if settings.policykg_search_backend == "elasticsearch":
        from search.elasticsearch_index import ElasticsearchIndex

        assert settings.elasticsearch_url is not None  # guaranteed by Settings' validator
        index = ElasticsearchIndex.connect(settings.elasticsearch_url, settings.elasticsearch_index)
    else:
        from search.embedded_index import EmbeddedIndex

        index = EmbeddedIndex(data_dir / SEARCH_DIR_NAME / "index")
    return SearchService(
        index,
        embedder=build_embedder(
            settings.policykg_embedder,
            model=settings.policykg_embedding_model,
            workers=settings.policykg_embed_workers,
        ),
        vector_cache=data_dir / SEARCH_DIR_NAME / "vector-cache",
        lexical_weight=settings.policykg_lexical_weight,
        vector_weight=settings.policykg_vector_weight,
        reranker=LinearReranker.load() if settings.policykg_rerank else None,
    )


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

    @cached_property
    def search(self) -> SearchService:
        """The search service over the configured index back-end (opened on first use)."""
        return open_search_service(self.settings, self.data_dir)

    @cached_property
    def matcher(self) -> Matcher:
        """The eligibility matcher over the measures stored in the graph (compiled on first use)."""
        from search.matching import Matcher
        from search.measures import measures_from_graph

        return Matcher(measures_from_graph(self.store))

    @property
    def extractors(self) -> tuple[Extractor, ...]:
        """Extractors the ingest pipeline runs on every document (conditions, demonstrations …)."""
        from ingest.conditions import extract_conditions
        from ingest.demonstrations import extract_demonstrations

        return (extract_demonstrations, extract_conditions)

    @property
    def hooks(self) -> tuple[ChangeHook, ...]:
        """Hooks the ingest pipeline runs on every document's complete change (webhook re-matching)."""
        from api.push.rematch import RematchHook

        return (RematchHook(self.store),)

    def after_ingest(self, summary: IngestSummary) -> None:
        """Bring what derives from the graph (the search index) up to date after an ingest or delete.

        The index is reconciled with the graph as a whole, so a run that crashed between its graph write and
        this call is repaired by the next one.
        """
        self.search.sync(self.store)

    def close(self) -> None:
        """Close whatever was opened."""
        if "search" in self.__dict__:
            self.search.close()
        if "store" in self.__dict__:
            self.store.close()


def build_services(settings: Settings | None = None, *, store: GraphStore | None = None) -> Services:
    """Build the services from settings (read from the environment when not given)."""
    return Services(settings or Settings(), store)
