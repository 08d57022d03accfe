"""A small learned check of whether a clause is a support measure, beside the rules of ``measure_gate``.

Rules overfit the texts they were written from; a linear model over character n-grams and the rules' own cues
generalises further. ``clause_features`` turns a clause into sparse features (character 1–3-grams of its
Simplified text with digits folded to ``0``, and one feature per cue: each benefit type's cue, a named
beneficiary, and each of the gate's refusal reasons); a logistic model fitted by
``benchmarks/train_clause_classifier.py`` on labelled clauses (support measure or not) scores them. The weights
ship in ``ingest/resources/clause_classifier.json``; scoring needs no scikit-learn.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ingest.extractors.measure_gate import BENEFICIARY, clause_refusal
from ingest.extractors.measure_segments import BENEFIT_CUES
from ontology.text import to_simplified

RESOURCE = Path(__file__).parents[1] / "resources" / "clause_classifier.json"
_DIGITS = re.compile(r"[0-9０-９]+(\.[0-9]+)?")
_SPACE = re.compile(r"\s+")
MAX_NGRAM = 3


def clause_features(text: str) -> dict[str, float]:
    """The sparse features of one clause: ``g:<n-gram>`` counts and ``cue:<name>`` indicators."""
    norm = _SPACE.sub("", _DIGITS.sub("0", to_simplified(text)))
    features: dict[str, float] = defaultdict(float)
    for n in range(1, MAX_NGRAM + 1):
        for i in range(len(norm) - n + 1):
            features["g:" + norm[i : i + n]] += 1
    for benefit_type, pattern in BENEFIT_CUES:
        if pattern.search(norm):
            features[f"cue:benefit:{benefit_type}"] = 1
    if BENEFICIARY.search(norm):
        features["cue:beneficiary"] = 1
    reason = clause_refusal(text)
    if reason is not None:
        features[f"cue:refused:{reason}"] = 1
    features["cue:length"] = min(len(norm), 300) / 100
    return dict(features)


@dataclass(frozen=True)
class ClauseClassifier:
    """A logistic model over ``clause_features``; ``threshold`` is the probability a measure needs."""

    weights: dict[str, float]
    intercept: float
    threshold: float
    trained_on: str = ""

    def probability(self, text: str) -> float:
        """The probability that ``text`` is a support measure."""
        features = clause_features(text)
        score = self.intercept + sum(self.weights.get(name, 0.0) * value for name, value in features.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))

    def is_measure(self, text: str) -> bool:
        """Whether the model takes ``text`` for a support measure."""
        return self.probability(text) >= self.threshold

    def to_json(self) -> str:
        """The weights as the shipped resource holds them."""
        return json.dumps(
            {
                "trained_on": self.trained_on,
                "threshold": self.threshold,
                "intercept": self.intercept,
                "weights": self.weights,
            },
            ensure_ascii=False,
            indent=0,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> ClauseClassifier:
        """Read weights written by ``to_json``."""
        data = json.loads(text)
        return cls(
            weights={str(k): float(v) for k, v in data["weights"].items()},
            intercept=float(data["intercept"]),
            threshold=float(data["threshold"]),
            trained_on=str(data.get("trained_on", "")),
        )


@cache
def shipped_classifier() -> ClauseClassifier | None:
    """The shipped model, or ``None`` when the resource is absent (the rules decide alone)."""
    if not RESOURCE.exists():
        return None
    return ClauseClassifier.from_json(RESOURCE.read_text(encoding="utf-8"))
