"""Answered questions attached to the index: (question → the article or document that answered it) pairs.

People ask the same things in other words. A question someone asked before, with the article that answered it,
is the best evidence of how the next asker will put it ("老公出轨离婚怎么分财产" is answered by 民法典 第一千零八十七
条, which says none of those words). Each answered question is attached to the unit that answered it, as
document expansion (Nogueira et al., "Document Expansion by Query Prediction", 2019 — here with real questions
instead of predicted ones):

- its tokens are added to the unit's BM25 tokens;
- its text becomes one more vector piece of the unit, so a new question close to an old one finds the unit
  through the unit's max-pooled similarity (``vector_index.py``).

A question names its target by document title and article label (``民法典`` + ``第一千零八十七条``: every version
and every part of a law with that title and article) or by the ``source_id`` the document had in its source
(a policy: the question goes to the document's whole-document entry). Titles are compared as citations write
them: without 中华人民共和国 and spaces, Traditional folded to Simplified.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from graph import cypher
from graph.base import GraphStore
from ontology.answered import AnsweredQuestion
from search.analysis import normalise
from search.types import IndexDocument, IndexUnit
from search.units import DOCUMENT_ENTRY_SUFFIX

MAX_QUESTIONS_PER_UNIT = 16
_TITLE_NOISE = re.compile(r"中华人民共和国|\s+")


def citation_title(title: str) -> str:
    """A title as the answered questions key it: Simplified, without 中华人民共和国 and spaces."""
    return _TITLE_NOISE.sub("", normalise(title))


class AnsweredQuestions:
    """Answered questions indexed by the documents and units they attach to."""

    def __init__(self, questions: Iterable[AnsweredQuestion] = ()) -> None:
        self._by_title: dict[str, dict[str | None, list[str]]] = {}
        self._by_source: dict[str, list[str]] = {}
        for question in questions:
            text = question.question.strip()
            if question.source_id:
                self._by_source.setdefault(question.source_id, []).append(text)
            else:
                assert question.title is not None
                article = normalise(question.article).strip() if question.article else None
                self._by_title.setdefault(citation_title(question.title), {}).setdefault(article, []).append(text)

    def _targets(self, title: str, source_id: str | None) -> tuple[Mapping[str | None, Sequence[str]], Sequence[str]]:
        return self._by_title.get(citation_title(title), {}), self._by_source.get(source_id or "", ())

    def digest(self, title: str, source_id: str | None) -> str:
        """A short hash of the questions attached to a document ('' when none): part of what the index
        compares to decide whether a document must be re-indexed."""
        return _digest_of(*self._targets(title, source_id))

    def attach(self, document: IndexDocument) -> IndexDocument:
        """The document with its answered questions on its units (``IndexUnit.questions``, and one vector piece
        each) and the questions' digest appended to its content hash; unchanged when it has none."""
        by_article, by_source = self._targets(document.title, document.source_id)
        if not by_article and not by_source:
            return document
        units = tuple(_with_questions(unit, _questions_of(unit, by_article, by_source)) for unit in document.units)
        content_hash = with_digest(document.content_hash, _digest_of(by_article, by_source))
        return replace(document, units=units, content_hash=content_hash)


def _digest_of(by_article: Mapping[str | None, Sequence[str]], by_source: Sequence[str]) -> str:
    if not by_article and not by_source:
        return ""
    digest = hashlib.sha256()
    for article in sorted(by_article, key=lambda a: a or ""):
        digest.update("\x00".join([article or "", *by_article[article]]).encode() + b"\x01")
    digest.update("\x00".join(by_source).encode())
    return digest.hexdigest()[:12]


def with_digest(content_hash: str, digest: str) -> str:
    """The hash the index keeps for a document: its content hash, plus the answered questions' digest."""
    return f"{content_hash}+q{digest}" if digest else content_hash


def _questions_of(
    unit: IndexUnit, by_article: Mapping[str | None, Sequence[str]], by_source: Sequence[str]
) -> list[str]:
    found: list[str] = []
    if unit.article is not None:
        found.extend(by_article.get(unit.article, ()))
    if unit.id.endswith(DOCUMENT_ENTRY_SUFFIX):
        found.extend(by_article.get(None, ()))
        found.extend(by_source)
    return list(dict.fromkeys(found))[-MAX_QUESTIONS_PER_UNIT:]


def _with_questions(unit: IndexUnit, questions: Sequence[str]) -> IndexUnit:
    if not questions:
        return unit
    pieces = "\n".join(" ".join(q.split()) for q in questions)
    return replace(unit, questions=tuple(questions), vector_text=f"{unit.vector_text}\n{pieces}")


def read_answered_questions(store: GraphStore) -> AnsweredQuestions:
    """Every answered question stored in the graph."""
    rows = store.query(cypher.ANSWERED_QUESTIONS)
    return AnsweredQuestions(AnsweredQuestion(r["question"], r["title"], r["article"], r["source_id"]) for r in rows)
