"""政策计算器: what one company may expect from a measure, computed from its benefit formula and the profile.

The formula (``ontology.eligibility.AmountFormula``) says how the amount is made: ``fixed`` (a sum), ``cap``
(at most a sum: the estimate is that bound), ``per_unit`` (a sum per person, 亩, 吨 … times the profile's count)
or ``rate`` (a percentage of a base such as last year's unemployment-insurance contributions); ``cap_wan`` bounds
any of them. The inputs a formula reads are catalogue facts (``resources/facts.tsv``) or profile fields; a base
the catalogue does not know is asked for by its own wording (``amount:<base>``). An input the profile lacks is
never guessed: the estimate then has no amount and names the input with its question.

Everything here is pure: a benefit and a profile in, an ``Estimate`` out; ``calculate`` runs the matcher for the
measures a profile qualifies for and adds their estimates up.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from eligibility.facts import question_for
from eligibility.matching import Matcher, MatchResult
from eligibility.profile import EnterpriseProfile
from ontology.eligibility import BenefitSpec, Verdict
from ontology.errors import NotFoundError

AMOUNT_FACT_PREFIX = "amount:"
Bound = Literal["exact", "at_most", "none"]

# rate bases: (a word of the base's wording, the catalogue fact or profile field holding it), first match wins
RATE_BASES: tuple[tuple[str, str], ...] = (
    ("失业保险", "unemployment_insurance_paid_wan"),
    ("社会保险", "social_insurance_paid_wan"),
    ("社保", "social_insurance_paid_wan"),
    ("租金", "rent_wan"),
    ("房租", "rent_wan"),
    ("利息", "loan_interest_wan"),
    ("贴息", "loan_interest_wan"),
    ("研发", "rd_expense_wan"),
    ("保费", "insurance_premium_wan"),
    ("保险费", "insurance_premium_wan"),
    ("贷款", "loan_wan"),
    ("投资", "investment_wan"),
    ("纳税", "tax_paid_wan"),
    ("税收", "tax_paid_wan"),
    ("零售额", "retail_sales_wan"),
    ("销售额", "sales_wan"),
    ("营业额", "turnover_wan"),
    ("营业收入", "annual_revenue_wan"),
    ("产值", "output_value_wan"),
)
# per-unit formulas: the unit counted → the catalogue fact holding the profile's count
UNIT_FACTS: dict[str, str] = {
    "人": "subsidised_persons",
    "名": "subsidised_persons",
    "亩": "subsidised_area_mu",
    "平方米": "subsidised_area_sqm",
    "吨": "subsidised_tons",
}
DEFAULT_UNIT_FACT = "subsidised_units"
_PROFILE_NUMBERS = ("annual_revenue_wan", "total_assets_wan", "employees")
_PRICE = re.compile(r"价格|电价|水价|气价|价$|单价|收费标准")


@dataclass(frozen=True)
class Estimate:
    """The estimated amount of one measure for one profile.

    ``amount_wan`` is ``None`` when the measure states no amount or an input is missing (``missing``: each
    input's question); ``bound`` says whether it is the amount (``exact``), only its upper bound (``at_most``)
    or unknown (``none``); ``formula_text`` shows the computation in Chinese.
    """

    amount_wan: float | None
    bound: Bound
    formula_text: str
    inputs: dict[str, float] = field(default_factory=dict)
    missing: tuple[dict[str, str], ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The JSON form used in answers."""
        return {
            "amount_wan": self.amount_wan,
            "bound": self.bound,
            "formula_text": self.formula_text,
            "inputs": dict(self.inputs),
            "missing": [dict(q) for q in self.missing],
        }


def input_fact(kind: str, base: str | None, per: str | None) -> str | None:
    """The fact (catalogue name, profile field or ``amount:<base>``) a formula reads, or ``None`` for sums."""
    if kind == "rate":
        wording = base or ""
        for word, fact in RATE_BASES:
            if word in wording:
                return fact
        return AMOUNT_FACT_PREFIX + (wording or "基数")
    if kind == "per_unit":
        return UNIT_FACTS.get(per or "", DEFAULT_UNIT_FACT)
    return None


def input_question(fact: str) -> dict[str, str]:
    """The question that asks for a formula's input."""
    if fact.startswith(AMOUNT_FACT_PREFIX):
        wording = fact.removeprefix(AMOUNT_FACT_PREFIX)
        return {"fact": fact, "question": f"「{wording}」是多少（万元）？", "type": "number", "unit": "万元"}
    return question_for(fact)


def profile_number(profile: EnterpriseProfile, fact: str) -> float | None:
    """The number a profile states for ``fact`` (a profile field or one of its facts), or ``None``."""
    value: Any = getattr(profile, fact) if fact in _PROFILE_NUMBERS else profile.facts.get(fact)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _wan(amount: float) -> str:
    return f"{round(amount, 4):g}万元"


def _computed(shown: str, raw: float, cap: float | None) -> tuple[float, str]:
    """The amount (bounded by ``cap``) and the computation ``shown = raw[，超过上限，按 cap 计]``."""
    text = f"{shown} = {_wan(raw)}"
    if cap is not None and raw > cap:
        return cap, f"{text}，超过上限，按{_wan(cap)}计"
    return raw, text


def estimate_amount(benefit: BenefitSpec | None, profile: EnterpriseProfile) -> Estimate:
    """The amount ``profile`` may expect from a measure granting ``benefit``, with the formula shown.

    Examples: ``rate`` 50% of 失业保险费 with ``unemployment_insurance_paid_wan: 12`` gives 6 万元 (``exact``);
    ``cap`` 最高20万元 gives 20 万元 ``at_most``; ``per_unit`` 0.1 万元每人 without ``subsidised_persons`` gives
    no amount and that fact's question in ``missing``.
    """
    formula = benefit.formula if benefit else None
    if formula is None:
        if benefit is not None and benefit.max_amount_wan is not None:
            return Estimate(benefit.max_amount_wan, "at_most", f"最高{_wan(benefit.max_amount_wan)}")
        return Estimate(None, "none", "政策未写明金额")
    cap = formula.cap_wan
    if formula.kind == "fixed":
        return Estimate(formula.value, "exact", f"定额{_wan(formula.value)}")
    if formula.kind == "cap":
        return Estimate(formula.value, "at_most", f"最高{_wan(formula.value)}")
    if formula.kind == "rate" and formula.base and _PRICE.search(formula.base):
        # 按原到户电价水平的95%: a price paid at a rate, not an amount received — nothing to add up
        return Estimate(None, "none", f"{formula.value:g}% ×「{formula.base}」（价格折扣，不计金额）")
    base = formula.base or (f"{benefit.text[:40]}的计算基数" if benefit else None)
    fact = input_fact(formula.kind, base, formula.per)
    assert fact is not None  # rate and per_unit formulas read an input
    value = profile_number(profile, fact)
    if formula.kind == "rate":
        shown = f"{formula.value:g}% ×「{base or '基数'}」"
        if value is None:
            return Estimate(
                None, "none", shown + (f"，最高{_wan(cap)}" if cap else ""), missing=(input_question(fact),)
            )
        amount, text = _computed(f"{shown}（{_wan(value)}）", value * formula.value / 100, cap)
        return Estimate(round(amount, 6), "exact", text, {fact: value})
    unit = formula.per or "个"
    shown = f"每{unit}{_wan(formula.value)} × {unit}数"
    if value is None:
        return Estimate(None, "none", shown + (f"，最高{_wan(cap)}" if cap else ""), missing=(input_question(fact),))
    amount, text = _computed(f"{shown}（{value:g}）", value * formula.value, cap)
    return Estimate(round(amount, 6), "exact", text, {fact: value})


@dataclass(frozen=True)
class MeasureEstimate:
    """One measure's estimate with what identifies it."""

    result: MatchResult
    estimate: Estimate

    def to_json(self) -> dict[str, Any]:
        """``{source_id, clause_id, title, verdict, benefit_type, estimate}``."""
        measure = self.result.measure
        return {
            "source_id": measure.source_id,
            "clause_id": measure.clause_id,
            "title": measure.title,
            "verdict": self.result.verdict,
            "benefit_type": measure.benefit.type if measure.benefit else None,
            "estimate": self.estimate.to_json(),
        }


@dataclass(frozen=True)
class Calculation:
    """The estimates of a profile's measures and their total.

    ``total_wan`` adds every amount known (upper bounds counted at their bound), ``exact_wan`` only exact ones;
    ``missing`` lists each missing input once with its question.
    """

    measures: tuple[MeasureEstimate, ...]

    @property
    def total_wan(self) -> float:
        """Sum of the amounts known, bounds included."""
        return round(sum(m.estimate.amount_wan or 0.0 for m in self.measures), 6)

    @property
    def exact_wan(self) -> float:
        """Sum of the exact amounts only."""
        return round(sum(m.estimate.amount_wan or 0.0 for m in self.measures if m.estimate.bound == "exact"), 6)

    def to_json(self) -> dict[str, Any]:
        """The answer of ``policykg calculate --json`` and ``POST /calculate``."""
        missing: dict[str, dict[str, str]] = {}
        for m in self.measures:
            for question in m.estimate.missing:
                missing.setdefault(question["fact"], dict(question))
        return {
            "total_wan": self.total_wan,
            "exact_wan": self.exact_wan,
            "measures_counted": len(self.measures),
            "without_amount": sum(1 for m in self.measures if m.estimate.amount_wan is None),
            "missing": list(missing.values()),
            "measures": [m.to_json() for m in self.measures],
        }


def find_measure(results: Sequence[MatchResult], measure_id: str) -> MatchResult:
    """The result of the measure whose clause id (or a copy's) is ``measure_id``.

    Raises:
        NotFoundError: no measure of that id applies to the profile.
    """
    for result in results:
        ids = {result.measure.clause_id, *(clause_id for _, clause_id in result.measure.copies)}
        if measure_id in ids:
            return result
    raise NotFoundError(f"measure_id: no measure {measure_id!r} in force in the profile's region")


def calculate(
    matcher: Matcher,
    profile: EnterpriseProfile,
    *,
    as_of: date,
    measure_id: str | None = None,
    verdicts: Collection[str] = (Verdict.ELIGIBLE.value,),
) -> Calculation:
    """The estimates of every measure of ``verdicts`` (default: eligible) for ``profile`` on ``as_of`` (or of
    ``measure_id`` alone, whatever its verdict), ranked as the matcher ranks them.

    Raises:
        NotFoundError: ``measure_id`` names no measure in force in the profile's region.
    """
    if measure_id is not None:
        result = find_measure(matcher.match(profile, as_of=as_of, include_inactive=True), measure_id)
        results = [result]
    else:
        results = matcher.match(profile, as_of=as_of, verdicts=verdicts)
    return Calculation(tuple(MeasureEstimate(r, estimate_amount(r.measure.benefit, profile)) for r in results))
