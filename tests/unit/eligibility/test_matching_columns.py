"""The array paths (ranking on arrays, profiles × conditions matrices, reverse matching) agree with the
per-profile evaluation on varied measures and profiles: missing facts, out-of-region, a 个体工商户 as 微型,
qualifications unknown vs none, text and number facts, validity windows, descriptions."""

from __future__ import annotations

import copy
import json
import random
from datetime import date

import numpy as np
import pytest

from eligibility.compiled import (
    OUTCOME_NAMES,
    UNKNOWN,
    active_on,
    in_jurisdiction,
    outcomes_for_profile,
    verdicts_from_outcomes,
)
from eligibility.matching import Matcher, MatchResult, answer_json, missing_fact_name, relevance
from eligibility.profile import EnterpriseProfile
from eligibility.profile_columns import ProfileColumns
from ontology.eligibility import VERDICT_NAMES, BenefitSpec, ConditionSpec, MeasureSpec
from tests.support.matching_cases import varied_measures, varied_profiles

AS_OF = date(2020, 3, 1)


@pytest.fixture(scope="module")
def case() -> tuple[Matcher, list[EnterpriseProfile]]:
    rng = random.Random(20201122)
    return Matcher(varied_measures(300, rng)), varied_profiles(150, rng)


def _reference_match(matcher: Matcher, profile: EnterpriseProfile, as_of: date) -> list[tuple[object, ...]]:
    """The per-profile answer computed one measure at a time in Python (ranking by a sort on tuples)."""
    compiled = matcher.compiled
    outcomes = outcomes_for_profile(compiled, profile, as_of).tolist()
    verdicts = verdicts_from_outcomes(compiled, np.asarray(outcomes, dtype=np.int32)).tolist()
    chosen = in_jurisdiction(compiled, profile) & active_on(compiled, as_of)
    rows = []
    for index in np.flatnonzero(chosen).tolist():
        measure = compiled.measures[index]
        first = int(compiled.measure_first_cond[index])
        codes = outcomes[first : first + len(measure.conditions)]
        missing = tuple(
            dict.fromkeys(missing_fact_name(c) for c, o in zip(measure.conditions, codes, strict=True) if o == UNKNOWN)
        )
        amount = measure.benefit.max_amount_wan if measure.benefit else None
        rel = relevance(profile.description, measure.clause_text)
        key = (verdicts[index], -(amount or 0.0), -rel, measure.clause_id)
        rows.append(
            (key, measure.clause_id, VERDICT_NAMES[verdicts[index]], tuple(OUTCOME_NAMES[o] for o in codes), missing)
        )
    rows.sort(key=lambda row: row[0])
    return [row[1:] for row in rows]


def _summary(results: list[MatchResult]) -> list[tuple[object, ...]]:
    return [(r.measure.clause_id, r.verdict, r.outcomes, r.missing_facts) for r in results]


def test_the_profiles_cover_the_cases_that_matter(case: tuple[Matcher, list[EnterpriseProfile]]) -> None:
    matcher, profiles = case
    sole_proprietors = [p for p in profiles if p.scale is None and p.effective_scale is not None]
    unknown_scale = [p for p in profiles if p.effective_scale is None]
    assert sole_proprietors and unknown_scale
    assert any(p.qualifications is None for p in profiles) and any(p.qualifications == [] for p in profiles)
    answers = [matcher.match(p, as_of=AS_OF) for p in profiles]
    verdicts = {r.verdict for answer in answers for r in answer}
    assert verdicts == {"eligible", "undetermined", "ineligible"}
    assert any(len(answer) < matcher.size for answer in answers)  # out-of-region and expired measures left out


@pytest.mark.parametrize("as_of", [AS_OF, date(2020, 5, 1)])
def test_match_ranks_and_explains_like_the_per_measure_reference(
    case: tuple[Matcher, list[EnterpriseProfile]], as_of: date
) -> None:
    matcher, profiles = case
    for profile in profiles:
        assert _summary(matcher.match(profile, as_of=as_of)) == _reference_match(matcher, profile, as_of)


