"""The clause tree of a document: 编/章/节/条/款/项/目 in statutes, 一、/（一）/1./（1） enumerations in policies.

Pure functions over the stored text. Markers are found at line starts (statutes, Markdown headings) or, for
enumerations, also after whitespace or 。；： inside a line (JSONL policies run their items together on one
line). A marker of a lower rank nests under the nearest open marker of a higher rank; a clause's span runs
from its marker to the next marker of the same or a higher rank. Enumeration numbers must continue the
previous sibling (n+1) or start a list (1), which keeps 2020年 or 3.5亿元 from becoming items.

Container clauses (编, 章, 节) span their whole part but their ``text`` is only the heading line, so that
search does not index a chapter's articles twice; articles and below carry their full text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ontology.model import ClauseKind

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUM = r"[一二三四五六七八九十百千零〇两]+"

_LINE_START = r"(?:^|(?<=\n))[ \t\u3000\u00a0\u200b\ufeff]*(?:#{1,6}[ \t]*)?"
_STATUTE_MARKER = re.compile(
    _LINE_START + rf"(?P<label>第(?P<num>{_NUM}|\d+)(?P<unit>编|章|节|条)(?:之(?P<sub>{_NUM}))?)"
    r"(?=[ \t\u3000\u00a0【（(]|$|[\u4e00-\u9fff])",
    re.M,
)
_ITEM_MARKER = re.compile(_LINE_START + rf"(?P<label>[（(](?P<num>{_NUM})[）)])", re.M)
_SUBITEM_MARKER = re.compile(_LINE_START + r"(?P<label>(?P<num>\d{1,2})[.．、](?!\d))", re.M)
_ENUM_BOUNDARY = r"(?:^|(?<=[\n \t\u3000\u00a0。；;：:！!]))"
_ENUM_MARKERS = (
    re.compile(_ENUM_BOUNDARY + rf"(?P<label>(?P<num>{_NUM})[、．.])"),
    re.compile(_ENUM_BOUNDARY + rf"(?P<label>[（(](?P<num>{_NUM})[）)])"),
    re.compile(_ENUM_BOUNDARY + r"(?P<label>(?P<num>\d{1,2})[、．.](?!\d))"),
    re.compile(_ENUM_BOUNDARY + r"(?P<label>[（(](?P<num>\d{1,2})[）)])"),
)
_INFO_END = "<!-- INFO END -->"
_STATUTE_RANK = {"编": 1, "章": 2, "节": 3, "条": 4}
_KIND_OF_UNIT = {"编": ClauseKind.PART, "章": ClauseKind.CHAPTER, "节": ClauseKind.SECTION, "条": ClauseKind.ARTICLE}
_PARAGRAPH_RANK, _ITEM_RANK, _SUBITEM_RANK = 5, 6, 7
CONTAINER_KINDS = frozenset({ClauseKind.PART, ClauseKind.CHAPTER, ClauseKind.SECTION})


@dataclass
class ClauseDraft:
    """A clause before it becomes a node: kind, label, numbers, place in the tree and span."""

    kind: ClauseKind
    label: str
    number: int | None
    start: int
    end: int
    rank: int
    parent: int | None = None
    ordinal: int = 1
    depth: int = 1
    path: str = ""
    text: str = ""


@dataclass(frozen=True)
class _Marker:
    start: int
    rank: int
    kind: ClauseKind
    label: str
    number: int | None


def chinese_number(numeral: str) -> int | None:
    """Parse 四十八 → 48, 一百零三 → 103, 二〇 → 20 digits-wise, 12 → 12; ``None`` when not a numeral."""
    if numeral.isdigit():
        return int(numeral)
    if not numeral or any(c not in _CN_DIGITS and c not in _CN_UNITS for c in numeral):
        return None
    if not any(c in _CN_UNITS for c in numeral):
        return int("".join(str(_CN_DIGITS[c]) for c in numeral))
    total, digit = 0, 0
    for c in numeral:
        if c in _CN_DIGITS:
            digit = _CN_DIGITS[c]
        else:
            total += (digit or 1) * _CN_UNITS[c]
            digit = 0
    return total + digit


def body_start(text: str) -> int:
    """Where the body begins: after LawRefBook's ``<!-- INFO END -->`` header marker, else 0."""
    at = text.find(_INFO_END)
    return at + len(_INFO_END) if at >= 0 else 0


def parse_clauses(text: str) -> list[ClauseDraft]:
    """The clause tree of a stored text, in document order (parents before children)."""
    start = body_start(text)
    markers = _statute_markers(text, start)
    if not any(m.kind is ClauseKind.ARTICLE for m in markers):
        markers = [m for m in markers if m.kind in CONTAINER_KINDS] + _enumeration_markers(text, start)
        markers.sort(key=lambda m: m.start)
    return finish_tree(text, _build_tree(text, markers))


