"""Enterprise size class (大型/中型/小型/微型) by 统计上大中小微型企业划分办法（2017）(国统字〔2017〕213号).

Each industry group has lower bounds per indicator for 大型, 中型 and 小型: from employees (从业人员, persons),
revenue (营业收入, 万元) and total assets (资产总额, 万元). 大型、中型和小型企业须同时满足所列指标的下限，否则下划一档；
微型企业只须满足所列指标中的一项即可 — so the class is the highest tier whose every lower bound is met. When an
indicator is unknown the class is known only if the known indicators already force 微型.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class Scale(StrEnum):
    """Size classes of 工信部联企业〔2011〕300号 / 国统字〔2017〕213号, largest first."""

    LARGE = "大型"
    MEDIUM = "中型"
    SMALL = "小型"
    MICRO = "微型"


Indicator = str  # "employees" | "revenue_wan" | "assets_wan"


@dataclass(frozen=True)
class ScaleRule:
    """Lower bounds of 大型, 中型, 小型 for each indicator of one industry group."""

    group: str
    bounds: Mapping[Indicator, tuple[float, float, float]]


def _rule(group: str, **bounds: tuple[float, float, float]) -> ScaleRule:
    return ScaleRule(group, bounds)


# The table of 统计上大中小微型企业划分办法（2017）, lower bounds (大型, 中型, 小型).
AGRICULTURE = _rule("农、林、牧、渔业", revenue_wan=(20000, 500, 50))
INDUSTRY = _rule("工业", employees=(1000, 300, 20), revenue_wan=(40000, 2000, 300))
CONSTRUCTION = _rule("建筑业", revenue_wan=(80000, 6000, 300), assets_wan=(80000, 5000, 300))
WHOLESALE = _rule("批发业", employees=(200, 20, 5), revenue_wan=(40000, 5000, 1000))
RETAIL = _rule("零售业", employees=(300, 50, 10), revenue_wan=(20000, 500, 100))
TRANSPORT = _rule("交通运输业", employees=(1000, 300, 20), revenue_wan=(30000, 3000, 200))
WAREHOUSING = _rule("仓储业", employees=(200, 100, 20), revenue_wan=(30000, 1000, 100))
POSTAL = _rule("邮政业", employees=(1000, 300, 20), revenue_wan=(30000, 2000, 100))
ACCOMMODATION_CATERING = _rule("住宿业、餐饮业", employees=(300, 100, 10), revenue_wan=(10000, 2000, 100))
TELECOM = _rule("信息传输业", employees=(2000, 100, 10), revenue_wan=(100000, 1000, 100))
SOFTWARE = _rule("软件和信息技术服务业", employees=(300, 100, 10), revenue_wan=(10000, 1000, 50))
REAL_ESTATE_DEVELOPMENT = _rule("房地产开发经营", revenue_wan=(200000, 1000, 100), assets_wan=(10000, 5000, 2000))
PROPERTY_MANAGEMENT = _rule("物业管理", employees=(1000, 300, 100), revenue_wan=(5000, 1000, 500))
LEASING_BUSINESS = _rule("租赁和商务服务业", employees=(300, 100, 10), assets_wan=(120000, 8000, 100))
OTHER = _rule("其他未列明行业", employees=(300, 100, 10))

# GB/T 4754-2017 prefixes (of the 4-digit class) → group; the longest matching prefix wins.
_RULE_BY_PREFIX: dict[str, ScaleRule] = {
    "A": AGRICULTURE,
    "B": INDUSTRY,
    "C": INDUSTRY,
    "D": INDUSTRY,
    "E": CONSTRUCTION,
    "F51": WHOLESALE,
    "F52": RETAIL,
    "G54": TRANSPORT,
    "G55": TRANSPORT,
    "G56": TRANSPORT,
    "G57": TRANSPORT,
    "G58": TRANSPORT,
    "G59": WAREHOUSING,
    "G60": POSTAL,
    "H": ACCOMMODATION_CATERING,
    "I63": TELECOM,
    "I64": TELECOM,
    "I65": SOFTWARE,
    "K7010": REAL_ESTATE_DEVELOPMENT,
    "K7020": PROPERTY_MANAGEMENT,
    "L": LEASING_BUSINESS,
}

_TIERS = (Scale.LARGE, Scale.MEDIUM, Scale.SMALL)


def scale_rule_for(industry_code: str) -> ScaleRule:
    """The 2017 group rule for a profile industry code such as ``C1781`` (其他未列明行业 when none fits)."""
    code = industry_code.strip().upper()
    for length in range(len(code), 0, -1):
        rule = _RULE_BY_PREFIX.get(code[:length])
        if rule is not None:
            return rule
    return OTHER


def derive_scale(
    industry_code: str,
    *,
    employees: float | None,
    revenue_wan: float | None,
    assets_wan: float | None,
) -> Scale | None:
    """The size class from the indicators, or ``None`` when an unknown indicator leaves it open.

    >>> derive_scale("C1781", employees=310, revenue_wan=6500, assets_wan=None)
    <Scale.MEDIUM: '中型'>
    """
    rule = scale_rule_for(industry_code)
    values = {"employees": employees, "revenue_wan": revenue_wan, "assets_wan": assets_wan}
    # the tier each known indicator allows on its own (0 = 大型 … 3 = 微型); unknown indicators allow any
    allowed: list[int] = []
    unknown = False
    for indicator, bounds in rule.bounds.items():
        value = values[indicator]
        if value is None:
            unknown = True
            continue
        allowed.append(next((i for i, bound in enumerate(bounds) if value >= bound), len(_TIERS)))
    tier = max(allowed, default=0)
    if unknown and tier < len(_TIERS):
        return None
    return _TIERS[tier] if tier < len(_TIERS) else Scale.MICRO
