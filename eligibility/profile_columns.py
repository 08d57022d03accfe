"""Many profiles as arrays, judged against compiled measures a block of profiles at a time.

Profiles are laid out once (for one ``as_of`` date, which fixes their ages) as a padded matrix of token ids per
profile (regions up to 全国, industry levels, scale, ownership, qualifications, text facts), a matrix of number
features (employees, revenue, age, the as-of date, number facts; NaN = unknown), which attributes are unknown
and which text facts are known. ``judge`` evaluates every condition of a ``CompiledMeasures`` for a block of
profiles as one profiles × conditions matrix; the same code serves batch matching (many measures, a block of
profiles) and reverse matching (a policy's few measures, up to millions of profiles). The outcomes equal those
of ``eligibility.compiled.outcomes_for_profile`` profile by profile.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from eligibility.compiled import (
    AGE_SLOT,
    AS_OF_SLOT,
    EMPLOYEES_SLOT,
    FACT_ATTR_CODE,
    FIRST_FACT_SLOT,
    MET,
    OWNERSHIP_ATTR_CODE,
    QUALIFICATIONS_ATTR_CODE,
    REVENUE_SLOT,
    SCALE_ATTR_CODE,
    UNKNOWN,
    UNMET,
    CompiledMeasures,
    active_on,
    as_number,
    compile_measures,
    industry_tokens,
    region_tokens,
)
from eligibility.profile import EnterpriseProfile

BoolMatrix = npt.NDArray[np.bool_]
CodeMatrix = npt.NDArray[np.int8]

# comparison of a number feature with a threshold, by operator code (see ``compiled_conditions._NUMERIC_OPS``)
_COMPARISONS = (np.greater_equal, np.less_equal, np.greater, np.less, np.equal, np.not_equal)


@dataclass(frozen=True)
class Judgement:
    """One block of profiles judged against compiled measures (rows: the block's profiles)."""

    start: int  # row of the block's first profile in the ``ProfileColumns``
    inside: BoolMatrix  # (profiles, measures): the measure's jurisdiction holds the profile's region
    verdicts: CodeMatrix  # (profiles, measures): 0 eligible, 1 undetermined, 2 ineligible
    outcomes: CodeMatrix  # (profiles, conditions): 0 met, 1 unknown, 2 unmet


@dataclass
class ProfileColumns:
    """Many profiles as arrays; ``judge`` evaluates compiled measures for a block of them at once."""

    ids: list[str]
    as_of: date
    vocabulary: dict[str, int]  # token → id (0 is padding)
    tokens: npt.NDArray[np.int32]  # (profiles, max tokens), 0-padded
    facts: dict[str, int]  # number facts → column after FIRST_FACT_SLOT
    features: npt.NDArray[np.float64]  # (profiles, FIRST_FACT_SLOT + facts)
    unknown_attrs: BoolMatrix  # (profiles, attribute codes)
    text_facts: dict[str, int]  # text-valued fact keys → column of ``text_fact_known``
    text_fact_known: BoolMatrix  # (profiles, text facts)

    @classmethod
    def from_profiles(cls, profiles: Sequence[EnterpriseProfile], as_of: date) -> ProfileColumns:
        """Lay out ``profiles`` (features such as age are computed for ``as_of``)."""
        vocabulary: dict[str, int] = {"": 0}
        facts: dict[str, int] = {}
        text_facts: dict[str, int] = {}
        rows: list[list[int]] = []
        scales, ownerships, qualifications = [], [], []
        number_facts: list[tuple[int, int, float]] = []
        text_fact_cells: list[tuple[int, int]] = []
        for row, p in enumerate(profiles):
            scale = p.effective_scale
            strings = [*region_tokens(p.region_code), *industry_tokens(p.industry_code)]
            if scale is not None:
                strings.append(f"s:{scale.value}")
            if p.ownership:
                strings.append(f"o:{p.ownership}")
            strings += [f"q:{q}" for q in p.qualifications or ()]
            for key, value in p.facts.items():
                if isinstance(value, str):
                    strings.append(f"f:{key}={value}")
                    text_fact_cells.append((row, text_facts.setdefault(key, len(text_facts))))
                else:
                    number_facts.append((row, facts.setdefault(key, len(facts)), as_number(value)))
            rows.append([vocabulary.setdefault(t, len(vocabulary)) for t in strings])
            scales.append(scale is None)
            ownerships.append(p.ownership is None)
            qualifications.append(p.qualifications is None)
        tokens = np.zeros((len(rows), max((len(r) for r in rows), default=1)), dtype=np.int32)
        for i, token_row in enumerate(rows):
            tokens[i, : len(token_row)] = token_row
        features = np.full((len(profiles), FIRST_FACT_SLOT + len(facts)), np.nan)
        features[:, EMPLOYEES_SLOT] = [np.nan if p.employees is None else p.employees for p in profiles]
        features[:, REVENUE_SLOT] = [np.nan if p.annual_revenue_wan is None else p.annual_revenue_wan for p in profiles]
        ages = [p.age_years(as_of) for p in profiles]
        features[:, AGE_SLOT] = [np.nan if a is None else a for a in ages]
        features[:, AS_OF_SLOT] = as_of.toordinal()
        if number_facts:
            r, c, v = zip(*number_facts, strict=True)
            features[np.asarray(r), FIRST_FACT_SLOT + np.asarray(c)] = v
        unknown = np.zeros((len(profiles), FACT_ATTR_CODE + 1), dtype=bool)
        unknown[:, SCALE_ATTR_CODE], unknown[:, OWNERSHIP_ATTR_CODE] = scales, ownerships
        unknown[:, QUALIFICATIONS_ATTR_CODE] = qualifications
        known = np.zeros((len(profiles), len(text_facts)), dtype=bool)
        if text_fact_cells:
            r, c = zip(*text_fact_cells, strict=True)
            known[np.asarray(r), np.asarray(c)] = True
        return cls([p.id for p in profiles], as_of, vocabulary, tokens, facts, features, unknown, text_facts, known)

    def __len__(self) -> int:
        return len(self.ids)

    def judge(self, compiled: CompiledMeasures, rows: slice | None = None, plan: JudgePlan | None = None) -> Judgement:
        """Evaluate every condition and measure of ``compiled`` for the profiles in ``rows`` (default all).

        The work is done with profiles along the last axis (one row per token, condition or measure), so each
        step is a whole-row operation; the matrices handed back are views with profiles first.
        """
        rows = rows or slice(0, len(self))
        plan = plan or self.plan(compiled)
        mapped = plan.token_map[self.tokens[rows]]
        count = mapped.shape[0]
        held = np.zeros((len(compiled.tokens) + 1, count), dtype=bool)  # the last row: tokens no measure reads
        held[mapped, np.arange(count)[:, None]] = True
        outcomes = np.empty((len(compiled.conditions), count), dtype=np.int8)
        if len(plan.set_conds):
            outcomes[plan.set_conds] = self._set_outcomes(compiled, plan, held, rows)
        features = np.concatenate([self.features[rows].T, np.full((1, count), np.nan)])
        with np.errstate(invalid="ignore"):
            for op, conds, slots in plan.number_groups:
                values = features[slots]
                met = _COMPARISONS[op](values, compiled.cond_threshold[conds][:, None])
                outcome = np.where(met, MET, UNMET).astype(np.int8)
                outcome[np.isnan(values)] = UNKNOWN
                outcomes[conds] = outcome
        verdicts = np.zeros((compiled.size, count), dtype=np.int8)
        if len(outcomes):
            verdicts[plan.conditioned] = _ragged_reduce(np.maximum, outcomes, plan.condition_layers)
        inside = held[compiled.measure_region_token]
        return Judgement(rows.start or 0, inside.T, verdicts.T, outcomes.T)

    def blocks(self, compiled: CompiledMeasures, block_rows: int | None = None) -> Iterator[Judgement]:
        """``judge`` over consecutive blocks of profiles (sized so that a block's matrices stay small)."""
        if block_rows is None:
            width = max(len(compiled.conditions) + len(compiled.pair_cond) + compiled.size, 1)
            block_rows = max(64, min(1 << 18, 16_000_000 // width))
        plan = self.plan(compiled)
        for start in range(0, len(self), block_rows):
            yield self.judge(compiled, slice(start, min(start + block_rows, len(self))), plan)

    def verdicts(self, compiled: CompiledMeasures, index: int) -> tuple[BoolMatrix, npt.NDArray[np.int8]]:
        """(inside the jurisdiction, verdict code) of measure ``index`` for every profile."""
        single = compile_measures([compiled.measures[index]])
        judged = list(self.blocks(single))
        if not judged:
            return np.zeros(0, dtype=bool), np.zeros(0, dtype=np.int8)
        inside = np.concatenate([j.inside[:, 0] for j in judged])
        return inside, np.concatenate([j.verdicts[:, 0] for j in judged])

    def selected(self, compiled: CompiledMeasures, judged: Judgement) -> BoolMatrix:
        """(profiles, measures): inside the jurisdiction and in force on this layout's ``as_of``."""
        return judged.inside & active_on(compiled, self.as_of)

    def plan(self, compiled: CompiledMeasures) -> JudgePlan:
        """How ``compiled``'s tokens, facts and features map onto these columns (prepared once per pair)."""
        token_map = np.full(len(self.vocabulary), len(compiled.tokens), dtype=np.int32)
        for token, vocabulary_id in self.vocabulary.items():
            compiled_id = compiled.tokens.get(token)
            if compiled_id is not None:
                token_map[vocabulary_id] = compiled_id
        set_conds = compiled.set_conds
        attrs = compiled.cond_unknown_attr[set_conds]
        fact_rows = np.flatnonzero(attrs == FACT_ATTR_CODE)
        fact_columns = np.asarray(
            [
                self.text_facts.get(compiled.conditions[set_conds[r]].fact or "", len(self.text_facts))
                for r in fact_rows
            ],
            dtype=np.intp,
        )
        number_conds = compiled.number_conds
        fact_names = {FIRST_FACT_SLOT + slot: name for name, slot in compiled.facts.items()}
        unknown_slot = self.features.shape[1]  # the all-NaN row ``judge`` appends
        slots = []
        for slot in compiled.cond_feature[number_conds].tolist():
            if slot >= FIRST_FACT_SLOT:
                column = self.facts.get(fact_names[slot])
                slot = unknown_slot if column is None else FIRST_FACT_SLOT + column
            slots.append(slot)
        slot_array = np.asarray(slots, dtype=np.intp)
        ops = compiled.cond_op[number_conds]
        groups = [(op, number_conds[ops == op], slot_array[ops == op]) for op in np.unique(ops).tolist()]
        pair_counts = np.diff(np.append(compiled.pair_starts, len(compiled.pair_cond)))
        conditioned = compiled.conditioned_measures
        return JudgePlan(
            token_map,
            set_conds,
            _ragged_layers(compiled.pair_token, compiled.pair_starts, pair_counts),
            attrs,
            fact_rows,
            fact_columns,
            groups,
            conditioned,
            _ragged_layers(
                np.arange(len(compiled.conditions)),
                compiled.measure_first_cond[conditioned],
                compiled.measure_cond_count[conditioned],
            ),
        )

    def _set_outcomes(self, compiled: CompiledMeasures, plan: JudgePlan, held: BoolMatrix, rows: slice) -> CodeMatrix:
        """Outcomes of the set conditions: met when a token is held (none, for ``not_in``), unknown attributes."""
        hit = _ragged_reduce(np.logical_or, held, plan.token_layers)
        outcome = np.where(hit != compiled.cond_negated[plan.set_conds][:, None], MET, UNMET).astype(np.int8)
        outcome[self.unknown_attrs[rows].T[plan.set_attrs]] = UNKNOWN
        if len(plan.fact_rows):
            count = outcome.shape[1]
            known = np.concatenate([self.text_fact_known[rows].T, np.zeros((1, count), dtype=bool)])
            block = outcome[plan.fact_rows]
            block[~known[plan.fact_columns]] = UNKNOWN
            outcome[plan.fact_rows] = block
        return outcome


@dataclass(frozen=True)
class JudgePlan:
    """The index arrays that map one ``CompiledMeasures`` onto one ``ProfileColumns``."""

    token_map: npt.NDArray[np.int32]  # vocabulary id → compiled token id (the spare row when none reads it)
    set_conds: npt.NDArray[np.intp]
    token_layers: RaggedLayers  # each set condition's tokens (compiled token ids = rows of the held matrix)
    set_attrs: npt.NDArray[np.int32]  # the attribute whose being unknown makes each set condition unknown
    fact_rows: npt.NDArray[np.intp]  # set conditions on a text fact (rows of the set outcomes)
    fact_columns: npt.NDArray[np.intp]  # their fact's column of ``text_fact_known`` (a spare one when none has it)
    number_groups: list[tuple[int, npt.NDArray[np.intp], npt.NDArray[np.intp]]]  # (operator, conditions, slots)
    conditioned: npt.NDArray[np.bool_]  # measures with at least one condition
    condition_layers: RaggedLayers  # each such measure's conditions


# A ragged list of segments (each a run of rows to combine) as layers: layer 0 holds every segment's first row,
# layer k the (segment, row) pairs of the segments longer than k — so combining takes one vectorised step per
# layer rather than one per segment (``ufunc.reduceat`` on 2-D arrays is several times slower).
RaggedLayers = list[tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]]


def _ragged_layers(
    elements: npt.NDArray[np.integer[Any]], starts: npt.NDArray[np.integer[Any]], counts: npt.NDArray[np.integer[Any]]
) -> RaggedLayers:
    """Layers of the segments ``elements[starts[i] : starts[i] + counts[i]]`` (every count at least 1)."""
    segments = np.arange(len(starts))
    layers = [(segments, elements[starts])]
    for k in range(1, int(counts.max(initial=0))):
        longer = segments[counts > k]
        layers.append((longer, elements[starts[longer] + k]))
    return layers


def _ragged_reduce(ufunc: np.ufunc, rows: npt.NDArray[Any], layers: RaggedLayers) -> npt.NDArray[Any]:
    """``ufunc`` over each segment's rows of ``rows``: one result row per segment."""
    _, first = layers[0]
    out = rows[first]
    for segments, elements in layers[1:]:
        out[segments] = ufunc(out[segments], rows[elements])
    return out
