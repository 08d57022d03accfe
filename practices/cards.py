"""Officials' queries over demonstrations and practices: designations, mechanisms, practice cards, similar ones.

All reads go through the ``GraphStore`` port (``find_nodes``, ``get_node``, ``neighbours``), so they run on
every back-end.

One fact, many sources: a designation is one graph node with a STATED_IN per document that reports it (and per
imported list naming it: ``ingest.designation_lists``, the row's line as span), listed with all of them
(``sources``). A mechanism is stored once per document that describes it; the records of one practice are merged
when read (``practice_groups``): the same name key, or one key inside the other (一意见一报告 in
一意见一报告审查意见机制), or, across documents, a long shared ending (小微企业法治体检中心 and
公共法律服务企业法治体检中心 share 企业法治体检中心: at least ``ALIAS_SUFFIX`` characters and two thirds of the
shorter key; one document naming 水运工程造价人员管理平台 and 公路工程造价人员管理平台 names two), in the same
region or one inside the other (会前学法 of 北京市 and of 通州区). A merged mechanism lists every source and its
other names.

Similar practices combine three parts, each reported with the result:

- ``semantic``: cosine of the query's and the practice's embeddings (name + description; ``Embedder`` port);
- ``topics``: Jaccard overlap of the topics (行政决策, 行政执法 …) of the query and of the practice;
- ``legal_basis``: Jaccard overlap of the normalised titles of the documents they rest on.

``score = SEMANTIC_WEIGHT·semantic + TOPIC_WEIGHT·topics + BASIS_WEIGHT·legal_basis``.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from graph.base import GraphStore
from ingest.extractors.demonstration_mechanisms import topics_of
from ingest.extractors.demonstration_text import book_titles, name_key, readable
from ontology.errors import InvalidInputError, NotFoundError
from ontology.reference import contains, load_gazetteer
from ontology.text import normalise_title, to_simplified
from practices.vectors import embed_cached
from search.embedders.base import Embedder

SEMANTIC_WEIGHT = 0.6
TOPIC_WEIGHT = 0.3
BASIS_WEIGHT = 0.1
PASSAGE_CONTEXT = 80
ALIAS_SUFFIX = 6
MIN_CONTAINED_KEY = 4


class PracticeNotFoundError(NotFoundError):
    """Exception raised when no mechanism matches the name or id asked for."""


@dataclass(frozen=True)
class SourceRef:
    """A document that states a fact, and where: its ids, title, the span and the stated text."""

    source_id: str | None
    doc_id: str
    title: str | None
    span: tuple[int, int] | None
    text: str


@dataclass(frozen=True)
class DesignationRow:
    """One naming in the demonstration programme, as officials list them, with every document reporting it."""

    kind: str
    name: str
    region: str
    region_code: str
    batch: int | None
    year: int | None
    source_id: str | None
    id: str
    source_ids: list[str] = field(default_factory=list)
    sources: list[SourceRef] = field(default_factory=list)


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
    aliases: list[str] = field(default_factory=list)
    source_ids: list[str] = field(default_factory=list)
    sources: list[SourceRef] = field(default_factory=list)


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
    """Document (and imported list) nodes by id, read once per query."""

    def __init__(self, store: GraphStore) -> None:
        self._store = store
        self._docs: dict[str, dict[str, Any] | None] = {}
        self._lists: dict[str, dict[str, Any] | None] = {}

    def get(self, doc_id: str) -> dict[str, Any] | None:
        if doc_id not in self._docs:
            self._docs[doc_id] = self._store.get_node("NormativeDocument", doc_id)
        return self._docs[doc_id]

    def source_id(self, doc_id: str) -> str | None:
        doc = self.get(doc_id)
        return doc.get("source_id") if doc else None

    def ref(self, doc_id: str, start: int | None, end: int | None) -> SourceRef:
        """The document ``doc_id`` as a source of the span ``[start, end)`` (its text, made readable)."""
        doc = self.get(doc_id) or {}
        span = (start, end) if start is not None and end is not None else None
        text = readable((doc.get("text") or "")[start:end]) if span else ""
        return SourceRef(doc.get("source_id"), doc_id, doc.get("title"), span, text)

    def list_ref(self, list_id: str, line: int | None) -> SourceRef:
        """An imported list as the source of its row at ``line`` (1-based, the header being line 1): the file name
        as source id, the line as span ``[line, line + 1)`` and the row's text."""
        if list_id not in self._lists:
            self._lists[list_id] = self._store.get_node("DesignationList", list_id)
        found = self._lists[list_id] or {}
        name = found.get("name") or list_id
        lines = (found.get("text") or "").splitlines()
        text = lines[line - 1] if line is not None and 0 < line <= len(lines) else ""
        span = (line, line + 1) if line is not None else None
        return SourceRef(name, list_id, f"导入名单 {name}", span, text)


