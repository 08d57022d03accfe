"""Match an enterprise profile against support measures: a verdict per measure, with reasons, ranked.

``Matcher`` compiles the measures once (``eligibility.compiled``) and answers one profile at a time:
measures outside their jurisdiction or not in force on ``as_of`` are left out; every other measure gets
``eligible`` (every condition met), ``ineligible`` (one unmet) or ``undetermined`` (none unmet, some need a
fact the profile lacks — named in ``missing_facts``). Results are ranked by verdict, then the benefit's
maximum amount, then the relevance of the clause to the profile's description (shared character bigrams),
then the clause id.

Verdicts, relevance and ranking are computed on arrays; a ``MatchResult`` holds only its measure's index and
condition outcome codes, and spells out its reasons (outcome names, missing facts, JSON) when asked.
``match_many`` judges a batch of profiles as one profiles × conditions matrix (``eligibility.profile_columns``).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from eligibility.compiled import (
    OUTCOME_NAMES,
    PROFILE_ATTRIBUTE,
    UNKNOWN,
    CompiledMeasures,
    active_on,
    compile_measures,
    in_jurisdiction,
    outcomes_for_profile,
    verdicts_from_outcomes,
)
from eligibility.facts import question_for
from eligibility.measures import merge_copies
from eligibility.profile import EnterpriseProfile
from eligibility.profile_columns import ProfileColumns
from ontology.eligibility import VERDICT_NAMES, ConditionSpec, MeasureSpec
from ontology.errors import UnknownCodeError
from ontology.reference import load_gazetteer, load_industries

# ``ConditionSpec.dimension`` is a plain string: the profile attribute each dimension reads, keyed by its value
_ATTRIBUTE_BY_DIMENSION: dict[str, str] = {dimension.value: name for dimension, name in PROFILE_ATTRIBUTE.items()}


def _condition_json(condition: ConditionSpec) -> dict[str, Any]:
    out = {
        "dimension": condition.dimension,
        "operator": condition.operator,
        "value": condition.value,
        "text": condition.text,
    }
    if condition.fact:
        out["fact"] = condition.fact
    names = value_names(condition)
    if names:
        out["value_names"] = names
    return out


def value_names(condition: ConditionSpec) -> list[str]:
    """Names of a region or industry condition's codes (北京市通州区 for 110112), for people to read."""
    codes = condition.value if isinstance(condition.value, list) else [condition.value]
    if condition.dimension == "region":
        gazetteer = load_gazetteer()
        return [gazetteer.get(str(c)).full_name if str(c) in gazetteer else str(c) for c in codes]
    if condition.dimension == "industry":
        industries = load_industries()
        names = []
        for code in codes:
            try:
                names.append(industries.get(str(code)).name)
            except UnknownCodeError:
                names.append(str(code))
        return names
    return []


def missing_fact_name(condition: ConditionSpec) -> str:
    """What a profile must add to decide a condition: the fact key, or the profile field it reads."""
    if condition.fact:
        return condition.fact
    return _ATTRIBUTE_BY_DIMENSION.get(condition.dimension, f"{condition.dimension}: {condition.text}")


