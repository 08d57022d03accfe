"""Enterprise profile validation and size-class derivation (统计上大中小微型企业划分办法 2017)."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from eligibility.profile import EnterpriseProfile, profile_json_schema
from eligibility.scale import Scale, derive_scale

BASE = {"id": "p1", "region_code": "110113", "industry_code": "C1781"}


@pytest.mark.parametrize(
    ("industry", "employees", "revenue", "assets", "expected"),
    [
        ("C1781", 310, 6500, None, Scale.MEDIUM),  # 工业: 300 人 and 2000 万元 reached
        ("C1781", 1200, 1500, None, Scale.SMALL),  # 大型 by staff, but revenue below 中型 → 小型
        ("C1781", 15, 100000, None, Scale.MICRO),  # fewer than 20 staff: 微型 whatever the revenue
        ("F5123", 45, 12000, None, Scale.MEDIUM),  # 批发业
        ("H6210", 8, 90, None, Scale.MICRO),  # 餐饮业
        ("A0141", None, 1200, None, Scale.MEDIUM),  # 农业: revenue only
        ("E4710", 50, 7000, 6000, Scale.MEDIUM),  # 建筑业: revenue and assets
        ("L7262", 40, 1200, None, None),  # 租赁和商务服务业 needs assets: unknown
        ("L7241", 7, None, None, Scale.MICRO),  # fewer than 10 staff: 微型 even without assets
        ("P8331", 150, None, None, Scale.MEDIUM),  # 其他未列明行业: staff only
    ],
)
def test_derive_scale_follows_2017_table(industry, employees, revenue, assets, expected) -> None:
    assert derive_scale(industry, employees=employees, revenue_wan=revenue, assets_wan=assets) == expected


def test_missing_scale_is_derived_and_stated_scale_kept() -> None:
    assert EnterpriseProfile(**BASE, employees=310, annual_revenue_wan=6500).effective_scale is Scale.MEDIUM
    stated = EnterpriseProfile(**BASE, employees=310, annual_revenue_wan=6500, scale="大型")
    assert stated.effective_scale is Scale.LARGE


def test_sole_proprietor_counts_as_micro() -> None:
    shop = EnterpriseProfile(**{**BASE, "industry_code": "H6291"}, ownership="个体工商户")
    assert shop.effective_scale is Scale.MICRO


def test_age_in_years_from_established() -> None:
    profile = EnterpriseProfile(**BASE, established="2019-03-01")
    assert profile.age_years(date(2020, 3, 1)) == pytest.approx(366 / 365.25)


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"region_code": "999999"}, "region_code"),
        ({"industry_code": "Z9999"}, "industry_code"),
        ({"industry_code": "H1781"}, "industry_code"),  # digits of another section
        ({"employees": -3}, "employees"),
        ({"established": "2020-13-45"}, "established"),
    ],
)
def test_invalid_field_is_named_in_the_error(override, field) -> None:
    with pytest.raises(ValidationError) as info:
        EnterpriseProfile(**{**BASE, **override})
    assert [e["loc"][0] for e in info.value.errors()] == [field]


def test_json_schema_lists_the_profile_fields() -> None:
    props = profile_json_schema()["properties"]
    assert {"region_code", "industry_code", "scale", "qualifications", "facts", "total_assets_wan"} <= set(props)
