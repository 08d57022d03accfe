"""Phrases that name GB/T 4754-2017 industries, grown from the standard's own names (the shipped code table).

Each section, division and group name gives itself and its everyday short forms: without the joining 和/及/、
(批发和零售业 → 批发零售业), and without the closing 业 (住宿和餐饮业 → 住宿餐饮, 道路运输业 → 道路运输). A phrase
two levels share names the broader one (教育 → P). Left out: names that are public bodies or financial
intermediaries rather than trades that policies support (sections J, S, T — 金融业, 国家机构, 国际组织), 其他…
remainders, short forms that are everyday words in policy texts (租赁, 社会保障 …), and class (4-digit) names of
fewer than four letters, mostly products (炼钢, 广播) that rarely name a beneficiary; longer class names are specific
(旅游饭店, 快递服务, 洗浴服务). A class that makes one product also names its firms by the product (中成药生产 →
中成药企业, 中成药生产企业, 中成药产业).
"""

from __future__ import annotations

import re
from functools import cache

from ontology.reference import load_industries

# sections whose names are not enterprises a support measure names as its beneficiary
_LEFT_OUT_SECTIONS = frozenset("JST")
# short forms that mean something else in a policy text's sentences (租赁房屋, 卫生防疫, 体育场馆 …)
_AMBIGUOUS = frozenset(
    {"租赁", "卫生", "社会工作", "社会保障", "土地管理", "水利管理", "公共设施管理", "广告", "医院", "电信"}
)
_JOINS = re.compile(r"[和及、，]")
# a product list (绘图、计算及测量仪器; 水果和坚果) shares or splits its head noun: no form for it
_MAKER = re.compile(r"([^和及、，]+?)(?:制造|加工|生产)")
MIN_LENGTH = 2
CLASS_LEVEL, MIN_CLASS_LENGTH = 4, 4


def _forms(name: str) -> list[str]:
    """The name and its everyday short forms."""
    joined = _JOINS.sub("", name)
    forms = [name, joined]
    for form in (name, joined):
        if form.endswith("业") and len(form) > MIN_LENGTH:
            forms.append(form[:-1])
    return [f for f in dict.fromkeys(forms) if len(f) >= MIN_LENGTH and f not in _AMBIGUOUS]


@cache
def standard_industry_phrases() -> dict[str, list[str]]:
    """Phrase → GB/T 4754 codes (a section letter or 2-4 digits) for the standard's names; the broadest
    industry wins where two share a phrase."""
    table: dict[str, list[str]] = {}
    industries = sorted(load_industries().by_code.values(), key=lambda i: i.level)
    for industry in industries:
        if industry.section in _LEFT_OUT_SECTIONS or industry.name.startswith("其他"):
            continue
        for phrase in _forms(industry.name):
            if industry.level == CLASS_LEVEL and len(phrase) < MIN_CLASS_LENGTH:
                continue
            table.setdefault(phrase, [industry.code])
        if industry.level == CLASS_LEVEL:
            for phrase in _maker_forms(industry.name):
                table.setdefault(phrase, [industry.code])
    return table


def _maker_forms(name: str) -> list[str]:
    """A class that makes a product (中成药生产, 中药饮片加工) names its firms by the product: 中成药企业,
    中成药生产企业, 中成药产业 (the product alone, 中成药, names no firm)."""
    m = _MAKER.fullmatch(name)
    if m is None or len(m.group(1)) < MIN_LENGTH or m.group(1) in _AMBIGUOUS:
        return []
    return [m.group(1) + suffix for suffix in ("企业", "生产企业", "产业")]
