"""Sections of a policy that state who qualifies for the measures after them ("一、单位享受稳岗返还的条件").

A notice often lists its requirements under a heading of their own (享受条件, 申报条件, 支持对象及条件 …) and its
benefits under the next ones (二、返还标准: "大型企业按…30%返还"). Each requirement of such a section applies to
every measure after it: the behaviour cues it holds become their conditions, and a requirement no cue reads is
kept as an ``other`` condition in its own words, so a company is asked about it rather than told it qualifies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.extractors.condition_rules import Found, find_behaviour, find_qualifications
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
_TITLE = rf"(?P<title>[^\n。；;]{{0,24}}?(?:条件|对象|申报要求|申请要求)){_SPACE}[:：]?{_SPACE}$"
_HEADING = re.compile(
    rf"(?m)^{_SPACE}(?:{'|'.join(f'(?P<{kind}>{marker})' for kind, marker in _MARKERS.items())}){_SPACE}{_TITLE}"
)
# a title on a line of its own, its item's marker (if any) on the line before ("一、\n支持对象\n对在我市登记注册…"):
# its section ends at the next such bare heading (支持时间, 支持标准) or the next marked item
_OWN_LINE = re.compile(
    rf"(?m)^{_SPACE}(?:(?:{'|'.join(_MARKERS.values())}){_SPACE}\n)?{_SPACE}(?=[^\n]{{0,14}}$){_TITLE}"
)
_NEXT_OWN_LINE = re.compile(
    rf"(?m)^{_SPACE}(?:[^\n，,。；;：:、（）()]{{2,12}}|(?:{'|'.join(_MARKERS.values())})[^\n]*){_SPACE}$"
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
    """The requirement sections of a document (headed 条件/对象 …, ending at the next heading of their level, or
    for a title on its own line at the next bare heading)."""
    sections: list[ConditionSection] = []
    starts: set[int] = set()
    for heading in _HEADING.finditer(text):
        kind = next(k for k in _MARKERS if heading.group(k))
        next_heading = re.compile(rf"(?m)^{_SPACE}{_MARKERS[kind]}")
        limit = min(len(text), heading.end() + SECTION_REACH)
        following = next_heading.search(text, heading.end(), limit)
        starts.add(heading.start("title"))
        _add_section(sections, text, heading.end(), following.start() if following else limit)
    for heading in _OWN_LINE.finditer(text):
        if heading.start("title") in starts:
            continue
        limit = min(len(text), heading.end() + SECTION_REACH)
        following = _NEXT_OWN_LINE.search(text, heading.end() + 1, limit)
        _add_section(sections, text, heading.end(), following.start() if following else limit)
    return sorted(sections, key=lambda s: s.end)


def _add_section(sections: list[ConditionSection], text: str, start: int, end: int) -> None:
    """A section of the requirements between ``start`` and ``end``, when it states some."""
    units = tuple(
        (m.start(), m.end())
        for m in _UNIT.finditer(text, start, end)
        if len(re.findall(r"[\u4e00-\u9fff]", m.group())) >= MIN_UNIT_LETTERS and not _FORMULA.search(m.group())
    )
    if units:
        sections.append(ConditionSection(end, units))


def section_conditions(text: str, start: int, sections: list[ConditionSection]) -> list[Found]:
    """The conditions a measure starting at ``start`` takes from the last requirement section before it."""
    before = [s for s in sections if s.end <= start]
    if not before:
        return []
    found: list[Found] = []
    for a, b in before[-1].requirements:
        found += find_qualifications(text, a, b)  # 具有对外贸易经营资格: a qualification to hold as well
        cues = find_behaviour(text, a, b)
        if cues:
            found += cues
        else:
            words = text[a:b].strip()
            found.append(Found(a, b, ConditionSpec(Dim.OTHER, Op.EQ, True, words)))
    return found
