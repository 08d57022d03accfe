"""Mechanism extraction on a labelled sample of sentences: precision, recall and F1 per split.

The sample (``benchmarks/data/mechanisms_dev/``, see its README) is 106 sentences with a mechanism cue word
(机制, 制度, 模式, 中心, 平台, 工作法, 工程) from the seeds, ``ncp-policies`` and ``lawrefbook``, each labelled by
hand with the mechanisms it names (alternative spellings of one mechanism separated in the label). Each sentence
is read as a document of its source's type by the ingest extractor (``extract_demonstrations``); a mechanism
found is right when its name's key (``name_key``: no quotation marks, punctuation or spaces) is the key of one
spelling of a labelled mechanism of that sentence, each labelled mechanism matched at most once.

Rules were written looking at ``dev`` only; ``test`` is the held-out half.

Usage: python benchmarks/mechanisms_dev.py [dev|test|all] [--errors]
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.scores import Counts  # noqa: E402
from ingest.extractors.base import DocumentContext  # noqa: E402
from ingest.extractors.demonstration_text import name_key  # noqa: E402
from ingest.extractors.demonstrations import extract_demonstrations  # noqa: E402
from ingest.normalize import clean_text  # noqa: E402
from ontology.text import to_simplified  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "mechanisms_dev"


@dataclass
class Score(Counts):
    """Counts of one split and the errors behind them."""

    false_positives: list[tuple[str, str]] = field(default_factory=list)
    missed: list[tuple[str, str]] = field(default_factory=list)


def load_sample() -> list[dict[str, object]]:
    """Passages joined with their labels."""
    labels = {
        row["id"]: row["mechanisms"]
        for row in map(json.loads, (DATA / "labels.jsonl").read_text(encoding="utf-8").splitlines())
    }
    passages = [json.loads(line) for line in (DATA / "passages.jsonl").read_text(encoding="utf-8").splitlines()]
    return [{**p, "mechanisms": labels[p["id"]]} for p in passages]


def found_names(text: str, doc_type: str) -> list[str]:
    """Mechanism names the extractor reads from ``text`` taken as a whole document of ``doc_type``."""
    stored = clean_text(text).text
    ctx = DocumentContext(
        doc_id="passage",
        source_id="passage",
        text=stored,
        norm_text=to_simplified(stored),
        title="",
        doc_type=doc_type,
        region_code=None,
    )
    change = extract_demonstrations(ctx)
    return [str(n.props["name"]) for n in change.nodes if n.label == "Mechanism"]


def score(sample: list[dict[str, object]], split: str) -> Score:
    """Precision and recall over the passages of ``split`` (``all`` for every passage)."""
    result = Score()
    for passage in sample:
        if split != "all" and passage["split"] != split:
            continue
        gold: list[list[str]] = passage["mechanisms"]  # type: ignore[assignment]
        open_gold = [{name_key(to_simplified(alt)) for alt in spellings} for spellings in gold]
        result.labelled += len(gold)
        for name in found_names(str(passage["text"]), str(passage["doc_type"])):
            result.found += 1
            hit = next((g for g in open_gold if name_key(name) in g), None)
            if hit is None:
                result.false_positives.append((name, str(passage["text"])[:70]))
            else:
                result.right += 1
                open_gold.remove(hit)
        for spellings, key_set in zip(gold, [{name_key(to_simplified(a)) for a in s} for s in gold], strict=True):
            if key_set in open_gold:
                result.missed.append((spellings[0], str(passage["text"])[:70]))
                open_gold.remove(key_set)
    return result


def main() -> int:
    """Print the scores of the split asked for (and its errors with ``--errors``)."""
    split = next((a for a in sys.argv[1:] if not a.startswith("--")), "dev")
    sample = load_sample()
    result = score(sample, split)
    n = sum(1 for p in sample if split == "all" or p["split"] == split)
    print(
        f"mechanisms_dev {split}: {n} passages, {result.labelled} labelled, {result.found} found, "
        f"precision {result.precision:.3f}, recall {result.recall:.3f}, F1 {result.f1:.3f}"
    )
    if "--errors" in sys.argv:
        for name, text in result.false_positives:
            print(f"  false positive: {name}  ← {text}")
        for name, text in result.missed:
            print(f"  missed: {name}  ← {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
