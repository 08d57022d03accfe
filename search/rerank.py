"""A learned second stage: a linear model over the first fused candidates that asks how much of the question
each candidate's own words cover.

BM25 and USE vectors each score a unit as a whole; a question that asks one detail of one document ("泰州市海陵区
政务服务大厅对办事人员有何要求？") is answered by the passage whose words cover most of it: its place, agency and
subject together. The features of a candidate unit (``FEATURES``):

- ``fused``: its fused, boosted score over the best candidate's; ``log_rank``: log(1 + its rank);
- ``lexical`` / ``vector``: its BM25 score and cosine, min-max normalised over the candidates (0 when absent);
- ``unit_terms``: the share of the query's words (a synonym counts) found in the unit's text;
- ``unit_expanded_terms``: the same share where a word the mined thesaurus adds for a query word also counts
  (``search/expansion.py``: 员工 is found in an article saying 劳动者);
- ``unit_bigrams``: the share of the query's character bigrams (``QueryTerms``) found in the unit's text;
- ``document_bigrams``: the share of bigrams found in its document's title or any of its candidates' texts;
- ``title_bigrams``: the share of bigrams found in the document's title;
- ``document_units``: the share of all the candidates that belong to its document;
- ``region_match`` / ``region_mismatch``: the query names a region and the document's region is on the same line
  of the hierarchy (it, inside it, or containing it) / on another line (山东 asked, a 山西 document); national
  documents and queries naming no region get 0 for both.

The score is ``1 / (1 + exp(-(w · f + b)))``, a linear model fitted pairwise on labelled questions by
``benchmarks/train_reranker.py`` (RankNet's logistic loss on the feature differences of a relevant and an
irrelevant candidate of one question; one weight per feature, standardisation folded in, an average candidate
scores 0.5), one model for statute articles and one for passages, shipped in ``search/resources/reranker.json``.
A model file names its features; a feature of ``FEATURES`` it does not name weighs 0 (a model fitted before the
feature existed scores as it did). It reorders the first ``RERANK_DEPTH`` candidates of a hybrid search.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ontology.reference import NATIONAL_CODE, contains
from ontology.text import to_simplified
from search.analysis import SEARCHABLE
from search.errors import SearchIndexError

FEATURES = (
    "fused",
    "log_rank",
    "lexical",
    "vector",
    "unit_terms",
    "unit_expanded_terms",
    "unit_bigrams",
    "document_bigrams",
    "title_bigrams",
    "document_units",
    "region_match",
    "region_mismatch",
)
RERANK_DEPTH = 30  # candidates the model reorders; training sees the same depth
MATCH_TEXT_CACHE = 200_000
DEFAULT_MODEL = Path(__file__).parent / "resources" / "reranker.json"


@dataclass(frozen=True)
class Candidate:
    """A fused candidate as the reranker sees it: ``title`` normalised, ``text`` as stored (``match_text``
    normalises it when a feature needs it)."""

    unit_id: str
    document_id: str
    title: str
    text: str
    fused: float
    lexical: float | None
    vector: float | None
    region_code: str | None = None
    is_article: bool = False


@dataclass(frozen=True)
class QueryTerms:
    """The query's words, each with its synonyms (any one counts as present), and their character bigrams;
    ``added``: for each word, the words a thesaurus adds for it (empty when none is given)."""

    words: tuple[frozenset[str], ...]
    bigrams: frozenset[str]
    regions: frozenset[str] = frozenset()
    added: tuple[frozenset[str], ...] = ()

    @classmethod
    def of(
        cls,
        query_norm: str,
        words: Sequence[str],
        stopwords: frozenset[str],
        synonyms_of: dict[str, frozenset[str]],
        regions: frozenset[str] = frozenset(),
        added_of: Callable[[str], frozenset[str]] | None = None,
    ) -> QueryTerms:
        """Terms of a normalised query: its words (stopwords already dropped) with their synonym groups
        (``synonyms_of``), and every pair of adjacent characters of the query that is not a stopword and holds
        no one-character stopword nor punctuation; ``regions`` are the codes of the regions it names;
        ``added_of`` gives the words a thesaurus adds for a word."""
        unique = list(dict.fromkeys(words))
        alternatives = tuple(synonyms_of.get(w, frozenset()) | {w} for w in unique)
        added = tuple(added_of(w) for w in unique) if added_of is not None else ()
        bigrams = frozenset(
            pair
            for pair in (query_norm[i : i + 2] for i in range(len(query_norm) - 1))
            if pair not in stopwords and all(SEARCHABLE.match(ch) and ch not in stopwords for ch in pair)
        )
        return cls(alternatives, bigrams, regions, added)


@lru_cache(maxsize=MATCH_TEXT_CACHE)
def match_text(text: str) -> str:
    """A text as the reranker matches it: Simplified and lower-case, like the query (remembered: the same units
    come back as candidates query after query, and converting them was most of the reranker's cost)."""
    return to_simplified(text).lower()


def _share(found: int, total: int) -> float:
    return found / total if total else 0.0


def _normalised(values: Sequence[float | None]) -> list[float]:
    """Min-max over the values present (1 when they are all equal); 0 for an absent one."""
    present = [v for v in values if v is not None]
    if not present:
        return [0.0] * len(values)
    low, high = min(present), max(present)
    spread = high - low
    return [0.0 if v is None else ((v - low) / spread if spread > 0 else 1.0) for v in values]


def _region_features(asked: frozenset[str], code: str | None) -> tuple[float, float]:
    """(match, mismatch) of a document's region against the regions a query names."""
    if not asked or not code or code == NATIONAL_CODE:
        return 0.0, 0.0
    related = any(contains(a, code) or contains(code, a) for a in asked)
    return (1.0, 0.0) if related else (0.0, 1.0)


def feature_matrix(terms: QueryTerms, candidates: Sequence[Candidate], depth: int = RERANK_DEPTH) -> np.ndarray:
    """One row of ``FEATURES`` for each of the first ``depth`` candidates (best fused first); the document
    features look at every candidate of their documents."""
    if not candidates:
        return np.zeros((0, len(FEATURES)))
    head = candidates[:depth]
    best = max(c.fused for c in candidates) or 1.0
    lexical = _normalised([c.lexical for c in candidates])
    vector = _normalised([c.vector for c in candidates])
    document_count = Counter(c.document_id for c in candidates)
    head_documents = {c.document_id for c in head}
    texts = {i: match_text(c.text) for i, c in enumerate(candidates) if c.document_id in head_documents}
    found_bigrams = {i: frozenset(b for b in terms.bigrams if b in text) for i, text in texts.items()}
    title_bigrams: dict[str, frozenset[str]] = {}
    document_bigrams: dict[str, set[str]] = {}
    for i, found in found_bigrams.items():
        document = candidates[i].document_id
        if document not in title_bigrams:
            title_bigrams[document] = frozenset(b for b in terms.bigrams if b in candidates[i].title)
            document_bigrams[document] = set(title_bigrams[document])
        document_bigrams[document] |= found
    total = len(terms.bigrams)
    expanded = tuple(a | b for a, b in zip(terms.words, terms.added, strict=True)) if terms.added else terms.words
    rows = []
    for rank, candidate in enumerate(head):
        document = candidate.document_id
        found_words = sum(any(a in texts[rank] for a in alternatives) for alternatives in terms.words)
        found_expanded = sum(any(a in texts[rank] for a in alternatives) for alternatives in expanded)
        rows.append(
            (
                candidate.fused / best,
                math.log1p(rank),
                lexical[rank],
                vector[rank],
                _share(found_words, len(terms.words)),
                _share(found_expanded, len(terms.words)),
                _share(len(found_bigrams[rank]), total),
                _share(len(document_bigrams[document]), total),
                _share(len(title_bigrams[document]), total),
                document_count[document] / len(candidates),
                *_region_features(terms.regions, candidate.region_code),
            )
        )
    return np.asarray(rows, dtype=np.float64)


@dataclass(frozen=True)
class LogisticModel:
    """``1 / (1 + exp(-(w · f + b)))`` over ``FEATURES``, with what it was trained on."""

    weights: tuple[float, ...]
    bias: float
    trained_on: str = ""

    def __post_init__(self) -> None:
        if len(self.weights) != len(FEATURES):
            raise SearchIndexError(f"reranker: {len(self.weights)} weights for {len(FEATURES)} features")

    def scores(self, features: np.ndarray) -> np.ndarray:
        """The model's score in (0, 1) for each row of ``features`` (higher ranks first)."""
        logits = features @ np.asarray(self.weights) + self.bias
        return np.asarray(1.0 / (1.0 + np.exp(-logits)))


@dataclass(frozen=True)
class LinearReranker:
    """Two logistic models: one scores statute articles (条), one passages of documents without articles; a
    question about a law and one about a policy notice are answered in different ways (a passage's relevance is
    its document's)."""

    article: LogisticModel
    passage: LogisticModel

    def rerank(self, terms: QueryTerms, candidates: Sequence[Candidate]) -> list[tuple[str, float]]:
        """``(unit_id, score)`` of every candidate, best first: the first ``RERANK_DEPTH`` reordered by the
        models' probabilities, the rest after them in their fused order (scores scaled below the lowest)."""
        head, tail = candidates[:RERANK_DEPTH], candidates[RERANK_DEPTH:]
        features = feature_matrix(terms, candidates)
        is_article = np.asarray([c.is_article for c in head], dtype=bool)
        scores = np.where(is_article, self.article.scores(features), self.passage.scores(features))
        order = sorted(range(len(head)), key=lambda i: (-scores[i], i))
        ranked = [(head[i].unit_id, float(scores[i])) for i in order]
        if tail:
            floor = float(scores.min()) / (tail[0].fused or 1.0)
            ranked += [(c.unit_id, c.fused * floor) for c in tail]
        return ranked

    @classmethod
    def load(cls, path: Path = DEFAULT_MODEL) -> LinearReranker:
        """Models written by ``save``.

        Raises:
            SearchIndexError: the file is missing, unreadable or names a feature not in ``FEATURES``.
        """
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            named = [str(f) for f in data["features"]]
            if not set(named) <= set(FEATURES) or len(set(named)) != len(named):
                raise SearchIndexError(f"reranker {path}: its features {named} are not among {list(FEATURES)}")
            models = {}
            for kind in ("article", "passage"):
                stored = data[kind]
                weight_of = dict(zip(named, (float(w) for w in stored["weights"]), strict=True))
                weights = tuple(weight_of.get(f, 0.0) for f in FEATURES)
                models[kind] = LogisticModel(weights, float(stored["bias"]), str(stored["trained_on"]))
            return cls(models["article"], models["passage"])
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise SearchIndexError(f"cannot read the reranker {path}: {e}") from e

    def save(self, path: Path) -> None:
        """Write the models as JSON."""
        data = {"features": list(FEATURES), "article": asdict(self.article), "passage": asdict(self.passage)}
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