def _statute_markers(text: str, start: int) -> list[_Marker]:
    markers: list[_Marker] = []
    for m in _STATUTE_MARKER.finditer(text, start):
        unit = m.group("unit")
        number = chinese_number(m.group("num"))
        markers.append(_Marker(m.start("label"), _STATUTE_RANK[unit], _KIND_OF_UNIT[unit], m.group("label"), number))
    articles = [m for m in markers if m.kind is ClauseKind.ARTICLE]
    if not articles:
        return markers
    boundaries = [m.start for m in markers] + [len(text)]
    for i, marker in enumerate(markers):
        if marker.kind is ClauseKind.ARTICLE:
            markers.extend(_article_inner_markers(text, marker.start, boundaries[i + 1]))
    markers.sort(key=lambda m: (m.start, m.rank))
    return markers


def _article_inner_markers(text: str, start: int, end: int) -> list[_Marker]:
    """款 (each paragraph, when there are several), 项 （一） and 目 1. inside one article."""
    found: list[_Marker] = []
    line_start = text.find("\n", start, end)
    paragraph = 1
    while line_start != -1 and line_start < end:
        line_start += 1
        line_end = text.find("\n", line_start, end)
        line_end = end if line_end == -1 else line_end
        line = text[line_start:line_end]
        stripped = line.lstrip(" \t\u3000\u00a0\u200b\ufeff")
        if stripped.strip() and not stripped.startswith("#"):
            offset = line_start + len(line) - len(stripped)
            item = _ITEM_MARKER.match(text, line_start, line_end)
            subitem = _SUBITEM_MARKER.match(text, line_start, line_end)
            if item:
                found.append(_Marker(offset, _ITEM_RANK, ClauseKind.ITEM, item.group("label"), _num(item)))
            elif subitem:
                found.append(_Marker(offset, _SUBITEM_RANK, ClauseKind.SUBITEM, subitem.group("label"), _num(subitem)))
            else:
                paragraph += 1
                found.append(_Marker(offset, _PARAGRAPH_RANK, ClauseKind.PARAGRAPH, "", paragraph))
        line_start = text.find("\n", line_end, end) if line_end < end else -1
    if paragraph > 1:
        found.append(_Marker(start, _PARAGRAPH_RANK, ClauseKind.PARAGRAPH, "", 1))
    return found


def _num(match: re.Match[str]) -> int | None:
    return chinese_number(match.group("num"))


def _enumeration_markers(text: str, start: int) -> list[_Marker]:
    candidates: list[_Marker] = []
    for rank, pattern in enumerate(_ENUM_MARKERS, start=10):
        for m in pattern.finditer(text, start):
            number = _num(m)
            if number is not None and 0 < number < 100:
                candidates.append(_Marker(m.start("label"), rank, ClauseKind.ENUMERATION, m.group("label"), number))
    candidates.sort(key=lambda m: m.start)
    accepted: list[_Marker] = []
    last_number: dict[int, int] = {}
    for marker in candidates:
        previous = last_number.get(marker.rank)
        if marker.number == 1 or (previous is not None and marker.number == previous + 1):
            accepted.append(marker)
            last_number[marker.rank] = marker.number or 0
            for deeper in [r for r in last_number if r > marker.rank]:
                del last_number[deeper]
    return accepted


def _build_tree(text: str, markers: list[_Marker]) -> list[ClauseDraft]:
    drafts: list[ClauseDraft] = []
    stack: list[int] = []
    for marker in markers:
        while stack and drafts[stack[-1]].rank >= marker.rank:
            drafts[stack.pop()].end = marker.start
        drafts.append(_draft(marker, stack[-1] if stack else None))
        stack.append(len(drafts) - 1)
    for index in stack:
        drafts[index].end = len(text)
    return drafts


def _draft(marker: _Marker, parent: int | None) -> ClauseDraft:
    return ClauseDraft(marker.kind, marker.label, marker.number, marker.start, marker.start, marker.rank, parent)


def finish_tree(text: str, drafts: list[ClauseDraft]) -> list[ClauseDraft]:
    """Trim trailing whitespace from spans and fill label (款), ordinal, depth, path and text."""
    siblings: dict[int | None, int] = {}
    for draft in drafts:
        while draft.end > draft.start and text[draft.end - 1] in " \t\n\r\u3000\u00a0\u200b#":
            draft.end -= 1
        if draft.kind is ClauseKind.PARAGRAPH:
            draft.label = f"第{_chinese(draft.number or 1)}款"
        siblings[draft.parent] = siblings.get(draft.parent, 0) + 1
        draft.ordinal = siblings[draft.parent]
        parent = drafts[draft.parent] if draft.parent is not None else None
        draft.depth = parent.depth + 1 if parent else 1
        draft.path = f"{parent.path}/{draft.label}" if parent else draft.label
        if draft.kind in CONTAINER_KINDS:
            line_end = text.find("\n", draft.start, draft.end)
            draft.text = text[draft.start : line_end if line_end != -1 else draft.end].strip()
        else:
            draft.text = text[draft.start : draft.end]
    return drafts


def _chinese(number: int) -> str:
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    tens, ones = divmod(number, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")
