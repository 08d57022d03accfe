"""Conditions compiled once into flat numpy arrays, evaluated for one profile or for many at a time.

Every condition becomes either
- a *set* test: its values are tokens (``r:110000``, ``i:C``, ``s:中型``, ``q:高新技术企业``, ``f:key=value``)
  and it is met when the profile holds one of them (``in``/``has``/``==``) or none (``not_in``); or
- a *number* test: a profile feature (employees, revenue, age, a fact, the as-of date) compared with a threshold.

Outcome codes: 0 met, 1 unknown, 2 unmet; a measure's verdict is the maximum over its conditions
(``ineligible`` if any is unmet, else ``undetermined`` if any is unknown, else ``eligible``). The same arrays
serve both directions: one profile against every measure (``outcomes_for_profile``) and one measure against
many profiles (``eligibility.profile_columns``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from eligibility.profile import EnterpriseProfile
from ontology.eligibility import ConditionSpec, MeasureSpec
from ontology.model import ConditionDimension as Dim
from ontology.model import ConditionOperator as Op
from ontology.reference import NATIONAL_CODE, load_gazetteer, normalise_region_code

MET, UNKNOWN, UNMET = 0, 1, 2
OUTCOME_NAMES = ("met", "unknown", "unmet")
VERDICT_NAMES = ("eligible", "undetermined", "ineligible")

SET_DIMENSIONS = {Dim.REGION, Dim.SCALE, Dim.INDUSTRY, Dim.OWNERSHIP, Dim.QUALIFICATION}
# the profile attribute a set dimension reads (for "missing facts" and for unknown values)
PROFILE_ATTRIBUTE = {
    Dim.REGION: "region_code",
    Dim.SCALE: "scale",
    Dim.INDUSTRY: "industry_code",
    Dim.OWNERSHIP: "ownership",
    Dim.QUALIFICATION: "qualifications",
    Dim.EMPLOYEES: "employees",
    Dim.REVENUE_WAN: "annual_revenue_wan",
    Dim.AGE_YEARS: "established",
}
# fixed feature slots; facts follow from FIRST_FACT_SLOT
EMPLOYEES_SLOT, REVENUE_SLOT, AGE_SLOT, AS_OF_SLOT, NO_FACT_SLOT = range(5)
FIRST_FACT_SLOT = 5
AS_OF_FACT = "as_of"

_NUMERIC_OPS = {Op.GE: 0, Op.LE: 1, Op.GT: 2, Op.LT: 3, Op.EQ: 4, Op.HAS: 4, Op.IN: 4, Op.NOT_IN: 5}

IntArray = npt.NDArray[np.int32]


def _as_list(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple | set) else [value]


def condition_tokens(condition: ConditionSpec) -> list[str]:
    """The tokens a set condition tests (empty for a number condition)."""
    dim = condition.dimension
    if dim == Dim.REGION:
        return [f"r:{normalise_region_code(str(v))}" for v in _as_list(condition.value)]
    if dim == Dim.INDUSTRY:
        return [f"i:{industry_value(str(v))}" for v in _as_list(condition.value)]
    if dim == Dim.SCALE:
        return [f"s:{v}" for v in _as_list(condition.value)]
    if dim == Dim.OWNERSHIP:
        return [f"o:{v}" for v in _as_list(condition.value)]
    if dim == Dim.QUALIFICATION:
        return [f"q:{v}" for v in _as_list(condition.value)]
    if condition.fact and _is_text_value(condition.value):
        return [f"f:{condition.fact}={v}" for v in _as_list(condition.value)]
    return []


def industry_value(code: str) -> str:
    """A condition's GB/T 4754 value as profile tokens spell it: a section letter, or the digits of a division,
    group or class (``F51`` and ``51`` alike name division 51)."""
    code = code.strip().upper()
    return code[1:] if len(code) > 1 and code[0].isalpha() and code[1:].isdigit() else code


def _is_text_value(value: object) -> bool:
    values = _as_list(value)
    return bool(values) and all(isinstance(v, str) for v in values) and not _looks_like_date(values[0])


def _looks_like_date(value: object) -> bool:
    return isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-"


def as_number(value: object) -> float:
    """A condition value or fact as a number: booleans 1/0, ISO dates as ordinals, NaN when not a number."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if _looks_like_date(value):
        return float(date.fromisoformat(str(value)).toordinal())
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")


