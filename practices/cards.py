"""Officials' queries over demonstrations and practices: designations, mechanisms, practice cards, similar ones.

All reads go through the ``GraphStore`` port (``find_nodes``, ``get_node``, ``neighbours``), so they run on
every back-end. Similar practices combine three parts, each reported with the result:

- ``semantic``: cosine of the query's and the practice's embeddings (name + description; ``Embedder`` port);
- ``topics``: Jaccard overlap of the topics (行政决策, 行政执法 …) of the query and of the practice;
- ``legal_basis``: Jaccard overlap of the normalised titles of the documents they rest on.

``score = SEMANTIC_WEIGHT·semantic + TOPIC_WEIGHT·topics + BASIS_WEIGHT·legal_basis``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from graph.base import GraphStore
from ingest.extractors.demonstration_mechanisms import topics_of
from ingest.extractors.demonstration_text import book_titles, name_key
from ontology.errors import InvalidInputError, NotFoundError
from ontology.reference import contains, load_gazetteer
from ontology.text import normalise_title, to_simplified
from search.embedders.base import Embedder

SEMANTIC_WEIGHT = 0.6
TOPIC_WEIGHT = 0.3
BASIS_WEIGHT = 0.1
PASSAGE_CONTEXT = 80


class PracticeNotFoundError(NotFoundError):
    """Exception raised when no mechanism matches the name or id asked for."""


@dataclass(frozen=True)
class DesignationRow:
    """One naming in the demonstration programme, as officials list them."""

    kind: str
    name: str
    region: str
    region_code: str
    batch: int | None
    year: int | None
    source_id: str | None
    id: str
    doc_id: str
    text: str


@dataclass(frozen=True)
class MechanismRow:
    """One mechanism as listed: what, where, claims, topics and the document it comes from."""

    name: str
    region: str
    region_code: str | None
    description: str
    claims: list[str]
    topics: list[str]
    source_id: str | None
    id: str
    agency: str | None
    legal_basis: list[str]
    since: str | None


@dataclass(frozen=True)
class SourcePassage:
    """Where a fact is stated: the document and the passage around the span."""

    doc_id: str
    source_id: str | None
    title: str | None
    span: tuple[int, int]
    passage: str


@dataclass(frozen=True)
class PracticeCard:
    """Everything the graph knows of one practice: where, who, since when, on what basis, from which texts."""

    mechanism: MechanismRow
    where: str
    who: str | None
    since: str | None
    legal_basis: list[dict[str, Any]]
    indicators: list[dict[str, str]]
    sources: list[SourcePassage] = field(default_factory=list)
    related: list[MechanismRow] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The card as plain JSON-ready data."""
        return asdict(self)


@dataclass(frozen=True)
class SimilarPractice:
    """A practice similar to the query, with its score and the parts the score is made of."""

    mechanism: MechanismRow
    score: float
    semantic: float
    topic_overlap: float
    basis_overlap: float
    shared_topics: list[str]
    shared_legal_basis: list[str]

    def to_dict(self) -> dict[str, Any]:
        """The result as plain JSON-ready data."""
        return asdict(self)


def _region_name(code: str | None) -> str:
    if not code:
        return ""
    gazetteer = load_gazetteer()
    return gazetteer.get(code).full_name if code in gazetteer else code


class _Sources:
    """Document nodes by id, read once per query."""

    def __init__(self, store: GraphStore) -> None:
        self._store = store
        self._docs: dict[str, dict[str, Any] | None] = {}

    def get(self, doc_id: str) -> dict[str, Any] | None:
        if doc_id not in self._docs:
            self._docs[doc_id] = self._store.get_node("NormativeDocument", doc_id)
        return self._docs[doc_id]

    def source_id(self, doc_id: str) -> str | None:
        doc = self.get(doc_id)
        return doc.get("source_id") if doc else None


def list_designations(
    store: GraphStore,
    *,
    batch: int | None = None,
    year: int | None = None,
    kind: str | None = None,
    region_code: str | None = None,
) -> list[DesignationRow]:
    """Designations filtered by batch, year, kind (area|project) and region (sub-regions included)."""
    sources = _Sources(store)
    rows: list[DesignationRow] = []
    for node in store.find_nodes("DemonstrationDesignation"):
        if batch is not None and node.get("batch") != batch:
            continue
        if year is not None and node.get("year") != year:
            continue
        if kind is not None and node.get("kind") != kind:
            continue
        code = node.get("region_code") or ""
        if region_code is not None and not (code and contains(region_code, code)):
            continue
        rows.append(
            DesignationRow(
                kind=node["kind"],
                name=node.get("name") or "",
                region=_region_name(code),
                region_code=code,
                batch=node.get("batch"),
                year=node.get("year"),
                source_id=sources.source_id(node["doc_id"]),
                id=node["id"],
                doc_id=node["doc_id"],
                text=node.get("text") or "",
            )
        )
    return sorted(rows, key=lambda r: (r.batch or 0, r.kind, r.region_code, r.name))


