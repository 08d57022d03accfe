"""What a measure grants one company, read from its text: the cap in 万元 and the amount as a formula.

``max_amount_wan`` is what one enterprise may obtain at most (a stated cap, else the largest amount granted);
``amount_formula`` says what the amount is — a per-enterprise cap, a fixed sum, an amount per person or unit,
or a rate of a base (50% of last year's unemployment-insurance contributions) — so the amount for a given
profile can be computed later (政策计算器). Units are normalised to 万元 (元 and 亿元 converted); totals and
statistics are never a company's amount.
"""

from __future__ import annotations

import re

from ontology.eligibility import AmountFormula

_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(亿元|万元)")
_CAP_BEFORE = re.compile(r"(最高|最多|上限|封顶|不超过|不高于|最高不超过|累计不超过)[^，,。；;0-9]{0,4}$")
_TOTAL = re.compile(r"(总额|总量|总规模|资金池|累计|合计|共计|总计|安排|统筹|筹集|设立|下达)[^，,。；;0-9]{0,6}$")
_THRESHOLD_AFTER = re.compile(r"(人民币)?\s*(以上|以下|以内|及以上|及以下|\(含|（含|的(企业|部分|项目)|规模)")
_THRESHOLD_BEFORE = re.compile(
    r"(达到|超过|突破|低于|不足|销售额|营业收入|营收|零售额|产值|纳税额|投资额|贷款额|增量|营业额|收入|融资额|经济贡献)"
    r"[^，,。；;0-9]{0,4}$|[(（]含\s*$"  # …1亿元以内（含1亿元）: the bound restated
)
# a cap marked inclusive (最高5000万元(含)) is still a cap, not a threshold (…万元(含)以上)
_INCLUSIVE = re.compile(r"\s*[(（]含[)）](?!\s*(以上|以下|以内))")
# the total a company is granted over the years (分三年给予支持，支持总额最高1500万元): its cap, not a fund's total
_GRANT_TOTAL = re.compile(r"(支持|奖励|补助|补贴|奖补|资助)总额(最高|最多|不超过|累计不超过)[^，,。；;0-9]{0,2}$")
# another policy's amounts cited for reference (参照省厅对…每家奖补100万元的政策): not what this measure grants
_REFERENCE = re.compile(r"参照[^。；;]{0,60}?的(政策|规定|标准|做法)")
# the next item of a list of thresholds (突破1000万元、2000万元、1亿元的): a threshold too
_LIST_ITEM = re.compile(r"\s*[、和及或]\s*")
_PER_UNIT = re.compile(r"每(人|亩|个|吨|平方米|月|天|次|笔|名)[^，。；]{0,6}$")
_RATE = re.compile(
    r"(按照?|按其|以|返还其?|补贴其?|补助其?|给予其?|减免其?|奖励其?)([^，,。；;%０-９0-9]{2,40}?)的?\s*(\d+(?:\.\d+)?)\s*[%％]"
)
_RATE_BASE_NOISE = re.compile(r"^(不超过|不高于|最高|其)|的$")
_PER_UNIT_AMOUNT = re.compile(
    r"每(?:[^，,。；;0-9]{0,6}?[0-9一]*)?(人|名|亩|吨|平方米|个|套|台|场|次|笔)[^，,。；;0-9]{0,10}?"
    r"(\d+(?:\.\d+)?)\s*(亿元|万元|元)"
)
_TO_WAN = {"亿元": 10000.0, "万元": 1.0, "元": 0.0001}


def _amounts(text: str, start: int, end: int) -> tuple[list[float], list[float]]:
    """(stated caps, amounts granted) in 万元 of ``text[start:end]``: per-unit amounts (每人…), thresholds a
    company must reach (达到…以上, 销售额…) and totals (资金总额, 累计 …) left out."""
    caps: list[float] = []
    granted: list[float] = []
    threshold_end = -1  # where the last threshold amount ended
    cited = [r.span() for r in _REFERENCE.finditer(text, start, end)]
    for m in _AMOUNT.finditer(text, start, end):
        if any(a <= m.start() < b for a, b in cited):
            continue
        before, after = text[max(start, m.start() - 12) : m.start()], text[m.end() : m.end() + 8]
        amount = float(m.group(1)) * (10000 if m.group(2) == "亿元" else 1)
        if _GRANT_TOTAL.search(before):
            caps.append(amount)
            continue
        if _PER_UNIT.search(text[max(start, m.start() - 10) : m.start()]) or _TOTAL.search(before):
            continue
        capped = _CAP_BEFORE.search(before)
        if _THRESHOLD_AFTER.match(after) and not (capped and _INCLUSIVE.match(after)):
            continue
        if capped:
            caps.append(amount)
        elif _THRESHOLD_BEFORE.search(before) or (
            threshold_end >= 0 and _LIST_ITEM.fullmatch(text, threshold_end, m.start())
        ):
            threshold_end = m.end()
        else:
            granted.append(amount)
    return caps, granted


def max_amount_wan(text: str, start: int, end: int) -> float | None:
    """What one enterprise may obtain at most, in 万元: a stated cap (最高…, 不超过…) when there is one, else the
    largest amount granted."""
    caps, granted = _amounts(text, start, end)
    return _cap_of(caps, granted)


def _cap_of(caps: list[float], granted: list[float]) -> float | None:
    if caps:
        return max(caps)
    return max(granted) if granted else None


def amount_formula(text: str, start: int, end: int) -> AmountFormula | None:
    """The amount of a measure as a formula: a rate of a base, an amount per unit, a fixed sum or a cap; its
    ``cap_wan`` is ``max_amount_wan`` of the same text."""
    caps, granted = _amounts(text, start, end)
    cap = _cap_of(caps, granted)
    rate = _RATE.search(text, start, end)
    if rate:
        base = _RATE_BASE_NOISE.sub("", rate.group(2)).strip()
        return AmountFormula("rate", float(rate.group(3)), "%", base=base or None, cap_wan=cap)
    per_unit = _PER_UNIT_AMOUNT.search(text, start, end)
    if per_unit:
        value = float(per_unit.group(2)) * _TO_WAN[per_unit.group(3)]
        return AmountFormula("per_unit", round(value, 6), "万元", per=per_unit.group(1), cap_wan=cap)
    if caps:
        return AmountFormula("cap", max(caps), "万元", cap_wan=max(caps))
    if granted:
        return AmountFormula("fixed", max(granted), "万元", cap_wan=max(granted))
    return None