def _date_ordinal(value: str | None, default: int) -> int:
    return date.fromisoformat(value).toordinal() if value else default


@dataclass
class CompiledMeasures:
    """Measures and their conditions as flat arrays, built once by ``compile_measures``."""

    measures: list[MeasureSpec]
    conditions: list[ConditionSpec]
    tokens: dict[str, int]
    facts: dict[str, int]
    cond_measure: IntArray  # measure index of each condition (sorted)
    cond_is_set: npt.NDArray[np.bool_]
    cond_negated: npt.NDArray[np.bool_]  # not_in
    cond_unknown_attr: IntArray  # for set conditions: which profile attribute unknown makes it unknown
    cond_feature: IntArray  # for number conditions: feature slot
    cond_op: IntArray
    cond_threshold: npt.NDArray[np.float64]
    pair_cond: IntArray  # (condition, token) pairs of the set conditions, sorted by condition
    pair_token: IntArray
    measure_region_token: IntArray
    measure_first_cond: IntArray
    measure_cond_count: IntArray
    valid_from: npt.NDArray[np.int64]
    valid_until: npt.NDArray[np.int64]

    @property
    def size(self) -> int:
        """Number of measures."""
        return len(self.measures)

    @property
    def set_conds(self) -> npt.NDArray[np.intp]:
        """Indices of the set conditions, ascending (each has at least one token pair)."""
        return np.flatnonzero(self.cond_is_set)

    @property
    def number_conds(self) -> npt.NDArray[np.intp]:
        """Indices of the number conditions, ascending."""
        return np.flatnonzero(~self.cond_is_set)

    @property
    def pair_starts(self) -> npt.NDArray[np.intp]:
        """Where each set condition's run of (condition, token) pairs starts (for ``reduceat``)."""
        return np.searchsorted(self.pair_cond, self.set_conds)

    @property
    def conditioned_measures(self) -> npt.NDArray[np.bool_]:
        """Which measures have at least one condition (the others are met by everyone)."""
        return self.measure_cond_count > 0


# which profile attribute being unknown makes a set condition unknown (0 = never unknown)
SCALE_ATTR_CODE, OWNERSHIP_ATTR_CODE, QUALIFICATIONS_ATTR_CODE, FACT_ATTR_CODE = 1, 2, 3, 4
_ATTR_CODES = {
    Dim.SCALE: SCALE_ATTR_CODE,
    Dim.OWNERSHIP: OWNERSHIP_ATTR_CODE,
    Dim.QUALIFICATION: QUALIFICATIONS_ATTR_CODE,
}