def _sources_of_shared(store: GraphStore, label: str, sources: _Sources) -> dict[str, list[SourceRef]]:
    """For every node of a shared class, the documents that state it, in the order of their source ids."""
    found: dict[str, list[SourceRef]] = {}
    for rel in store.relationships("STATED_IN"):
        if rel.source_label == label:
            start, end = rel.props.get("span_start"), rel.props.get("span_end")
            if rel.target_label == "DesignationList":
                ref = sources.list_ref(rel.target_id, start)
            else:
                ref = sources.ref(rel.target_id, start, end)
            found.setdefault(rel.source_id, []).append(ref)
    for refs in found.values():
        refs.sort(key=lambda r: (r.source_id or r.doc_id, r.span or (0, 0)))
    return found


def list_designations(
    store: GraphStore,
    *,
    batch: int | None = None,
    year: int | None = None,
    kind: str | None = None,
    region_code: str | None = None,
) -> list[DesignationRow]:
    """Designations filtered by batch, year, kind (area|project) and region (sub-regions included).

    A naming whose document gives no batch (通州区“行政复议规范化建设”获评全国法治政府建设示范项目) is the same fact as
    the one naming of that kind, region and name that has a batch: it is listed there, as one more source.
    """
    sources = _Sources(store)
    stated = _sources_of_shared(store, "DemonstrationDesignation", sources)
    nodes = [n for n in store.find_nodes("DemonstrationDesignation") if kind is None or n.get("kind") == kind]
    batched: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for node in nodes:
        if node.get("batch") is not None:
            batched.setdefault(_naming_key(node), []).append(node)
    extra: dict[str, list[SourceRef]] = {}
    kept = []
    for node in nodes:
        same = batched.get(_naming_key(node), [])
        if node.get("batch") is None and len(same) == 1:
            extra.setdefault(same[0]["id"], []).extend(stated.get(node["id"], []))
        else:
            kept.append(node)
    rows: list[DesignationRow] = []
    for node in kept:
        if batch is not None and node.get("batch") != batch:
            continue
        if year is not None and node.get("year") != year:
            continue
        code = node.get("region_code") or ""
        if region_code is not None and not (code and contains(region_code, code)):
            continue
        refs = sorted(
            [*stated.get(node["id"], []), *extra.get(node["id"], [])],
            key=lambda r: (r.source_id or r.doc_id, r.span or (0, 0)),
        )
        source_ids = list(dict.fromkeys(r.source_id for r in refs if r.source_id))
        rows.append(
            DesignationRow(
                kind=node["kind"],
                name=node.get("name") or "",
                region=_region_name(code),
                region_code=code,
                batch=node.get("batch"),
                year=node.get("year"),
                source_id=source_ids[0] if source_ids else None,
                id=node["id"],
                source_ids=source_ids,
                sources=refs,
            )
        )
    return sorted(rows, key=lambda r: (r.batch or 0, r.kind, r.region_code, r.name))


def _naming_key(node: dict[str, Any]) -> tuple[str, str, str]:
    return (node.get("kind") or "", node.get("region_code") or "", name_key(node.get("name") or ""))


def _mechanism_row(node: dict[str, Any], sources: _Sources) -> MechanismRow:
    ref = sources.ref(node["doc_id"], node.get("span_start"), node.get("span_end"))
    return MechanismRow(
        name=node.get("name") or "",
        region=_region_name(node.get("region_code")),
        region_code=node.get("region_code"),
        description=readable(node.get("description") or ""),
        claims=list(node.get("claims") or []),
        topics=list(node.get("topics") or []),
        source_id=ref.source_id,
        id=node["id"],
        agency=node.get("agency"),
        legal_basis=list(node.get("legal_basis") or []),
        since=node.get("since"),
        source_ids=[ref.source_id] if ref.source_id else [],
        sources=[ref],
    )


def _regions_meet(a: str | None, b: str | None) -> bool:
    """The same region, one inside the other, or one unknown."""
    return not a or not b or contains(a, b) or contains(b, a)


def same_practice(a: str, b: str, *, shared_ending: bool = True) -> bool:
    """Whether two mechanism name keys name one practice: equal, one inside the other (the shorter at least
    ``MIN_CONTAINED_KEY`` characters), or (with ``shared_ending``) a shared ending of at least ``ALIAS_SUFFIX``
    characters and two thirds of the shorter key (小微企业法治体检中心 / 公共法律服务企业法治体检中心)."""
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if len(short) >= MIN_CONTAINED_KEY and short in long_:
        return True
    if not shared_ending:
        return False
    shared = 0
    while shared < len(short) and short[-1 - shared] == long_[-1 - shared]:
        shared += 1
    return shared >= ALIAS_SUFFIX and shared * 3 >= len(short) * 2


