"""Enterprise size class (大型/中型/小型/微型) of 工信部联企业〔2011〕300号 / 国统字〔2017〕213号.

A profile's size class is its official classification, as stated; it is not re-derived from employees or revenue
(the labelling rules of ``../shared/eligibility``: a null scale is unknown), so a measure for 中小微企业 asks a
company that leaves it out rather than guessing it. 个体工商户 count as 微型 (300号 第七条 参照执行).
"""

from __future__ import annotations

from enum import StrEnum


class Scale(StrEnum):
    """Size classes of 工信部联企业〔2011〕300号 / 国统字〔2017〕213号, largest first."""

    LARGE = "大型"
    MEDIUM = "中型"
    SMALL = "小型"
    MICRO = "微型"
