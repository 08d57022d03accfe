"""The documents of development set C, chosen by a rule fixed before any of them was read.

Rule: order the documents of ``../shared/corpora/ncp-policies/docs.jsonl`` by the SHA-1 of their docid (hex);
walk that order and keep a document unless it is excluded or a near-duplicate of an excluded or an already kept
document. Excluded: the docids of sets A and B (``ncp_a_clauses.jsonl``, ``ncp_b_clauses.jsonl``), of
``../shared/eligibility/clauses.jsonl`` and its near-duplicate ``494870f4…``, and of the demo bundle
``api/demo_policies/ncp_2020_agency_notices.jsonl``. Near-duplicate: Jaccard similarity of the sets of
character 5-grams of the texts with whitespace and punctuation removed at least 0.5, or the same first 20 such
characters (the title). The first ``COUNT`` kept documents form set C's first stratum (whatever their kind).

Because that stratum turned out to hold no support measure at all, a second stratum was fixed before its documents
were read: continuing in the same order past the first stratum, the first ``CUED`` kept documents with at least
``MIN_CUES`` sentences (split at 。 and ；) in their first ``CAP`` characters that carry both a benefit cue
(``BENEFIT``) and an enterprise cue (``ENTERPRISE``). Units are labelled in the first ``CAP`` characters of each
document only.

Usage: python benchmarks/ncp_c_select.py   (prints one docid a line: the first stratum, then the second)
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEV = ROOT / "benchmarks" / "data" / "eligibility_dev"
CORPUS = SHARED / "corpora" / "ncp-policies" / "docs.jsonl"
COUNT = 30
CUED = 10
MIN_CUES = 3
CAP = 3000
BENEFIT = re.compile("给予|补贴|减免|免征|减半|返还|缓缴|贴息|奖励|免收|补助|延期缴纳|退还")
ENTERPRISE = re.compile("企业|个体工商户|纳税人|经营主体|用人单位|参保单位")
SHINGLE = 5
NEAR = 0.5
TITLE_CHARS = 20
_NOT_TEXT = re.compile(r"[\s\W_]+")


def _normalised(text: str) -> str:
    return _NOT_TEXT.sub("", text)


def _shingles(text: str) -> frozenset[str]:
    return frozenset(text[i : i + SHINGLE] for i in range(max(1, len(text) - SHINGLE + 1)))


def _docids(path: Path) -> set[str]:
    return {json.loads(line)["docid"] for line in path.open(encoding="utf-8") if line.strip()}


def excluded_docids() -> set[str]:
    """Docids no document of set C may be (nor be a near-duplicate of)."""
    out = _docids(DEV / "ncp_a_clauses.jsonl") | _docids(DEV / "ncp_b_clauses.jsonl")
    out |= _docids(SHARED / "eligibility" / "clauses.jsonl") | {"494870f49a083a26af645fdf8ad2780c"}
    return out | _docids(ROOT / "api" / "demo_policies" / "ncp_2020_agency_notices.jsonl")


def corpus_texts() -> dict[str, str]:
    """docid → text of every document of the NCP corpus."""
    return {d["docid"]: d["text"] for d in (json.loads(line) for line in CORPUS.open(encoding="utf-8") if line.strip())}


def kept_in_order(texts: dict[str, str]) -> Iterator[str]:
    """Every docid in SHA-1 order that is neither excluded nor a near-duplicate of an excluded or earlier one."""
    excluded = excluded_docids()
    norm = {d: _normalised(t) for d, t in texts.items()}
    seen = [(norm[d], _shingles(norm[d])) for d in excluded if d in norm]
    for docid in sorted(norm, key=lambda d: hashlib.sha1(d.encode()).hexdigest()):
        if docid in excluded:
            continue
        text, grams = norm[docid], _shingles(norm[docid])
        if any(t[:TITLE_CHARS] == text[:TITLE_CHARS] or len(g & grams) >= NEAR * len(g | grams) for t, g in seen):
            continue
        yield docid
        seen.append((text, grams))


def cue_sentences(text: str) -> int:
    """Sentences of the first ``CAP`` characters with both a benefit and an enterprise cue."""
    return sum(bool(BENEFIT.search(s) and ENTERPRISE.search(s)) for s in re.split("[。；]", text[:CAP]))


def select() -> list[str]:
    """Set C's docids: the first stratum, then the second (rule above)."""
    texts = corpus_texts()
    kept = kept_in_order(texts)
    first = list(islice(kept, COUNT))
    cued = (d for d in kept if cue_sentences(texts[d]) >= MIN_CUES)
    return first + list(islice(cued, CUED))


if __name__ == "__main__":
    print("\n".join(select()))
