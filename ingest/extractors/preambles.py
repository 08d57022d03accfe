"""Preambles: a sentence announcing the measures below and whom they are for scopes every one of them.

"对受疫情影响的中小微企业，实施以下措施：" or "……企业可享受如下政策：" names who the measures under it are for, and
so does a sentence opening with its subject and ending with a colon before a list (对首发上市的企业实行分阶段奖励：
1.…；2.…). Its
restricting part is the phrase before the announcement, from 对/凡/针对 when the phrase before that opens so (a
purpose clause such as 为支持中小微企业… names no one). It scopes every measure that follows, until the next
enumeration item of the same or a higher level (``measure_segments.find_measures`` keeps it with the headings).
The cues are wording of the genre, never phrases of one document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.extractors.measure_gate import BENEFICIARY

# "…实施以下措施", "…享受下列政策", "给予如下支持", "…措施如下"
_ANNOUNCEMENT = re.compile(
    r"(以下|如下|下列)[^，,。；;：:]{0,8}?(措施|政策|条款|支持|优惠|扶持|帮扶|服务)|(措施|政策|支持|事项)如下"
)
# the part naming whom the measures are for opens with 对/凡/针对/面向 (对受疫情影响的中小微企业，实施以下措施)
_SUBJECT = re.compile(r"对于?|凡|针对|面向")
_ITEM_MARKER = re.compile(r"[\s（(]*(?:[一二三四五六七八九十\d]{1,3}[)）、．.])?\s*")
_PART_CUT = re.compile(r"[，,；;：:。\s]")
ANNOUNCEMENT_TAIL = 16  # the announcement ends the preamble: at most this many letters after it (…措施如下：)
MAX_SCOPE = 60  # a longer "scope" is a purpose or citation (为深入贯彻…《…》…), not whom the measures are for


@dataclass(frozen=True)
class Preamble:
    """A preamble's restricting span ``[start, end)`` and the span of its announcement (以下措施)."""

    start: int
    end: int
    announcement: tuple[int, int]


def _after_marker(text: str, at: int, stop: int) -> int:
    marker = _ITEM_MARKER.match(text, at, stop)
    return marker.end() if marker else at


def find_preamble(text: str, start: int, end: int) -> Preamble | None:
    """The preamble of fragment ``text[start:end]``, or ``None`` when the fragment is not one.

    A preamble ends with an announcement of the measures below and names a beneficiary before it.
    """
    announcement = None
    for m in _ANNOUNCEMENT.finditer(text, start, end):
        announcement = m
    if announcement is None or end - announcement.end() > ANNOUNCEMENT_TAIL:
        return None
    stop = announcement.start()
    cuts = [start] + [m.end() for m in _PART_CUT.finditer(text, start, stop)]
    parts = [_after_marker(text, a, stop) for a in cuts[-2:]]
    begin = parts[0] if len(parts) == 2 and _SUBJECT.match(text, parts[0], stop) else parts[-1]
    scope = text[begin:stop]
    if len(scope) > MAX_SCOPE or "《" in scope or not BENEFICIARY.search(scope):
        return None
    return Preamble(begin, stop, (announcement.start(), announcement.end()))


def find_list_lead(text: str, start: int, end: int) -> Preamble | None:
    """The preamble of a fragment that opens with a subject phrase (对/凡/针对/面向 … 企业) and ends with a colon,
    for the caller to use when an enumeration follows it; its announcement is what follows the last beneficiary
    noun (实行分阶段奖励政策)."""
    if end - start < 4 or text[end - 1] not in "：:":
        return None
    begin = _after_marker(text, start, end)
    if not _SUBJECT.match(text, begin, end):
        return None
    nouns = list(BENEFICIARY.finditer(text, begin, end - 1))
    if not nouns or nouns[-1].end() - begin > MAX_SCOPE or "《" in text[begin : nouns[-1].end()]:
        return None
    stop = nouns[-1].end()
    return Preamble(begin, stop, (stop, end - 1))
