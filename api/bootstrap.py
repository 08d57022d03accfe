"""The composition root: build the services (graph store, search, matching …) from settings.

The FastAPI app, the CLI and the benchmarks all call ``build_services``; tests pass their own parts.
Importing this module opens nothing.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from api.settings import Settings
from graph.base import GraphStore
from graph.errors import GraphStoreError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from api.jobs import JobRunner
    from eligibility.matching import Matcher
    from ingest.curation import MeasureCorrection
    from ingest.extractors.base import ChangeHook, Extractor
    from ingest.pipeline import IngestSummary, Progress
    from ingest.readers import SourceDocument
    from ontology.indicators import IndicatorScheme
    from practices.indicator_links import IndicatorLinker
    from push.rematch import ProfileCache
    from search.embedders.base import Embedder
    from search.service import SearchService

GRAPH_DIR_NAME = "graph.lbug"


def open_graph_store(settings: Settings, *, read_only: bool = False) -> GraphStore:
    """Open the configured graph back-end and make sure its schema exists. With ``read_only`` (a command that only
    reads), an embedded graph locked by a running ``serve`` is opened for reading beside it instead of failing.

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

        path = prepare_data_dir(settings.policykg_data_dir) / GRAPH_DIR_NAME
        try:
            store = LadybugGraphStore(path)
        except GraphStoreError as e:
            if not (read_only and path.exists() and "lock" in str(e).lower()):
                raise
            # held by a running server (which keeps the schema current): read beside it
            return LadybugGraphStore(path, read_only=True)
    store.ensure_schema()
    return store


def prepare_data_dir(data_dir: Path) -> Path:
    """Create the data dir when missing, readable by its owner only; refuse a path that exists and is not a
    folder."""
    if data_dir.exists() and not data_dir.is_dir():
        raise GraphStoreError(f"data dir {data_dir} exists and is not a folder")
    try:
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        ours = (data_dir / GRAPH_DIR_NAME).exists() or (data_dir / SEARCH_DIR_NAME).exists()
        if ours and data_dir.stat().st_mode & 0o077:
            data_dir.chmod(0o700)  # key hashes and webhook secrets live here: readable by the owner only
    except OSError as e:
        raise GraphStoreError(f"cannot create data dir {data_dir}: {e.strerror}") from e
    return data_dir


SEARCH_DIR_NAME = "search"


def open_embedder(settings: Settings) -> Embedder | None:
    """The configured embedder (``POLICYKG_EMBEDDER``; ``none`` gives ``None``).

    Raises:
        EmbeddingError: the embedder cannot be built.
    """
    from search.embedders import build_embedder

    return build_embedder(
        settings.policykg_embedder,
        model=settings.policykg_embedding_model,
        workers=settings.policykg_embed_workers,
        use_weight=settings.policykg_use_weight,
    )


def field_weights(settings: Settings) -> dict[str, float]:
    """The BM25F weights of the extra fields (``SearchService``'s ``field_weights``): the short title of every unit
    but a statute article, a statute article's, and the headings."""
    from search.service import ARTICLE_TITLE

    return {
        "title": settings.policykg_title_field_weight,
        ARTICLE_TITLE: settings.policykg_article_title_field_weight,
        "headings": settings.policykg_heading_field_weight,
    }


