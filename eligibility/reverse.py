"""Reverse matching (政策找人): many profiles judged against a few measures at once, as columns.

The callers pass the profiles in (the push package reads a consumer's stored ones); nothing here reads them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

import numpy as np
import numpy.typing as npt

from eligibility.matching import Matcher, MatchResult
from eligibility.profile import EnterpriseProfile
from eligibility.profile_columns import ProfileColumns
from ontology.eligibility import MeasureSpec, Verdict


class OwnedProfile(Protocol):
    """A profile with the ids of the node that holds it and of the consumer who owns it."""

    @property
    def node_id(self) -> str: ...

    @property
    def consumer_id(self) -> str: ...

    @property
    def profile(self) -> EnterpriseProfile: ...


@dataclass
class ProfileSet:
    """Profiles laid out as columns once (per ingest run, per request), with whose each row is.

    Only the columns and the few strings an event names are kept, not the profile objects.
    """

    node_ids: list[str]
    consumer_ids: list[str]
    names: list[str]
    columns: ProfileColumns

    @classmethod
    def of(cls, profiles: Sequence[OwnedProfile], as_of: date) -> ProfileSet:
        """Lay out ``profiles`` for judging as of ``as_of``."""
        return cls(
            [s.node_id for s in profiles],
            [s.consumer_id for s in profiles],
            [s.profile.name for s in profiles],
            ProfileColumns.from_profiles([s.profile for s in profiles], as_of),
        )

    def profile_id(self, row: int) -> str:
        """The consumer's id of the profile in ``row``."""
        return self.columns.ids[row]


def match_profiles(
    measures: Sequence[MeasureSpec], profiles: ProfileSet, *, at_least: Verdict = Verdict.INELIGIBLE
) -> Iterator[tuple[int, MatchResult]]:
    """(profile row, result) of every measure in force and in the profile's jurisdiction, with a verdict of at
    least ``at_least``: all profiles judged at once per block (``ProfileColumns.judge``).

    Profiles with the same outcome on every condition of a measure share one ``MatchResult`` (its reasons, JSON
    and fingerprint are the same), so per-result work is done once per distinct outcome pattern.
    """
    if not measures or not len(profiles.columns):
        return
    matcher = Matcher(measures)
    compiled = matcher.compiled
    worst = at_least.code
    shared: dict[tuple[int, tuple[int, ...]], MatchResult] = {}
    for judged in profiles.columns.blocks(compiled):
        chosen = profiles.columns.selected(compiled, judged) & (judged.verdicts <= worst)
        for index in np.flatnonzero(chosen.any(axis=0)).tolist():
            rows = np.flatnonzero(chosen[:, index])
            first = int(compiled.measure_first_cond[index])
            codes = judged.outcomes[rows, first : first + int(compiled.measure_cond_count[index])]
            patterns, which = _outcome_patterns(codes)
            results = []
            for pattern in patterns:
                key = (index, tuple(pattern))
                if key not in shared:
                    verdict = Verdict.of_code(max(pattern, default=0)).value
                    shared[key] = MatchResult(compiled.measures[index], matcher.reasons(index), verdict, pattern, 0.0)
                results.append(shared[key])
            for row, pattern_index in zip((rows + judged.start).tolist(), which.tolist(), strict=True):
                yield row, results[pattern_index]


def _outcome_patterns(codes: npt.NDArray[np.int8]) -> tuple[list[list[int]], npt.NDArray[np.intp]]:
    """The distinct rows of ``codes`` (outcome codes 0-2, profiles × a measure's conditions) and which each row is.

    Rows are read as base-3 numbers when they fit in 64 bits (``np.unique`` on whole rows is ~20× slower).
    """
    if codes.shape[1] > 39:
        patterns, which = np.unique(codes, axis=0, return_inverse=True)
        return patterns.tolist(), which.ravel()
    keys = codes.astype(np.int64) @ (3 ** np.arange(codes.shape[1], dtype=np.int64))
    _, first_rows, which = np.unique(keys, return_index=True, return_inverse=True)
    return codes[first_rows].tolist(), which
