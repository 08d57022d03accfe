"""Enterprise profile validation and its size class."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from eligibility.profile import EnterpriseProfile, profile_json_schema
from eligibility.scale import Scale

BASE = {"id": "p1", "region_code": "110113", "industry_code": "C1781"}


def test_a_stated_scale_is_kept_and_a_missing_one_is_not_guessed() -> None:
    stated = EnterpriseProfile(**BASE, employees=310, annual_revenue_wan=6500, scale="大型")
    assert stated.effective_scale is Scale.LARGE
    # 310 staff and 6,500 万元 would make a 工业 firm 中型, but only the official classification counts
    assert EnterpriseProfile(**BASE, employees=310, annual_revenue_wan=6500).effective_scale is None


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