def open_search_service(
    settings: Settings, data_dir: Path, embedder: Embedder | None, *, index_dir: Path | None = None
) -> SearchService:
    """Build the search service: the configured index back-end, the given embedder, fusion weights and reranker.
    The embedded index lives in ``index_dir`` when given (a benchmark's scratch copy), else in ``data_dir``; the
    vector cache is always ``data_dir``'s.

    Raises:
        SearchIndexError: the stored index is unreadable or Elasticsearch cannot be reached.
    """
    from search.expansion import Feedback, Thesaurus
    from search.indexes.base import SearchIndex
    from search.ranking import Fusion
    from search.rerank import LinearReranker
    from search.service import SearchService

    index: SearchIndex
    if settings.policykg_search_backend == "elasticsearch":
        from search.indexes.elasticsearch import ElasticsearchIndex

        assert settings.elasticsearch_url is not None  # guaranteed by Settings' validator
        index = ElasticsearchIndex.connect(settings.elasticsearch_url, settings.elasticsearch_index)
    else:
        from search.indexes.embedded import EmbeddedIndex

        index = EmbeddedIndex(index_dir or data_dir / SEARCH_DIR_NAME / "index", settings.policykg_vector_dtype)
    return SearchService(
        index,
        embedder=embedder,
        vector_cache=data_dir / SEARCH_DIR_NAME / "vector-cache",
        lexical_weight=settings.policykg_lexical_weight,
        vector_weight=settings.policykg_vector_weight,
        fusion=Fusion(
            lexical_depth=settings.policykg_lexical_depth,
            vector_depth=settings.policykg_vector_depth,
            passage_depth_share=settings.policykg_passage_depth_share,
            confidence_exponent=settings.policykg_confidence_exponent,
            context_weight=settings.policykg_context_weight,
            context_units=settings.policykg_context_units,
        ),
        reranker=LinearReranker.load() if settings.policykg_rerank else None,
        thesaurus=Thesaurus.load(settings.policykg_query_thesaurus) if settings.policykg_query_thesaurus else None,
        feedback=Feedback(weight=settings.policykg_query_feedback) if settings.policykg_query_feedback else None,
        thesaurus_scope=settings.policykg_thesaurus_scope,
        heading_tokens=settings.policykg_heading_tokens,
        field_weights=field_weights(settings) if settings.policykg_bm25_fields else None,
    )


