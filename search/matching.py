"""Match an enterprise profile against support measures: a verdict per measure, with reasons, ranked.

``Matcher`` compiles the measures once (``search.compiled_conditions``) and answers one profile at a time:
measures outside their jurisdiction or not in force on ``as_of`` are left out; every other measure gets
``eligible`` (every condition met), ``ineligible`` (one unmet) or ``undetermined`` (none unmet, some need a
fact the profile lacks — named in ``missing_facts``). Results are ranked by verdict, then the benefit's
maximum amount, then the relevance of the clause to the profile's description (shared character bigrams).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from search.compiled_conditions import (
    OUTCOME_NAMES,
    PROFILE_ATTRIBUTE,
    UNKNOWN,
    VERDICT_NAMES,
    CompiledMeasures,
    active_on,
    compile_measures,
    in_jurisdiction,
    outcomes_for_profile,
    verdicts_from_outcomes,
)
from search.measures import ConditionSpec, MeasureSpec
from search.profile import EnterpriseProfile


@dataclass(frozen=True)
class MatchResult:
    """The verdict of one measure for one profile, with each condition's outcome."""

    measure: MeasureSpec
    verdict: str
    outcomes: tuple[str, ...]
    missing_facts: tuple[str, ...]
    relevance: float

    def to_json(self) -> dict[str, Any]:
        """The answer format of ``policykg match --json`` and ``POST /match``."""
        m = self.measure
        return {
            "doc_id": m.doc_id,
            "source_id": m.source_id,
            "clause_id": m.clause_id,
            "source_span": list(m.source_span),
            "clause_text": m.clause_text,
            "verdict": self.verdict,
            "conditions": [
                {**_condition_json(c), "outcome": outcome}
                for c, outcome in zip(m.conditions, self.outcomes, strict=True)
            ],
            "missing_facts": list(self.missing_facts),
            "benefit": m.benefit.to_json() if m.benefit else None,
            "valid_to": m.valid_to,
            "deadline": m.deadline,
            "region_code": m.region_code,
            "title": m.title,
        }


def _condition_json(condition: ConditionSpec) -> dict[str, Any]:
    out = {
        "dimension": condition.dimension,
        "operator": condition.operator,
        "value": condition.value,
        "text": condition.text,
    }
    if condition.fact:
        out["fact"] = condition.fact
    return out


def missing_fact_name(condition: ConditionSpec) -> str:
    """What a profile must add to decide a condition: the fact key, or the profile field it reads."""
    if condition.fact:
        return condition.fact
    return PROFILE_ATTRIBUTE.get(condition.dimension, f"{condition.dimension}: {condition.text}")  # type: ignore[call-overload]


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def relevance(description: str, clause_text: str) -> float:
    """Share of the description's character bigrams that occur in the clause (0 when no description)."""
    wanted = _bigrams(description)
    return len(wanted & _bigrams(clause_text)) / len(wanted) if wanted else 0.0


class Matcher:
    """Measures compiled once; ``match`` answers one profile, ``match_many`` a batch."""

    def __init__(self, measures: Sequence[MeasureSpec]) -> None:
        self.compiled: CompiledMeasures = compile_measures(measures)

    @property
    def size(self) -> int:
        """Number of measures compiled."""
        return self.compiled.size

    def verdict_codes(self, profile: EnterpriseProfile, as_of: date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(selected measure indices, their verdict codes, condition outcome codes): the array-level answer."""
        outcomes = outcomes_for_profile(self.compiled, profile, as_of)
        verdicts = verdicts_from_outcomes(self.compiled, outcomes)
        selected = np.flatnonzero(in_jurisdiction(self.compiled, profile) & active_on(self.compiled, as_of))
        return selected, verdicts[selected], outcomes

    def match(self, profile: EnterpriseProfile, *, as_of: date | None = None) -> list[MatchResult]:
        """Every measure in the profile's jurisdiction and in force on ``as_of`` (default today), ranked."""
        as_of = as_of or date.today()
        selected, verdicts, outcomes = self.verdict_codes(profile, as_of)
        compiled = self.compiled
        results: list[MatchResult] = []
        for index, verdict in zip(selected.tolist(), verdicts.tolist(), strict=True):
            measure = compiled.measures[index]
            first = int(compiled.measure_first_cond[index])
            codes = outcomes[first : first + len(measure.conditions)].tolist()
            missing = tuple(
                dict.fromkeys(
                    missing_fact_name(c) for c, code in zip(measure.conditions, codes, strict=True) if code == UNKNOWN
                )
            )
            results.append(
                MatchResult(
                    measure=measure,
                    verdict=VERDICT_NAMES[verdict],
                    outcomes=tuple(OUTCOME_NAMES[c] for c in codes),
                    missing_facts=missing,
                    relevance=relevance(profile.description, measure.clause_text),
                )
            )
        results.sort(key=_rank_key)
        return results

    def match_many(
        self, profiles: Sequence[EnterpriseProfile], *, as_of: date | None = None
    ) -> list[list[MatchResult]]:
        """``match`` for each profile of a batch."""
        return [self.match(p, as_of=as_of) for p in profiles]


def _rank_key(result: MatchResult) -> tuple[int, float, float, str]:
    amount = result.measure.benefit.max_amount_wan if result.measure.benefit else None
    return (VERDICT_NAMES.index(result.verdict), -(amount or 0.0), -result.relevance, result.measure.clause_id)
