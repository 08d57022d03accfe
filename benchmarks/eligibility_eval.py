"""Eligibility evaluation on a labelled split (default ../shared/eligibility): the whole pipeline end to end.

Ingests ``docs.jsonl`` (reference data + every document, with the registered extractors) into a temporary data
dir, answers ``match`` as of 2020-03-01 for every profile of the split into an answers folder (the JSON that
``policykg match --profile P.json --as-of 2020-03-01 --json`` prints), runs the shared scorer
(``eval/eligibility_eval.py``: verdict accuracy, precision of ``eligible``), and prints condition-extraction
precision/recall by dimension against ``clauses.jsonl`` (a gold clause is compared with the measure of the
same document that overlaps it most; conditions are counted per dimension).

With ``--dev a`` (or ``b``, ``c``, ``a,b``, ``newer_b``, ``newer_c``, ``newer_d``, ``newer_e``, ``newer_f``) the gold
is a development set of ``benchmarks/data/eligibility_dev`` (``ncp_<name>_clauses.jsonl``, or ``<name>_clauses.jsonl``
with its own ``<name>_docs.jsonl`` ingested instead of ``--docs``; labelled from the text; see its README): its support
measures become a gold folder with verdicts judged by the labelling rules (``benchmarks/dev_gold.py``) and scored
by the same shared scorer, and three more figures are printed: measure detection precision/recall against every
labelled unit (support measures and the negatives: directives, statistics, headings, narrative, and all of
news/FAQ/report documents), and the **false measures offered**: eligible items for five profiles that are not
support measures.

Usage: python benchmarks/eligibility_eval.py [--gold DIR | --dev a,b] [--docs DOCS_JSONL] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.bootstrap import build_services  # noqa: E402
from api.settings import Settings  # noqa: E402
from eligibility.facts import fact_catalogue  # noqa: E402
from eligibility.measures import measures_from_graph  # noqa: E402
from eligibility.profile import EnterpriseProfile  # noqa: E402
from ingest.pipeline import ingest_paths  # noqa: E402
from ingest.reference import reference_change  # noqa: E402
from ontology.eligibility import MeasureSpec  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from dev_gold import load_labels, write_gold  # noqa: E402

SHARED = ROOT.parent / "shared"
DEV = ROOT / "benchmarks" / "data" / "eligibility_dev"
NON_POLICY_KINDS = {"news", "faq", "report", "notice_control"}
OFFER_PROFILES = 5
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


def _overlap(a: tuple[int, int] | list[int], b: tuple[int, int] | list[int]) -> int:
    return min(a[1], b[1]) - max(a[0], b[0])


def _judge(measure: MeasureSpec, units: list[dict[str, Any]], doc_kind: str | None) -> bool | None:
    """True when a system measure is a labelled support measure, False when it is a labelled non-measure (or
    lies in a news/FAQ/report document), None when no labelled unit covers it."""
    if doc_kind in NON_POLICY_KINDS:
        return False
    touched = [
        u
        for u in units
        if _overlap(measure.source_span, u["span"])
        >= 0.5 * min(u["span"][1] - u["span"][0], measure.source_span[1] - measure.source_span[0])
    ]
    if not touched:
        return None
    return any(u["kind"] == "support_measure" for u in touched)


def detection_scores(labels: list[dict[str, Any]], measures: list[MeasureSpec]) -> dict[str, float]:
    """Measure detection against the labelled units: recall of support measures, precision over judged measures."""
    units: dict[str, list[dict[str, Any]]] = {}
    kinds: dict[str, str] = {}
    for u in labels:
        units.setdefault(u["docid"], []).append(u)
        kinds[u["docid"]] = u.get("doc_kind") or ""
    by_doc: dict[str, list[MeasureSpec]] = {}
    for m in measures:
        by_doc.setdefault(m.source_id, []).append(m)
    gold = [u for u in labels if u["kind"] == "support_measure"]
    found = sum(
        any(
            _overlap(m.source_span, u["span"]) >= 0.5 * (u["span"][1] - u["span"][0])
            for m in by_doc.get(u["docid"], [])
        )
        for u in gold
    )
    judged = [_judge(m, units[d], kinds[d]) for d in units for m in by_doc.get(d, [])]
    right = sum(j is True for j in judged)
    wrong = sum(j is False for j in judged)
    return {
        "gold measures": len(gold),
        "recall": found / len(gold) if gold else 0.0,
        "judged measures": right + wrong,
        "precision": right / (right + wrong) if right + wrong else 0.0,
    }


def false_offers(labels: list[dict[str, Any]], answers: list[list[dict[str, Any]]]) -> tuple[int, int, int]:
    """(eligible items, items judged against the labels, judged items that are not support measures)."""
    units: dict[str, list[dict[str, Any]]] = {}
    kinds: dict[str, str] = {}
    for u in labels:
        units.setdefault(u["docid"], []).append(u)
        kinds[u["docid"]] = u.get("doc_kind") or ""
    eligible = judged = false = 0
    for answer in answers:
        for item in answer:
            if item["verdict"] != "eligible":
                continue
            eligible += 1
            doc = str(item["source_id"])
            if doc not in units:
                continue
            span = item["source_span"]
            measure = MeasureSpec("", doc, doc, tuple(span), tuple(span), "")  # type: ignore[arg-type]
            verdict = _judge(measure, units[doc], kinds[doc])
            if verdict is not None:
                judged += 1
                false += verdict is False
            if verdict is False and os.environ.get("POLICYKG_SHOW_FALSE_OFFERS"):
                print(f"  false offer: {doc} {span} {str(item['clause_text'])[:100]}", file=sys.stderr)
    return eligible, judged, false


def dev_labels(name: str) -> Path:
    """The labels file of a development set: ``ncp_<name>_clauses.jsonl`` (a, b, c) or ``<name>_clauses.jsonl``."""
    ncp = DEV / f"ncp_{name}_clauses.jsonl"
    return ncp if ncp.exists() else DEV / f"{name}_clauses.jsonl"


def main() -> int:
    """Run the evaluation; the exit status is the shared scorer's (0 when the bar is met)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=SHARED / "eligibility")
    parser.add_argument("--dev", help="Development set(s) of benchmarks/data/eligibility_dev: a, c, a,b, newer_b …")
    parser.add_argument("--docs", type=Path, default=SHARED / "corpora" / "ncp-policies" / "docs.jsonl")
    parser.add_argument("--keep", type=Path, help="Use this data dir (kept) instead of a temporary one.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        labels: list[dict[str, Any]] = []
        if args.dev:
            names = args.dev.split(",")
            labels = load_labels([dev_labels(name) for name in names])
            own_docs = DEV / f"{names[0]}_docs.jsonl"
            if len(names) == 1 and own_docs.exists():  # a newer-policy set carries its documents
                args.docs = own_docs
            args.gold = Path(tmp) / "gold"
            pairs = write_gold(labels, SHARED / "eligibility" / "profiles.jsonl", args.gold)
            print(f"dev set {args.dev}: {len(labels)} labelled units, {pairs} gold pairs", file=sys.stderr)
        data_dir = args.keep or Path(tmp) / "data"
        # matching needs no vectors: the index is built lexical-only
        services = build_services(Settings(policykg_data_dir=data_dir, policykg_embedder="none"))  # type: ignore[call-arg]
        started = time.perf_counter()
        if not services.store.count("NormativeDocument"):
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
        answered: list[list[dict[str, Any]]] = []
        for profile in profiles:
            answer = [r.to_json() for r in matcher.match(profile, as_of=AS_OF)]
            answered.append(answer)
            (answers / f"{profile.id}.out").write_text(json.dumps(answer, ensure_ascii=False), encoding="utf-8")
        elapsed = (time.perf_counter() - started) * 1000 / max(1, len(profiles))
        print(f"matched {len(profiles)} profiles, {elapsed:.1f} ms each", file=sys.stderr)
        measures = measures_from_graph(services.store)
        print("condition extraction by dimension (precision / recall):")
        for dim, (tp, fp, fn) in extraction_scores(args.gold / "clauses.jsonl", measures).items():
            precision = tp / (tp + fp) if tp + fp else 0.0
            recall = tp / (tp + fn) if tp + fn else 0.0
            print(f"  {dim:<14} P={precision:.2f} R={recall:.2f}  (tp {tp}, fp {fp}, fn {fn})")
        behaviour = [c for m in measures for c in m.conditions if c.dimension in ("behaviour", "other")]
        catalogued = sum(c.fact in fact_catalogue() for c in behaviour)
        print(
            f"behaviour/other conditions with a catalogue fact: {catalogued} of {len(behaviour)} "
            f"({catalogued / max(1, len(behaviour)):.1%}; the rest are asked in their own words)"
        )
        if labels:
            d = detection_scores(labels, measures)
            print(
                f"measure detection: recall {d['recall']:.3f} of {d['gold measures']:.0f} labelled measures, "
                f"precision {d['precision']:.3f} over {d['judged measures']:.0f} judged measures"
            )
            eligible, judged, false = false_offers(labels, answered[:OFFER_PROFILES])
            print(
                f"false measures offered ({OFFER_PROFILES} profiles): {false} of {judged} judged eligible items "
                f"({eligible} eligible items in all)"
            )
        services.close()
        scorer = SHARED / "eval" / "eligibility_eval.py"
        return subprocess.run([sys.executable, str(scorer), str(args.gold), str(answers), str(args.docs)]).returncode


if __name__ == "__main__":
    sys.exit(main())
