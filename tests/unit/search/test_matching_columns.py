"""The array paths (ranking on arrays, profiles × conditions matrices, reverse matching) agree with the
per-profile evaluation on varied measures and profiles: missing facts, out-of-region, derived scale,
qualifications unknown vs none, text and number facts, validity windows, descriptions."""

from __future__ import annotations

import copy
import json
import random
from datetime import date

import numpy as np
import pytest

from search.compiled_conditions import (
    OUTCOME_NAMES,
    UNKNOWN,
    VERDICT_NAMES,
    active_on,
    in_jurisdiction,
    outcomes_for_profile,
    verdicts_from_outcomes,
)
from search.matching import Matcher, MatchResult, answer_json, missing_fact_name, relevance
from search.measures import BenefitSpec, ConditionSpec, MeasureSpec
from search.profile import EnterpriseProfile
from search.profile_columns import ProfileColumns

AS_OF = date(2020, 3, 1)
JURISDICTIONS = ["100000", "110000", "110100", "110112", "320000", "321200", "321202", "440300", "440305"]
COUNTIES = ["110112", "110105", "321202", "321283", "440305", "310101", "500101"]
INDUSTRIES = ["C1781", "H6110", "I6513", "F5123", "L7262", "A0141", "C3311", "G5612"]
QUALS = ["高新技术企业", "专精特新中小企业", "科技型中小企业"]
TEXTS = ["对中小微企业减免房租", "对制造业企业给予补贴", "对不裁员的参保企业返还失业保险费", "给予贷款贴息支持"]


def _condition(rng: random.Random) -> ConditionSpec:
    kind = rng.randrange(14)
    if kind == 0:
        return ConditionSpec(
            "scale", rng.choice(["in", "not_in"]), rng.sample(["大型", "中型", "小型", "微型"], 2), "规模"
        )
    if kind == 1:
        codes = rng.sample(["C", "H", "I", "726", "61", "0141", "3311"], 2)
        return ConditionSpec("industry", rng.choice(["in", "not_in"]), codes, "行业")
    if kind == 2:
        return ConditionSpec("ownership", rng.choice(["in", "not_in"]), ["民营"], "民营企业")
    if kind == 3:
        return ConditionSpec("qualification", rng.choice(["has", "in", "not_in"]), rng.choice(QUALS), "资质")
    if kind == 4:
        return ConditionSpec("employees", rng.choice(["<=", ">=", "<", ">"]), float(rng.choice([20, 100, 300])), "人数")
    if kind == 5:
        return ConditionSpec("revenue_wan", rng.choice(["<=", ">"]), float(rng.choice([500, 2000])), "营业收入")
    if kind == 6:
        return ConditionSpec("age_years", rng.choice([">=", "<"]), float(rng.choice([1, 3])), "成立年限")
    if kind == 7:
        return ConditionSpec("behaviour", "==", rng.choice([True, False]), "未裁员", rng.choice(["layoffs", "insured"]))
    if kind == 8:
        return ConditionSpec("behaviour", rng.choice([">=", "<="]), 5.5, "裁员率", "layoff_rate")
    if kind == 9:
        return ConditionSpec("other", "==", True, "经营困难")  # no fact decides it: always unknown
    if kind == 10:
        return ConditionSpec("other", rng.choice(["==", "in"]), ["出口", "内贸"][: rng.randint(1, 2)], "业务", "trade")
    if kind == 11:
        return ConditionSpec("other", "<=", "2020-06-30", "申报截止", "as_of")
    if kind == 12:
        return ConditionSpec("region", rng.choice(["in", "not_in"]), [rng.choice(JURISDICTIONS)], "本市")
    return ConditionSpec("behaviour", "==", True, "参保", "layoffs")


def _measures(count: int, rng: random.Random) -> list[MeasureSpec]:
    measures = []
    for i in range(count):
        region = rng.choice(JURISDICTIONS)
        conditions = tuple(_condition(rng) for _ in range(rng.randint(0, 4)))
        amount = rng.choice([None, 0.0, 10.0, 50.0])
        measures.append(
            MeasureSpec(
                clause_id=f"m{rng.randrange(count // 2)}",  # repeated ids exercise the last tie-break
                doc_id=f"d{i % 7}",
                source_id=f"s{i % 7}",
                span=(i, i + 10),
                source_span=(i, i + 10),
                clause_text=rng.choice(TEXTS),
                region_code=region,
                conditions=conditions,
                benefit=None if rng.random() < 0.1 else BenefitSpec("资金补贴", "补贴", amount),
                valid_from=rng.choice([None, "2020-02-01", "2020-04-01"]),
                valid_to=rng.choice([None, "2020-12-31", "2020-02-15"]),
                deadline=rng.choice([None, None, "2020-03-31"]),
            )
        )
    return measures


def _profiles(count: int, rng: random.Random) -> list[EnterpriseProfile]:
    profiles = []
    for i in range(count):
        facts: dict[str, bool | int | float | str] = {}
        if rng.random() < 0.6:
            facts["layoffs"] = rng.random() < 0.5
        if rng.random() < 0.4:
            facts["insured"] = rng.random() < 0.5
        if rng.random() < 0.5:
            facts["layoff_rate"] = rng.choice([0, 3.2, 5.5, 8])
        if rng.random() < 0.5:
            facts["trade"] = rng.choice(["出口", "内贸", "其他"])
        if rng.random() < 0.1:
            facts["trade_volume"] = "大"  # a text fact no condition reads
        known_scale = rng.random() < 0.4
        profiles.append(
            EnterpriseProfile(
                id=f"p{i}",
                region_code=rng.choice(COUNTIES),
                industry_code=rng.choice(INDUSTRIES),
                established=rng.choice([None, date(2010, 5, 1), date(2019, 6, 1)]),
                employees=rng.choice([None, 8, 40, 150, 900]),
                annual_revenue_wan=rng.choice([None, 90.0, 1200.0, 50000.0]),
                total_assets_wan=rng.choice([None, 500.0]),
                scale=rng.choice(["大型", "中型", "小型", "微型"]) if known_scale else None,  # else derived or unknown
                ownership=rng.choice([None, "民营", "国有", "个体工商户"]),
                qualifications=rng.choice([None, [], rng.sample(QUALS, 1), QUALS[:2]]),
                facts=facts,
                description=rng.choice(["", "", "小微企业 房租 补贴", "制造业 贷款"]),
            )
        )
    return profiles


@pytest.fixture(scope="module")
def case() -> tuple[Matcher, list[EnterpriseProfile]]:
    rng = random.Random(20201122)
    return Matcher(_measures(300, rng)), _profiles(150, rng)


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
    derived = [p for p in profiles if p.scale is None and p.effective_scale is not None]
    unknown_scale = [p for p in profiles if p.effective_scale is None]
    assert derived and unknown_scale
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
