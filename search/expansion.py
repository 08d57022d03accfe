"""Query expansion on the lexical side: lay words to legal words.

A lay question rarely says what the statute says ("老板不给工资" is answered by an article on 拖欠 劳动报酬). Two
expansions turn the query's tokens into a weighted query (token → weight, the query's own tokens at 1) that the
index scores as the weighted sum of the tokens' BM25 scores (``SearchIndex.lexical_search(weights=…)``):

- a **thesaurus** mined from the corpus itself (``resources/thesaurus.tsv``, rebuilt by
  ``benchmarks/build_thesaurus.py``): statutory definitions ("本法所称劳动者，是指…": the defined term for the
  defining words) and answered questions (the legal words of the articles that answered a question for the lay
  words of that question, kept when they go together far more often than by chance). A line is
  ``word<TAB>added word<TAB>weight<TAB>source`` (``definition`` or ``question``);
- **pseudo-relevance feedback** (RM3, Lavrenko & Croft 2001; Abdul-Jaleel et al. 2004): the best units of a first
  pass are taken as relevant and the terms that weigh most in them (term frequency in each unit, weighted by the
  unit's normalised score, times the term's IDF) are added with weights below the query's own.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources

THESAURUS_FILE = "thesaurus.tsv"
THESAURUS_WEIGHT = 0.3  # weight of an added word relative to the query's own tokens (times its mined weight)
MAX_ADDED_PER_WORD = 3
PRF_UNITS = 10
PRF_TERMS = 10
PRF_WEIGHT = 0.3  # weight of the best feedback term; the others in proportion


class Thesaurus:
    """Words to add to a query for a word it holds, each with a weight in (0, 1]."""

    def __init__(self, entries: Mapping[str, Sequence[tuple[str, float]]], weight: float = THESAURUS_WEIGHT) -> None:
        self.entries = {word: tuple(added) for word, added in entries.items()}
        self.weight = weight

    @classmethod
    def parse(
        cls, lines: Iterable[str], weight: float = THESAURUS_WEIGHT, sources: Collection[str] | None = None
    ) -> Thesaurus:
        """A thesaurus from ``word<TAB>added<TAB>weight[<TAB>source]`` lines (``#`` comments and blank lines
        skipped), only those of ``sources`` when given."""
        entries: dict[str, list[tuple[str, float]]] = {}
        for line in lines:
            if not line.strip() or line.startswith("#"):
                continue
            word, added, value, *source = line.rstrip("\n").split("\t")
            if sources is None or (source and source[0] in sources):
                entries.setdefault(word, []).append((added, float(value)))
        return cls(entries, weight)

    @classmethod
    def load(cls, weight: float = THESAURUS_WEIGHT, sources: Collection[str] | None = None) -> Thesaurus:
        """The thesaurus shipped in ``search/resources`` (only the entries of ``sources`` when given)."""
        text = resources.files("search").joinpath("resources", THESAURUS_FILE).read_text(encoding="utf-8")
        return cls.parse(text.splitlines(), weight, sources)

    def added_words(self, word: str) -> frozenset[str]:
        """The words ``expand`` adds for ``word``."""
        return frozenset(added for added, _ in self.entries.get(word, ())[:MAX_ADDED_PER_WORD])

    def expand(self, weights: dict[str, float]) -> dict[str, float]:
        """``weights`` with the added words of its words (a word already there keeps the larger weight)."""
        out = dict(weights)
        for word, own in weights.items():
            for added, value in self.entries.get(word, ())[:MAX_ADDED_PER_WORD]:
                out[added] = max(out.get(added, 0.0), own * self.weight * value)
        return out


@dataclass(frozen=True)
class Feedback:
    """RM3-style pseudo-relevance feedback: ``terms`` terms from the first ``units`` units of a first pass."""

    units: int = PRF_UNITS
    terms: int = PRF_TERMS
    weight: float = PRF_WEIGHT

    def expand(
        self,
        weights: dict[str, float],
        first_pass: Sequence[tuple[Sequence[str], float]],
        document_frequencies: Callable[[Sequence[str]], tuple[Mapping[str, int], int] | None] | None = None,
    ) -> dict[str, float]:
        """``weights`` with the feedback terms of ``first_pass`` (each unit's tokens and score, best first).

        A term's relevance is Σ over the units of (score / best score) × tf / |unit|, times its IDF when the
        document frequencies are known; the best ``terms`` terms not already in the query are added, the best at
        ``weight`` and the others in proportion. ``document_frequencies`` gives the units holding each term and
        the number of units (``SearchIndex.document_frequencies``).
        """
        top = [(tokens, score) for tokens, score in first_pass[: self.units] if tokens and score > 0]
        if not top:
            return dict(weights)
        best = top[0][1]
        relevance: dict[str, float] = {}
        for tokens, score in top:
            counts = Counter(tokens)
            for term, count in counts.items():
                if term not in weights and len(term) >= 2:
                    relevance[term] = relevance.get(term, 0.0) + (score / best) * count / len(tokens)
        known = document_frequencies(list(relevance)) if document_frequencies is not None else None
        if known is not None:
            frequencies, size = known
            for term in relevance:
                df = frequencies.get(term, 0)
                relevance[term] *= math.log((size - df + 0.5) / (df + 0.5) + 1.0)
        chosen = sorted(relevance.items(), key=lambda item: -item[1])[: self.terms]  # ties: first seen
        out = dict(weights)
        if not chosen or chosen[0][1] <= 0:
            return out
        for term, value in chosen:
            out[term] = self.weight * value / chosen[0][1]
        return out
