"""Behaviour/other conditions without a catalogue fact, on the NCP corpus split into two halves.

Ingests ``docs.jsonl`` (reference data + every document, lexical-only index) the way
``benchmarks/eligibility_eval.py`` does, takes every behaviour/``other`` condition of every measure, and prints,
for the two halves of the documents separately (the parity of the source id's CRC-32, so a document stays in its
half whatever the extractors make of the others; before 2026-12-07's second session it was the position among
the documents that had measures, which moved whenever a gate changed), the share of those
conditions with a catalogue fact (``eligibility/resources/facts.tsv``) — the rest are asked in their own words.
``--half even`` (or ``odd``) scores one half only; ``--list`` also lists the scored conditions without a fact,
grouped under the most frequent word (rjieba) each contains, largest group first, so the catalogue can grow
where it is thinnest (tune on one half, score the other once).

Usage: python benchmarks/catalogue_gaps.py [--docs DOCS_JSONL] [--half even|odd] [--list] [--keep DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import zlib
from collections import Counter
from pathlib import Path

import rjieba

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.bootstrap import build_services  # noqa: E402
from api.settings import Settings  # noqa: E402
from eligibility.facts import fact_catalogue  # noqa: E402
from eligibility.measures import measures_from_graph  # noqa: E402
from ingest.pipeline import ingest_paths  # noqa: E402
from ingest.reference import reference_change  # noqa: E402
from ontology.eligibility import ConditionSpec  # noqa: E402

SHARED = ROOT.parent / "shared"
HALVES = ("even", "odd")
# words that name no kind of condition
_STOP = {"企业", "单位", "的", "和", "及", "或", "等", "对", "在", "为", "与", "个体工商户", "经营", "疫情", "期间"}


def half_of(source_id: str) -> str:
    """The half of a document: the parity of its id's CRC-32, fixed whatever the extractors make of the corpus."""
    return HALVES[zlib.crc32(source_id.encode("utf-8")) % 2]


def conditions_by_half(data_dir: Path, docs: Path) -> dict[str, list[ConditionSpec]]:
    """Every behaviour/other condition of the corpus, under the half (``half_of``) of its document."""
    services = build_services(Settings(policykg_data_dir=data_dir, policykg_embedder="none"))  # type: ignore[call-arg]
    try:
        if not services.store.count("NormativeDocument"):
            started = time.perf_counter()
            services.store.write(reference_change(include_townships=False))
            summary = ingest_paths([docs], store=services.store, extractors=services.extractors)
            print(f"ingested {summary.documents} documents in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        measures = measures_from_graph(services.store)
    finally:
        services.close()
    halves: dict[str, list[ConditionSpec]] = {half: [] for half in HALVES}
    for m in measures:
        for c in m.conditions:
            if c.dimension in ("behaviour", "other"):
                halves[half_of(m.source_id)].append(c)
    return halves


def clusters(texts: list[str]) -> list[tuple[str, list[str]]]:
    """``texts`` grouped under the most frequent word each contains, largest group first."""
    words = {t: {w for w in rjieba.cut(t) if len(w) > 1 and w not in _STOP} for t in set(texts)}
    counts = Counter(w for t in texts for w in words[t])
    groups: dict[str, list[str]] = {}
    for t in texts:
        key = max(words[t], key=lambda w: (counts[w], w), default="")
        groups.setdefault(key, []).append(t)
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def main() -> int:
    """Print the share per half, and the unmapped conditions of one half when asked."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, default=SHARED / "corpora" / "ncp-policies" / "docs.jsonl")
    parser.add_argument("--half", choices=HALVES, help="Score (and list) this half only (default: score both).")
    parser.add_argument("--list", action="store_true", help="List the scored halves' conditions without a fact.")
    parser.add_argument("--keep", type=Path, help="Use this data dir (kept) instead of a temporary one.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        halves = conditions_by_half(args.keep or Path(tmp) / "data", args.docs)
    catalogue = fact_catalogue()
    total = with_fact = 0
    scored = [args.half] if args.half else list(HALVES)
    for half in scored:
        conditions = halves[half]
        known = sum(c.fact in catalogue for c in conditions)
        total += len(conditions)
        with_fact += known
        share = known / max(1, len(conditions))
        print(f"{half} half: {known} of {len(conditions)} with a catalogue fact ({share:.1%})")
    if not args.half:
        print(f"all: {with_fact} of {total} ({with_fact / max(1, total):.1%})")
    if args.list:
        unmapped = [c.text for half in scored for c in halves[half] if c.fact not in catalogue]
        for key, texts in clusters(unmapped):
            print(f"\n## {key or '(no word)'}: {len(texts)}")
            for text, n in Counter(texts).most_common():
                print(f"  {n:>3}  {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
