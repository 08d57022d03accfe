"""The whole national part of LawRefBook: every file reads and parses; articles add up to the corpus count."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.normalize import clean_text
from ingest.readers import read_documents, skip_reason
from ingest.structure import body_start, parse_clauses
from ontology.model import ClauseKind

ARTICLE_LINE = re.compile(r"^[ \t\u3000]*第[一二三四五六七八九十百千零〇两\d]+条", re.M)


@pytest.mark.slow
def test_national_lawrefbook_articles_match_the_files_and_reach_58000(shared_dir: Path) -> None:
    root = shared_dir / "corpora/lawrefbook"
    total = 0
    for path in sorted(root.rglob("*.md")):
        if "DLC" in path.relative_to(root).parts or skip_reason(path):
            continue
        [source] = read_documents(path, source_id=path.name, max_bytes=50 * 2**20)
        text = clean_text(source.text).text
        articles = sum(1 for c in parse_clauses(text) if c.kind is ClauseKind.ARTICLE)
        assert articles == len(ARTICLE_LINE.findall(text, body_start(text))), path.name
        total += articles
    assert total >= 58_000
