"""Eligibility evaluation on a labelled split (default ../shared/eligibility): the whole pipeline end to end.

Ingests ``docs.jsonl`` (reference data + every document, with the registered extractors) into a temporary data
dir, answers ``match`` as of 2020-03-01 for every profile of the split into an answers folder (the JSON that
``policykg match --profile P.json --as-of 2020-03-01 --json`` prints), runs the shared scorer
(``eval/eligibility_eval.py``: verdict accuracy, precision of ``eligible``), and prints condition-extraction
precision/recall by dimension against ``clauses.jsonl`` (a gold clause is compared with the measure of the
same document that overlaps it most; conditions are counted per dimension).

Usage: python benchmarks/eligibility_eval.py [--gold DIR] [--docs DOCS_JSONL] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.bootstrap import build_services  # noqa: E402
from api.settings import Settings  # noqa: E402
from eligibility.measures import measures_from_graph  # noqa: E402
from eligibility.profile import EnterpriseProfile  # noqa: E402
from ingest.pipeline import ingest_paths  # noqa: E402
from ingest.reference import reference_change  # noqa: E402
from ontology.eligibility import MeasureSpec  # noqa: E402

SHARED = ROOT.parent / "shared"
AS_OF = date(2020, 3, 1)


def extraction_scores(gold_path: Path, measures: list[MeasureSpec]) -> dict[str, tuple[int, int, int]]:
    """(true positives, false positives, false negatives) of conditions per dimension."""
    by_doc: dict[str, list[MeasureSpec]] = {}
    for m in measures:
        by_doc.setdefault(m.source_id, []).append(m)
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for line in gold_path.open(encoding="utf-8"):
        clause = json.loads(line)
        start, end = clause["span"]
        candidates = by_doc.get(clause["docid"], [])
        best = max(candidates, key=lambda m: min(m.source_span[1], end) - max(m.source_span[0], start), default=None)
        gold = Counter(c["dimension"] for c in clause["conditions"])
        got = Counter(c.dimension for c in best.conditions) if best else Counter()
        for dim in set(gold) | set(got):
            hit = min(gold[dim], got[dim])
            tp[dim] += hit
            fp[dim] += got[dim] - hit
            fn[dim] += gold[dim] - hit
    return {dim: (tp[dim], fp[dim], fn[dim]) for dim in sorted(set(tp) | set(fp) | set(fn))}


def main() -> int:
    """Run the evaluation; the exit status is the shared scorer's (0 when the bar is met)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=SHARED / "eligibility")
    parser.add_argument("--docs", type=Path, default=SHARED / "corpora" / "ncp-policies" / "docs.jsonl")
    parser.add_argument("--keep", type=Path, help="Use this data dir (kept) instead of a temporary one.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.keep or Path(tmp) / "data"
        services = build_services(Settings(policykg_data_dir=data_dir))  # type: ignore[call-arg]
        started = time.perf_counter()
        services.store.write(reference_change(include_townships=False))
        summary = ingest_paths([args.docs], store=services.store, extractors=services.extractors)
        print(f"ingested {summary.documents} documents in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        started = time.perf_counter()
        matcher = services.matcher
        print(f"compiled {matcher.size} measures in {time.perf_counter() - started:.2f} s", file=sys.stderr)
        answers = Path(tmp) / "answers"
        answers.mkdir()
        started = time.perf_counter()
        profiles = [EnterpriseProfile.model_validate_json(line) for line in (args.gold / "profiles.jsonl").open()]
        for profile in profiles:
            answer = [r.to_json() for r in matcher.match(profile, as_of=AS_OF)]
            (answers / f"{profile.id}.out").write_text(json.dumps(answer, ensure_ascii=False), encoding="utf-8")
        elapsed = (time.perf_counter() - started) * 1000 / max(1, len(profiles))
        print(f"matched {len(profiles)} profiles, {elapsed:.1f} ms each", file=sys.stderr)
        print("condition extraction by dimension (precision / recall):")
        for dim, (tp, fp, fn) in extraction_scores(
            args.gold / "clauses.jsonl", measures_from_graph(services.store)
        ).items():
            precision = tp / (tp + fp) if tp + fp else 0.0
            recall = tp / (tp + fn) if tp + fn else 0.0
            print(f"  {dim:<14} P={precision:.2f} R={recall:.2f}  (tp {tp}, fp {fp}, fn {fn})")
        services.close()
        scorer = SHARED / "eval" / "eligibility_eval.py"
        return subprocess.run([sys.executable, str(scorer), str(args.gold), str(answers), str(args.docs)]).returncode


if __name__ == "__main__":
    sys.exit(main())
