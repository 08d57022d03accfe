"""The fact catalogue: typed facts a profile may state, each with the Chinese question that asks for it.

A behaviour or other condition names a fact. Catalogue facts (``resources/facts.tsv``: ``layoff_rate_2019_pct:
number — 上年度裁员率是多少（%）？``) are checked for their type when a profile states them and asked by their
question when missing. A condition the extractor could not map to a catalogue fact carries a text key
(``ontology.eligibility.text_fact_key``): its question quotes the condition, and an answer given once serves
every measure with the same wording.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from ontology.eligibility import TEXT_FACT_PREFIX
from ontology.text import LOCAL_SCOPE

FactType = Literal["bool", "number", "int", "date"]


@dataclass(frozen=True)
class Fact:
    """One catalogue fact."""

    name: str
    type: FactType
    unit: str
    question: str


@cache
def fact_catalogue() -> dict[str, Fact]:
    """Every catalogue fact by name."""
    text = resources.files("eligibility").joinpath("resources", "facts.tsv").read_text(encoding="utf-8")
    facts: dict[str, Fact] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, kind, unit, question = line.split("\t")
        facts[name] = Fact(name, kind, unit, question)  # type: ignore[arg-type]
    return facts


# profile fields a condition may read, with their questions
PROFILE_FIELD_QUESTIONS: dict[str, tuple[str, str]] = {
    "scale": ("企业规模是大型、中型、小型还是微型？", "text"),
    "employees": ("从业人员（参保职工）有多少人？", "int"),
    "annual_revenue_wan": ("上年度营业收入是多少（万元）？", "number"),
    "total_assets_wan": ("资产总额是多少（万元）？", "number"),
    "established": ("企业成立日期是哪一天？", "date"),
    "ownership": ("企业性质是国有、民营、外资、港澳台资还是个体工商户？", "text"),
    "qualifications": ("持有哪些资质、认定或名单（如高新技术企业、专精特新）？", "list"),
    "industry_code": ("所属行业（国民经济行业分类）是什么？", "text"),
    "region_code": ("注册地在哪个区县？", "text"),
}


def question_for(fact: str, condition_text: str = "") -> dict[str, str]:
    """The question that asks for ``fact`` (a catalogue fact, a text key or a profile field):
    ``{"fact", "question", "type"[, "unit"]}``."""
    if fact in PROFILE_FIELD_QUESTIONS:
        question, kind = PROFILE_FIELD_QUESTIONS[fact]
        return {"fact": fact, "question": question, "type": kind}
    known = fact_catalogue().get(fact)
    if known is not None:
        out = {"fact": fact, "question": known.question, "type": known.type}
        if known.unit:
            out["unit"] = known.unit
        return out
    if fact.startswith(TEXT_FACT_PREFIX):
        wording = condition_text or fact.removeprefix(TEXT_FACT_PREFIX)
        if LOCAL_SCOPE.fullmatch(wording):  # a document that names no place: only its reader's region can say
            return {
                "fact": fact,
                "question": f"企业是否位于该文件所称的「{wording}」（文件未写明地名）？",
                "type": "bool",
            }
        return {"fact": fact, "question": f"是否符合「{wording}」？", "type": "bool"}
    return {"fact": fact, "question": f"请补充：{condition_text or fact}", "type": "text"}


def fact_type_error(name: str, value: object) -> str | None:
    """Why ``value`` cannot be the value of catalogue fact ``name`` (in Chinese), or ``None`` when it can."""
    known = fact_catalogue().get(name)
    if known is None:
        return None
    if known.type == "bool" and not isinstance(value, bool):
        return f"facts.{name}：应为 true 或 false（{known.question}）"
    if known.type in ("number", "int") and (isinstance(value, bool) or not isinstance(value, int | float)):
        return f"facts.{name}：应为数字（{known.question}）"
    if known.type == "int" and isinstance(value, float) and not value.is_integer():
        return f"facts.{name}：应为整数（{known.question}）"
    if known.type in ("number", "int") and isinstance(value, int | float) and value < 0:
        return f"facts.{name}：不能为负数（{known.question}）"
    return None
