"""Sections of a policy that state who qualifies for the measures after them ("一、单位享受稳岗返还的条件").

A notice often lists its requirements under a heading of their own (享受条件, 申报条件, 支持对象及条件 …) and its
benefits under the next ones (二、返还标准: "大型企业按…30%返还"). Each requirement of such a section applies to
every measure after it: the behaviour cues it holds become their conditions, and a requirement no cue reads is
kept as an ``other`` condition in its own words, so a company is asked about it rather than told it qualifies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.extractors.condition_rules import Found, find_behaviour
from ontology.eligibility import ConditionSpec
from ontology.model import ConditionDimension as Dim
from ontology.model import ConditionOperator as Op

# the item markers a heading may open with, each with the marker the next heading of its level opens with
_MARKERS = {
    "chapter": r"[一二三四五六七八九十]+、",
    "paren": r"[（(][一二三四五六七八九十]+[)）]",
    "number": r"\d{1,2}[.、．]",
}
_SPACE = r"[ \t\u3000]*"
_HEADING = re.compile(
    rf"(?m)^{_SPACE}(?:{'|'.join(f'(?P<{kind}>{marker})' for kind, marker in _MARKERS.items())}){_SPACE}"
    rf"(?P<title>[^\n。；;]{{0,24}}?(?:条件|对象|申报要求|申请要求)){_SPACE}[:：]?{_SPACE}$"
)
_UNIT = re.compile(r"[^。；;\n]+")
_FORMULA = re.compile(r"[=＝÷×]")
MIN_UNIT_LETTERS = 6
SECTION_REACH = 1500


@dataclass(frozen=True)
class ConditionSection:
    """A section stating requirements: where it ends and the spans of its requirements."""

    end: int
    requirements: tuple[tuple[int, int], ...]


def find_condition_sections(text: str) -> list[ConditionSection]:
    """The requirement sections of a document (headed 条件/对象 …, ending at the next heading of their level)."""
    sections: list[ConditionSection] = []
    for heading in _HEADING.finditer(text):
        kind = next(k for k in _MARKERS if heading.group(k))
        next_heading = re.compile(rf"(?m)^{_SPACE}{_MARKERS[kind]}")
        limit = min(len(text), heading.end() + SECTION_REACH)
        following = next_heading.search(text, heading.end(), limit)
        end = following.start() if following else limit
        units = tuple(
            (m.start(), m.end())
            for m in _UNIT.finditer(text, heading.end(), end)
            if len(re.findall(r"[\u4e00-\u9fff]", m.group())) >= MIN_UNIT_LETTERS and not _FORMULA.search(m.group())
        )
        if units:
            sections.append(ConditionSection(end, units))
    return sections


def section_conditions(text: str, start: int, sections: list[ConditionSection]) -> list[Found]:
    """The conditions a measure starting at ``start`` takes from the last requirement section before it."""
    before = [s for s in sections if s.end <= start]
    if not before:
        return []
    found: list[Found] = []
    for a, b in before[-1].requirements:
        cues = find_behaviour(text, a, b)
        if cues:
            found += cues
        else:
            words = text[a:b].strip()
            found.append(Found(a, b, ConditionSpec(Dim.OTHER, Op.EQ, True, words)))
    return found