@dataclass(frozen=True)
class MeasureReasons:
    """What every answer about one measure repeats, prepared once so an answer is a few dictionary copies.

    ``template`` is the answer with its per-profile keys (verdict, conditions, missing facts) still empty;
    ``conditions`` holds each condition's JSON once per outcome code; ``missing_names`` what each condition
    needs when it is unknown.
    """

    template: dict[str, Any]
    conditions: tuple[tuple[dict[str, Any], ...], ...]
    missing_names: tuple[str, ...]
    questions: dict[str, dict[str, str]]  # the question of each missing name, by name
    head_text: str  # the answer's JSON text up to the verdict's value
    condition_texts: tuple[tuple[str, ...], ...]  # each condition's JSON text per outcome code
    tail_text: str  # the JSON text after the missing facts
    answer_texts: dict[tuple[int, ...], str] = field(default_factory=dict)  # whole answers by outcome codes

    @classmethod
    def of(cls, measure: MeasureSpec) -> MeasureReasons:
        """The reasons template of ``measure``."""
        template = {
            "doc_id": measure.doc_id,
            "source_id": measure.source_id,
            "clause_id": measure.clause_id,
            "source_span": None,
            "clause_text": measure.clause_text,
            "verdict": None,
            "conditions": None,
            "missing_facts": None,
            "questions": None,
            "benefit": measure.benefit.to_json() if measure.benefit else None,
            "valid_to": measure.valid_to,
            "deadline": measure.deadline,
            "region_code": measure.region_code,
            "title": measure.title,
            "copies": [{"source_id": source_id, "clause_id": clause_id} for source_id, clause_id in measure.copies],
            "curated": measure.curated,
            "auto_grant": measure.auto_grant,
        }
        conditions = tuple(
            tuple({**_condition_json(c), "outcome": outcome} for outcome in OUTCOME_NAMES) for c in measure.conditions
        )
        answer = {**template, "source_span": list(measure.source_span)}
        keys = list(template)
        verdict_at, tail_at = keys.index("verdict"), keys.index("questions") + 1
        head_text = _dumps({k: answer[k] for k in keys[:verdict_at]})[:-1] + ', "verdict": '
        tail_text = ", " + _dumps({k: answer[k] for k in keys[tail_at:]})[1:]
        names = tuple(missing_fact_name(c) for c in measure.conditions)
        return cls(
            template,
            conditions,
            names,
            {name: question_for(name, c.text) for name, c in zip(names, measure.conditions, strict=True)},
            head_text,
            tuple(tuple(_dumps(variant) for variant in by_outcome) for by_outcome in conditions),
            tail_text,
        )


class MatchResult:
    """The verdict of one measure for one profile; outcome names, missing facts and JSON are built on demand."""

    __slots__ = ("_reasons", "codes", "measure", "relevance", "validity", "verdict")

    def __init__(
        self,
        measure: MeasureSpec,
        reasons: MeasureReasons,
        verdict: str,
        codes: Sequence[int],
        relevance: float,
        validity: str = "in_force",
    ) -> None:
        self.measure = measure
        self.verdict = verdict
        self.codes = codes  # outcome code per condition (see ``OUTCOME_NAMES``)
        self.relevance = relevance
        self.validity = validity  # in_force | expired | not_yet_valid on the day judged (see ``validity_on``)
        self._reasons = reasons

    @property
    def outcomes(self) -> tuple[str, ...]:
        """Each condition's outcome: ``met``, ``unknown`` or ``unmet``."""
        return tuple(OUTCOME_NAMES[c] for c in self.codes)

    @property
    def missing_facts(self) -> tuple[str, ...]:
        """The facts the profile lacks to decide the conditions left ``unknown`` (each named once)."""
        if UNKNOWN not in self.codes:
            return ()
        names = self._reasons.missing_names
        return tuple(dict.fromkeys(names[i] for i, c in enumerate(self.codes) if c == UNKNOWN))

    def to_json(self) -> dict[str, Any]:
        """The answer format of ``policykg match --json`` and ``POST /match`` (a fresh object every call)."""
        reasons = self._reasons
        answer = reasons.template.copy()
        answer["source_span"] = list(self.measure.source_span)
        answer["verdict"] = self.verdict
        answer["conditions"] = [by_outcome[c].copy() for by_outcome, c in zip(reasons.conditions, self.codes)]  # noqa: B905
        answer["missing_facts"] = list(self.missing_facts)
        answer["questions"] = [reasons.questions[name].copy() for name in answer["missing_facts"]]
        if answer["benefit"] is not None:
            answer["benefit"] = answer["benefit"].copy()
        answer["validity"] = self.validity
        answer["validity_text"] = VALIDITY_TEXT[self.validity]
        return answer

    def json_text(self) -> str:
        """``json.dumps(self.to_json(), ensure_ascii=False)``, assembled from text prepared per measure.

        The answer depends only on the outcome codes (the verdict is their maximum), so each measure keeps the
        text of every outcome pattern it has answered (at most 3 ** conditions, in practice a handful).
        """
        reasons = self._reasons
        codes = tuple(self.codes)
        text = reasons.answer_texts.get(codes)
        if text is None:
            conditions = ", ".join([texts[c] for texts, c in zip(reasons.condition_texts, codes)])  # noqa: B905
            missing = self.missing_facts
            questions = _dumps([reasons.questions[name] for name in missing]) if missing else "[]"
            text = reasons.answer_texts[codes] = (
                f"{reasons.head_text}{_VERDICT_TEXT[self.verdict]}, "
                f'"conditions": [{conditions}], "missing_facts": {_dumps(list(missing)) if missing else "[]"}, '
                f'"questions": {questions}{reasons.tail_text}'
            )
        return f'{text[:-1]}, "validity": "{self.validity}", "validity_text": "{VALIDITY_TEXT[self.validity]}"}}'


