"""The search service: keeps an index in step with the graph and answers searches.

The index is a derived view of the graph. ``sync`` compares the graph's documents (their digests, ``sync.py``)
with what the index holds, (re)indexes new and changed documents from their Clause nodes (read by ``sync.py``),
removes deleted ones, and applies it all in one atomic index update; a crash between a graph write and the index
update is repaired by the next sync. ``search`` analyses the query, asks the back-end for lexical and vector
candidates, fuses their min-max normalised scores (``ranking.py``), boosts, reranks a hybrid search's
candidates by how much of the question their words cover (``rerank.py``), groups and highlights.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Literal

import numpy as np

from graph.base import GraphStore
from ontology.errors import UnknownCodeError
from ontology.reference import Gazetteer, load_gazetteer
from ontology.text import to_simplified
from search.analysis import SEARCHABLE, Analyzer, normalise
from search.answered import AnsweredQuestions, read_answered_questions
from search.embedders.base import Embedder
from search.embedders.combined import CombinedEmbedder
from search.errors import InvalidQueryError
from search.expansion import Feedback, Thesaurus
from search.indexes.base import IndexSchema, SearchIndex
from search.ranking import (
    Fusion,
    ScoredList,
    boosted,
    confidence_scaled,
    min_max_combsum,
    short_title,
    title_named_in,
    top_keys,
    with_document_context,
    within_depth,
)
from search.rerank import Candidate, LinearReranker, QueryTerms
from search.snippets import highlight
from search.sync import SyncReport, graph_digests, read_changed
from search.types import (
    Filters,
    IndexDocument,
    PreparedDocument,
    SearchHit,
    SearchRequest,
    SearchResponse,
    StoredUnit,
)
from search.units import DOCUMENT_ENTRY_SUFFIX, vector_chunks
from search.vector_cache import VectorCache

logger = logging.getLogger(__name__)

UNITS_VERSION = "u6"  # bump when what a unit's tokens or record hold changes, so stored indexes are rebuilt
GROUPED_CANDIDATES = 600
TITLE_BOOST = 0.5
SUPERSEDED_FACTOR = 0.7
ARTICLE_TITLE = "article_title"  # the BM25F field of a statute article's title (``field_weights``)
VECTOR_WEIGHT = 0.6  # CombSUM weight of the vector list against 1 for BM25 (tuning: see ranking.py)
# Prior by document type, by the legal hierarchy (立法法): laws and the constitution first, then judicial
# interpretations, administrative regulations, rules. Tuned on STARD's train split (benchmarks/retrieval_eval.py);
# types not listed (policies, normative documents) keep 1.
DOC_TYPE_PRIOR: dict[str, float] = {
    "宪法": 1.0,
    "法律": 1.0,
    "司法解释": 0.8,
    "行政法规": 0.5,
    "部门规章": 0.4,
    "地方性法规": 0.5,
    "地方政府规章": 0.4,
    "案例": 0.4,
}
EMBED_CHUNK = 512
TITLE_CACHE_SIZE = 200_000
CACHE_SAVE_EVERY = 8192

Progress = Callable[[str, int, int], None]
UnitTokens = tuple[tuple[str, ...], ...]  # one token tuple per unit of a document
ThesaurusScope = Literal["all", "articles"]


class SearchService:
    """Hybrid search over one ``SearchIndex``.

    Args:
        index: the back-end.
        analyzer: Chinese analysis (built with the reference names when not given).
        embedder: vectors for units and queries; ``None`` = lexical only.
        vector_cache: where vectors are cached by text hash (no cache when ``None``).
        lexical_weight, vector_weight: the CombSUM weights of the two lists.
        fusion: how many units of each list are fused, and the fusion's other constants (``ranking.Fusion``).
        reranker: reorders the fused candidates of a hybrid search (``rerank.py``); ``None`` keeps the fused order.
        thesaurus, feedback: query expansion of the lexical side (``expansion.py``); ``None`` = none.
        thesaurus_scope: which units the thesaurus-expanded query scores: ``all``, or ``articles`` (statute
            articles get the expanded query's BM25 score, every other unit the unexpanded query's: the thesaurus
            was mined from statutes and questions answered by them).
        heading_tokens: add the tokens of an article's 编/章/节 headings to its BM25 tokens (on by default).
        field_weights: per-field BM25 (BM25F, ``bm25.py``) when not ``None``: a unit's text (and answered
            questions) is the main field, at weight 1; its document's short title and its headings are the fields
            ``title`` and ``headings``, at these weights, fixed in the index's schema (a change rebuilds the index;
            ``heading_tokens`` then says whether headings are indexed at all). A statute article's title is the
            field ``article_title`` instead (its own weight; the title's when not given), so articles and other
            units (a policy's passages) can weigh their title apart. ``None``: one field of them all.
    """

    def __init__(
        self,
        index: SearchIndex,
        *,
        analyzer: Analyzer | None = None,
        embedder: Embedder | None = None,
        vector_cache: Path | None = None,
        lexical_weight: float = 1.0,
        vector_weight: float = VECTOR_WEIGHT,
        title_boost: float = TITLE_BOOST,
        superseded_factor: float = SUPERSEDED_FACTOR,
        doc_type_prior: dict[str, float] | None = None,
        fusion: Fusion | None = None,
        reranker: LinearReranker | None = None,
        thesaurus: Thesaurus | None = None,
        feedback: Feedback | None = None,
        thesaurus_scope: ThesaurusScope = "all",
        heading_tokens: bool = True,
        field_weights: Mapping[str, float] | None = None,
    ) -> None:
        self.index = index
        self.analyzer = analyzer or _default_analyzer()
        self.embedder = embedder
        self.lexical_weight = lexical_weight
        self.vector_weight = vector_weight
        self.title_boost = title_boost
        self.superseded_factor = superseded_factor
        self.doc_type_prior = DOC_TYPE_PRIOR if doc_type_prior is None else doc_type_prior
        self.fusion = fusion or Fusion()
        self.reranker = reranker
        self.thesaurus = thesaurus
        self.feedback = feedback
        self.thesaurus_scope = thesaurus_scope
        self.heading_tokens = heading_tokens
        self.field_weights = None if field_weights is None else {ARTICLE_TITLE: field_weights["title"], **field_weights}
        self.answered = AnsweredQuestions()  # read from the graph by ``sync``
        self._vector_cache_dir = vector_cache
        self._synonym_groups = _groups(self.analyzer.synonyms)
        self._synonyms_of = {w: frozenset(group) for group in self._synonym_groups.values() for w in group}
        self._title_norms: dict[str, str] = {}

    @property
    def schema(self) -> IndexSchema:
        """The schema this service's analyzer and embedder produce."""
        analysis = f"{self.analyzer.fingerprint}-{UNITS_VERSION}" + ("-h" if self.heading_tokens else "")
        fields = tuple(sorted(self.field_weights.items())) if self.field_weights is not None else ()
        if self.embedder is None:
            return IndexSchema(analysis, "none", 0, fields)
        return IndexSchema(analysis, self.embedder.identity, self.embedder.dimension, fields)

    # --- indexing -----------------------------------------------------------------------------------------
    def prepare(self, documents: Sequence[IndexDocument], progress: Progress | None = None) -> list[PreparedDocument]:
        """Tokens and vectors of ``documents``: one vector per piece of each unit's ``vector_text``
        (``units.vector_chunks``), in unit order (vectors from the cache where it has them). Answered questions
        are attached first."""
        documents = [self.answered.attach(d) for d in documents]
        tokens = [self._unit_tokens(d) for d in documents]
        if self.embedder is None:
            return [PreparedDocument(d, t, None, f) for d, (t, f) in zip(documents, tokens, strict=True)]
        pieces = [[p for u in d.units for p in vector_chunks(u.vector_text)] for d in documents]
        vectors = self._vectors_for([p for document_pieces in pieces for p in document_pieces], progress)
        prepared, offset = [], 0
        for document, (unit_tokens, fields), document_pieces in zip(documents, tokens, pieces, strict=True):
            count = len(document_pieces)
            prepared.append(PreparedDocument(document, unit_tokens, vectors[offset : offset + count], fields))
            offset += count
        return prepared

    def _unit_tokens(self, document: IndexDocument) -> tuple[UnitTokens, dict[str, UnitTokens]]:
        """BM25 tokens of each unit: the document's short title, then the unit's text. A passage or article
        rarely repeats who issued it for where, and questions name both (陕西省 … 医保基金). The unit's answered
        questions follow, and its headings' tokens when ``heading_tokens`` is set. With ``field_weights`` the
        title and the headings are the extra fields ``title`` (``article_title`` for an article) and ``headings``
        instead."""
        title = tuple(self.analyzer.tokens(short_title(document.title)))
        titles = tuple(() if u.id.endswith(DOCUMENT_ENTRY_SUFFIX) else title for u in document.units)
        headings = tuple(
            tuple(self.analyzer.tokens(u.heading)) if self.heading_tokens and u.heading else () for u in document.units
        )
        own = tuple(
            tuple(self.analyzer.tokens(u.text)) + tuple(t for q in u.questions for t in self.analyzer.tokens(q))
            for u in document.units
        )
        if self.field_weights is not None:
            articles = [u.article is not None for u in document.units]
            passage_titles = tuple(() if article else t for t, article in zip(titles, articles, strict=True))
            article_titles = tuple(t if article else () for t, article in zip(titles, articles, strict=True))
            return own, {"title": passage_titles, ARTICLE_TITLE: article_titles, "headings": headings}
        return tuple(t + h + o for t, h, o in zip(titles, headings, own, strict=True)), {}

    def _vectors_for(self, texts: Sequence[str], progress: Progress | None) -> np.ndarray:
        assert self.embedder is not None
        if isinstance(self.embedder, CombinedEmbedder):  # each part from its own cache, then joined
            combined = self.embedder
            return combined.combine([self._cached_vectors(part, texts, progress) for part in combined.parts])
        return self._cached_vectors(self.embedder, texts, progress)

    def _cached_vectors(self, embedder: Embedder, texts: Sequence[str], progress: Progress | None) -> np.ndarray:
        def embed(missing: Sequence[str]) -> np.ndarray:
            parts = []
            for start in range(0, len(missing), EMBED_CHUNK):
                parts.append(embedder.embed(missing[start : start + EMBED_CHUNK]))
                if progress:
                    progress("embedding", min(start + EMBED_CHUNK, len(missing)), len(missing))
            return np.vstack(parts) if parts else np.zeros((0, embedder.dimension), dtype=np.float32)

        if self._vector_cache_dir is None:
            return embed(texts)
        cache_name = re.sub(r"[^0-9A-Za-z._-]+", "_", embedder.identity)[-80:]
        cache = VectorCache(self._vector_cache_dir / f"{cache_name}.npz", embedder.dimension)
        parts = []
        for start in range(0, len(texts), CACHE_SAVE_EVERY):  # saved as it goes, so an interrupted sync resumes
            parts.append(cache.vectors_for(texts[start : start + CACHE_SAVE_EVERY], embed))
            cache.save()
        return np.vstack(parts) if parts else np.zeros((0, embedder.dimension), dtype=np.float32)

    def index_documents(
        self, documents: Sequence[IndexDocument], deletions: Sequence[str] = (), progress: Progress | None = None
    ) -> None:
        """Index (or re-index) these documents and remove ``deletions``, in one atomic index update."""
        self.index.apply(self.schema, self.prepare(documents, progress), deletions)

    def sync(self, store: GraphStore, progress: Progress | None = None) -> SyncReport:
        """Bring the index in step with the graph's documents and answered questions (see the module docstring)."""
        self.answered = read_answered_questions(store)
        in_graph = graph_digests(store, self.answered)
        rebuild = self.index.schema() != self.schema
        indexed = {} if rebuild else self.index.indexed_documents()
        changed = [doc_id for doc_id, digest in in_graph.items() if indexed.get(doc_id) != digest]
        removed = [doc_id for doc_id in self.index.indexed_documents() if doc_id not in in_graph]
        if not changed and not removed and not rebuild:
            return SyncReport(0, 0, 0, len(in_graph), 0)
        documents = read_changed(store, changed, progress)
        self.index_documents(documents, removed, progress)
        updated = sum(1 for d in changed if d in indexed)
        return SyncReport(
            added=len(changed) - updated,
            updated=updated,
            removed=len(removed),
            unchanged=len(in_graph) - len(changed),
            units=sum(len(d.units) for d in documents),
        )

    # --- searching ----------------------------------------------------------------------------------------
    def search(self, request: SearchRequest) -> SearchResponse:
        """Answer one request (a query with nothing searchable in it, e.g. only emoji, finds nothing).

        Raises:
            InvalidQueryError: a filter value is unknown (e.g. a region code).
        """
        retrieved = self._retrieve(request)
        if retrieved is None:
            return SearchResponse(query=request.query, mode=request.mode, tokens=[], hits=[])
        tokens, units, candidates = retrieved
        if request.mode == "hybrid" and self.reranker is not None:
            ranked = self.reranker.rerank(self.query_terms(request.query), candidates)
        else:
            ranked = [(c.unit_id, c.fused) for c in candidates]
        if request.group_by_document:
            best_of_document: dict[str, tuple[str, float]] = {}
            for unit_id, score in ranked:  # best first, so the first unit of a document is its best
                best_of_document.setdefault(units[unit_id].document.doc_id, (unit_id, score))
            ranked = list(best_of_document.values())
        terms = self._highlight_terms(request.query, tokens)
        hits = [_hit(units[u], score, terms) for u, score in ranked[: request.top]]
        return SearchResponse(query=request.query, mode=request.mode, tokens=tokens, hits=hits)

    def candidates(self, request: SearchRequest) -> list[Candidate]:
        """The fused, boosted candidates of a request, best first, before any reranking (what the reranker is
        trained on); empty when the query has nothing searchable."""
        retrieved = self._retrieve(request)
        return retrieved[2] if retrieved else []

    def query_terms(self, query: str) -> QueryTerms:
        """The query's words (stopwords dropped) with their synonyms and the words the thesaurus adds for them,
        as the reranker matches them."""
        words = self._query_words(query)
        query_norm = normalise(query)
        regions = frozenset(m.region.code for m in self._gazetteer.find_mentions(query_norm))
        thesaurus = self._reranker_thesaurus
        return QueryTerms.of(
            query_norm, words, self.analyzer.stopwords, self._synonyms_of, regions, thesaurus.added_words
        )

    @cached_property
    def _reranker_thesaurus(self) -> Thesaurus:
        """The thesaurus the reranker's expanded coverage uses: the one expanding queries, else the shipped one."""
        return self.thesaurus if self.thesaurus is not None else Thesaurus.load()

    def _query_words(self, query: str) -> list[str]:
        """The query's words (plain segmentation), stopwords and punctuation left out."""
        return [w for w in self.analyzer.words(query) if w not in self.analyzer.stopwords and SEARCHABLE.search(w)]

    @cached_property
    def _gazetteer(self) -> Gazetteer:
        return load_gazetteer()

    def expanded_query(self, tokens: Sequence[str], filters: Filters | None = None) -> dict[str, float]:
        """The weighted lexical query of ``tokens`` (each at 1) after the thesaurus and pseudo-relevance feedback
        this service uses (``expansion.py``); just the tokens when it uses neither."""
        weights = dict.fromkeys(tokens, 1.0)
        if self.thesaurus is not None:
            weights = self.thesaurus.expand(weights)
        if self.feedback is not None and weights:
            feedback = self.feedback
            first = self.index.lexical_search(list(weights), filters or Filters(), feedback.units, weights)
            units = self.index.get_units([u for u, _ in first])
            first_pass = [(self.analyzer.tokens(units[u].text), score) for u, score in first if u in units]
            weights = feedback.expand(weights, first_pass, self.index.document_frequencies)
        return weights

    def _lexical(self, tokens: Sequence[str], filters: Filters, limit: int) -> list[list[tuple[str, float]]]:
        """The BM25 lists of a query: one, or with the thesaurus on articles only, the expanded query's and the
        plain query's (``_articles_expanded`` joins them once their units are read)."""
        if self.thesaurus is None and self.feedback is None:
            return [self.index.lexical_search(tokens, filters, limit)]
        weights = self.expanded_query(tokens, filters)
        expanded = self.index.lexical_search(list(weights), filters, limit, weights)
        if self.thesaurus is None or self.thesaurus_scope == "all":
            return [expanded]
        return [expanded, self.index.lexical_search(tokens, filters, limit)]

    @staticmethod
    def _articles_expanded(
        lists: list[list[tuple[str, float]]], units: dict[str, StoredUnit], limit: int
    ) -> list[tuple[str, float]]:
        """One BM25 list from ``_lexical``'s: the articles among the expanded query's best units, at their
        expanded scores, and the other units among the plain query's best, at their plain scores."""
        if len(lists) == 1:
            return lists[0]
        expanded, plain = lists
        merged = {u: s for u, s in plain if u in units and units[u].article is None}
        merged.update((u, s) for u, s in expanded if u in units and units[u].article is not None)
        return sorted(merged.items(), key=lambda item: -item[1])[:limit]

    def _retrieve(self, request: SearchRequest) -> tuple[list[str], dict[str, StoredUnit], list[Candidate]] | None:
        """Query tokens, the candidate units and their fused, boosted candidates best first (``None`` when the
        query has nothing searchable)."""
        filters = self.resolve_filters(request)
        query_norm = normalise(request.query)
        tokens = self.analyzer.query_tokens(request.query)
        if not SEARCHABLE.search(query_norm):
            return None
        fusion = self.fusion
        grouped = GROUPED_CANDIDATES if request.group_by_document else 0
        lexical_limit = max(grouped, fusion.lexical_depth, request.top)
        vector_limit = max(grouped, fusion.vector_depth, request.top)
        lexical_lists: list[list[tuple[str, float]]] = []
        nearest: list[tuple[str, float]] = []
        if request.mode in ("hybrid", "lexical") and tokens:
            lexical_lists = self._lexical(tokens, filters, lexical_limit)
        if request.mode in ("hybrid", "vector") and self.embedder is not None:
            nearest = self.index.vector_search(self.embedder.embed_query(request.query), filters, vector_limit)
        found = [u for found_list in lexical_lists for u, _ in found_list] + [u for u, _ in nearest]
        units = self.index.get_units(list(dict.fromkeys(found)))
        lexical = self._articles_expanded(lexical_lists, units, lexical_limit) if lexical_lists else []
        if fusion.passage_depth_share < 1:  # units other than articles from less deep in each list
            is_article = {u: s.article is not None for u, s in units.items()}
            share = fusion.passage_depth_share
            lexical = within_depth(lexical, is_article, lexical_limit, max(request.top, round(share * lexical_limit)))
            nearest = within_depth(nearest, is_article, vector_limit, max(request.top, round(share * vector_limit)))
        document_of = {u: s.document.doc_id for u, s in units.items()}
        vector_weight = (
            confidence_scaled(self.vector_weight, lexical, document_of, exponent=fusion.confidence_exponent)
            if lexical
            else self.vector_weight
        )
        fused = min_max_combsum(
            [
                ScoredList([u for u, _ in lexical], [s for _, s in lexical], self.lexical_weight),
                ScoredList([u for u, _ in nearest], [s for _, s in nearest], vector_weight),
            ]
        )
        fused = with_document_context(
            {k: v for k, v in fused.items() if k in units},
            document_of,
            weight=fusion.context_weight,
            units=fusion.context_units,
        )
        title_norm = {u: self._title_norm(s.document.title) for u, s in units.items()}
        named = {title: title_named_in(query_norm, title) for title in set(title_norm.values())}
        scores = boosted(
            fused,
            title_named={u: named[title] for u, title in title_norm.items()},
            is_current={u: s.document.is_current for u, s in units.items()},
            title_boost=self.title_boost,
            superseded_factor=self.superseded_factor,
            prior={u: self.doc_type_prior.get(s.document.doc_type or "", 1.0) for u, s in units.items()},
        )
        lexical_score, vector_score = dict(lexical), dict(nearest)
        candidates = []
        for unit_id, score in top_keys(scores, len(scores)):
            unit = units[unit_id]
            candidates.append(
                Candidate(
                    unit_id=unit_id,
                    document_id=unit.document.doc_id,
                    title=title_norm[unit_id],
                    text=unit.text,
                    fused=score,
                    lexical=lexical_score.get(unit_id),
                    vector=vector_score.get(unit_id),
                    region_code=unit.document.region_code,
                    is_article=unit.article is not None,
                )
            )
        return tokens, units, candidates

    def _title_norm(self, title: str) -> str:
        """``normalise(title)``, remembered: the same few thousand titles come back query after query."""
        found = self._title_norms.get(title)
        if found is None:
            if len(self._title_norms) >= TITLE_CACHE_SIZE:
                self._title_norms.clear()
            found = self._title_norms[title] = normalise(title)
        return found

    def resolve_filters(self, request: SearchRequest) -> Filters:
        """The request's filters with the region expanded to itself and every region containing it.

        Raises:
            InvalidQueryError: the region is neither a known code nor a known name.
        """
        region_codes: frozenset[str] = frozenset()
        if request.region:
            gazetteer = self._gazetteer
            code = request.region
            if not code.isdigit():
                region = gazetteer.resolve(to_simplified(code))
                if region is None:
                    raise InvalidQueryError(f"region: unknown region {request.region!r}")
                code = region.code
            try:
                region_codes = frozenset(r.code for r in gazetteer.ancestors(code))
            except UnknownCodeError as e:
                raise InvalidQueryError(f"region: unknown region code {request.region!r}") from e
        return Filters(
            doc_types=frozenset(t.value for t in request.doc_types),
            region_codes=region_codes,
            issuer=to_simplified(request.issuer) if request.issuer else None,
            date_from=request.date_from.isoformat() if request.date_from else None,
            date_to=request.date_to.isoformat() if request.date_to else None,
            status=request.status.value if request.status else None,
            as_of=request.as_of.isoformat() if request.as_of else None,
        )

    def _highlight_terms(self, query: str, tokens: Sequence[str]) -> set[str]:
        terms = set(self._query_words(query))
        terms.update(tokens)
        for token in list(terms):
            terms.update(self._synonym_groups.get(self.analyzer.synonyms.get(token, token), ()))
        return {t for t in terms if len(t) >= 2 or re.match(r"[\u3400-\u9fff]", t) is None}

    def close(self) -> None:
        """Close the back-end."""
        self.index.close()


def _hit(unit: StoredUnit, score: float, terms: Iterable[str]) -> SearchHit:
    document = unit.document
    return SearchHit(
        doc_id=document.doc_id,
        source_id=document.source_id,
        title=document.title,
        article=unit.article,
        clause_id=unit.clause_id,
        score=round(score, 6),
        snippet=highlight(unit.text, terms),
        doc_type=document.doc_type,
        region_code=document.region_code,
        issuers=list(document.issuers),
        date_published=document.date_published,
        status=document.status,
        is_current=document.is_current,
        duplicate_source_ids=list(document.duplicate_source_ids),
    )


def _groups(synonyms: dict[str, str]) -> dict[str, tuple[str, ...]]:
    groups: dict[str, list[str]] = {}
    for word, canonical in synonyms.items():
        groups.setdefault(canonical, []).append(word)
    return {k: tuple(v) for k, v in groups.items()}


def _default_analyzer() -> Analyzer:
    from search.analysis import reference_words

    return Analyzer(reference_words())
