"""Fusion and boosts: pure functions over scored candidate lists.

Fusion is CombSUM of min-max normalised scores (Fox & Shaw, "Combination of Multiple Searches", TREC-2 1994;
normalisation as in Lee, "Analyses of Multiple Evidence Combination", SIGIR 1997):

    fused(u) = Σ_s  w_s · (x_s(u) − min_s) / (max_s − min_s)        over the lists s that contain u

with min_s / max_s the lowest / highest score in list s (a list whose scores are all equal gives 1). Unlike
reciprocal-rank fusion it keeps how far apart a retriever's candidates are: a BM25 list whose first hit stands
far above the rest is not reshuffled by a vector list of near-equal cosines.

The vector list's weight is further scaled by BM25's confidence (``confidence_scaled``):

    w_v' = w_v · (b₂ / b₁)^γ

b₁ the best BM25 score, b₂ the best BM25 score of another document. When BM25 clearly prefers one document
(b₂ ≪ b₁) the vectors may hardly move it; when it hesitates they count fully. Then each unit gets the context
of its document (``with_document_context``): ``fused(u) + λ · Σ`` of the ``n`` best fused scores of u's
document, so an article of a law many of whose articles match ranks above a lone match elsewhere.

Tuned on half of STARD train (even positions) and NCP dev with ``benchmarks/retrieval_eval.py``: vector weight
0.6, γ = 4, λ = 0.2, n = 2, the 200 best of each list (``Fusion``). Boosts then multiply the fused score: a
document whose short title the query names (劳动合同法 in "劳动合同法规定试用期多长"), current versions over
superseded ones, and a prior by document type (a question is answered first by a 法律 before the 行政法规 and
部门规章 implementing it).
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)

CONFIDENCE_EXPONENT = 4.0
DOCUMENT_CONTEXT_WEIGHT = 0.2
DOCUMENT_CONTEXT_UNITS = 2
_TITLE_NOISE = re.compile(r"中华人民共和国|[（(][^）)]*[）)]|\s+")
MIN_SHORT_TITLE = 3
CANDIDATES = 200


@dataclass(frozen=True)
class Fusion:
    """How the two lists are fused: how many of each retriever's best units enter (``lexical_depth``,
    ``vector_depth``; a unit other than a statute article only from the first ``passage_depth_share`` of that
    depth: a statute has hundreds of short articles, a policy tens of passages), the confidence exponent γ and
    the document context's λ and n (module docstring)."""

    lexical_depth: int = CANDIDATES
    vector_depth: int = CANDIDATES
    passage_depth_share: float = 1.0
    confidence_exponent: float = CONFIDENCE_EXPONENT
    context_weight: float = DOCUMENT_CONTEXT_WEIGHT
    context_units: int = DOCUMENT_CONTEXT_UNITS


@dataclass(frozen=True)
class ScoredList(Generic[Key]):
    """One retriever's candidates, best first, with their raw scores and the weight the list carries."""

    keys: Sequence[Key]
    scores: Sequence[float]
    weight: float


def within_depth(
    ranked: Sequence[tuple[Key, float]], is_article: Mapping[Key, bool], depth: int, passage_depth: int
) -> list[tuple[Key, float]]:
    """The entries of a retriever's list (best first) ranked above their kind's depth: a statute article's
    ``depth``, any other unit's ``passage_depth`` (a key ``is_article`` lacks counts as another unit)."""
    return [
        entry
        for position, entry in enumerate(ranked)
        if position < (depth if is_article.get(entry[0], False) else passage_depth)
    ]


def min_max_combsum(lists: Iterable[ScoredList[Key]]) -> dict[Key, float]:
    """CombSUM of min-max normalised scores: ``Σ w_s · (x − min_s) / (max_s − min_s)`` per key (1 when a list's
    scores are all equal); a key missing from a list gets nothing from it."""
    fused: dict[Key, float] = {}
    for scored in lists:
        if scored.weight <= 0 or not scored.keys:
            continue
        low, high = min(scored.scores), max(scored.scores)
        spread = high - low
        for key, score in zip(scored.keys, scored.scores, strict=True):
            normalised = (score - low) / spread if spread > 0 else 1.0
            fused[key] = fused.get(key, 0.0) + scored.weight * normalised
    return fused


def confidence_scaled(
    weight: float,
    lexical: Sequence[tuple[Key, float]],
    document_of: Mapping[Key, str],
    *,
    exponent: float = CONFIDENCE_EXPONENT,
) -> float:
    """``weight · (b₂ / b₁)^exponent``: b₁ the best lexical score, b₂ the best score of a unit of another
    document (0 when there is none). ``weight`` unchanged when the lexical list is empty or scores nothing."""
    if not lexical or lexical[0][1] <= 0:
        return weight
    first_key, best = lexical[0]
    first_document = document_of.get(first_key)
    runner_up = next((s for k, s in lexical[1:] if document_of.get(k) != first_document), 0.0)
    return weight * float((max(runner_up, 0.0) / best) ** exponent)


def with_document_context(
    scores: Mapping[Key, float],
    document_of: Mapping[Key, str],
    *,
    weight: float = DOCUMENT_CONTEXT_WEIGHT,
    units: int = DOCUMENT_CONTEXT_UNITS,
) -> dict[Key, float]:
    """``score(u) + weight · Σ`` of the ``units`` best scores among the keys of u's document (u's own included);
    keys without a document keep their score."""
    best: dict[str, list[float]] = {}
    for key, score in sorted(scores.items(), key=lambda item: -item[1]):
        document = document_of.get(key)
        if document is not None:
            top = best.setdefault(document, [])
            if len(top) < units:
                top.append(score)
    context = {document: sum(top) for document, top in best.items()}
    return {
        key: score + weight * context[document_of[key]] if key in document_of else score
        for key, score in scores.items()
    }


def short_title(title: str) -> str:
    """A title as people quote it: without 中华人民共和国, bracketed parts and spaces (劳动合同法)."""
    return _TITLE_NOISE.sub("", title)


def title_named_in(query_norm: str, title_norm: str) -> bool:
    """True when the normalised query contains the document's short title (at least 3 characters)."""
    name = short_title(title_norm)
    return len(name) >= MIN_SHORT_TITLE and name in query_norm


def boosted(
    fused: Mapping[Key, float],
    *,
    title_named: Mapping[Key, bool],
    is_current: Mapping[Key, bool | None],
    title_boost: float,
    superseded_factor: float,
    prior: Mapping[Key, float] | None = None,
) -> dict[Key, float]:
    """Fused scores times ``1 + title_boost`` when the query names the title, times ``superseded_factor`` for
    versions known to be superseded (``is_current`` False; unknown counts as current), times a per-key prior
    (the document type's weight; 1 when absent)."""
    out: dict[Key, float] = {}
    for key, score in fused.items():
        factor = 1.0 + title_boost if title_named.get(key) else 1.0
        if is_current.get(key) is False:
            factor *= superseded_factor
        if prior is not None:
            factor *= prior.get(key, 1.0)
        out[key] = score * factor
    return out


def top_keys(scores: Mapping[Key, float], limit: int) -> list[tuple[Key, float]]:
    """The ``limit`` best (key, score) pairs, best first; ties keep insertion order."""
    return sorted(scores.items(), key=lambda item: -item[1])[:limit]
