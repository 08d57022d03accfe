"""The reverse direction (政策找人): one measure against many profiles, column-wise.

Profiles are laid out once as arrays: a padded matrix of token ids per profile (regions up to 全国, industry
levels, scale, ownership, qualifications, text facts), a matrix of number features (employees, revenue, age,
facts; NaN = unknown) and which attributes are unknown. A measure's conditions, compiled by
``search.compiled_conditions``, are then evaluated for every profile with a handful of numpy operations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from search.compiled_conditions import (
    FACT_ATTR_CODE,
    FIRST_FACT_SLOT,
    UNKNOWN,
    CompiledMeasures,
    compare,
    condition_tokens,
    profile_features,
    profile_token_strings,
    profile_unknown_attrs,
)
from search.profile import EnterpriseProfile


@dataclass
class ProfileColumns:
    """Many profiles as arrays; ``verdicts`` judges one compiled measure for all of them."""

    ids: list[str]
    vocabulary: dict[str, int]  # token → id (0 is padding)
    tokens: npt.NDArray[np.int32]  # (profiles, max tokens), 0-padded
    facts: dict[str, int]
    features: npt.NDArray[np.float64]  # (profiles, FIRST_FACT_SLOT + facts)
    unknown_attrs: npt.NDArray[np.bool_]  # (profiles, attribute codes)

    @classmethod
    def from_profiles(cls, profiles: Sequence[EnterpriseProfile], as_of: date) -> ProfileColumns:
        """Lay out ``profiles`` (features such as age are computed for ``as_of``)."""
        vocabulary: dict[str, int] = {"": 0}
        rows = [[vocabulary.setdefault(t, len(vocabulary)) for t in profile_token_strings(p)] for p in profiles]
        width = max((len(r) for r in rows), default=1)
        tokens = np.zeros((len(rows), width), dtype=np.int32)
        for i, row in enumerate(rows):
            tokens[i, : len(row)] = row
        facts: dict[str, int] = {}
        for p in profiles:
            for key, value in p.facts.items():
                if not isinstance(value, str):
                    facts.setdefault(key, len(facts))
        features = np.stack([profile_features(p, facts, as_of) for p in profiles]) if profiles else np.zeros((0, 0))
        unknown = np.stack([profile_unknown_attrs(p) for p in profiles]) if profiles else np.zeros((0, 5), bool)
        return cls([p.id for p in profiles], vocabulary, tokens, facts, features, unknown)

    def __len__(self) -> int:
        return len(self.ids)

    def _holds_any(self, token_strings: list[str]) -> npt.NDArray[np.bool_]:
        mask = np.zeros(len(self.vocabulary), dtype=bool)
        ids = [self.vocabulary[t] for t in token_strings if t in self.vocabulary]
        mask[ids] = True
        hit: npt.NDArray[np.bool_] = mask[self.tokens].any(axis=1)
        return hit

    def verdicts(self, compiled: CompiledMeasures, index: int) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int32]]:
        """(inside the jurisdiction, verdict code) of measure ``index`` for every profile."""
        measure = compiled.measures[index]
        region_token = next(t for t, i in compiled.tokens.items() if i == compiled.measure_region_token[index])
        inside = self._holds_any([region_token])
        verdict = np.zeros(len(self), dtype=np.int32)
        first = int(compiled.measure_first_cond[index])
        for offset, condition in enumerate(measure.conditions):
            c = first + offset
            if compiled.cond_is_set[c]:
                hit = self._holds_any(condition_tokens(condition))
                outcome = np.where(hit != compiled.cond_negated[c], 0, 2).astype(np.int32)
                attr = int(compiled.cond_unknown_attr[c])
                if attr == FACT_ATTR_CODE:
                    prefix = f"f:{condition.fact}="
                    known = self._holds_any([t for t in self.vocabulary if t.startswith(prefix)])
                    outcome[~known] = UNKNOWN
                elif attr:
                    outcome[self.unknown_attrs[:, attr]] = UNKNOWN
            else:
                slot = int(compiled.cond_feature[c])
                if slot >= FIRST_FACT_SLOT:
                    name = condition.fact or ""
                    slot = FIRST_FACT_SLOT + self.facts[name] if name in self.facts else -1
                values = self.features[:, slot] if slot >= 0 else np.full(len(self), np.nan)
                outcome = compare(
                    values,
                    np.full(len(self), compiled.cond_op[c], dtype=np.int32),
                    np.full(len(self), compiled.cond_threshold[c]),
                )
            np.maximum(verdict, outcome, out=verdict)
        return inside, verdict