def test_verdict_filter_and_limit_keep_the_ranking(case: tuple[Matcher, list[EnterpriseProfile]]) -> None:
    matcher, profiles = case
    for profile in profiles[:40]:
        full = _summary(matcher.match(profile, as_of=AS_OF))
        kept = _summary(matcher.match(profile, as_of=AS_OF, verdicts=("eligible", "undetermined")))
        assert kept == [row for row in full if row[1] != "ineligible"]
        assert _summary(matcher.match(profile, as_of=AS_OF, limit=5)) == full[:5]


def test_matrix_outcomes_equal_per_profile_outcomes(case: tuple[Matcher, list[EnterpriseProfile]]) -> None:
    matcher, profiles = case
    columns = ProfileColumns.from_profiles(profiles, AS_OF)
    rows = 0
    for judged in columns.blocks(matcher.compiled, block_rows=16):
        for offset in range(judged.outcomes.shape[0]):
            profile = profiles[judged.start + offset]
            outcomes = outcomes_for_profile(matcher.compiled, profile, AS_OF)
            assert judged.outcomes[offset].tolist() == outcomes.tolist()
            assert judged.verdicts[offset].tolist() == verdicts_from_outcomes(matcher.compiled, outcomes).tolist()
            assert judged.inside[offset].tolist() == in_jurisdiction(matcher.compiled, profile).tolist()
            rows += 1
    assert rows == len(profiles)


def test_match_many_answers_like_match(case: tuple[Matcher, list[EnterpriseProfile]]) -> None:
    matcher, profiles = case
    batch = matcher.match_many(profiles, as_of=AS_OF)
    for profile, answer in zip(profiles, batch, strict=True):
        one = matcher.match(profile, as_of=AS_OF)
        assert [r.to_json() for r in answer] == [r.to_json() for r in one]
        assert [r.relevance for r in answer] == [r.relevance for r in one]


def test_reverse_verdicts_equal_forward_verdicts(case: tuple[Matcher, list[EnterpriseProfile]]) -> None:
    matcher, profiles = case
    columns = ProfileColumns.from_profiles(profiles, AS_OF)
    forward = {
        (p.id, r.measure.clause_id, r.measure.span): r.verdict for p in profiles for r in matcher.match(p, as_of=AS_OF)
    }
    reverse = {}
    active = active_on(matcher.compiled, AS_OF)
    for index, measure in enumerate(matcher.compiled.measures):
        inside, verdicts = columns.verdicts(matcher.compiled, index)
        for row in np.flatnonzero(inside & active[index]).tolist():
            reverse[(profiles[row].id, measure.clause_id, measure.span)] = VERDICT_NAMES[verdicts[row]]
    assert reverse == forward


def test_answer_json_is_the_serialised_answer(case: tuple[Matcher, list[EnterpriseProfile]]) -> None:
    matcher, profiles = case
    for profile in profiles[:60]:
        results = matcher.match(profile, as_of=AS_OF)
        assert answer_json(results) == json.dumps([r.to_json() for r in results], ensure_ascii=False)
    first = next(r for r in matcher.match(profiles[0], as_of=AS_OF) if r.measure.benefit and r.measure.conditions)
    before = copy.deepcopy(first.to_json())
    answer = first.to_json()
    answer["source_span"].append(0)
    answer["benefit"]["type"] = "changed"
    answer["conditions"][0]["outcome"] = "changed"
    assert first.to_json() == before  # answers share no mutable parts


def test_an_industry_value_with_its_section_letter_names_the_same_division() -> None:
    measure = MeasureSpec(
        "c1", "d1", "s1", (0, 1), (0, 1), "对批发企业给予补贴",
        conditions=(ConditionSpec("industry", "in", ["F51"], "批发企业"),),
        benefit=BenefitSpec("资金补贴", "给予补贴"),
    )  # fmt: skip
    wholesaler = EnterpriseProfile.model_validate(
        {"id": "p", "name": "批发公司", "region_code": "110105", "industry_code": "F5123", "scale": "小型"}
    )
    retailer = wholesaler.model_copy(update={"industry_code": "F5211"})
    matcher = Matcher([measure])
    assert [r.verdict for r in matcher.match(wholesaler, as_of=AS_OF)] == ["eligible"]
    assert [r.verdict for r in matcher.match(retailer, as_of=AS_OF)] == ["ineligible"]