def _mechanism_row(node: dict[str, Any], sources: _Sources) -> MechanismRow:
    return MechanismRow(
        name=node.get("name") or "",
        region=_region_name(node.get("region_code")),
        region_code=node.get("region_code"),
        description=node.get("description") or "",
        claims=list(node.get("claims") or []),
        topics=list(node.get("topics") or []),
        source_id=sources.source_id(node["doc_id"]),
        id=node["id"],
        agency=node.get("agency"),
        legal_basis=list(node.get("legal_basis") or []),
        since=node.get("since"),
    )


def list_mechanisms(
    store: GraphStore, *, topic: str | None = None, region_code: str | None = None
) -> list[MechanismRow]:
    """Mechanisms filtered by topic and region (sub-regions included)."""
    sources = _Sources(store)
    rows = []
    for node in store.find_nodes("Mechanism"):
        if topic is not None and topic not in (node.get("topics") or []):
            continue
        code = node.get("region_code")
        if region_code is not None and not (code and contains(region_code, code)):
            continue
        rows.append(_mechanism_row(node, sources))
    return sorted(rows, key=lambda r: (r.region_code or "", r.name))


def find_mechanism(store: GraphStore, name_or_id: str) -> dict[str, Any]:
    """The mechanism with this id, else the one whose name matches best (same key, then containment).

    Raises:
        PracticeNotFoundError: nothing matches.
    """
    by_id = store.get_node("Mechanism", name_or_id)
    if by_id is not None:
        return by_id
    key = name_key(to_simplified(name_or_id.strip()))
    if not key:
        raise InvalidInputError("practice name is empty")
    candidates = store.find_nodes("Mechanism")
    exact = [n for n in candidates if n.get("name_norm") == key]
    if exact:
        return exact[0]
    partial = [n for n in candidates if key in (n.get("name_norm") or "") or (n.get("name_norm") or "") in key]
    partial = [n for n in partial if n.get("name_norm")]
    if partial:
        return min(partial, key=lambda n: abs(len(n["name_norm"]) - len(key)))
    raise PracticeNotFoundError(f"no practice named {name_or_id!r}")


def practice_card(store: GraphStore, name_or_id: str) -> PracticeCard:
    """The card of one practice: where, who, since when, legal basis, indicators and source passages; other
    records of the same practice in the same region (from other documents) are listed as ``related``.

    Raises:
        PracticeNotFoundError: nothing matches.
    """
    node = find_mechanism(store, name_or_id)
    sources = _Sources(store)
    row = _mechanism_row(node, sources)
    key = node.get("name_norm") or ""
    related_nodes = [
        n
        for n in store.find_nodes("Mechanism", {"region_code": node.get("region_code")})
        if n["id"] != node["id"] and key and (key in (n.get("name_norm") or "") or (n.get("name_norm") or "x") in key)
    ]
    basis: list[dict[str, Any]] = []
    indicators: list[dict[str, str]] = []
    for neighbour in store.neighbours("Mechanism", node["id"], rel_types=["RESTS_ON", "MEASURED_BY"], direction="out"):
        if neighbour.rel_type == "RESTS_ON":
            basis.append(
                {
                    "title": neighbour.props.get("title"),
                    "doc_id": neighbour.id,
                    "source_id": neighbour.props.get("source_id"),
                    "placeholder": bool(neighbour.props.get("placeholder")),
                }
            )
        else:
            code, name = neighbour.props.get("code"), neighbour.props.get("name")
            if code is not None and name is not None:
                indicators.append({"code": code, "name": name})
    passages = [_passage(n, sources) for n in [node, *related_nodes]]
    return PracticeCard(
        mechanism=row,
        where=row.region,
        who=row.agency or next((n.get("agency") for n in related_nodes if n.get("agency")), None),
        since=row.since or next((n.get("since") for n in related_nodes if n.get("since")), None),
        legal_basis=basis
        or [{"title": t, "doc_id": None, "source_id": None, "placeholder": True} for t in row.legal_basis],
        indicators=sorted(indicators, key=lambda i: i["code"] or ""),
        sources=[p for p in passages if p is not None],
        related=[_mechanism_row(n, sources) for n in related_nodes],
    )