def compile_measures(measures: Sequence[MeasureSpec]) -> CompiledMeasures:
    """Flatten measures into the arrays the matcher evaluates (done once per set of measures)."""
    tokens: dict[str, int] = {}
    facts: dict[str, int] = {}
    conditions: list[ConditionSpec] = []
    cond_measure, is_set, negated, unknown_attr, feature, ops, thresholds = [], [], [], [], [], [], []
    pair_cond: list[int] = []
    pair_token: list[int] = []
    region_token: list[int] = []
    first, count = [], []
    for m_index, measure in enumerate(measures):
        region_token.append(tokens.setdefault(f"r:{normalise_region_code(measure.region_code)}", len(tokens)))
        first.append(len(conditions))
        count.append(len(measure.conditions))
        for condition in measure.conditions:
            c_index = len(conditions)
            conditions.append(condition)
            cond_measure.append(m_index)
            toks = condition_tokens(condition)
            op = Op(condition.operator) if condition.operator in Op._value2member_map_ else Op.EQ
            negated.append(op is Op.NOT_IN)
            if toks:
                is_set.append(True)
                unknown_attr.append(FACT_ATTR_CODE if condition.fact else _ATTR_CODES.get(Dim(condition.dimension), 0))
                feature.append(NO_FACT_SLOT)
                ops.append(_NUMERIC_OPS[Op.EQ])
                thresholds.append(0.0)
                if condition.fact:
                    facts.setdefault(condition.fact, len(facts))
                for tok in toks:
                    pair_cond.append(c_index)
                    pair_token.append(tokens.setdefault(tok, len(tokens)))
                continue
            is_set.append(False)
            unknown_attr.append(0)
            feature.append(_feature_slot(condition, facts))
            ops.append(_NUMERIC_OPS[op])
            value = _as_list(condition.value)[0] if condition.value is not None else None
            thresholds.append(as_number(value) if value is not None else 1.0)
    return CompiledMeasures(
        measures=list(measures),
        conditions=conditions,
        tokens=tokens,
        facts=facts,
        cond_measure=np.asarray(cond_measure, dtype=np.int32),
        cond_is_set=np.asarray(is_set, dtype=bool),
        cond_negated=np.asarray(negated, dtype=bool),
        cond_unknown_attr=np.asarray(unknown_attr, dtype=np.int32),
        cond_feature=np.asarray(feature, dtype=np.int32),
        cond_op=np.asarray(ops, dtype=np.int32),
        cond_threshold=np.asarray(thresholds, dtype=np.float64),
        pair_cond=np.asarray(pair_cond, dtype=np.int32),
        pair_token=np.asarray(pair_token, dtype=np.int32),
        measure_region_token=np.asarray(region_token, dtype=np.int32),
        measure_first_cond=np.asarray(first, dtype=np.int32),
        measure_cond_count=np.asarray(count, dtype=np.int32),
        valid_from=np.asarray([_date_ordinal(m.valid_from, 0) for m in measures], dtype=np.int64),
        valid_until=np.asarray([_valid_until(m) for m in measures], dtype=np.int64),
    )


def _valid_until(measure: MeasureSpec) -> int:
    ends = [date.fromisoformat(d).toordinal() for d in (measure.valid_to, measure.deadline) if d]
    return min(ends) if ends else date.max.toordinal()


def _feature_slot(condition: ConditionSpec, facts: dict[str, int]) -> int:
    dim = condition.dimension
    if condition.fact == AS_OF_FACT:
        return AS_OF_SLOT
    if condition.fact:
        return FIRST_FACT_SLOT + facts.setdefault(condition.fact, len(facts))
    if dim == Dim.EMPLOYEES:
        return EMPLOYEES_SLOT
    if dim == Dim.REVENUE_WAN:
        return REVENUE_SLOT
    if dim == Dim.AGE_YEARS:
        return AGE_SLOT
    return NO_FACT_SLOT


# --- the profile side ------------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def region_tokens(region_code: str) -> tuple[str, ...]:
    """The region tokens of a profile registered in ``region_code``: 全国 and the region up to its province."""
    return (f"r:{NATIONAL_CODE}", *(f"r:{region.code}" for region in load_gazetteer().ancestors(region_code)))


@lru_cache(maxsize=65536)
def industry_tokens(industry_code: str) -> tuple[str, ...]:
    """The industry tokens of a GB/T 4754 code: its section letter and each digit level (2, 3, 4)."""
    digits = industry_code[1:]
    return (f"i:{industry_code[0]}", *(f"i:{digits[:n]}" for n in (2, 3, 4) if len(digits) >= n))


def profile_token_strings(profile: EnterpriseProfile) -> list[str]:
    """Every token a profile holds: its regions up to 全国, industry levels, scale, ownership, qualifications,
    and its text-valued facts."""
    toks = [*region_tokens(profile.region_code), *industry_tokens(profile.industry_code)]
    scale = profile.effective_scale
    if scale is not None:
        toks.append(f"s:{scale.value}")
    if profile.ownership:
        toks.append(f"o:{profile.ownership}")
    toks += [f"q:{q}" for q in profile.qualifications or ()]
    toks += [f"f:{k}={v}" for k, v in profile.facts.items() if isinstance(v, str)]
    return toks


def profile_unknown_attrs(profile: EnterpriseProfile) -> npt.NDArray[np.bool_]:
    """Which attribute codes (see ``_ATTR_CODES``) are unknown for this profile (index 0 never is)."""
    return np.array(
        [
            False,
            profile.effective_scale is None,
            profile.ownership is None,
            profile.qualifications is None,
            False,
        ]
    )


