"""The matcher reproduces the hand-labelled verdicts when given the hand-labelled conditions."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from eligibility.matching import Matcher
from eligibility.profile import EnterpriseProfile
from ontology.eligibility import BenefitSpec, ConditionSpec, MeasureSpec

GOLD = Path(__file__).resolve().parents[4] / "shared" / "eligibility"
AS_OF = date(2020, 3, 1)

pytestmark = pytest.mark.skipif(not GOLD.exists(), reason="shared eligibility gold set not present")


def _gold_measures() -> list[MeasureSpec]:
    measures = []
    for line in (GOLD / "clauses.jsonl").open(encoding="utf-8"):
        c = json.loads(line)
        measures.append(
            MeasureSpec(
                clause_id=f"{c['docid']}#{c['clause_index']}",
                doc_id=c["docid"],
                source_id=c["docid"],
                span=tuple(c["span"]),
                source_span=tuple(c["span"]),
                clause_text=c["clause_text"],
                region_code=c["region"]["code"],
                conditions=tuple(
                    ConditionSpec(k["dimension"], k["operator"], k["value"], k["text"], k.get("fact"))
                    for k in c["conditions"]
                ),
                benefit=BenefitSpec(c["benefit"]["type"], c["benefit"]["text"], c["benefit"]["max_amount_wan"]),
                valid_from=c["valid_from"],
                valid_to=c["valid_to"],
            )
        )
    return measures


def test_matcher_reproduces_gold_verdicts_and_outcomes_from_gold_conditions() -> None:
    matcher = Matcher(_gold_measures())
    lines = (GOLD / "profiles.jsonl").read_text(encoding="utf-8").splitlines()
    profiles = {p.id: p for p in (EnterpriseProfile.model_validate_json(line) for line in lines)}
    answers = {pid: {r.measure.clause_id: r for r in matcher.match(p, as_of=AS_OF)} for pid, p in profiles.items()}
    total = wrong = 0
    for line in (GOLD / "verdicts.jsonl").open(encoding="utf-8"):
        v = json.loads(line)
        total += 1
        result = answers[v["profile_id"]].get(f"{v['docid']}#{v['clause_index']}")
        if result is None:
            wrong += v["in_region"] or v["verdict"] != "ineligible"
            continue
        gold_outcomes = [o["outcome"] for o in sorted(v["conditions"], key=lambda o: o["condition_index"])]
        wrong += result.verdict != v["verdict"] or list(result.outcomes) != gold_outcomes
    assert total == 240
    assert wrong == 0


def test_reverse_direction_gives_the_same_verdicts_as_forward_matching() -> None:
    from eligibility.profile_columns import ProfileColumns
    from ontology.eligibility import VERDICT_NAMES

    matcher = Matcher(_gold_measures())
    lines = (GOLD / "profiles.jsonl").read_text(encoding="utf-8").splitlines()
    profiles = [EnterpriseProfile.model_validate_json(line) for line in lines]
    forward = {(p.id, r.measure.clause_id): r.verdict for p in profiles for r in matcher.match(p, as_of=AS_OF)}
    columns = ProfileColumns.from_profiles(profiles, AS_OF)
    reverse = {}
    for index, measure in enumerate(matcher.compiled.measures):
        inside, verdicts = columns.verdicts(matcher.compiled, index)
        for row, profile in enumerate(profiles):
            if inside[row]:
                reverse[(profile.id, measure.clause_id)] = VERDICT_NAMES[verdicts[row]]
    assert len(forward) == 225
    assert reverse == forward