def _passage(node: dict[str, Any], sources: _Sources) -> SourcePassage | None:
    doc = sources.get(node["doc_id"])
    start, end = node.get("span_start"), node.get("span_end")
    if doc is None or start is None or end is None:
        return None
    text = doc.get("text") or ""
    lo = max(0, start - PASSAGE_CONTEXT)
    hi = min(len(text), end + PASSAGE_CONTEXT)
    return SourcePassage(node["doc_id"], doc.get("source_id"), doc.get("title"), (start, end), text[lo:hi])


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def similar_practices(
    store: GraphStore, embedder: Embedder | None, query: str, *, top: int = 10
) -> list[SimilarPractice]:
    """Practices like a named mechanism or like a free-text problem description, best first.

    When ``query`` names a stored mechanism, its name and description, topics and legal basis are the query,
    and records of that same practice are left out; otherwise the text's own topics and 《…》 titles are used.
    Without an embedder the semantic part is 0 and topics and legal basis decide.
    """
    query = query.strip()
    if not query:
        raise InvalidInputError("query is empty")
    nodes = store.find_nodes("Mechanism")
    sources = _Sources(store)
    try:
        own = find_mechanism(store, query)
    except PracticeNotFoundError:
        own = None
    if own is not None:
        query_text = f"{own.get('name')} {own.get('description') or ''}"
        query_topics = set(own.get("topics") or [])
        query_basis = {normalise_title(t) for t in own.get("legal_basis") or []}
        own_key = (own.get("name_norm"), own.get("region_code"))
        nodes = [n for n in nodes if (n.get("name_norm"), n.get("region_code")) != own_key]
    else:
        simplified = to_simplified(query)
        query_text = simplified
        query_topics = set(topics_of(simplified))
        query_basis = {normalise_title(title) for _, title in book_titles(simplified)}
    if not nodes:
        return []
    semantic = _semantic_scores(embedder, query_text, [f"{n.get('name')} {n.get('description') or ''}" for n in nodes])
    best: dict[tuple[str, str], SimilarPractice] = {}
    for node, cosine in zip(nodes, semantic, strict=True):
        topics = set(node.get("topics") or [])
        basis = {normalise_title(t) for t in node.get("legal_basis") or []}
        topic_overlap = _jaccard(query_topics, topics)
        basis_overlap = _jaccard(query_basis, basis)
        score = SEMANTIC_WEIGHT * cosine + TOPIC_WEIGHT * topic_overlap + BASIS_WEIGHT * basis_overlap
        result = SimilarPractice(
            mechanism=_mechanism_row(node, sources),
            score=round(score, 4),
            semantic=round(cosine, 4),
            topic_overlap=round(topic_overlap, 4),
            basis_overlap=round(basis_overlap, 4),
            shared_topics=sorted(query_topics & topics),
            shared_legal_basis=sorted(query_basis & basis),
        )
        dedupe = (node.get("name_norm") or node["id"], node.get("region_code") or "")
        if dedupe not in best or best[dedupe].score < result.score:
            best[dedupe] = result
    return sorted(best.values(), key=lambda r: (-r.score, r.mechanism.name))[:top]


# mechanism texts embedded once per embedder and text (the mechanisms change only with an ingest)
_VECTORS: dict[tuple[str, str], np.ndarray] = {}
MAX_CACHED_VECTORS = 50_000


def _semantic_scores(embedder: Embedder | None, query: str, texts: list[str]) -> list[float]:
    if embedder is None:
        return [0.0] * len(texts)
    key = f"{type(embedder).__name__}:{embedder.name}:{embedder.dimension}"
    missing = list(dict.fromkeys(t for t in texts if (key, t) not in _VECTORS))
    if len(_VECTORS) + len(missing) > MAX_CACHED_VECTORS:
        _VECTORS.clear()
        missing = list(dict.fromkeys(texts))
    vectors = embedder.embed([query, *missing])
    for text, vector in zip(missing, vectors[1:], strict=True):
        _VECTORS[key, text] = vector
    matrix = np.stack([_VECTORS[key, t] for t in texts])
    scores = np.clip(matrix @ vectors[0], 0.0, 1.0)
    return [float(s) for s in scores]
