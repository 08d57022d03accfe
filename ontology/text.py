"""Text helpers every package shares: positions that survive deletions, Traditional → Simplified, title keys.

``OffsetMap`` maps a span of a stored text back to its source after scrape artefacts were deleted.
``to_simplified`` is the one Traditional → Simplified conversion: OpenCC's dictionaries, *never changing the
length*, so one span addresses the original and its Simplified twin.
"""

from __future__ import annotations

import json
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import opencc


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


def find_spaced(text: str, phrase: str) -> re.Match[str] | None:
    """The first place ``phrase`` stands in ``text`` with any whitespace between its characters: a stored title
    has none, and a text may break it (政策 降低…); ``None`` when it is not there."""
    return re.search(r"\s*".join(map(re.escape, phrase)), text) if phrase else None


def normalise_title(title: str) -> str:
    """A title's matching key: Simplified, NFKC, without 中华人民共和国, spaces, quotes and book marks.

    ``《中華人民共和國行政復議法》`` → ``行政复议法``.
    """
    key = to_simplified(unicodedata.normalize("NFKC", title))
    key = _TITLE_NOISE.sub("", key)
    if key.startswith("中华人民共和国") and len(key) > len("中华人民共和国"):
        key = key[len("中华人民共和国") :]
    return key


# a text's words for its own jurisdiction (本市, 我省, 全区, 辖区 …): which place they mean is the issuer's
LOCAL_SCOPE = re.compile(r"本市|我市|全市|本省|我省|全省|本区|我区|全区|本县|我县|全县|本州|我州|辖区")
