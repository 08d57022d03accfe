"""as_of excludes expired and not-yet-valid measures; asked for them, answers say 已过期 / 未生效."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

from eligibility.matching import Matcher, answer_json
from eligibility.profile import EnterpriseProfile
from ontology.eligibility import BenefitSpec, MeasureSpec

TEXT = "对中小微企业减免3个月房租。"
MEASURE = MeasureSpec(
    clause_id="d:c1",
    doc_id="d",
    source_id="d",
    span=(0, len(TEXT)),
    source_span=(0, len(TEXT)),
    clause_text=TEXT,
    benefit=BenefitSpec("租金减免", "减免3个月房租"),
    valid_from="2020-02-01",
    valid_to="2020-06-30",
)
PROFILE = EnterpriseProfile(id="p", region_code="110105", industry_code="I6513")


def test_out_of_force_measures_are_left_out_unless_asked_for() -> None:
    matcher = Matcher([MEASURE, replace(MEASURE, clause_id="d:c2", valid_from="2030-01-01", valid_to=None)])
    assert [r.validity for r in matcher.match(PROFILE, as_of=date(2020, 3, 1))] == ["in_force"]
    assert matcher.match(PROFILE, as_of=date(2021, 3, 1)) == []
    asked = matcher.match(PROFILE, as_of=date(2021, 3, 1), include_inactive=True)
    assert sorted(r.to_json()["validity_text"] for r in asked) == ["已过期", "未生效"]
    assert json.loads(answer_json(asked)) == [r.to_json() for r in asked]
