"""The enterprise profile matched against support measures (惠企政策精准送), validated once for HTTP and CLI.

Codes are checked against the reference tables: ``region_code`` against the 统计用区划代码 gazetteer,
``industry_code`` against GB/T 4754-2017 (section letter + up to 4 digits). A missing ``scale`` is derived by
统计上大中小微型企业划分办法（2017）from industry, employees, revenue and assets (``eligibility.scale``);
个体工商户 count as 微型 (工信部联企业〔2011〕300号 第七条 参照执行).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from eligibility.facts import fact_type_error
from eligibility.scale import Scale
from ontology.reference import load_gazetteer, load_industries

SOLE_PROPRIETOR = "个体工商户"
FactValue = bool | int | float | Annotated[str, Field(max_length=500)]


class EnterpriseProfile(BaseModel):
    """A company as the matcher sees it. Unknown facts are ``None`` (or absent from ``facts``), never guessed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(min_length=1, max_length=128, description="Caller's identifier of the profile.")
    name: str = Field("", max_length=200, description="Company name.")
    region_code: str = Field(description="Code of the registered address (county level, 6 digits, e.g. 110113).")
    industry_code: str = Field(description="GB/T 4754-2017: section letter + up to 4 digits, e.g. H6110.")
    established: date | None = Field(None, description="Date of establishment (ISO).")
    employees: int | None = Field(None, ge=0, description="Employees (insured staff assumed equal).")
    annual_revenue_wan: float | None = Field(None, ge=0, description="Annual revenue (营业收入) in 万元.")
    total_assets_wan: float | None = Field(None, ge=0, description="Total assets (资产总额) in 万元.")
    scale: Scale | None = Field(None, description="Official size class; derived when missing.")
    ownership: str | None = Field(None, max_length=32, description="国有 | 民营 | 外资 | 港澳台资 | 个体工商户 …")
    qualifications: list[Annotated[str, Field(max_length=100)]] | None = Field(
        None, max_length=200, description="Qualifications and list memberships held (exhaustive); null = unknown."
    )
    facts: dict[Annotated[str, Field(max_length=100)], FactValue] = Field(
        default_factory=dict, max_length=500, description="Further facts for behaviour conditions (absent = unknown)."
    )
    description: str = Field("", max_length=2000, description="What the company does, in words (used for relevance).")

    @field_validator("region_code")
    @classmethod
    def _known_region(cls, code: str) -> str:
        if code not in load_gazetteer():
            raise ValueError(f"unknown region code {code!r}")
        return load_gazetteer().get(code).code

    @field_validator("facts")
    @classmethod
    def _typed_facts(cls, facts: dict[str, FactValue]) -> dict[str, FactValue]:
        problems = [p for name, value in facts.items() if (p := fact_type_error(name, value)) is not None]
        if problems:
            raise ValueError("；".join(problems))
        return facts

    @field_validator("industry_code")
    @classmethod
    def _known_industry(cls, code: str) -> str:
        code = code.upper()
        if not load_industries().is_valid_profile_code(code):
            raise ValueError(f"unknown GB/T 4754-2017 industry code {code!r} (section letter + up to 4 digits)")
        return code

    @property
    def effective_scale(self) -> Scale | None:
        """The stated size class, else 微型 for 个体工商户, else None (unknown: a size class is never guessed from
        employees or revenue, which an official classification weighs by rules a profile may not fully state)."""
        if self.scale is not None:
            return self.scale
        if self.ownership == SOLE_PROPRIETOR:
            return Scale.MICRO
        return None

    def age_years(self, as_of: date) -> float | None:
        """Years since establishment on ``as_of`` (days / 365.25), or None when unknown."""
        if self.established is None:
            return None
        return (as_of - self.established).days / 365.25


def profile_json_schema() -> dict[str, Any]:
    """The JSON schema of a profile document."""
    return EnterpriseProfile.model_json_schema()


def load_profile(text: str) -> EnterpriseProfile:
    """Parse and validate a profile from JSON text (raises pydantic ``ValidationError`` naming the field)."""
    return EnterpriseProfile.model_validate_json(text)
