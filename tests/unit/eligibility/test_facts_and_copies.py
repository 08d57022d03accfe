"""The fact catalogue (typed facts with Chinese questions) and republished copies merged into one measure."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from eligibility.facts import fact_catalogue, question_for
from eligibility.matching import Matcher
from eligibility.measures import merge_copies
from eligibility.profile import EnterpriseProfile
from ontology.eligibility import BenefitSpec, ConditionSpec, MeasureSpec, text_fact_key

CLAUSE = "对受疫情影响生产经营出现严重困难的企业，可申请缓缴社会保险费。"


def _measure(source_id: str, clause_text: str = CLAUSE) -> MeasureSpec:
    wording = "受疫情影响生产经营出现严重困难"
    return MeasureSpec(
        clause_id=f"{source_id}:c1",
        doc_id=source_id,
        source_id=source_id,
        span=(0, len(clause_text)),
        source_span=(0, len(clause_text)),
        clause_text=clause_text,
        conditions=(ConditionSpec("other", "==", True, wording, fact=text_fact_key(wording)),),
        benefit=BenefitSpec("社保减免缓缴", "缓缴社会保险费"),
    )


def test_every_catalogue_fact_has_a_type_and_a_chinese_question() -> None:
    for fact in fact_catalogue().values():
        assert fact.type in ("bool", "number", "int", "date")
        assert fact.question.endswith("？")


def test_a_wrongly_typed_fact_is_refused_naming_it_in_chinese() -> None:
    with pytest.raises(ValidationError, match=r"facts\.layoff_rate_2019_pct：应为数字"):
        EnterpriseProfile(id="p", region_code="110105", industry_code="I6513", facts={"layoff_rate_2019_pct": "低"})
    EnterpriseProfile(id="p", region_code="110105", industry_code="I6513", facts={"layoff_rate_2019_pct": 2.5})


def test_a_condition_known_only_by_its_wording_is_asked_in_its_words() -> None:
    key = text_fact_key("受疫情影响生产经营出现严重困难")
    assert question_for(key)["question"] == "是否符合「受疫情影响生产经营出现严重困难」？"


def test_copies_give_one_measure_listing_the_others() -> None:
    copy = _measure("doc-b", CLAUSE.replace("，", " ，"))  # lightly reformatted
    merged = merge_copies([_measure("doc-a"), copy, _measure("doc-c", "对个体工商户减免房租。")])
    assert len(merged) == 2
    assert merged[0].copies == (("doc-b", "doc-b:c1"),)


def test_the_answer_asks_the_open_question_once_and_an_answer_decides_it() -> None:
    matcher = Matcher([_measure("doc-a"), _measure("doc-b")])
    profile = EnterpriseProfile(id="p", region_code="110105", industry_code="I6513")
    (result,) = matcher.match(profile)
    answer = result.to_json()
    assert answer["verdict"] == "undetermined"
    assert [q["question"] for q in answer["questions"]] == ["是否符合「受疫情影响生产经营出现严重困难」？"]
    assert answer["copies"] == [{"source_id": "doc-b", "clause_id": "doc-b:c1"}]
    key = answer["questions"][0]["fact"]
    answered = profile.model_copy(update={"facts": {key: True}})
    assert [r.verdict for r in matcher.match(answered)] == ["eligible"]
