"""The one mapping from an item's text to the indicators of the 示范指标体系, lexical and semantic, with a score.

Lexical links are ``ontology.indicators.link_indicators`` (cue words of a first-level indicator, the weighted
wording of a deeper one). With an embedder (the process's one, ``Services.embedder``), every first-level
indicator is also embedded once — its name, its text, its cue words and the names and texts of the indicators
under it — and an item is linked to a first-level indicator whose cosine with the item is at least
``SEMANTIC_THRESHOLD`` and within ``SEMANTIC_MARGIN`` of the item's best one. A link's ``score`` is the larger
of its lexical score and its semantic score (the cosine, moved so that the threshold scores ``MIN_LINK_SCORE``);
links under ``MIN_LINK_SCORE`` are not returned. Without an embedder (``POLICYKG_EMBEDDER=none``) links are the
lexical ones, as before. Deeper indicators are linked lexically only: the shipped table has too few of them for
their embeddings to be told apart. The threshold and margin were chosen on the even half of
``benchmarks/data/indicators_dev`` (``benchmarks/indicator_links.py``).

Reports and coverage link through ``IndicatorLinker``; the ingest extractor of demonstrations, which has no
embedder, labels mechanisms with the lexical linker alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ontology.indicators import Indicator, IndicatorScheme, link_indicators
from practices.vectors import embed_cached
from search.embedders.base import Embedder

MIN_LINK_SCORE = 0.5
"""Links below this score are not returned (one cue word of a first-level indicator scores 0.5)."""

SEMANTIC_THRESHOLD = 0.40
"""Cosine an item needs with a first-level indicator to be linked to it semantically (tuned on the even half)."""

SEMANTIC_MARGIN = 0.0
"""A semantic link must be within this cosine of the item's best first-level indicator (0: the best one only;
tuned on the even half)."""


@dataclass(frozen=True)
class Link:
    """An item's link to an indicator: ``score`` (the larger of the two), the ``lexical`` score, the ``semantic``
    cosine (``None`` without an embedder) and the cue words or wording behind the lexical part."""

    indicator: Indicator
    score: float
    lexical: float
    semantic: float | None
    matched: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        """The JSON form: id, level, name, score, lexical, semantic, matched."""
        return {
            "id": self.indicator.id,
            "level": self.indicator.level,
            "name": self.indicator.label,
            "score": round(self.score, 3),
            "lexical": round(self.lexical, 3),
            "semantic": None if self.semantic is None else round(self.semantic, 3),
            "matched": list(self.matched),
        }


def indicator_text(indicator: Indicator, scheme: IndicatorScheme) -> str:
    """What a first-level indicator is embedded as: name, text, cue words, and the wording of those under it."""
    below = [i for i in scheme.indicators if i.level > 1 and scheme.first_level_of(i.id).id == indicator.id]
    parts = [indicator.name, indicator.text, "、".join(scheme.cues.get(indicator.name, ()))]
    parts += [f"{i.name}{i.text}" for i in below]
    return "。".join(p for p in parts if p)


def mechanism_text(node: Mapping[str, Any]) -> tuple[str, str]:
    """What a mechanism is linked by: its name and topics (lexically), and the sentence it was found in (its
    ``description``, added for the semantic link)."""
    return f"{node.get('name') or ''} {' '.join(node.get('topics') or [])}".strip(), node.get("description") or ""


@dataclass(frozen=True)
class IndicatorLinker:
    """Links texts to ``scheme``'s indicators; lexical only when ``embedder`` is ``None``."""

    scheme: IndicatorScheme
    embedder: Embedder | None = None
    threshold: float = SEMANTIC_THRESHOLD
    margin: float = SEMANTIC_MARGIN

    def cosines(self, texts: Sequence[str], contexts: Sequence[str] | None = None) -> np.ndarray:
        """The ``(len(texts), first-level indicators)`` cosines of ``texts`` (each followed by its context, when
        given), zeros without an embedder."""
        tops = self.scheme.level(1)
        if self.embedder is None or not texts or not tops:
            return np.zeros((len(texts), len(tops)), dtype=np.float32)
        indicators = embed_cached(self.embedder, [indicator_text(i, self.scheme) for i in tops])
        joined = [f"{t}\n{c}".strip() for t, c in zip(texts, contexts or [""] * len(texts), strict=True)]
        cosines: np.ndarray = embed_cached(self.embedder, joined) @ indicators.T
        return cosines

    def link(self, texts: Sequence[str], contexts: Sequence[str] | None = None) -> list[list[Link]]:
        """Each text's links (score at least ``MIN_LINK_SCORE``), best first; a text's context (a mechanism's
        sentence) is read by the semantic part only."""
        cosines = self.cosines(texts, contexts)
        tops = self.scheme.level(1)
        return [self._links(text, row, tops) for text, row in zip(texts, cosines, strict=True)]

    def semantic_hits(self, cosines: np.ndarray) -> list[bool]:
        """Which first-level indicators one text's cosines link it to: at least ``threshold`` and within
        ``margin`` of the best (none without an embedder)."""
        if self.embedder is None or not len(cosines):
            return [False] * len(cosines)
        best = float(cosines.max())
        return [float(c) >= self.threshold and float(c) >= best - self.margin for c in cosines]

    def _links(self, text: str, cosines: np.ndarray, tops: list[Indicator]) -> list[Link]:
        lexical = {link.indicator.id: link for link in link_indicators(text, self.scheme)}
        semantic = self.embedder is not None
        links: list[Link] = []
        for indicator, cosine, hit in zip(tops, (float(c) for c in cosines), self.semantic_hits(cosines), strict=True):
            found = lexical.pop(indicator.id, None)
            lexical_score = found.score if found else 0.0
            semantic_score = min(1.0, MIN_LINK_SCORE + cosine - self.threshold) if hit else 0.0
            score = max(lexical_score, semantic_score)
            if score >= MIN_LINK_SCORE:
                matched = found.matched if found else ()
                links.append(Link(indicator, score, lexical_score, cosine if semantic else None, matched))
        for found in lexical.values():  # deeper indicators: lexical only
            if found.score >= MIN_LINK_SCORE:
                links.append(Link(found.indicator, found.score, found.score, None, found.matched))
        return sorted(links, key=lambda link: (-link.score, link.indicator.level, link.indicator.id))