_VERDICT_TEXT = {name: f'"{name}"' for name in VERDICT_NAMES}
VALIDITY_TEXT = {"in_force": "有效", "expired": "已过期", "not_yet_valid": "未生效"}


def validity_on(measure: MeasureSpec, as_of: date) -> str:
    """``in_force``, ``expired`` (past its end of validity or application deadline) or ``not_yet_valid`` on
    ``as_of``."""
    day = as_of.isoformat()
    if measure.valid_from and day < measure.valid_from:
        return "not_yet_valid"
    ends = [d for d in (measure.valid_to, measure.deadline) if d]
    if ends and day > min(ends):
        return "expired"
    return "in_force"


_ENCODER = json.JSONEncoder(ensure_ascii=False)  # = json.dumps(value, ensure_ascii=False), one encoder for all


def _dumps(value: object) -> str:
    return _ENCODER.encode(value)


def answer_json(results: Sequence[MatchResult]) -> str:
    """The JSON text of a ranked answer: equal to ``json.dumps([r.to_json() for r in results], ensure_ascii=False)``
    but several times faster, since each measure's unchanging parts were serialised once."""
    return "[" + ", ".join([r.json_text() for r in results]) + "]"


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def relevance(description: str, clause_text: str) -> float:
    """Share of the description's character bigrams that occur in the clause (0 when no description)."""
    wanted = _bigrams(description)
    return len(wanted & _bigrams(clause_text)) / len(wanted) if wanted else 0.0


class BigramIndex:
    """Which measures' clause texts hold each character bigram, for ``relevance`` of every measure at once."""

    def __init__(self, clause_texts: Sequence[str]) -> None:
        postings: dict[str, list[int]] = {}
        for index, text in enumerate(clause_texts):
            for bigram in _bigrams(text):
                postings.setdefault(bigram, []).append(index)
        self.size = len(clause_texts)
        self.postings = {bigram: np.asarray(ids, dtype=np.int32) for bigram, ids in postings.items()}

    def relevance(self, description: str) -> npt.NDArray[np.float64]:
        """``relevance(description, text)`` of every clause text, as an array."""
        wanted = _bigrams(description)
        if not wanted:
            return np.zeros(self.size)
        hits = [self.postings[b] for b in wanted if b in self.postings]
        shared = np.bincount(np.concatenate(hits), minlength=self.size) if hits else np.zeros(self.size, np.int64)
        return shared / len(wanted)


