"""Answered questions into the graph: parse their JSONL, store a collection of them, delete a collection.

The search index reads them back (``search.answered``) and attaches each to the articles it cites.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from graph import cypher
from graph.base import GraphChange, GraphStore, NodeRecord
from ontology.answered import ANSWERED_QUESTION_LABEL as LABEL
from ontology.answered import AnsweredQuestion


def question_id(question: AnsweredQuestion) -> str:
    """A stable node id: the same question with the same answer is stored once."""
    key = "\x00".join(
        [question.question.strip(), question.title or "", question.article or "", question.source_id or ""]
    )
    return "aq:" + hashlib.sha256(key.encode()).hexdigest()[:24]


def store_questions(
    store: GraphStore, questions: Iterable[AnsweredQuestion], *, collection: str, created_at: str
) -> None:
    """Write answered questions as graph nodes of a collection (the same question and answer is stored once)."""
    nodes = [
        NodeRecord(
            LABEL,
            question_id(q),
            {
                "question": q.question.strip(),
                "cited_title": q.title,
                "cited_article": q.article,
                "source_id": q.source_id,
                "collection": collection,
                "created_at": created_at,
            },
        )
        for q in questions
    ]
    store.write(GraphChange(nodes))


def delete_collection(store: GraphStore, collection: str) -> int:
    """Delete the answered questions of one collection; returns how many there were."""
    rows = store.query(cypher.ANSWERED_IN_COLLECTION, {"c": collection})
    if rows:
        store.write(GraphChange(delete_nodes=[(LABEL, r["id"]) for r in rows]))
    return len(rows)


def parse_answered_questions(lines: Iterable[str]) -> list[AnsweredQuestion]:
    """Answered questions from JSONL lines ``{"question": "...", "answers": [{"title": "民法典", "article":
    "第一千零八十七条"} | {"source_id": "..."}, ...]}`` (one question per answer).

    Raises:
        ValueError: a line is not such an object (the message names the line).
    """
    out: list[AnsweredQuestion] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            question, answers = record["question"], record["answers"]
            if not isinstance(question, str) or not isinstance(answers, list) or not answers:
                raise ValueError("question must be text and answers a non-empty list")
            for answer in answers:
                out.append(
                    AnsweredQuestion(
                        question,
                        _text(answer.get("title")),
                        _text(answer.get("article")),
                        _text(answer.get("source_id")),
                    )
                )
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise ValueError(
                f'line {number}: expected {{"question": "...", "answers": [{{"title", "article"}} or '
                f'{{"source_id"}}]}} ({e})'
            ) from e
    return out


def _text(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {value!r}")
    return value.strip() or None