def profile_features(profile: EnterpriseProfile, facts: dict[str, int], as_of: date) -> npt.NDArray[np.float64]:
    """The number features of a profile in slot order (NaN = unknown)."""
    out = np.full(FIRST_FACT_SLOT + len(facts), np.nan)
    if profile.employees is not None:
        out[EMPLOYEES_SLOT] = profile.employees
    if profile.annual_revenue_wan is not None:
        out[REVENUE_SLOT] = profile.annual_revenue_wan
    age = profile.age_years(as_of)
    if age is not None:
        out[AGE_SLOT] = age
    out[AS_OF_SLOT] = as_of.toordinal()
    for key, value in profile.facts.items():
        slot = facts.get(key)
        if slot is not None and not isinstance(value, str):
            out[FIRST_FACT_SLOT + slot] = as_number(value)
    return out


def compare(values: npt.NDArray[np.float64], ops: IntArray, thresholds: npt.NDArray[np.float64]) -> IntArray:
    """Outcome codes of ``value op threshold`` elementwise (NaN values → unknown)."""
    with np.errstate(invalid="ignore"):
        met = np.select(
            [ops == 0, ops == 1, ops == 2, ops == 3, ops == 4],
            [
                values >= thresholds,
                values <= thresholds,
                values > thresholds,
                values < thresholds,
                values == thresholds,
            ],
            default=values != thresholds,
        )
    out = np.where(met, MET, UNMET).astype(np.int32)
    out[np.isnan(values)] = UNKNOWN
    return out


def outcomes_for_profile(compiled: CompiledMeasures, profile: EnterpriseProfile, as_of: date) -> IntArray:
    """The outcome code of every compiled condition for one profile."""
    token_mask = np.zeros(len(compiled.tokens) + 1, dtype=bool)
    ids = [compiled.tokens[t] for t in profile_token_strings(profile) if t in compiled.tokens]
    token_mask[ids] = True
    n = len(compiled.conditions)
    hit = np.zeros(n, dtype=bool)
    hit[compiled.pair_cond[token_mask[compiled.pair_token]]] = True
    set_outcome = np.where(hit != compiled.cond_negated, MET, UNMET).astype(np.int32)
    unknown_attrs = profile_unknown_attrs(profile)
    set_unknown = unknown_attrs[compiled.cond_unknown_attr]
    fact_cond = compiled.cond_unknown_attr == FACT_ATTR_CODE
    if fact_cond.any():
        known_text_facts = {k for k, v in profile.facts.items() if isinstance(v, str)}
        fact_known = np.array([c.fact in known_text_facts for c in compiled.conditions], dtype=bool)
        set_unknown |= fact_cond & ~fact_known
    set_outcome[set_unknown] = UNKNOWN
    features = profile_features(profile, compiled.facts, as_of)
    number_outcome = compare(features[compiled.cond_feature], compiled.cond_op, compiled.cond_threshold)
    return np.where(compiled.cond_is_set, set_outcome, number_outcome).astype(np.int32)


def verdicts_from_outcomes(compiled: CompiledMeasures, outcomes: IntArray) -> IntArray:
    """Verdict code per measure (0 eligible, 1 undetermined, 2 ineligible) = max of its condition outcomes."""
    verdicts = np.zeros(compiled.size, dtype=np.int32)
    has = compiled.measure_cond_count > 0
    if outcomes.size:
        reduced = np.maximum.reduceat(outcomes, compiled.measure_first_cond[has])
        verdicts[has] = reduced
    return verdicts


def in_jurisdiction(compiled: CompiledMeasures, profile: EnterpriseProfile) -> npt.NDArray[np.bool_]:
    """Whether each measure's jurisdiction contains the profile's region."""
    token_mask = np.zeros(len(compiled.tokens) + 1, dtype=bool)
    ids = [compiled.tokens[t] for t in profile_token_strings(profile) if t.startswith("r:") and t in compiled.tokens]
    token_mask[ids] = True
    return token_mask[compiled.measure_region_token]


def active_on(compiled: CompiledMeasures, as_of: date) -> npt.NDArray[np.bool_]:
    """Whether each measure is in force (and still open for application) on ``as_of``."""
    day = as_of.toordinal()
    return (compiled.valid_from <= day) & (day <= compiled.valid_until)
