"""Normalisation that keeps the original: scrape artefacts out, offsets kept, a Simplified twin for matching.

A source text (what a reader decoded) becomes the *stored* text by deleting spans: pinyin scraped after a
character (``建設(shè)`` → ``建設``), share/navigation boilerplate lines and paragraphs repeated verbatim.
Every deletion is recorded as a breakpoint ``[stored_pos, source_pos]`` (``ontology.text.OffsetMap``), so a
span in the stored text maps back to the exact span of the source.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ontology.text import OffsetMap, to_simplified

RESOURCES = Path(__file__).parent / "resources"

# A CJK character followed by its pinyin in parentheses (ASCII or full-width), as scraped from some sites:
# 建設(shè), 項(xiàng), 區(qū). Pinyin carries tone marks or ü; a bare Latin word in brackets is kept.
_PINYIN_SYLLABLE = "[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,7}"
_PINYIN_ARTEFACT = re.compile(rf"(?<=[\u3400-\u9fff])[(（]{_PINYIN_SYLLABLE}[)）]")
_TONE_MARKS = re.compile("[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]")
_PARAGRAPH = re.compile(r"[^\n]*(?:\n|$)")
MIN_REPEATED_PARAGRAPH = 30


@dataclass(frozen=True)
class CleanText:
    """The stored text, the map back to the source, and what was removed (kind → count)."""

    text: str
    offsets: OffsetMap
    removed: dict[str, int]


def clean_text(source: str, *, drop_repeated_paragraphs: bool = True) -> CleanText:
    """Delete scrape artefacts, boilerplate lines and repeated paragraphs from ``source``, keeping offsets."""
    deletions: list[tuple[int, int, str]] = []
    for m in _PINYIN_ARTEFACT.finditer(source):
        if _TONE_MARKS.search(m.group()):
            deletions.append((m.start(), m.end(), "pinyin"))
    seen: set[str] = set()
    for m in _PARAGRAPH.finditer(source):
        if m.start() == m.end():
            break
        line = m.group().strip()
        if _is_boilerplate(line):
            deletions.append((m.start(), m.end(), "boilerplate"))
        elif drop_repeated_paragraphs and len(line) >= MIN_REPEATED_PARAGRAPH:
            if line in seen:
                deletions.append((m.start(), m.end(), "repeated_paragraph"))
            seen.add(line)
    return apply_deletions(source, deletions)


def apply_deletions(source: str, deletions: list[tuple[int, int, str]]) -> CleanText:
    """Delete the given ``(start, end, kind)`` spans (overlaps merged) and build the offset map."""
    parts: list[str] = []
    breakpoints: list[tuple[int, int]] = []
    removed: dict[str, int] = {}
    cursor = 0
    stored_len = 0
    for start, end, kind in sorted(deletions):
        start = max(start, cursor)
        if end <= start:
            continue
        parts.append(source[cursor:start])
        stored_len += start - cursor
        cursor = end
        removed[kind] = removed.get(kind, 0) + 1
        if breakpoints and breakpoints[-1][0] == stored_len:
            breakpoints[-1] = (stored_len, end)
        else:
            breakpoints.append((stored_len, end))
    parts.append(source[cursor:])
    return CleanText("".join(parts), OffsetMap(tuple(breakpoints)), removed)


@lru_cache(maxsize=1)
def _boilerplate() -> tuple[frozenset[str], re.Pattern[str]]:
    lines = (RESOURCES / "boilerplate.txt").read_text(encoding="utf-8").splitlines()
    exact = frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))
    return exact, re.compile(r"^(?:分享到[:：]?.*|【?字[号体][:：]\s*[大中小].*|.{0,6}打印本页.{0,12})$")


def _is_boilerplate(line: str) -> bool:
    if not line or len(line) > 40:
        return False
    exact, pattern = _boilerplate()
    line = to_simplified(_PINYIN_ARTEFACT.sub("", line))
    return line in exact or bool(pattern.match(line))


def content_hash(text: str) -> str:
    """The SHA-256 hex digest of a text, used to skip unchanged files and spot duplicate documents."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
