"""The look-ups that made long texts slow (one scan per mention, per practice, per passage) now bisect or sweep:
each must answer exactly what the scan answered, on random spans and on real text."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import pytest

from ingest.extractors.demonstration_text import Span, enclosing, holds, sentence_spans
from ingest.links import ClauseRef, _Innermost
from ontology.model import ClauseKind
from ontology.reference import load_gazetteer
from search.units import ClauseRow, passage_units, passages

NCP_DOCS = Path(__file__).resolve().parents[3].parent / "shared" / "corpora" / "ncp-policies" / "docs.jsonl"


def _scan_enclosing(spans: list[Span], pos: int) -> Span:
    for span in spans:
        if span.start <= pos < span.end:
            return span
    return Span(pos, pos + 1)


def _scan_innermost(clauses: list[ClauseRef], start: int, end: int) -> ClauseRef | None:
    holder = None
    for clause in clauses:
        if clause.start <= start and end <= clause.end and (holder is None or clause.start >= holder.start):
            holder = clause
    return holder


def _scan_deepest(clauses: list[ClauseRow], position: int) -> ClauseRow | None:
    best = None
    for clause in clauses:
        assert clause.span_start is not None and clause.span_end is not None
        if clause.span_start <= position < clause.span_end and (
            best is None or (clause.depth or 0) > (best.depth or 0)
        ):
            best = clause
    return best


def _disjoint_spans(rng: random.Random, n: int) -> list[Span]:
    spans, pos = [], 0
    for _ in range(n):
        pos += rng.randint(0, 3)
        length = rng.randint(1, 6)
        spans.append(Span(pos, pos + length))
        pos += length
    return spans


@pytest.mark.parametrize("seed", range(20))
def test_enclosing_and_holds_answer_what_a_scan_answers(seed: int) -> None:
    rng = random.Random(seed)
    spans = _disjoint_spans(rng, rng.randint(0, 40))
    for pos in range(-1, (spans[-1].end if spans else 0) + 3):
        assert enclosing(spans, pos) == _scan_enclosing(spans, pos)
        assert holds(spans, pos) == any(s.start <= pos < s.end for s in spans)


def _nested_clauses(rng: random.Random, n: int) -> list[ClauseRef]:
    """Random intervals, nested, overlapping, repeated and empty ones among them, in random order."""
    clauses = []
    for i in range(n):
        start = rng.randint(0, 60)
        end = start + rng.choice([0, 1, 2, 5, 10, 30])
        clauses.append(ClauseRef(f"c{i}", ClauseKind.ARTICLE, start, end))
    clauses += [ClauseRef(f"d{i}", ClauseKind.ARTICLE, c.start, c.end) for i, c in enumerate(clauses[:3])]
    rng.shuffle(clauses)
    return clauses


@pytest.mark.parametrize("seed", range(30))
def test_innermost_clause_answers_what_a_scan_answers(seed: int) -> None:
    rng = random.Random(seed)
    clauses = _nested_clauses(rng, rng.randint(0, 25))
    index = _Innermost(clauses)
    for _ in range(200):
        start = rng.randint(-2, 95)
        end = start + rng.randint(0, 12)
        assert index.holder(start, end) == _scan_innermost(clauses, start, end), (start, end)


@pytest.mark.parametrize("seed", range(30))
def test_deepest_clause_of_each_passage_answers_what_a_scan_answers(seed: int) -> None:
    rng = random.Random(seed)
    text = "".join(rng.choice("中文字句。，；\n") for _ in range(rng.randint(0, 2500)))
    clauses = [
        ClauseRow(f"c{i}", "款", None, None, (s := rng.randint(0, len(text) + 5)), s + rng.randint(0, 900),
                  rng.choice([None, 0, 1, 2, 3]))
        for i in range(rng.randint(0, 40))
    ]  # fmt: skip
    units = passage_units("doc", "标题", text, clauses)
    starts = {number: start for number, (start, _) in enumerate(passages(text))}
    for unit in units[1:]:
        start = starts[int(unit.id.rsplit("#p", 1)[1])]
        expected = _scan_deepest(clauses, start)
        assert unit.clause_id == (expected.id if expected else None)


def test_region_mentions_answer_what_trying_every_length_answers() -> None:
    """Longest names first at each place, as before the two-character prefix table skipped most places."""
    gazetteer = load_gazetteer()
    names = gazetteer._mention_names
    longest = max(len(n) for n in names)

    def scan(text: str, context: list[str]) -> list[tuple[int, int, str, str]]:
        found, i = [], 0
        while i < len(text):
            for length in range(min(longest, len(text) - i), 1, -1):
                surface = text[i : i + length]
                if surface in names and (region := gazetteer.resolve(surface, context)) is not None:
                    found.append((i, i + length, surface, region.code))
                    i += length
                    break
            else:
                i += 1
        return found

    texts = ["北京市通州区和江苏省南通市通州区、海淀、上海浦东新区的企业；湖北省恩施土家族苗族自治州。"]
    if NCP_DOCS.exists():
        texts += [json.loads(line)["text"][:3000] for line in NCP_DOCS.read_text(encoding="utf-8").splitlines()[:40]]
    for text in texts:
        for context in ([], ["110000"], ["320000"]):
            got = [(m.start, m.end, m.surface, m.region.code) for m in gazetteer.find_mentions(text, context)]
            assert got == scan(text, context)


def test_sentences_of_real_text_are_in_order_and_disjoint() -> None:
    """``enclosing`` bisects: it needs the sentence spans it is given in order and not overlapping."""
    if not NCP_DOCS.exists():
        pytest.skip("needs the shared NCP corpus")
    text = json.loads(NCP_DOCS.read_text(encoding="utf-8").splitlines()[0])["text"]
    spans = sentence_spans(text)
    assert spans and all(a.end <= b.start for a, b in itertools.pairwise(spans))
