"""An answered question: a question and the article or document that answered it (learning from 已答问题)."""

from __future__ import annotations

from dataclasses import dataclass

ANSWERED_QUESTION_LABEL = "AnsweredQuestion"


@dataclass(frozen=True)
class AnsweredQuestion:
    """One question and what answered it: a (title, article) citation or a document's ``source_id``."""

    question: str
    title: str | None = None
    article: str | None = None
    source_id: str | None = None

    def __post_init__(self) -> None:
        if not self.question.strip():
            raise ValueError("an answered question needs its question text")
        if not self.source_id and not self.title:
            raise ValueError(f"answered question {self.question[:30]!r} names neither a title nor a source_id")
