"""How a document becomes index units: articles (条) for statutes; for documents without articles, a
whole-document entry (title and opening) plus passages of about ``PASSAGE_CHARS`` characters cut at sentence
ends, each attached to the deepest clause containing its start.

The vector side sees ``vector_text``: the short title and the first ``VECTOR_CHARS`` characters of the unit.
Embedding cost grows with length while most of an article's meaning sits in its opening, so the cut keeps a
whole-corpus build within minutes (see ``benchmarks/retrieval_eval.py`` for the measured cost in quality).
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
DOCUMENT_ENTRY_CHARS = 400
DOCUMENT_ENTRY_SUFFIX = "#doc"
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


def vector_text(title: str, text: str, *, chars: int = VECTOR_CHARS) -> str:
    """What the embedder sees of a unit: the short title and the opening of the text (article label removed)."""
    body = _SPACES.sub(" ", _LEADING_LABEL.sub("", text)).strip()
    return f"{short_title(title)}：{body[:chars]}"


def build_units(doc_id: str, title: str, text: str, clauses: Sequence[ClauseRow]) -> tuple[IndexUnit, ...]:
    """The index units of one document (see the module docstring)."""
    articles = [c for c in clauses if c.kind == ClauseKind.ARTICLE.value]
    if articles:
        units = []
        for clause in sorted(articles, key=lambda c: (c.span_start or 0, c.id)):
            body = clause.text if clause.text is not None else _slice(text, clause)
            if body.strip():
                units.append(
                    IndexUnit(clause.id, clause.id, article_label(clause.label), body, vector_text(title, body))
                )
        return tuple(units)
    return passage_units(doc_id, title, text, clauses)


def passage_units(doc_id: str, title: str, text: str, clauses: Sequence[ClauseRow] = ()) -> tuple[IndexUnit, ...]:
    """A whole-document entry and sentence-aligned passages of a document without articles."""
    units = []
    opening = text[:DOCUMENT_ENTRY_CHARS]
    units.append(
        IndexUnit(f"{doc_id}{DOCUMENT_ENTRY_SUFFIX}", None, None, f"{title}\n{opening}", vector_text(title, opening))
    )
    spans = [c for c in clauses if c.span_start is not None and c.span_end is not None]
    for number, (start, end) in enumerate(passages(text)):
        passage = text[start:end]
        if passage.strip():
            clause = _deepest_containing(spans, start)
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


def _deepest_containing(clauses: Sequence[ClauseRow], position: int) -> ClauseRow | None:
    best: ClauseRow | None = None
    for clause in clauses:
        assert clause.span_start is not None and clause.span_end is not None
        if clause.span_start <= position < clause.span_end and (
            best is None or (clause.depth or 0) > (best.depth or 0)
        ):
            best = clause
    return best


def with_units(document: IndexDocument, units: tuple[IndexUnit, ...]) -> IndexDocument:
    """The document carrying these units."""
    from dataclasses import replace

    return replace(document, units=units)
