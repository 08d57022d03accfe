"""A policy's support measures: read them with their conditions; officials correct them (curation, 最小颗粒 rules)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field, StringConstraints, model_validator

from api.deps import GraphStoreDep, ServicesDep
from api.errors import AUTH_PROBLEM_RESPONSES, problem_responses
from api.security import CurrentStaff
from eligibility.compiled import compile_measures
from eligibility.facts import fact_catalogue
from eligibility.measures import document_measures, policy_conditions
from graph.base import GraphStore
from ingest.curation import MeasureCorrection, curations_of, stored_measures
from ontology.eligibility import TEXT_FACT_PREFIX, AmountFormula, BenefitSpec, ConditionSpec, MeasureSpec
from ontology.errors import InvalidInputError
from ontology.model import BenefitType, ConditionDimension, ConditionOperator
from push.grants import ungrantable_conditions
from push.officials import check_document_scope

router = APIRouter(prefix="/policies", tags=["eligibility"])

Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]
_NUMBER_DIMENSIONS = {ConditionDimension.AGE_YEARS, ConditionDimension.EMPLOYEES, ConditionDimension.REVENUE_WAN}
_SET_DIMENSIONS = {
    ConditionDimension.REGION,
    ConditionDimension.SCALE,
    ConditionDimension.INDUSTRY,
    ConditionDimension.OWNERSHIP,
    ConditionDimension.QUALIFICATION,
}


class ConditionIn(BaseModel):
    """One condition as an official states it."""

    dimension: ConditionDimension
    operator: ConditionOperator
    value: str | float | bool | list[str] | None = Field(description="Codes or names for set dimensions, a number…")
    text: Text = Field(description="The wording of the policy this condition stands for.")
    fact: Annotated[str, StringConstraints(max_length=100)] | None = Field(
        None, description="The catalogue fact a behaviour/other condition reads (GET /facts)."
    )

    @model_validator(mode="after")
    def _value_fits_dimension(self) -> ConditionIn:
        if self.dimension in _SET_DIMENSIONS and not isinstance(self.value, list):
            raise ValueError(f"value: a {self.dimension} condition takes a list of codes or names")
        if self.dimension in _NUMBER_DIMENSIONS and (
            isinstance(self.value, bool) or not isinstance(self.value, int | float)
        ):
            raise ValueError(f"value: a {self.dimension} condition takes a number")
        if self.fact is not None and self.fact not in fact_catalogue() and not self.fact.startswith(TEXT_FACT_PREFIX):
            raise ValueError(f"fact: {self.fact!r} is neither in the fact catalogue nor a wording's own fact")
        return self

    def spec(self) -> ConditionSpec:
        """The condition as the matcher reads it."""
        return ConditionSpec(self.dimension.value, self.operator.value, self.value, self.text, self.fact)


class AmountIn(BaseModel):
    """The amount as a formula (see ``AmountFormula``)."""

    kind: Literal["cap", "fixed", "per_unit", "rate"]
    value: float = Field(ge=0)
    unit: Annotated[str, StringConstraints(max_length=20)] = "万元"
    base: Text | None = None
    per: Annotated[str, StringConstraints(max_length=20)] | None = None
    cap_wan: float | None = Field(None, ge=0)


class BenefitIn(BaseModel):
    """What the measure grants."""

    type: BenefitType
    text: Text
    max_amount_wan: float | None = Field(None, ge=0, description="Most one enterprise obtains, in 万元.")
    formula: AmountIn | None = None

    def spec(self) -> BenefitSpec:
        """The benefit as the matcher reads it."""
        formula = AmountFormula(**self.formula.model_dump()) if self.formula else None
        return BenefitSpec(self.type.value, self.text, self.max_amount_wan, formula=formula)


class MeasurePatch(BaseModel):
    """An official's correction; fields not sent keep their value (send ``null`` to clear a date)."""

    conditions: list[ConditionIn] | None = Field(None, max_length=40, description="Replace all conditions.")
    benefit: BenefitIn | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    deadline: date | None = Field(None, description="申报截止日期.")
    auto_grant: bool | None = Field(None, description="免申即享: granted to qualifying profiles without applying.")
    note: Text | None = Field(None, description="Why (kept in the audit trail).")

    def correction(self) -> MeasureCorrection:
        """The correction with only the fields sent."""
        dates: dict[str, str | None] = {}
        for name in ("valid_from", "valid_to", "deadline"):
            if name in self.model_fields_set:
                value: date | None = getattr(self, name)
                dates[name] = value.isoformat() if value else None
        return MeasureCorrection(
            conditions=tuple(c.spec() for c in self.conditions) if self.conditions is not None else None,
            benefit=self.benefit.spec() if self.benefit is not None else None,
            dates=dates,
            auto_grant=self.auto_grant,
            note=self.note,
        )


