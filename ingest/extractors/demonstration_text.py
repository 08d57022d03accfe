"""Text helpers of the demonstration extractor: dictionaries, sentences, quotations, regions in context.

Everything works on a document's Simplified twin (``DocumentContext.norm_text``), which has the same length as
the stored text, so every span found here addresses both.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ontology.model import RegionLevel
from ontology.reference import Region, RegionMention, contains, load_gazetteer

RESOURCES = Path(__file__).parents[1] / "resources" / "demonstrations"

SENTENCE_END = "。！？；!?;\n"
CLAUSE_END = SENTENCE_END + "，,：:"
# Opening quotation marks and the mark that closes each (ASCII " closes itself).
QUOTE_PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』", '"': '"'}
MAX_QUOTE_LEN = 60
BOOK_TITLE = re.compile(r"《([^《》\n]{2,80})》")
_CLAIM_WORDS = ("率先", "首创", "首个", "首家", "首次", "第一", "领先", "前列", "先河")


@cache
def load_resource(name: str) -> Any:
    """A JSON dictionary of ``ingest/resources/demonstrations`` (cached)."""
    return json.loads((RESOURCES / f"{name}.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Span:
    """A character span ``[start, end)`` of the document."""

    start: int
    end: int


@dataclass(frozen=True)
class Quote(Span):
    """An outermost quotation: ``start`` is the opening mark, ``end`` is just after the closing mark."""

    @property
    def inner(self) -> Span:
        """The quoted text without its marks."""
        return Span(self.start + 1, self.end - 1)


def sentence_spans(text: str) -> list[Span]:
    """Sentences of ``text`` (split after 。！？； and line breaks), blank ones dropped."""
    spans: list[Span] = []
    start = 0
    for i, char in enumerate(text):
        if char in SENTENCE_END:
            if text[start : i + 1].strip():
                spans.append(Span(start, i + 1))
            start = i + 1
    if text[start:].strip():
        spans.append(Span(start, len(text)))
    return spans


def paragraph_spans(text: str) -> list[Span]:
    """Lines of ``text`` that hold any text."""
    spans: list[Span] = []
    start = 0
    for line in text.splitlines(keepends=True):
        if line.strip():
            spans.append(Span(start, start + len(line.rstrip("\r\n"))))
        start += len(line)
    return spans


def enclosing(spans: list[Span], pos: int) -> Span:
    """The span of ``spans`` (in order and not overlapping, as ``sentence_spans`` and ``paragraph_spans`` give
    them) that holds position ``pos``, found by bisection; a one-character span when none does."""
    i = bisect_right(spans, pos, key=lambda span: span.start) - 1
    if i >= 0 and spans[i].start <= pos < spans[i].end:
        return spans[i]
    return Span(pos, pos + 1)


def holds(spans: list[Span], pos: int) -> bool:
    """Whether a span of ``spans`` (in order and not overlapping) holds position ``pos`` (by bisection)."""
    i = bisect_right(spans, pos, key=lambda span: span.start) - 1
    return i >= 0 and spans[i].start <= pos < spans[i].end


def clause_start(text: str, pos: int, floor: int = 0) -> int:
    """Where the clause holding ``pos`` starts: after the last 。，；： before it (not before ``floor``)."""
    i = pos - 1
    while i >= floor and text[i] not in CLAUSE_END:
        i -= 1
    return i + 1


def find_quotes(text: str) -> list[Quote]:
    """Outermost quotations (“…”, ‘…’, 「…」, 『…』, "…"), nested marks allowed, none across a line break."""
    quotes: list[Quote] = []
    stack: list[tuple[str, int]] = []
    for i, char in enumerate(text):
        if char == "\n":
            stack.clear()
            continue
        if stack and char == QUOTE_PAIRS[stack[-1][0]]:
            _opener, start = stack.pop()
            if not stack and i - start <= MAX_QUOTE_LEN and i - start > 1:
                quotes.append(Quote(start, i + 1))
            continue
        if char in QUOTE_PAIRS:
            stack.append((char, i))
        elif char in "”’」』" and stack:
            # a closing mark of an outer quote: close it and whatever was left open inside
            for depth in range(len(stack) - 1, -1, -1):
                if QUOTE_PAIRS[stack[depth][0]] == char:
                    start = stack[depth][1]
                    del stack[depth:]
                    if not stack and i - start <= MAX_QUOTE_LEN:
                        quotes.append(Quote(start, i + 1))
                    break
    return quotes


def book_titles(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[Span, str]]:
    """《…》 titles in ``text[start:end]``: the span with the marks, and the title without them."""
    for m in BOOK_TITLE.finditer(text, start, len(text) if end is None else end):
        yield Span(m.start(), m.end()), m.group(1)


def strip_quote_marks(name: str) -> str:
    """``name`` without a pair of quotation marks around all of it."""
    if len(name) >= 2 and name[0] in QUOTE_PAIRS and name[-1] == QUOTE_PAIRS[name[0]]:
        inner = name[1:-1]
        if not any(mark in inner for mark in ("”", "」", "』")) or inner.count("“") == inner.count("”"):
            return inner
    return name


# Bylines, photo captions and scrape debris a description or passage should not carry: "□ 本报记者 徐伟伦 ",
# "（记者 张三 通讯员 李四）", "图为…", "【相关解读】", "责任编辑：…".
_BYLINE = re.compile(
    r"[□■◆●]?\s*(?:本报|本刊|新华社|人民网)?(?:首席)?(?:记者|通讯员|实习生)(?:[\s\u3000]+[\u4e00-\u9fff]{2,4})+[\s\u3000]+"
    r"|[（(](?:本报)?(?:首席)?(?:记者|通讯员)[^（）()\n]{0,30}[)）]"
    # dateline: 重庆日报讯, 本报讯, 新华社重庆2月13日电
    r"|^\s*(?:[\u4e00-\u9fff]{2,8}讯|新华社[\u4e00-\u9fff\d月日]{0,12}电)(?=[\s\u3000（(])"
)
# The reporter's source opening the text (重庆日报记者2月18日从璧山区了解到，记者从浦东新区政府获悉，); the same
# words inside a sentence stay (市民通过“渝快办”反映，记者从市里获悉。).
_SOURCE = (
    r"(?:本报|[\u4e00-\u9fff]{2,6}(?:日报|晚报|网))?记者(?:\d{1,2}月\d{1,2}日)?(?:从[^，。,；]{1,40}?)?"
    r"(?:了解到|获悉|得知)[，,]"
)
# A dateline run on into the text, at the start or after the headline a scrape puts before it (中证网讯2月25日,
# …定点收治医院 新华社南宁2月4日电记者从…获悉，), with the reporter's source after it.
_LEAD = re.compile(
    r"(?<![^\s\u3000])(?:[\u4e00-\u9fff]{0,6}(?:报|网|社|台)讯|新华社[\u4e00-\u9fff]{0,6}\d{1,2}月\d{1,2}日电)"
    rf"[\s\u3000]*(?:{_SOURCE})?"
    rf"|^{_SOURCE}"
)
_DEBRIS = re.compile(
    r"【[^】\n]{0,12}】|(?:责任编辑|编辑|来源|作者|原标题)[:：]\s*[^\s。，|]{0,30}\s*\|?"
    r"|时间[:：]\s*\d{4}-\d{1,2}-\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*\|?|[□■◆●]"
    # a scraped page's menu bars: lone | between line breaks or spaces (|\n要闻\n|\n|)
    r"|(?<![^\s\u3000])\|(?![^\s\u3000])"
)
_CAPTION = re.compile(r"^\s*(?:图为|图片来源|\(图|（图|摄影)")


def readable(sentence: str) -> str:
    """A sentence without bylines and scrape debris ("" for a photo caption), whitespace tidied."""
    if _CAPTION.match(sentence):
        return ""
    tidy = _BYLINE.sub("", _DEBRIS.sub("", sentence).lstrip())
    tidy = _LEAD.sub("", tidy.lstrip())
    return re.sub(r"[\s\u3000]+", " ", tidy).strip()


_KEY_NOISE = re.compile(r"[\s\u3000“”‘’「」『』\"'、，,·•（）()《》：:。；;！!？?—\-]")


def name_key(name: str) -> str:
    """A mechanism or project name's matching key: no quotation marks, punctuation or spaces."""
    return _KEY_NOISE.sub("", name)


