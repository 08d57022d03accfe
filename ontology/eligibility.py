"""The eligibility vocabulary every package shares: conditions, benefits, support measures and the verdict.

These are plain value objects (CCCEV: a Requirement with Constraints and what it grants). The extractor
(``ingest.extractors.eligibility``) finds them in a policy text, ``graph.records`` maps them to and from
Condition and Benefit nodes, and the matcher (``eligibility.matching``) compiles and judges them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ontology.reference import NATIONAL_CODE


class Verdict(StrEnum):
    """A matching verdict, from best to worst; ``code`` orders them (0 eligible … 2 ineligible)."""

    ELIGIBLE = "eligible"
    UNDETERMINED = "undetermined"
    INELIGIBLE = "ineligible"

    @property
    def code(self) -> int:
        """0 for eligible, 1 for undetermined, 2 for ineligible: a measure's verdict is its worst condition's."""
        return VERDICT_NAMES.index(self.value)

    @classmethod
    def of_code(cls, code: int) -> Verdict:
        """The verdict of a numeric ``code``."""
        return cls(VERDICT_NAMES[code])

    def at_least(self, other: Verdict) -> bool:
        """Whether this verdict is as good as ``other`` or better."""
        return self.code <= other.code


VERDICT_NAMES = ("eligible", "undetermined", "ineligible")

# a condition the extractor could not map to a catalogue fact is decided by a fact keyed by its wording
TEXT_FACT_PREFIX = "text:"
_NOT_WORDING = re.compile(r"[\s\u3000，,。；;：:、“”\"'（）()【】《》]")


def text_fact_key(text: str) -> str:
    """The fact key of a condition known only by its wording (whitespace and punctuation aside)."""
    return TEXT_FACT_PREFIX + _NOT_WORDING.sub("", text)[:60]


ConditionValue = Any  # list[str] for set dimensions, a number, a bool, or an ISO date for ``as_of``


@dataclass(frozen=True)
class ConditionSpec:
    """One eligibility condition: ``dimension operator value``; ``fact`` names the profile fact it reads.

    ``fact`` is set for behaviour/other conditions (and revenue thresholds on an amount other than revenue);
    ``None`` there means no fact is known to decide it, so it stays ``unknown``.
    """

    dimension: str
    operator: str
    value: ConditionValue
    text: str
    fact: str | None = None
    span: tuple[int, int] | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON form used in answers and in ``policykg conditions``."""
        out: dict[str, Any] = {
            "dimension": self.dimension,
            "operator": self.operator,
            "value": self.value,
            "text": self.text,
        }
        if self.fact is not None:
            out["fact"] = self.fact
        if self.span is not None:
            out["span"] = list(self.span)
        return out


@dataclass(frozen=True)
class AmountFormula:
    """What one company obtains, as a formula: ``kind`` is ``cap`` (at most ``value`` 万元), ``fixed`` (``value``
    万元), ``per_unit`` (``value`` 万元 per ``per``: 人, 亩 …) or ``rate`` (``value`` % of ``base``); ``cap_wan``
    bounds any of them."""

    kind: str
    value: float
    unit: str
    base: str | None = None
    per: str | None = None
    cap_wan: float | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON form used in answers."""
        return {
            "kind": self.kind,
            "value": self.value,
            "unit": self.unit,
            "base": self.base,
            "per": self.per,
            "cap_wan": self.cap_wan,
        }


@dataclass(frozen=True)
class BenefitSpec:
    """What a measure grants: its type (``BenefitType``), the text, the largest amount in 万元 and the amount
    as a formula."""

    type: str
    text: str
    max_amount_wan: float | None = None
    span: tuple[int, int] | None = None
    formula: AmountFormula | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON form used in answers."""
        return {
            "type": self.type,
            "text": self.text,
            "max_amount_wan": self.max_amount_wan,
            "formula": self.formula.to_json() if self.formula else None,
        }


@dataclass(frozen=True)
class MeasureSpec:
    """One enterprise-facing support measure (a clause) with everything the matcher needs.

    ``span`` is into the stored document text, ``source_span`` into the text as given in the source.
    ``region_code`` is the jurisdiction (``100000`` = 全国).
    """

    clause_id: str
    doc_id: str
    source_id: str
    span: tuple[int, int]
    source_span: tuple[int, int]
    clause_text: str
    region_code: str = NATIONAL_CODE
    conditions: tuple[ConditionSpec, ...] = ()
    benefit: BenefitSpec | None = None
    valid_from: str | None = None
    valid_to: str | None = None
    deadline: str | None = None
    title: str = field(default="", compare=False)
    # the same measure republished in other documents: (source_id, clause_id) of each copy
    copies: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    curated: bool = False  # an official corrected what was extracted
    auto_grant: bool = False  # 免申即享: granted to qualifying profiles without an application
