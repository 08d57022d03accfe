"""政策计算器: amounts from benefit formulas and profile facts, the formula shown, missing inputs asked for."""

from __future__ import annotations

from datetime import date

import pytest

from eligibility.calculator import calculate, estimate_amount, input_fact
from eligibility.matching import Matcher
from eligibility.profile import EnterpriseProfile
from ontology.eligibility import AmountFormula, BenefitSpec, ConditionSpec, MeasureSpec
from ontology.errors import NotFoundError


def _profile(**facts: float) -> EnterpriseProfile:
    return EnterpriseProfile(id="p", region_code="110112", industry_code="I6513", scale="小型", facts=facts)


def _benefit(formula: AmountFormula | None, max_amount: float | None = None) -> BenefitSpec:
    return BenefitSpec("资金补贴", "补贴", max_amount, formula=formula)


def test_a_rate_of_a_base_is_computed_from_the_fact_and_capped() -> None:
    formula = AmountFormula("rate", 50, "%", base="上年度实际缴纳的失业保险费", cap_wan=3)
    low = estimate_amount(_benefit(formula), _profile(unemployment_insurance_paid_wan=4))
    assert (low.amount_wan, low.bound) == (2, "exact")
    assert low.formula_text == "50% ×「上年度实际缴纳的失业保险费」（4万元） = 2万元"
    high = estimate_amount(_benefit(formula), _profile(unemployment_insurance_paid_wan=10))
    assert high.amount_wan == 3 and "超过上限，按3万元计" in high.formula_text


def test_a_missing_input_gives_no_amount_and_its_catalogue_question() -> None:
    formula = AmountFormula("per_unit", 0.1, "万元", per="人", cap_wan=5)
    estimate = estimate_amount(_benefit(formula), _profile())
    assert estimate.amount_wan is None and estimate.bound == "none"
    (question,) = estimate.missing
    assert question["fact"] == "subsidised_persons" and question["question"].endswith("？")
    assert estimate_amount(_benefit(formula), _profile(subsidised_persons=30)).amount_wan == 3
    assert estimate_amount(_benefit(formula), _profile(subsidised_persons=80)).amount_wan == 5


def test_an_unknown_base_is_asked_by_its_wording() -> None:
    formula = AmountFormula("rate", 20, "%", base="设备购置款")
    assert input_fact("rate", "设备购置款", None) == "amount:设备购置款"
    (question,) = estimate_amount(_benefit(formula), _profile()).missing
    assert question["question"] == "「设备购置款」是多少（万元）？"
    assert estimate_amount(_benefit(formula), _profile(**{"amount:设备购置款": 50})).amount_wan == 10


def test_a_rate_without_a_base_asks_for_the_benefit_s_base_and_a_price_discount_has_no_amount() -> None:
    benefit = BenefitSpec("资金补贴", "按实际发生额的50%给予补助", formula=AmountFormula("rate", 50, "%"))
    (question,) = estimate_amount(benefit, _profile()).missing
    assert question["question"] == "「按实际发生额的50%给予补助的计算基数」是多少（万元）？"
    discount = _benefit(AmountFormula("rate", 95, "%", base="原到户电价水平"))
    estimate = estimate_amount(discount, _profile())
    assert estimate.amount_wan is None and not estimate.missing and "价格折扣" in estimate.formula_text


def test_fixed_sums_and_caps_need_no_input() -> None:
    assert estimate_amount(_benefit(AmountFormula("fixed", 8, "万元")), _profile()).bound == "exact"
    capped = estimate_amount(_benefit(AmountFormula("cap", 20, "万元", cap_wan=20)), _profile())
    assert (capped.amount_wan, capped.bound, capped.formula_text) == (20, "at_most", "最高20万元")
    assert estimate_amount(_benefit(None, 6), _profile()).bound == "at_most"
    assert estimate_amount(None, _profile()).amount_wan is None


def _measure(number: int, formula: AmountFormula, scale: str = "小型") -> MeasureSpec:
    return MeasureSpec(
        clause_id=f"doc/c{number}",
        doc_id="doc",
        source_id="src",
        span=(0, 1),
        source_span=(0, 1),
        clause_text=f"第{number}条",
        region_code="110000",
        conditions=(ConditionSpec("scale", "in", [scale], f"{scale}企业"),),
        benefit=_benefit(formula),
    )


def test_a_profile_total_adds_its_eligible_measures_only() -> None:
    matcher = Matcher(
        [
            _measure(1, AmountFormula("fixed", 8, "万元")),
            _measure(2, AmountFormula("rate", 50, "%", base="失业保险费")),
            _measure(3, AmountFormula("fixed", 100, "万元"), scale="大型"),
        ]
    )
    day = date(2026, 6, 1)
    total = calculate(matcher, _profile(unemployment_insurance_paid_wan=6), as_of=day)
    assert total.total_wan == 11 and total.exact_wan == 11 and len(total.measures) == 2
    unknown = calculate(matcher, _profile(), as_of=day).to_json()
    assert unknown["total_wan"] == 8 and unknown["without_amount"] == 1
    assert [q["fact"] for q in unknown["missing"]] == ["unemployment_insurance_paid_wan"]
    one = calculate(matcher, _profile(), as_of=day, measure_id="doc/c3")
    assert one.measures[0].result.verdict == "ineligible" and one.total_wan == 100
    with pytest.raises(NotFoundError, match="measure_id"):
        calculate(matcher, _profile(), as_of=day, measure_id="doc/c9")