class DocumentRegions:
    """Region mentions of one document, resolved in its context, and the region the document is about.

    ``context`` codes are tried in order when a short name is ambiguous (通州区 in a Beijing text is
    110112): the document's own region, then the province mentioned most.
    """

    def __init__(self, norm_text: str, region_code: str | None) -> None:
        gazetteer = load_gazetteer()
        self._gazetteer = gazetteer
        first = gazetteer.find_mentions(norm_text, [region_code] if region_code else [])
        provinces = Counter(_province_of(m.region.code) for m in first if m.region.level is not RegionLevel.COUNTRY)
        context = [c for c in [region_code, *(code for code, _ in provinces.most_common(2))] if c]
        self.context: list[str] = list(dict.fromkeys(context))
        self.mentions: list[RegionMention] = gazetteer.find_mentions(norm_text, self.context)
        self.main: Region | None = self._main_region(norm_text, region_code)

    def _main_region(self, norm_text: str, region_code: str | None) -> Region | None:
        counts = Counter(
            m.region.code
            for m in self.mentions
            if m.region.level is not RegionLevel.COUNTRY and not is_claim_scope(norm_text, m)
        )
        if counts:
            best_code, best = counts.most_common(1)[0]
            # a more specific region mentioned nearly as often as its ancestor is what the text is about
            for code, count in counts.most_common():
                if code != best_code and contains(best_code, code) and count * 2 >= best:
                    best_code, best = code, count
            return self._gazetteer.get(best_code)
        if region_code and region_code in self._gazetteer:
            return self._gazetteer.get(region_code)
        return None

    def within(self, start: int, end: int) -> list[RegionMention]:
        """Mentions lying inside ``[start, end)``."""
        return [m for m in self.mentions if m.start >= start and m.end <= end]

    def resolve(self, name: str) -> Region | None:
        """The region a name denotes in this document's context."""
        return self._gazetteer.resolve(name, self.context)

    def specific(self, region: Region) -> Region:
        """``region``, or the document's main region when that lies inside it (a 通州区 text that says 北京市)."""
        if self.main is not None and self.main.code != region.code and contains(region.code, self.main.code):
            return self.main
        return region

    def get(self, code: str) -> Region:
        """The region with this code."""
        return self._gazetteer.get(code)


def _province_of(code: str) -> str:
    return code[:2] + "0000"


def is_claim_scope(text: str, mention: RegionMention) -> bool:
    """Whether a region mention only scopes a first-of-kind claim (在北京市率先, 北京首个); a region followed by a
    quotation owns the quoted name, whatever word it starts with (南通市“领先探索完善…制度”)."""
    after = text[mention.end : mention.end + 4]
    if after[:1] in QUOTE_PAIRS:
        return False
    return any(after.startswith(word) or after[1:].startswith(word) for word in _CLAIM_WORDS)