class CuratedMeasure(BaseModel):
    """A measure after an official's correction, with the extracted original and the audit trail."""

    measure: dict[str, Any]
    curation: dict[str, Any]


@router.get(
    "/{source_id:path}/measures",
    summary="The support measures of a policy with their conditions and curations",
    responses=problem_responses(404, 422),
)
def read_policy_measures(source_id: str, store: GraphStoreDep) -> list[dict[str, Any]]:
    """Each measure (numbered in document order): conditions, benefit, validity, jurisdiction; a curated one
    also carries its curation (status, who, when, the extracted original and the history)."""
    measures = policy_conditions(store, source_id)
    curated = {c["clause_id"]: c for c in curations_of(store, measures[0]["source_id"])} if measures else {}
    return [{**m, "curation": curated.get(m["clause_id"])} for m in measures]


@router.patch(
    "/{source_id:path}/measures/{number}",
    summary="Correct a measure (officials)",
    responses=AUTH_PROBLEM_RESPONSES,
)
def correct_policy_measure(
    source_id: str,
    number: Annotated[int, Path(ge=1, description="The measure's number, as GET …/measures lists it.")],
    body: MeasurePatch,
    staff: CurrentStaff,
    services: ServicesDep,
) -> CuratedMeasure:
    """Replace what was extracted for one measure — conditions, benefit, dates, 免申即享 — keeping the original
    beside it with who changed what and when. The next /match answers with it; changed matches are pushed."""
    measures = stored_measures(services.store, source_id)
    check_document_scope(staff, measures[0].doc.get("region_code") if measures else None, _issuers(measures))
    correction = body.correction()
    _check_compiles(correction, source_id)
    _check_grantable(services.store, source_id, number, correction)
    record = services.curate(source_id, number, correction, by=staff.id)
    after = next(m for m in policy_conditions(services.store, source_id) if m["clause_id"] == record["clause_id"])
    (curation,) = [c for c in curations_of(services.store, source_id) if c["id"] == record["id"]]
    return CuratedMeasure(measure=after, curation=curation)


def _issuers(measures: list[Any]) -> list[str]:
    return list(measures[0].doc.get("issuers") or []) if measures else []


def _check_grantable(store: GraphStore, source_id: str, number: int, correction: MeasureCorrection) -> None:
    """Refuse 免申即享 on a measure with a condition no profile data decides (it would never be granted, or be
    granted on an unchecked wording)."""
    current = document_measures(store, source_id)
    measure = current[number - 1] if 0 < number <= len(current) else None
    auto_grant = correction.auto_grant if correction.auto_grant is not None else bool(measure and measure.auto_grant)
    if not auto_grant:
        return
    conditions = correction.conditions if correction.conditions is not None else (measure.conditions if measure else ())
    wordings = ungrantable_conditions(conditions)
    if wordings:
        raise InvalidInputError(
            "auto_grant: 免申即享要求每个条件都能由企业数据判断，以下条件不能：" + "；".join(wordings)
        )


def _check_compiles(correction: MeasureCorrection, source_id: str) -> None:
    """Refuse conditions the matcher cannot judge, before anything is stored."""
    if correction.conditions is None:
        return
    probe = MeasureSpec("probe", "probe", source_id, (0, 0), (0, 0), "", conditions=correction.conditions)
    try:
        compile_measures([probe])
    except (TypeError, ValueError, KeyError) as e:
        raise InvalidInputError(f"conditions: the matcher cannot judge them ({e})") from e
