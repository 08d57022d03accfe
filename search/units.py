"""How a document becomes index units: articles (条) for statutes; for documents without articles, a
whole-document entry (title and opening) plus passages of about ``PASSAGE_CHARS`` characters cut at sentence
ends, each attached to the deepest clause containing its start.

The vector side sees ``vector_text``: up to ``VECTOR_CHUNKS`` pieces of ``VECTOR_CHARS`` characters of the unit,
each after the short title, one piece a line (``vector_chunks`` splits them). Each piece gets its own vector and
a unit's similarity is the best of its pieces' (max-pooling, ``vector_index.py``): USE-m3 blurs a 300-character
passage into one vague vector, while a piece per ~100 characters keeps what each part says: vector-only MRR@10
on NCP dev (passages) rose from 0.51 to 0.63. Articles keep one piece: they are short (median 100 characters),
three pieces each would turn the 65,756 national articles into 97,856 vectors (single-thread brute force 8.5 ->
13 ms a query) for +0.009 hybrid R@100 on STARD train.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ontology.model import ClauseKind
from search.analysis import article_label
from search.ranking import short_title
from search.types import IndexDocument, IndexUnit

PASSAGE_CHARS = 300
VECTOR_CHARS = 96
VECTOR_CHUNKS = 3
MIN_TAIL_CHARS = 24  # a shorter remainder gets no piece of its own (it would be the title and a few words)
DOCUMENT_ENTRY_CHARS = 400
DOCUMENT_ENTRY_SUFFIX = "#doc"
_CONTAINER_KINDS = frozenset({ClauseKind.PART.value, ClauseKind.CHAPTER.value, ClauseKind.SECTION.value})
_SPACES = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"[。！？；!?;\n]")
_LEADING_LABEL = re.compile(r"^\s*第[零〇一二三四五六七八九十百千万0-9]+条(?:之[一二三四五六七八九十]+)?\s*")


@dataclass(frozen=True)
class ClauseRow:
    """A Clause node as read from the graph."""

    id: str
    kind: str
    label: str | None
    text: str | None
    span_start: int | None
    span_end: int | None
    depth: int | None = None


def vector_text(title: str, text: str, *, chars: int = VECTOR_CHARS, chunks: int = VECTOR_CHUNKS) -> str:
    """What the embedder sees of a unit: pieces of ``chars`` characters of the text (article label removed, at
    most ``chunks``, a remainder under ``MIN_TAIL_CHARS`` left out), each after the short title, one a line."""
    body = _SPACES.sub(" ", _LEADING_LABEL.sub("", text)).strip()
    name = short_title(title)
    starts = [0] + [s for s in range(chars, len(body), chars) if len(body) - s >= MIN_TAIL_CHARS]
    return "\n".join(f"{name}：{body[start : start + chars]}" for start in starts[:chunks])


def vector_chunks(vector_text: str) -> list[str]:
    """The pieces of a unit's ``vector_text``, one vector each."""
    return vector_text.split("\n")


def build_units(doc_id: str, title: str, text: str, clauses: Sequence[ClauseRow]) -> tuple[IndexUnit, ...]:
    """The index units of one document (see the module docstring)."""
    articles = [c for c in clauses if c.kind == ClauseKind.ARTICLE.value]
    if articles:
        containers = [c for c in clauses if c.kind in _CONTAINER_KINDS and c.span_start is not None]
        units = []
        for clause in sorted(articles, key=lambda c: (c.span_start or 0, c.id)):
            body = clause.text if clause.text is not None else _slice(text, clause)
            if body.strip():
                units.append(
                    IndexUnit(
                        clause.id,
                        clause.id,
                        article_label(clause.label),
                        body,
                        vector_text(title, body, chunks=1),
                        heading=_heading(clause, containers),
                    )
                )
        return tuple(units)
    return passage_units(doc_id, title, text, clauses)


def _heading(article: ClauseRow, containers: Sequence[ClauseRow]) -> str:
    """The heading lines of the 编/章/节 whose span holds the article's start, outermost first."""
    start = article.span_start
    if start is None:
        return ""
    holding = [
        c for c in containers if (c.span_start or 0) <= start < (c.span_end if c.span_end is not None else start + 1)
    ]
    holding.sort(key=lambda c: (c.depth or 0, c.span_start or 0))
    return "\n".join(" ".join((c.text or c.label or "").split()) for c in holding)


def passage_units(doc_id: str, title: str, text: str, clauses: Sequence[ClauseRow] = ()) -> tuple[IndexUnit, ...]:
    """A whole-document entry and sentence-aligned passages of a document without articles."""
    units = []
    opening = text[:DOCUMENT_ENTRY_CHARS]
    units.append(
        IndexUnit(f"{doc_id}{DOCUMENT_ENTRY_SUFFIX}", None, None, f"{title}\n{opening}", vector_text(title, opening))
    )
    containing = _DeepestContaining([c for c in clauses if c.span_start is not None and c.span_end is not None])
    for number, (start, end) in enumerate(passages(text)):
        passage = text[start:end]
        if passage.strip():
            clause = containing.at(start)
            units.append(
                IndexUnit(
                    f"{doc_id}#p{number}", clause.id if clause else None, None, passage, vector_text(title, passage)
                )
            )
    return tuple(units)


def passages(text: str, *, size: int = PASSAGE_CHARS) -> list[tuple[int, int]]:
    """``[start, end)`` spans of about ``size`` characters, each ending at a sentence end where one exists."""
    spans: list[tuple[int, int]] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = None
            for found in _SENTENCE_END.finditer(text, start + size // 2, end):
                cut = found.end()
            end = cut or end
        spans.append((start, end))
        start = end
    return spans


def _slice(text: str, clause: ClauseRow) -> str:
    if clause.span_start is None or clause.span_end is None:
        return ""
    return text[clause.span_start : clause.span_end]


class _DeepestContaining:
    """The deepest clause holding each of increasing positions (the first listed among equally deep ones), found
    in one sweep over the clauses in order of start, instead of a scan of every clause per position (quadratic
    in a long text's passages and clauses)."""

    def __init__(self, clauses: Sequence[ClauseRow]) -> None:
        self._pending = sorted(enumerate(clauses), key=lambda item: item[1].span_start or 0, reverse=True)
        self._open: list[tuple[int, ClauseRow]] = []
        self._last = -1

    def at(self, position: int) -> ClauseRow | None:
        """The deepest clause with ``span_start <= position < span_end``; positions must not decrease."""
        assert position >= self._last, "positions must not decrease"
        self._last = position
        while self._pending and (self._pending[-1][1].span_start or 0) <= position:
            self._open.append(self._pending.pop())
        self._open = [(i, c) for i, c in self._open if (c.span_end or 0) > position]
        best: tuple[int, ClauseRow] | None = None
        for i, clause in self._open:
            if (
                best is None
                or (clause.depth or 0) > (best[1].depth or 0)
                or ((clause.depth or 0) == (best[1].depth or 0) and i < best[0])
            ):
                best = (i, clause)
        return best[1] if best else None


def with_units(document: IndexDocument, units: tuple[IndexUnit, ...]) -> IndexDocument:
    """The document carrying these units."""
    from dataclasses import replace

    return replace(document, units=units)
