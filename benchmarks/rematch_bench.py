"""Reverse matching: one new policy (one measure, three conditions) against N stored profiles.

Measures the re-match hook's matching step (``api.push.rematch.match_profiles``) and, as the baseline in the
same run, a plain Python loop that evaluates the same three conditions directly. The goal of the push issue is
one policy vs 1,000,000 profiles in ≤ 1 s; the figure printed for 1M is extrapolated linearly from N.

    python benchmarks/rematch_bench.py [N]
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the test policy lives in tests/support

from api.push.registry import StoredProfile
from api.push.rematch import match_profiles, measures_from_change
from search.profile import EnterpriseProfile
from tests.support.push_fixtures import policy_change

REGIONS = ["110112", "110105", "110108", "310101", "440305", "330106"]
SCALES = ["大型", "中型", "小型", "微型", None]


def _profiles(n: int, rng: random.Random) -> list[StoredProfile]:
    profiles = []
    for i in range(n):
        facts = {"layoffs_2019": rng.random() < 0.2} if rng.random() < 0.8 else {}
        profile = EnterpriseProfile.model_validate(
            {"id": f"p{i}", "region_code": rng.choice(REGIONS), "industry_code": "I6513",
             "scale": rng.choice(SCALES), "facts": facts}
        )  # fmt: skip
        profiles.append(StoredProfile(f"c/p{i}", "c", profile))
    return profiles


def _baseline(profiles: list[StoredProfile]) -> int:
    eligible = 0
    for stored in profiles:
        p = stored.profile
        small = p.scale in ("中型", "小型", "微型")
        if p.region_code.startswith("11") and small and p.facts.get("layoffs_2019") is False:
            eligible += 1
    return eligible


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    profiles = _profiles(n, random.Random(42))
    measures = measures_from_change(*policy_change())
    as_of = date(2026, 11, 22)

    started = time.perf_counter()
    results = list(match_profiles(measures, profiles, as_of))
    hook_s = time.perf_counter() - started
    eligible = sum(1 for _, r in results if r.verdict == "eligible")

    started = time.perf_counter()
    baseline_eligible = _baseline(profiles)
    baseline_s = time.perf_counter() - started

    assert eligible == baseline_eligible, (eligible, baseline_eligible)
    print(f"profiles: {n}, eligible: {eligible}")
    print(f"match_profiles (Matcher per profile): {hook_s:.3f} s = {n / hook_s:,.0f} profiles/s")
    print(f"baseline (hand-written Python loop):  {baseline_s:.3f} s = {n / baseline_s:,.0f} profiles/s")
    print(f"ratio match_profiles / baseline: {hook_s / baseline_s:.1f}x")
    print(f"extrapolated to 1,000,000 profiles: {hook_s * 1_000_000 / n:.1f} s (goal ≤ 1 s)")


if __name__ == "__main__":
    main()
