"""Designation extraction on a labelled sample of real texts: precision, recall and F1 per split.

The sample (``benchmarks/data/designations_dev/``, see its README) is 75 texts about 法治政府建设 — reports of the
national demonstration namings, 公示 lists, plans, provincial and other programmes — from the search tool's stored
pages and the seeds, each labelled by hand with the designations it states (batch, kind, region, project name).
Each text is read as the ingest reads a file: cleaned, given its Simplified twin and its metadata (title, type,
region, date) by ``extract_metadata``, then passed to the ingest extractor (``extract_demonstrations``). A
designation found is right when its kind, region code and batch are those of a label of that text and, for a
project, its ``name_key`` is the key of one of the label's names; each label is matched at most once (micro
counts over designations). The year is scored apart: right / matched designations whose label names a batch (the
decision's year in ``batches.json``).

Rules were written looking at ``dev`` only; ``test`` is the held-out half.

Usage: python benchmarks/designations_dev.py [dev|test|all] [--errors]
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
from ingest.extractors.demonstration_text import load_resource, name_key  # noqa: E402
from ingest.extractors.demonstrations import extract_demonstrations  # noqa: E402
from ingest.metadata import extract_metadata  # noqa: E402
from ingest.normalize import clean_text  # noqa: E402
from ingest.pipeline import document_context  # noqa: E402
from ingest.readers import SourceDocument  # noqa: E402
from ontology.text import to_simplified  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "designations_dev"
SHARED = ROOT.parent / "shared"


@dataclass
class Score(Counts):
    """Counts of one split and the errors behind them."""

    texts: int = 0
    years_right: int = 0
    years_checked: int = 0
    false_positives: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)


def load_sample() -> list[dict[str, object]]:
    """Passages joined with their labels; a seed's text is read from ``../shared/corpora/seeds``."""
    labels = {
        row["id"]: row for row in map(json.loads, (DATA / "labels.jsonl").read_text(encoding="utf-8").splitlines())
    }
    sample: list[dict[str, object]] = []
    for line in (DATA / "passages.jsonl").read_text(encoding="utf-8").splitlines():
        passage = json.loads(line)
        if "text" not in passage:
            path = SHARED / str(passage["source"]).removeprefix("shared/")
            if not path.is_file():
                continue
            passage["text"] = path.read_text(encoding="utf-8")
        sample.append({**passage, "designations": labels[passage["id"]]["designations"]})
    return sample


def ingest_context(passage_id: str, text: str) -> DocumentContext:
    """The context the ingest pipeline gives the extractors for this text read from a plain-text file."""
    source = SourceDocument(source_id=passage_id, source_path=f"{passage_id}.txt", format="text", text=text)
    cleaned = clean_text(text)
    norm_text = to_simplified(cleaned.text)
    meta = extract_metadata(source, cleaned.text, norm_text)
    return document_context(passage_id, passage_id, cleaned.text, norm_text, meta)


def found_designations(passage_id: str, text: str) -> list[dict[str, object]]:
    """Designation nodes the extractor makes of ``text``."""
    change = extract_demonstrations(ingest_context(passage_id, text))
    return [dict(n.props) for n in change.nodes if n.label == "DemonstrationDesignation"]


def _matches(found: dict[str, object], label: dict[str, object]) -> bool:
    if (found["kind"], found["region_code"], found["batch"]) != (label["kind"], label["region"], label["batch"]):
        return False
    names: list[str] = label["names"]  # type: ignore[assignment]
    return name_key(str(found["name"])) in {name_key(to_simplified(n)) for n in names}


def _describe(d: dict[str, object]) -> str:
    region, name = d.get("region_code", d.get("region")), d.get("name", d.get("names"))
    return f"{d.get('kind')} {region} batch {d.get('batch')} {name}"


def score(sample: list[dict[str, object]], split: str) -> Score:
    """Micro precision and recall over the designations of ``split`` (``all`` for every text)."""
    years = load_resource("batches")["years"]
    result = Score()
    for passage in sample:
        if split != "all" and passage["split"] != split:
            continue
        result.texts += 1
        labels: list[dict[str, object]] = list(passage["designations"])  # type: ignore[call-overload]
        result.labelled += len(labels)
        for found in found_designations(str(passage["id"]), str(passage["text"])):
            result.found += 1
            hit = next((label for label in labels if _matches(found, label)), None)
            if hit is None:
                result.false_positives.append(f"{_describe(found)}  ← {passage['id']}")
                continue
            result.right += 1
            labels.remove(hit)
            if hit["batch"] is not None:  # a label without a batch has no decision year to check
                result.years_checked += 1
                result.years_right += found["year"] == years[str(hit["batch"])]
        result.missed.extend(f"{_describe(label)}  ← {passage['id']}" for label in labels)
    return result


def main() -> int:
    """Print the scores of the split asked for (and its errors with ``--errors``)."""
    split = next((a for a in sys.argv[1:] if not a.startswith("--")), "dev")
    result = score(load_sample(), split)
    print(
        f"designations_dev {split}: {result.texts} texts, {result.labelled} labelled, {result.found} found, "
        f"{result.right} right; precision {result.precision:.3f}, recall {result.recall:.3f}, F1 {result.f1:.3f}; "
        f"year right {result.years_right}/{result.years_checked} (labels with a batch)"
    )
    if "--errors" in sys.argv:
        for line in result.false_positives:
            print(f"  false positive: {line}")
        for line in result.missed:
            print(f"  missed: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