@dataclass
class Services:
    """What the entry points use. Parts are built on first use, so a command opens only what it needs."""

    settings: Settings
    _store: GraphStore | None = field(default=None, repr=False)
    read_only: bool = False  # a CLI command that only reads: the graph opens beside a running server
    # one writer at a time: the server's request threads publish and delete through the same services
    _writes: threading.RLock = field(default_factory=threading.RLock, repr=False)

    @cached_property
    def store(self) -> GraphStore:
        """The graph store (opened on first use)."""
        return self._store if self._store is not None else open_graph_store(self.settings, read_only=self.read_only)

    @property
    def data_dir(self) -> Path:
        """The data dir (created on first use)."""
        return prepare_data_dir(self.settings.policykg_data_dir)

    @cached_property
    def embedder(self) -> Embedder | None:
        """The one embedder of the process, shared by search and similar practices (built on first use)."""
        return open_embedder(self.settings)

    @cached_property
    def search(self) -> SearchService:
        """The search service over the configured index back-end (opened on first use)."""
        return open_search_service(self.settings, self.data_dir, self.embedder)

    @cached_property
    def matcher(self) -> Matcher:
        """The eligibility matcher over the measures stored in the graph (compiled on first use, compiled again
        after each ``ingest`` or ``delete``)."""
        from eligibility.matching import Matcher
        from eligibility.measures import measures_from_graph

        return Matcher(measures_from_graph(self.store))

    @property
    def extractors(self) -> tuple[Extractor, ...]:
        """Extractors the ingest pipeline runs on every document (conditions, demonstrations …)."""
        from ingest.extractors.annual_reports import extract_annual_reports
        from ingest.extractors.demonstrations import extract_demonstrations
        from ingest.extractors.eligibility import extract_conditions

        return (extract_demonstrations, extract_conditions, extract_annual_reports)

    @property
    def hooks(self) -> tuple[ChangeHook, ...]:
        """Hooks the ingest pipeline runs on every document's complete change (webhook re-matching, 免申即享
        grants)."""
        from push.grants import GrantHook
        from push.rematch import RematchHook

        return (RematchHook(self.store, cache=self.profile_cache), GrantHook(self.store))

    @cached_property
    def profile_cache(self) -> ProfileCache:
        """Subscribed profiles laid out for re-matching, kept for the life of the process (the server's
        publishes re-use them until a profile is written)."""
        from push.rematch import ProfileCache

        return ProfileCache(self.store)

    @cached_property
    def jobs(self) -> JobRunner:
        """Background publishing of large uploads: one worker thread (started on first use), each job kept in the
        data dir until done (``api.jobs``)."""
        from functools import partial

        from api.jobs import JobRunner, JobStore
        from api.publishing import run_upload_job

        return JobRunner(JobStore(self.data_dir), partial(run_upload_job, self))

    def ingest(self, paths: Sequence[str | Path], *, progress: Progress | None = None) -> IngestSummary:
        """The one ingest path (CLI and HTTP): write the documents of ``paths`` to the graph with every extractor
        and hook (one transaction per document), then bring the search index and the matcher up to date.

        The index is reconciled even when no document changed, so an ingest that crashed after its graph
        write is repaired by running it again.
        """
        from ingest.pipeline import ingest_paths

        with self._writes:
            summary = ingest_paths(
                paths,
                store=self.store,
                extractors=self.extractors,
                hooks=self.hooks,
                progress=progress,
                max_bytes=self.settings.policykg_ingest_max_mb * 1024 * 1024,
            )
            self.refresh()
        return summary

    def publish(self, sources: Sequence[SourceDocument]) -> IngestSummary:
        """The same ingest path for documents already read (an official's ``POST /documents``): every extractor
        and hook, one transaction per document, then the search index and the matcher brought up to date."""
        from ingest.pipeline import ingest_sources

        with self._writes:
            summary = ingest_sources(sources, store=self.store, extractors=self.extractors, hooks=self.hooks)
            self.refresh()
        return summary

    def delete(self, source_id: str) -> str | None:
        """Delete a stored source (and what it owns), then bring the search index and the matcher up to date;
        the deleted document's id, or ``None`` when no document has that source id."""
        from ingest.versions import delete_source

        with self._writes:
            doc_id = delete_source(self.store, source_id)
            if doc_id is not None:
                self.refresh()
        return doc_id

    def curate(self, source_id: str, number: int, correction: MeasureCorrection, *, by: str) -> dict[str, Any]:
        """Apply an official's correction to measure ``number`` of a policy (kept beside the extracted original,
        with who and when); the matches it changes become webhook events in the same transaction, and the
        matcher is compiled again on next use."""
        from ingest.curation import correct_measure

        with self._writes:
            record = correct_measure(self.store, source_id, number, correction, by=by, hooks=self.hooks)
            self.__dict__.pop("matcher", None)
        return record

    def refresh(self) -> None:
        """Bring what derives from the graph up to date: the search index is reconciled with the graph as a
        whole (so a run that crashed between its graph write and this call is repaired by the next one) and
        the matcher is compiled again on next use."""
        self.search.sync(self.store)
        self.__dict__.pop("matcher", None)

    def close(self) -> None:
        """Close whatever was opened (the job worker first: it writes through the rest)."""
        if "jobs" in self.__dict__:
            self.jobs.stop()
        if "search" in self.__dict__:
            self.search.close()
        if "store" in self.__dict__:
            self.store.close()


def build_services(
    settings: Settings | None = None, *, store: GraphStore | None = None, read_only: bool = False
) -> Services:
    """Build the services from settings (read from the environment when not given); ``read_only`` for commands
    that only read."""
    return Services(settings or Settings(), store, read_only=read_only)


INDICATOR_TABLE_NAME = "indicators.csv"


def indicator_scheme(services: Services) -> IndicatorScheme:
    """The indicator table in use: the one imported into the data dir (``policykg indicators import``), else the
    shipped one."""
    from ontology.indicators import load_scheme

    return load_scheme(services.data_dir / INDICATOR_TABLE_NAME)


def indicator_linker(services: Services) -> IndicatorLinker:
    """The one mapping from texts to the indicators in use: lexical, and semantic with the process's embedder
    (lexical only when ``POLICYKG_EMBEDDER=none``)."""
    from practices.indicator_links import IndicatorLinker

    return IndicatorLinker(indicator_scheme(services), services.embedder)
