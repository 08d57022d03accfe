"""Which indicators a region's normative document is evidence for, read from its title.

A document counts when it is one a government issues (``EVIDENCE_TYPES``: 规章, 规范性文件, 政策文件 — not a
law, regulation or 地方性法规, nor news or a report), and its title's subject (事由: what follows the last
"关于" of 「发文机关关于事由的文种」, so the issuer's name, such as 市场监督管理局, is not read) links to an indicator
through the one linker (``practices.indicator_links``) with a lexical score of at least ``MIN_LEXICAL_SCORE``.
A time qualifier ("疫情防控期间", "中秋国庆期间") names when, and a purpose ("支持…疫情防控", "助力打赢…阻击战")
what for, not what the document is about: neither is read. A semantic link alone does
not make a document evidence: a title is a few words, and the cosine threshold was tuned on report items and
mechanisms. The rule was chosen on the even rows of ``tests/data/normative_titles/labels.csv`` and scored once
on the odd rows (README).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ontology.model import DocumentType
from ontology.text import to_simplified
from practices.indicator_links import IndicatorLinker, Link

EVIDENCE_TYPES = frozenset(
    {
        DocumentType.DEPARTMENTAL_RULE.value,
        DocumentType.LOCAL_GOVERNMENT_RULE.value,
        DocumentType.NORMATIVE_DOCUMENT.value,
        DocumentType.POLICY_DOCUMENT.value,
    }
)
"""Document types that are a government's own normative documents (规章、规范性文件、政策文件)."""

MIN_LEXICAL_SCORE = 0.5
"""Lexical score a title's subject needs for a link (one cue word of a first-level indicator scores 0.5)."""

_ABOUT = "关于"
_BACKGROUND = re.compile(r"[\u4e00-\u9fff]*期间|(?:支持|助力|配合|打赢|打好)[\u4e00-\u9fff]*")
"""When and what for, not what: a time qualifier (…期间) and a purpose (支持…, 助力…, 配合…, 打赢…) to the end of
its run of Chinese characters."""


def title_subject(title: str) -> str:
    """The subject (事由) of a title: what follows its last "关于", without time qualifiers ("…期间") and
    purposes ("支持…", "助力…")."""
    simplified = to_simplified(title)
    subject = simplified.rsplit(_ABOUT, 1)[-1] if _ABOUT in simplified else simplified
    return _BACKGROUND.sub(" ", subject).strip()


def document_links(linker: IndicatorLinker, titles: Sequence[str], doc_types: Sequence[str]) -> list[list[Link]]:
    """Each document's indicator links from its title (none for a type outside ``EVIDENCE_TYPES``), best first."""
    subjects = [title_subject(t) if d in EVIDENCE_TYPES else "" for t, d in zip(titles, doc_types, strict=True)]
    read = [i for i, subject in enumerate(subjects) if subject]
    found: list[list[Link]] = [[] for _ in subjects]
    for i, links in zip(read, linker.link([subjects[i] for i in read]), strict=True):
        found[i] = [link for link in links if link.lexical >= MIN_LEXICAL_SCORE]
    return found