class Matcher:
    """Measures compiled once; ``match`` answers one profile, ``match_many`` a batch."""

    def __init__(self, measures: Sequence[MeasureSpec]) -> None:
        self.compiled: CompiledMeasures = compile_measures(merge_copies(measures))
        self._reasons: list[MeasureReasons | None] = [None] * self.compiled.size
        self._amount = np.asarray(
            [-((m.benefit.max_amount_wan if m.benefit else None) or 0.0) for m in self.compiled.measures]
        )
        clause_ids = np.asarray([m.clause_id for m in self.compiled.measures], dtype=object)
        self._clause_rank = np.unique(clause_ids, return_inverse=True)[1] if len(clause_ids) else clause_ids

    @property
    def size(self) -> int:
        """Number of measures compiled."""
        return self.compiled.size

    def reasons(self, index: int) -> MeasureReasons:
        """The reasons template of measure ``index`` (prepared the first time a result needs it)."""
        prepared = self._reasons[index]
        if prepared is None:
            prepared = self._reasons[index] = MeasureReasons.of(self.compiled.measures[index])
        return prepared

    @cached_property
    def bigrams(self) -> BigramIndex:
        """The clause texts' bigram index (built the first time a profile has a description)."""
        return BigramIndex([m.clause_text for m in self.compiled.measures])

    def verdict_codes(
        self, profile: EnterpriseProfile, as_of: date, *, include_inactive: bool = False
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(selected measure indices, their verdict codes, condition outcome codes): the array-level answer."""
        outcomes = outcomes_for_profile(self.compiled, profile, as_of)
        verdicts = verdicts_from_outcomes(self.compiled, outcomes)
        wanted = in_jurisdiction(self.compiled, profile)
        if not include_inactive:
            wanted &= active_on(self.compiled, as_of)
        selected = np.flatnonzero(wanted)
        return selected, verdicts[selected], outcomes

    def match(
        self,
        profile: EnterpriseProfile,
        *,
        as_of: date | None = None,
        verdicts: Collection[str] | None = None,
        limit: int | None = None,
        include_inactive: bool = False,
    ) -> list[MatchResult]:
        """Every measure in the profile's jurisdiction and in force on ``as_of`` (default today), ranked.

        ``verdicts`` keeps only those verdicts; ``limit`` keeps the first ``limit`` of the ranking;
        ``include_inactive`` also answers measures expired or not yet valid on ``as_of``, each saying so
        (``validity``: 已过期 / 未生效).
        """
        as_of = as_of or date.today()
        selected, verdict_codes, outcomes = self.verdict_codes(profile, as_of, include_inactive=include_inactive)
        results = self._results(selected, verdict_codes, outcomes, profile.description, verdicts, limit)
        if include_inactive:
            for result in results:
                result.validity = validity_on(result.measure, as_of)
        return results

    def match_many(
        self,
        profiles: Sequence[EnterpriseProfile],
        *,
        as_of: date | None = None,
        verdicts: Collection[str] | None = None,
        limit: int | None = None,
    ) -> list[list[MatchResult]]:
        """``match`` for each profile of a batch, judged as one profiles × conditions matrix."""
        as_of = as_of or date.today()
        columns = ProfileColumns.from_profiles(profiles, as_of)
        answers: list[list[MatchResult]] = []
        for judged in columns.blocks(self.compiled):
            selected = columns.selected(self.compiled, judged)
            for row in range(selected.shape[0]):
                chosen = np.flatnonzero(selected[row])
                description = profiles[judged.start + row].description
                verdict_codes, outcomes = judged.verdicts[row, chosen], judged.outcomes[row]
                answers.append(self._results(chosen, verdict_codes, outcomes, description, verdicts, limit))
        return answers

    def _results(
        self,
        selected: npt.NDArray[np.intp],
        verdict_codes: npt.NDArray[np.integer[Any]],
        outcomes: npt.NDArray[np.integer[Any]],
        description: str,
        verdicts: Collection[str] | None,
        limit: int | None,
    ) -> list[MatchResult]:
        """Rank the selected measures and wrap them as results (reasons stay codes until asked for)."""
        if verdicts is not None:
            wanted = np.isin(verdict_codes, [VERDICT_NAMES.index(v) for v in verdicts])
            selected, verdict_codes = selected[wanted], verdict_codes[wanted]
        relevances = self.bigrams.relevance(description)[selected] if description else np.zeros(len(selected))
        order = np.lexsort((self._clause_rank[selected], -relevances, self._amount[selected], verdict_codes))
        if limit is not None:
            order = order[:limit]
        chosen = selected[order]
        counts = self.compiled.measure_cond_count[chosen]
        ends = np.cumsum(counts)
        starts = ends - counts
        # the outcome codes of the chosen measures' conditions, one run per measure in ranking order
        positions = np.repeat(self.compiled.measure_first_cond[chosen] - starts, counts) + np.arange(
            ends[-1] if len(ends) else 0
        )
        codes = outcomes[positions].tolist()
        measures, reasons, prepare = self.compiled.measures, self._reasons, self.reasons
        return [
            MatchResult(
                measures[index], reasons[index] or prepare(index), VERDICT_NAMES[verdict], codes[start:end], rel
            )
            for index, verdict, start, end, rel in zip(
                chosen.tolist(),
                verdict_codes[order].tolist(),
                starts.tolist(),
                ends.tolist(),
                relevances[order].tolist(),
                strict=True,
            )
        ]