def _candidate_pairs(keys: list[str]) -> Iterator[tuple[int, int]]:
    """Index pairs that may name one practice, without comparing every pair: the same key, a key that is a
    substring of another, or the same last ``ALIAS_SUFFIX`` characters."""
    by_key: dict[str, list[int]] = {}
    by_ending: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        if key:
            by_key.setdefault(key, []).append(i)
            if len(key) >= ALIAS_SUFFIX:
                by_ending.setdefault(key[-ALIAS_SUFFIX:], []).append(i)
    for group in [*by_key.values(), *by_ending.values()]:
        yield from itertools.combinations(group, 2)
    for key, holders in by_key.items():
        inside = {key[a:b] for a in range(len(key)) for b in range(a + MIN_CONTAINED_KEY, len(key) + 1)} - {key}
        for part in inside & by_key.keys():
            yield from itertools.product(holders, by_key[part])


def practice_groups(nodes: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Mechanism records grouped into practices (see the module docstring), each group in document order."""
    parent = list(range(len(nodes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    keys = [n.get("name_norm") or name_key(n.get("name") or "") for n in nodes]
    for i, j in _candidate_pairs(keys):
        # one document naming two mechanisms that end alike names two (水运工程… and 公路工程造价人员管理平台)
        other_documents = nodes[i].get("doc_id") != nodes[j].get("doc_id")
        if _regions_meet(nodes[i].get("region_code"), nodes[j].get("region_code")) and same_practice(
            keys[i], keys[j], shared_ending=other_documents
        ):
            parent[root(i)] = root(j)
    groups: dict[int, list[dict[str, Any]]] = {}
    for i, node in enumerate(nodes):
        groups.setdefault(root(i), []).append(node)
    return [sorted(g, key=lambda n: (n.get("doc_id") or "", n.get("span_start") or 0)) for g in groups.values()]


def _representative(group: list[dict[str, Any]]) -> dict[str, Any]:
    """The record whose name the practice is listed under: the name most sources use, then the shortest."""
    uses = Counter(n.get("name_norm") or "" for n in group)
    return min(group, key=lambda n: (-uses[n.get("name_norm") or ""], len(n.get("name") or ""), n["id"]))


def _most_specific(codes: list[str]) -> str | None:
    """The region code of ``codes`` that lies inside the most others (通州区 over 北京市)."""
    if not codes:
        return None
    return max(codes, key=lambda c: (sum(contains(o, c) for o in codes), -codes.index(c)))


def _merged_row(group: list[dict[str, Any]], sources: _Sources) -> MechanismRow:
    rows = [_mechanism_row(n, sources) for n in group]
    best = next(r for r, n in zip(rows, group, strict=True) if n is _representative(group))
    code = _most_specific([r.region_code for r in rows if r.region_code])
    refs = [ref for r in rows for ref in r.sources]
    since = sorted(r.since for r in rows if r.since)
    return MechanismRow(
        name=best.name,
        region=_region_name(code),
        region_code=code,
        description=best.description or next((r.description for r in rows if r.description), ""),
        claims=list(dict.fromkeys(c for r in rows for c in r.claims)),
        topics=list(dict.fromkeys(t for r in rows for t in r.topics)),
        source_id=best.source_id,
        id=best.id,
        agency=best.agency or next((r.agency for r in rows if r.agency), None),
        legal_basis=list(dict.fromkeys(t for r in rows for t in r.legal_basis)),
        since=since[0] if since else None,
        aliases=list(dict.fromkeys(r.name for r in rows if name_key(r.name) != name_key(best.name))),
        source_ids=list(dict.fromkeys(ref.source_id for ref in refs if ref.source_id)),
        sources=refs,
    )


def list_mechanisms(
    store: GraphStore, *, topic: str | None = None, region_code: str | None = None
) -> list[MechanismRow]:
    """Mechanisms, one per practice with all its sources, filtered by topic and region (sub-regions included;
    a practice matches when any of its records does)."""
    sources = _Sources(store)
    rows = []
    for group in practice_groups(store.find_nodes("Mechanism")):
        if topic is not None and not any(topic in (n.get("topics") or []) for n in group):
            continue
        codes = [str(n["region_code"]) for n in group if n.get("region_code")]
        if region_code is not None and not any(contains(region_code, c) for c in codes):
            continue
        rows.append(_merged_row(group, sources))
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


def _group_of(store: GraphStore, node: dict[str, Any]) -> list[dict[str, Any]]:
    """The records of the practice ``node`` belongs to (itself first)."""
    for group in practice_groups(store.find_nodes("Mechanism")):
        if any(n["id"] == node["id"] for n in group):
            return [node, *(n for n in group if n["id"] != node["id"])]
    return [node]


def practice_card(store: GraphStore, name_or_id: str) -> PracticeCard:
    """The card of one practice: where, who, since when, legal basis, indicators and source passages of every
    record of it (``practice_groups``); the records other than the one asked for are listed as ``related``.

    Raises:
        PracticeNotFoundError: nothing matches.
    """
    node = find_mechanism(store, name_or_id)
    sources = _Sources(store)
    group = _group_of(store, node)
    row = _merged_row(group, sources)
    basis: list[dict[str, Any]] = []
    indicators: list[dict[str, str]] = []
    for member in group:
        for neighbour in store.neighbours(
            "Mechanism", member["id"], rel_types=["RESTS_ON", "MEASURED_BY"], direction="out"
        ):
            if neighbour.rel_type == "RESTS_ON":
                entry = {
                    "title": neighbour.props.get("title"),
                    "doc_id": neighbour.id,
                    "source_id": neighbour.props.get("source_id"),
                    "placeholder": bool(neighbour.props.get("placeholder")),
                }
                if entry not in basis:
                    basis.append(entry)
            else:
                code, name = neighbour.props.get("code"), neighbour.props.get("name")
                if code is not None and name is not None and {"code": code, "name": name} not in indicators:
                    indicators.append({"code": code, "name": name})
    passages = [_passage(n, sources) for n in group]
    return PracticeCard(
        mechanism=row,
        where=row.region,
        who=row.agency,
        since=row.since,
        legal_basis=basis
        or [{"title": t, "doc_id": None, "source_id": None, "placeholder": True} for t in row.legal_basis],
        indicators=sorted(indicators, key=lambda i: i["code"] or ""),
        sources=[p for p in passages if p is not None],
        related=[_mechanism_row(n, sources) for n in group[1:]],
    )


def _passage(node: dict[str, Any], sources: _Sources) -> SourcePassage | None:
    doc = sources.get(node["doc_id"])
    start, end = node.get("span_start"), node.get("span_end")
    if doc is None or start is None or end is None:
        return None
    text = doc.get("text") or ""
    lo = max(0, start - PASSAGE_CONTEXT)
    hi = min(len(text), end + PASSAGE_CONTEXT)
    passage = readable(text[lo:start]) + text[start:end] + readable(text[end:hi])
    return SourcePassage(node["doc_id"], doc.get("source_id"), doc.get("title"), (start, end), passage)


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
    sources = _Sources(store)
    groups = practice_groups(store.find_nodes("Mechanism"))
    try:
        own = find_mechanism(store, query)
    except PracticeNotFoundError:
        own = None
    if own is not None:
        query_text = f"{own.get('name')} {own.get('description') or ''}"
        query_topics = set(own.get("topics") or [])
        query_basis = {normalise_title(t) for t in own.get("legal_basis") or []}
        own_key = (own.get("name_norm"), own.get("region_code"))
        groups = [
            g
            for g in groups
            if not any(n["id"] == own["id"] for n in g)
            and not any((n.get("name_norm"), n.get("region_code")) == own_key for n in g)
        ]
    else:
        simplified = to_simplified(query)
        query_text = simplified
        query_topics = set(topics_of(simplified))
        query_basis = {normalise_title(title) for _, title in book_titles(simplified)}
    if not groups:
        return []
    rows = [_merged_row(g, sources) for g in groups]
    semantic = _semantic_scores(embedder, query_text, [f"{r.name} {r.description}" for r in rows])
    results: list[SimilarPractice] = []
    for row, cosine in zip(rows, semantic, strict=True):
        topics = set(row.topics)
        basis = {normalise_title(t) for t in row.legal_basis}
        topic_overlap = _jaccard(query_topics, topics)
        basis_overlap = _jaccard(query_basis, basis)
        score = SEMANTIC_WEIGHT * cosine + TOPIC_WEIGHT * topic_overlap + BASIS_WEIGHT * basis_overlap
        result = SimilarPractice(
            mechanism=row,
            score=round(score, 4),
            semantic=round(cosine, 4),
            topic_overlap=round(topic_overlap, 4),
            basis_overlap=round(basis_overlap, 4),
            shared_topics=sorted(query_topics & topics),
            shared_legal_basis=sorted(query_basis & basis),
        )
        results.append(result)
    return sorted(results, key=lambda r: (-r.score, r.mechanism.name))[:top]


def _semantic_scores(embedder: Embedder | None, query: str, texts: list[str]) -> list[float]:
    if embedder is None:
        return [0.0] * len(texts)
    query_vector = embedder.embed([query])[0]
    scores = np.clip(embed_cached(embedder, texts) @ query_vector, 0.0, 1.0) if texts else np.zeros(0)
    return [float(s) for s in scores]
