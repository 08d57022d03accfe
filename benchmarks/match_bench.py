"""Matching benchmark: one profile vs 10,000 measures, batch matching, and one measure vs 1,000,000 profiles.

Measures and profiles are synthetic but shaped like the extracted ones: a jurisdiction (national or a real
province/prefecture/county), 1-4 conditions drawn from region, scale, industry, qualification, employees and
behaviour facts. Numbers printed, each with a baseline measured in the same run:
- one profile: the array-level verdicts (``Matcher.verdict_codes``, vs a per-measure loop), the ranked results
  (``Matcher.match``), and the full answer as ``policykg match --json`` prints it (``answer_json``, vs
  ``json.dumps`` of every result's ``to_json()``), all verdicts and eligible + undetermined only;
- a batch: profiles laid out as columns and judged as profiles × conditions matrices
  (``ProfileColumns.blocks``), vs ``verdict_codes`` profile by profile; and ``match_many`` with results;
- reverse: one measure vs 1M profiles (``ProfileColumns.verdicts``), vs the forward direction's cost.
Goals: ≤ 10 ms per profile vs 10k measures; ≥ 1,000 profiles/s; ≤ 1 s for one measure vs 1M profiles.

Usage: python benchmarks/match_bench.py [--measures 10000] [--profiles 1000] [--reverse 1000000]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eligibility.compiled import OUTCOME_NAMES
from eligibility.matching import Matcher, answer_json
from eligibility.profile import EnterpriseProfile
from eligibility.profile_columns import ProfileColumns
from ontology.eligibility import BenefitSpec, ConditionSpec, MeasureSpec
from ontology.reference import NATIONAL_CODE, load_gazetteer, load_industries

AS_OF = date(2020, 3, 1)
SCALES = [["中型", "小型", "微型"], ["小型", "微型"], ["大型"]]
QUALS = ["高新技术企业", "专精特新中小企业", "疫情防控重点保障企业（地方性名单）"]
FACTS = ["operating_difficulty", "unemployment_insured", "resumed_work"]


def synthetic_measures(count: int, rng: random.Random) -> list[MeasureSpec]:
    """Measures with realistic jurisdictions and 1-4 conditions each."""
    regions = [r.code for r in load_gazetteer().by_code.values() if r.level.value in ("province", "city", "county")]
    sections = [c for c in load_industries().by_code if c.isalpha()]
    measures = []
    for i in range(count):
        region = NATIONAL_CODE if rng.random() < 0.2 else rng.choice(regions)
        conditions = [ConditionSpec("region", "in", [region], "本市")] if region != NATIONAL_CODE else []
        for _ in range(rng.randint(1, 3)):
            kind = rng.choice(["scale", "industry", "qualification", "employees", "behaviour"])
            if kind == "scale":
                conditions.append(ConditionSpec("scale", "in", rng.choice(SCALES), "中小微企业"))
            elif kind == "industry":
                conditions.append(ConditionSpec("industry", "in", rng.sample(sections, 2), "制造业"))
            elif kind == "qualification":
                conditions.append(ConditionSpec("qualification", "has", rng.choice(QUALS), "高新技术企业"))
            elif kind == "employees":
                conditions.append(ConditionSpec("employees", "<=", float(rng.choice([30, 100, 300])), "30人以下"))
            else:
                conditions.append(ConditionSpec("behaviour", "==", True, "参保企业", rng.choice(FACTS)))
        measures.append(
            MeasureSpec(
                clause_id=f"m{i}",
                doc_id=f"d{i // 10}",
                source_id=f"d{i // 10}",
                span=(0, 10),
                source_span=(0, 10),
                clause_text="对符合条件的企业给予补贴",
                region_code=region,
                conditions=tuple(conditions),
                benefit=BenefitSpec("资金补贴", "给予补贴", float(rng.choice([0, 10, 50]))),
                valid_from="2020-02-01",
            )
        )
    return measures


def synthetic_profiles(count: int, rng: random.Random) -> list[EnterpriseProfile]:
    """Valid profiles in random counties and industry classes."""
    counties = [r.code for r in load_gazetteer().by_code.values() if r.level.value == "county"]
    classes = [i for i in load_industries().by_code.values() if i.level == 4]
    profiles = []
    for i in range(count):
        industry = rng.choice(classes)
        profiles.append(
            EnterpriseProfile(
                id=f"p{i}",
                region_code=rng.choice(counties),
                industry_code=industry.section + industry.code,
                employees=rng.randint(1, 2000),
                annual_revenue_wan=float(rng.randint(10, 100000)),
                qualifications=rng.sample(QUALS, rng.randint(0, 2)),
                facts={f: rng.random() < 0.5 for f in FACTS if rng.random() < 0.7},
            )
        )
    return profiles


def python_baseline(matcher: Matcher, profile: EnterpriseProfile) -> int:
    """The same verdicts by a plain per-condition loop (the baseline the compiled form is compared with)."""
    from eligibility.compiled import compile_measures, outcomes_for_profile

    eligible = 0
    for measure in matcher.compiled.measures:
        single = compile_measures([measure])
        codes = outcomes_for_profile(single, profile, AS_OF)
        eligible += all(OUTCOME_NAMES[c] == "met" for c in codes.tolist())
    return eligible


def timed(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    """Best wall time of ``repeat`` runs, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    """Print the benchmark numbers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measures", type=int, default=10_000)
    parser.add_argument("--profiles", type=int, default=1_000)
    parser.add_argument("--reverse", type=int, default=1_000_000)
    args = parser.parse_args()
    rng = random.Random(7)
    started = time.perf_counter()
    measures = synthetic_measures(args.measures, rng)
    matcher = Matcher(measures)
    print(
        f"compiled {matcher.size} measures ({len(matcher.compiled.conditions)} conditions) "
        f"in {time.perf_counter() - started:.2f} s"
    )
    profiles = synthetic_profiles(args.profiles, rng)
    one = profiles[0]
    first = timed(lambda: answer_json(matcher.match(one, as_of=AS_OF)), 1)  # reasons and texts not yet prepared
    arrays = timed(lambda: matcher.verdict_codes(one, AS_OF), 20)
    ranked = timed(lambda: matcher.match(one, as_of=AS_OF), 10)
    results = matcher.match(one, as_of=AS_OF)
    text = timed(lambda: answer_json(matcher.match(one, as_of=AS_OF)), 10)
    dicts = timed(lambda: json.dumps([r.to_json() for r in matcher.match(one, as_of=AS_OF)], ensure_ascii=False), 5)
    wanted = ("eligible", "undetermined")
    short = timed(lambda: answer_json(matcher.match(one, as_of=AS_OF, verdicts=wanted)), 10)
    kept = len(matcher.match(one, as_of=AS_OF, verdicts=wanted))
    baseline_count = min(500, args.measures)
    small = Matcher(measures[:baseline_count])
    baseline = timed(lambda: python_baseline(small, one), 1) * args.measures / baseline_count
    print(
        f"one profile vs {args.measures} measures: verdict arrays {arrays * 1000:.2f} ms "
        f"(per-measure baseline {baseline * 1000:.0f} ms, ×{baseline / arrays:.0f}); "
        f"ranked results {ranked * 1000:.2f} ms ({len(results)} in force in its region)"
    )
    print(
        f"  full JSON answer {text * 1000:.2f} ms (goal ≤ 10 ms; the first time, texts not yet prepared, "
        f"{first * 1000:.2f} ms; json.dumps of to_json() dicts {dicts * 1000:.2f} ms, ×{dicts / text:.1f}); "
        f"eligible + undetermined only ({kept}) {short * 1000:.2f} ms"
    )
    started = time.perf_counter()
    for profile in profiles:
        matcher.verdict_codes(profile, AS_OF)
    loop_rate = len(profiles) / (time.perf_counter() - started)
    started = time.perf_counter()
    columns = ProfileColumns.from_profiles(profiles, AS_OF)
    for _ in columns.blocks(matcher.compiled):
        pass
    matrix_rate = len(profiles) / (time.perf_counter() - started)
    started = time.perf_counter()
    matcher.match_many(profiles[:200], as_of=AS_OF, verdicts=wanted)
    many_rate = 200 / (time.perf_counter() - started)
    print(
        f"batch of {len(profiles)}: {matrix_rate:,.0f} profiles/s as profiles × conditions matrices (goal ≥ 1,000; "
        f"verdict_codes per profile {loop_rate:,.0f} profiles/s, ×{matrix_rate / loop_rate:.1f}); "
        f"match_many with eligible + undetermined results {many_rate:,.0f} profiles/s"
    )
    repeat = max(1, args.reverse // len(columns))
    columns = dataclasses.replace(
        columns,
        ids=columns.ids * repeat,
        tokens=np.tile(columns.tokens, (repeat, 1)),
        features=np.tile(columns.features, (repeat, 1)),
        unknown_attrs=np.tile(columns.unknown_attrs, (repeat, 1)),
        text_fact_known=np.tile(columns.text_fact_known, (repeat, 1)),
    )
    index = next(i for i, m in enumerate(measures) if m.region_code == NATIONAL_CODE and len(m.conditions) >= 2)
    reverse = timed(lambda: columns.verdicts(matcher.compiled, index), 3)
    inside, verdicts = columns.verdicts(matcher.compiled, index)
    per_profile = arrays / args.measures * len(columns)
    print(
        f"one measure ({len(measures[index].conditions)} conditions) vs {len(columns):,} profiles: "
        f"{reverse * 1000:.0f} ms (goal ≤ 1 s; {int(inside.sum()):,} in region, "
        f"{int(((verdicts == 0) & inside).sum()):,} eligible); "
        f"forward-direction equivalent ≈ {per_profile * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
