"""Varied support measures and enterprise profiles for checking the array paths of matching against the
per-profile evaluation: every condition dimension and operator, text and number facts, the as-of date,
validity windows, jurisdictions from 全国 to a county; profiles with missing facts, derived or unknown scale,
qualifications unknown (None) or none ([]), descriptions or none."""

from __future__ import annotations

import random
from datetime import date

from eligibility.profile import EnterpriseProfile
from ontology.eligibility import BenefitSpec, ConditionSpec, MeasureSpec

JURISDICTIONS = ["100000", "110000", "110100", "110112", "320000", "321200", "321202", "440300", "440305"]
COUNTIES = ["110112", "110105", "321202", "321283", "440305", "310101", "500101"]
INDUSTRIES = ["C1781", "H6110", "I6513", "F5123", "L7262", "A0141", "C3311", "G5612"]
QUALS = ["高新技术企业", "专精特新中小企业", "科技型中小企业"]
TEXTS = ["对中小微企业减免房租", "对制造业企业给予补贴", "对不裁员的参保企业返还失业保险费", "给予贷款贴息支持"]


def varied_condition(rng: random.Random) -> ConditionSpec:
    kind = rng.randrange(14)
    if kind == 0:
        return ConditionSpec(
            "scale", rng.choice(["in", "not_in"]), rng.sample(["大型", "中型", "小型", "微型"], 2), "规模"
        )
    if kind == 1:
        codes = rng.sample(["C", "H", "I", "726", "61", "0141", "3311"], 2)
        return ConditionSpec("industry", rng.choice(["in", "not_in"]), codes, "行业")
    if kind == 2:
        return ConditionSpec("ownership", rng.choice(["in", "not_in"]), ["民营"], "民营企业")
    if kind == 3:
        return ConditionSpec("qualification", rng.choice(["has", "in", "not_in"]), rng.choice(QUALS), "资质")
    if kind == 4:
        return ConditionSpec("employees", rng.choice(["<=", ">=", "<", ">"]), float(rng.choice([20, 100, 300])), "人数")
    if kind == 5:
        return ConditionSpec("revenue_wan", rng.choice(["<=", ">"]), float(rng.choice([500, 2000])), "营业收入")
    if kind == 6:
        return ConditionSpec("age_years", rng.choice([">=", "<"]), float(rng.choice([1, 3])), "成立年限")
    if kind == 7:
        return ConditionSpec("behaviour", "==", rng.choice([True, False]), "未裁员", rng.choice(["layoffs", "insured"]))
    if kind == 8:
        return ConditionSpec("behaviour", rng.choice([">=", "<="]), 5.5, "裁员率", "layoff_rate")
    if kind == 9:
        return ConditionSpec("other", "==", True, "经营困难")  # no fact decides it: always unknown
    if kind == 10:
        return ConditionSpec("other", rng.choice(["==", "in"]), ["出口", "内贸"][: rng.randint(1, 2)], "业务", "trade")
    if kind == 11:
        return ConditionSpec("other", "<=", "2020-06-30", "申报截止", "as_of")
    if kind == 12:
        return ConditionSpec("region", rng.choice(["in", "not_in"]), [rng.choice(JURISDICTIONS)], "本市")
    return ConditionSpec("behaviour", "==", True, "参保", "layoffs")


def varied_measures(count: int, rng: random.Random) -> list[MeasureSpec]:
    measures = []
    for i in range(count):
        region = rng.choice(JURISDICTIONS)
        conditions = tuple(varied_condition(rng) for _ in range(rng.randint(0, 4)))
        amount = rng.choice([None, 0.0, 10.0, 50.0])
        measures.append(
            MeasureSpec(
                clause_id=f"m{rng.randrange(count // 2)}",  # repeated ids exercise the last tie-break
                doc_id=f"d{i % 7}",
                source_id=f"s{i % 7}",
                span=(i, i + 10),
                source_span=(i, i + 10),
                clause_text=rng.choice(TEXTS),
                region_code=region,
                conditions=conditions,
                benefit=None if rng.random() < 0.1 else BenefitSpec("资金补贴", "补贴", amount),
                valid_from=rng.choice([None, "2020-02-01", "2020-04-01"]),
                valid_to=rng.choice([None, "2020-12-31", "2020-02-15"]),
                deadline=rng.choice([None, None, "2020-03-31"]),
            )
        )
    return measures


def varied_profiles(count: int, rng: random.Random) -> list[EnterpriseProfile]:
    profiles = []
    for i in range(count):
        facts: dict[str, bool | int | float | str] = {}
        if rng.random() < 0.6:
            facts["layoffs"] = rng.random() < 0.5
        if rng.random() < 0.4:
            facts["insured"] = rng.random() < 0.5
        if rng.random() < 0.5:
            facts["layoff_rate"] = rng.choice([0, 3.2, 5.5, 8])
        if rng.random() < 0.5:
            facts["trade"] = rng.choice(["出口", "内贸", "其他"])
        if rng.random() < 0.1:
            facts["trade_volume"] = "大"  # a text fact no condition reads
        known_scale = rng.random() < 0.4
        profiles.append(
            EnterpriseProfile(
                id=f"p{i}",
                region_code=rng.choice(COUNTIES),
                industry_code=rng.choice(INDUSTRIES),
                established=rng.choice([None, date(2010, 5, 1), date(2019, 6, 1)]),
                employees=rng.choice([None, 8, 40, 150, 900]),
                annual_revenue_wan=rng.choice([None, 90.0, 1200.0, 50000.0]),
                total_assets_wan=rng.choice([None, 500.0]),
                scale=rng.choice(["大型", "中型", "小型", "微型"]) if known_scale else None,  # else derived or unknown
                ownership=rng.choice([None, "民营", "国有", "个体工商户"]),
                qualifications=rng.choice([None, [], rng.sample(QUALS, 1), QUALS[:2]]),
                facts=facts,
                description=rng.choice(["", "", "小微企业 房租 补贴", "制造业 贷款"]),
            )
        )
    return profiles
