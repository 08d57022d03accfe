"""Normalisation that keeps the original: scrape artefacts out, offsets kept, a Simplified twin for matching.

A source text (what a reader decoded) becomes the *stored* text by deleting spans: pinyin scraped after a
character (``建設(shè)`` → ``建設``), share/navigation boilerplate lines and paragraphs repeated verbatim.
Every deletion is recorded as a breakpoint ``[stored_pos, source_pos]`` (``OffsetMap``), so a span in the
stored text maps back to the exact span of the source. ``to_simplified`` converts Traditional to Simplified
Chinese with OpenCC's dictionaries *without changing the length*, so one span addresses both texts.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import opencc

RESOURCES = Path(__file__).parent / "resources"

# A CJK character followed by its pinyin in parentheses (ASCII or full-width), as scraped from some sites:
# 建設(shè), 項(xiàng), 區(qū). Pinyin carries tone marks or ü; a bare Latin word in brackets is kept.
_PINYIN_SYLLABLE = "[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,7}"
_PINYIN_ARTEFACT = re.compile(rf"(?<=[\u3400-\u9fff])[(（]{_PINYIN_SYLLABLE}[)）]")
_TONE_MARKS = re.compile("[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]")
_PARAGRAPH = re.compile(r"[^\n]*(?:\n|$)")
MIN_REPEATED_PARAGRAPH = 30


@dataclass(frozen=True)
class OffsetMap:
    """Maps positions of the stored text back to the source text.

    ``breakpoints`` are ``(stored_pos, source_pos)`` pairs, ascending: from ``stored_pos`` on (until the next
    breakpoint) a stored position ``p`` is source position ``p - stored_pos + source_pos``. No breakpoints
    means the stored text is the source text.
    """

    breakpoints: tuple[tuple[int, int], ...] = ()

    def to_source(self, pos: int) -> int:
        """The source position of stored position ``pos``."""
        i = bisect_right(self._stored, pos) - 1
        if i < 0:
            return pos
        stored, source = self.breakpoints[i]
        return pos - stored + source

    def span_to_source(self, start: int, end: int) -> tuple[int, int]:
        """The source span of the stored span ``[start, end)`` (end exclusive: deleted text after it is not
        included)."""
        if end <= start:
            source = self.to_source(start)
            return source, source
        return self.to_source(start), self.to_source(end - 1) + 1

    @property
    def _stored(self) -> list[int]:
        return [b[0] for b in self.breakpoints]

    def to_json(self) -> str:
        """The breakpoints as the JSON stored in ``NormativeDocument.source_offsets``."""
        return json.dumps([list(b) for b in self.breakpoints])

    @classmethod
    def from_json(cls, value: str | None) -> OffsetMap:
        """Read ``NormativeDocument.source_offsets`` (empty or null: the identity map)."""
        if not value:
            return cls()
        return cls(tuple((int(a), int(b)) for a, b in json.loads(value)))


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


@lru_cache(maxsize=1)
def _t2s_table() -> dict[int, str]:
    """Traditional → Simplified, one code point to one code point, from OpenCC's TSCharacters dictionary."""
    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    table: dict[int, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        traditional, _, simplified = line.partition("\t")
        first = simplified.split(" ")[0]
        if len(traditional) == 1 and len(first) == 1 and traditional != first:
            table[ord(traditional)] = first
    return table


@lru_cache(maxsize=1)
def _phrase_converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """``text`` in Simplified Chinese, of exactly the same length (so spans address both).

    OpenCC's phrase conversion is used when it keeps the length (it picks the right character for phrases
    such as 乾隆); otherwise, and for text without Traditional characters, a per-character table.
    """
    by_character = text.translate(_t2s_table())
    if by_character == text:
        return text
    by_phrase = _phrase_converter().convert(text)
    return by_phrase if len(by_phrase) == len(text) else by_character


_TITLE_NOISE = re.compile(r"[\s\u3000·•《》〈〉<>“”\"'‘’「」]")


def normalise_title(title: str) -> str:
    """A title's matching key: Simplified, NFKC, without 中华人民共和国, spaces, quotes and book marks.

    ``《中華人民共和國行政復議法》`` → ``行政复议法``.
    """
    key = to_simplified(unicodedata.normalize("NFKC", title))
    key = _TITLE_NOISE.sub("", key)
    if key.startswith("中华人民共和国") and len(key) > len("中华人民共和国"):
        key = key[len("中华人民共和国") :]
    return key


def content_hash(text: str) -> str:
    """The SHA-256 hex digest of a text, used to skip unchanged files and spot duplicate documents."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
